import { isProblem, type Problem } from '@porchlight/api-client';

/** A failed API call, carrying the server's RFC 9457 problem document (or one made up for network errors). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }

  get code(): string {
    return this.problem.code;
  }

  /**
   * Per-field messages keyed by the field's path inside the request, without the `/body/` prefix:
   * `/body/person/behaviour` becomes `person/behaviour`. The first message for a field wins.
   */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.field.replace(/^\/(body|querystring|params)\/?/, '');
      out[key] ??= humanise(e.message);
    }
    return out;
  }
}

/**
 * The same error once a person has edited `field`: its message goes (it no longer describes what is typed);
 * a validation error with no field left goes entirely.
 */
export function withoutField(error: ApiError | null, field: string): ApiError | null {
  if (!error?.problem.errors?.length) return error;
  const errors = error.problem.errors.filter(
    (e) => e.field.replace(/^\/(body|querystring|params)\/?/, '') !== field,
  );
  if (errors.length === error.problem.errors.length) return error;
  if (errors.length === 0 && error.code === 'validation_failed') return null;
  return new ApiError({ ...error.problem, errors });
}

const offline: Problem = {
  type: 'about:blank',
  title: 'Cannot reach Porchlight',
  status: 0,
  detail: 'Porchlight could not be reached. Check your connection and try again.',
  code: 'network_error',
};

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits a typed-client call and returns its data, or throws an {@link ApiError} with the problem document.
 * Network failures become a `network_error` problem so every caller handles one kind of error.
 */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch {
    throw new ApiError(offline);
  }
  if (result.error !== undefined || result.data === undefined) {
    const { error, response } = result;
    throw new ApiError(
      isProblem(error)
        ? error
        : {
            type: 'about:blank',
            title: response.statusText || 'Request failed',
            status: response.status,
            detail: `The server answered ${response.status} ${response.statusText}.`,
            code: 'unexpected_response',
          },
    );
  }
  return result.data;
}

/** The error as an {@link ApiError}; anything else (a bug) is wrapped so the UI can still show it. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({
    type: 'about:blank',
    title: 'Something went wrong',
    status: 0,
    detail: err instanceof Error ? err.message : String(err),
    code: 'client_error',
  });
}

/** Turns the validator's phrasing into something a person would write. */
function humanise(message: string): string {
  const fewer = /must NOT have fewer than (\d+) characters/.exec(message);
  if (fewer) return fewer[1] === '1' ? 'This is required.' : `Use at least ${fewer[1]} characters.`;
  const more = /must NOT have more than (\d+) characters/.exec(message);
  if (more) return `Use at most ${more[1]} characters.`;
  if (message.startsWith('must match format "email"')) return 'Enter an email address like name@example.org.';
  if (message === 'is required') return 'This is required.';
  if (message.startsWith('must match pattern')) return 'This cannot be blank.';
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** A validation error raised before sending, shaped like the server's so forms show it the same way. */
export function invalidField(field: string, message: string): ApiError {
  return invalidFields({ [field]: message });
}

/** Several fields found wrong in the browser at once, so a form flags all of them on the first try. */
export function invalidFields(messages: Record<string, string>): ApiError {
  const errors = Object.entries(messages).map(([field, message]) => ({ field: `/body/${field}`, message }));
  return new ApiError({
    type: 'about:blank',
    title: 'The request is not valid',
    status: 400,
    detail: errors.map((e) => e.message).join(' '),
    code: 'validation_failed',
    errors,
  });
}

/** An error found in the browser (bad input, a denied permission), shown like a server problem. */
export function localError(title: string, detail: string): ApiError {
  return new ApiError({ type: 'about:blank', title, status: 0, detail, code: 'client_error' });
}
