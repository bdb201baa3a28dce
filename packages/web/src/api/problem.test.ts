import { describe, expect, it } from 'vitest';
import { ApiError, call, invalidFields, withoutField } from './problem';

const problem = {
  type: 'https://porchlight.invalid/problems/validation_failed',
  title: 'The request is not valid',
  status: 400,
  detail: '/body/title must NOT have fewer than 3 characters',
  code: 'validation_failed',
  errors: [
    { field: '/body/title', message: 'must NOT have fewer than 3 characters' },
    { field: '/body/person/behaviour', message: 'say what the person did (at least 10 characters)' },
    { field: '/body/title', message: 'must match pattern "\\S"' },
  ],
};

describe('ApiError', () => {
  it('keys field messages by their path in the body, first message per field, in plain words', () => {
    expect(new ApiError(problem).fields).toEqual({
      title: 'Use at least 3 characters.',
      'person/behaviour': 'Say what the person did (at least 10 characters)',
    });
  });
});

describe('call', () => {
  const response = (status: number) => new Response(null, { status, statusText: 'Nope' });

  it('returns the data of a successful call', async () => {
    await expect(call(Promise.resolve({ data: { ok: 1 }, response: response(200) }))).resolves.toEqual({
      ok: 1,
    });
  });

  it('throws the problem document of a failed call', async () => {
    await expect(call(Promise.resolve({ error: problem, response: response(400) }))).rejects.toMatchObject({
      code: 'validation_failed',
      message: problem.detail,
    });
  });

  it('turns a network failure into a network_error problem', async () => {
    await expect(call(Promise.reject(new TypeError('fetch failed')))).rejects.toMatchObject({
      code: 'network_error',
    });
  });

  it('turns a response that is not a problem into one naming the status', async () => {
    await expect(
      call(Promise.resolve({ error: 'Bad Gateway', response: response(502) })),
    ).rejects.toMatchObject({
      code: 'unexpected_response',
      problem: { status: 502 },
    });
  });
});

describe('a form error once a field is edited', () => {
  it('drops only that field, and the whole error when no field is left', () => {
    const all = invalidFields({ category: 'Choose a category.', title: 'Give it a title.' });
    expect(all.fields).toEqual({ category: 'Choose a category.', title: 'Give it a title.' });
    const left = withoutField(all, 'title');
    expect(left?.fields).toEqual({ category: 'Choose a category.' });
    expect(withoutField(left, 'category')).toBeNull();
    expect(withoutField(null, 'title')).toBeNull();
  });

  it('keeps an error that is not about the edited field', () => {
    const server = new ApiError(problem);
    expect(withoutField(server, 'body')).toBe(server);
    expect(withoutField(server, 'title')?.fields).toEqual({
      'person/behaviour': 'Say what the person did (at least 10 characters)',
    });
  });
});
