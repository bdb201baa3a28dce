import { randomBytes } from 'node:crypto';

/** An opaque footage-request id: `rq_` and 22 base64url characters of 16 random bytes. */
export const REQUEST_ID = /^rq_[A-Za-z0-9_-]{22}$/;

/**
 * A new opaque id with the given prefix. Random rather than sequential, so an id in a URL or a log entry says
 * nothing about how many requests an agency (or the instance) has made, and cannot be guessed.
 */
export function opaqueId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
