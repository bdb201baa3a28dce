import { describe, expect, it } from 'vitest';
import { sameWords } from './ProblemAlert';

describe('a problem alert shows its detail only when it adds something', () => {
  it('treats a detail that repeats the title in other case or punctuation as the same', () => {
    expect(
      sameWords('an account with this email already exists', 'An account with this email already exists'),
    ).toBe(true);
    expect(sameWords('Not found.', 'Not found')).toBe(true);
    expect(sameWords(undefined, 'Not found')).toBe(true);
  });

  it('keeps a detail that says more', () => {
    expect(sameWords('no post with this id is visible to you', 'Not found')).toBe(false);
  });
});
