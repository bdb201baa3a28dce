/**
 * An error the hub explains to its owner: the message says what went wrong and what to do, and is printed
 * without a stack trace. `code` lets callers react (stop on a revoked token, pause on a full disk).
 */
export class HubError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'invalid'
      | 'revoked'
      | 'key_changed'
      | 'disk_full'
      | 'unreadable'
      | 'frigate_unreachable'
      | 'not_ready'
      | 'server' = 'invalid',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HubError';
  }
}

/** The message shown when the server says this hub's device token was revoked. */
export const REVOKED_MESSAGE = 'this hub was revoked; pair again with `porchlight-hub pair`';

/** True for Node's "no space left on device" error. */
export function isDiskFull(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOSPC';
}
