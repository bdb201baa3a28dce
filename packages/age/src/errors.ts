/**
 * The one error type of this package. Messages are short, lowercase and stable ("wrong passphrase",
 * "no identity matched", "header mac mismatch") so callers can show them or map them to API errors.
 */
export class AgeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgeError';
  }
}

/** Runs `work` so that a synchronous throw becomes a rejected promise, as callers of an async API expect. */
export function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}
