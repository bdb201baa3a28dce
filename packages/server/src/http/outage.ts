import { AppError } from '../errors.js';

/** Seconds a client should wait before retrying a request that met an outage (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 5;

/** Socket errors: the database or the blob store is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** PostgreSQL SQLSTATEs of a server going away or not yet taking connections. */
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;
/** S3 error names a store answers while overloaded or down. */
const S3_UNAVAILABLE = new Set(['ServiceUnavailable', 'SlowDown', 'InternalError', 'TimeoutError']);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function causes(err: unknown, depth = 0): ErrorLike[] {
  if (depth > 4 || typeof err !== 'object' || err === null) return [];
  const e = err as ErrorLike;
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => causes(x, depth + 1)) : [];
  return [e, ...causes(e.cause, depth + 1), ...nested];
}

/**
 * The problem a request should get when `err` is an outage of something the server depends on rather than a bug:
 * the database unreachable (restart, failover), the S3-compatible store down, or the disk full. Such a request
 * is answered 503 with `Retry-After` (the client tries again; nothing was half-written — the transaction rolled
 * back, a tus upload's offset is where it was), not 500. `undefined` for every other error.
 */
export function outageError(err: unknown): AppError | undefined {
  for (const e of causes(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (code === 'ENOSPC' || code === '53100' || /no space left on device/i.test(message)) {
      return new AppError('unavailable', 'the server is out of storage space; try again later');
    }
    if (
      NETWORK_CODES.has(code) ||
      PG_UNAVAILABLE.test(code) ||
      /^Connection terminated/.test(message) ||
      /^(timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message)
    ) {
      return new AppError('unavailable', 'a service the server depends on is unreachable; try again later');
    }
    const status = e.$metadata?.httpStatusCode;
    if (
      (typeof e.name === 'string' && S3_UNAVAILABLE.has(e.name)) ||
      (status !== undefined && status >= 500)
    ) {
      return new AppError('unavailable', 'the clip store is unavailable; try again later');
    }
  }
  return undefined;
}

/** tus's `onResponseError`: an outage becomes a 503 problem document instead of tus's plain-text 500. */
export function tusOutage(_req: unknown, err: unknown): { status_code: number; body: string } | undefined {
  const outage = outageError(err);
  if (!outage) return undefined;
  return {
    status_code: outage.status,
    body: JSON.stringify({
      type: `https://porchlight.invalid/problems/${outage.code}`,
      title: outage.title,
      status: outage.status,
      detail: outage.detail,
      code: outage.code,
    }),
  };
}
