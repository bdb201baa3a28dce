import { base64nopad } from '@scure/base';
import { AgeError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 encoding of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes ASCII/UTF-8 bytes, rejecting invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** One new array holding `parts` back to back. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Compares without an early exit, so timing does not reveal where two MACs differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Standard base64 without padding, as age writes it. */
export function encodeBase64(bytes: Uint8Array): string {
  return base64nopad.encode(bytes);
}

/**
 * Decodes age's unpadded base64, accepting only the canonical encoding: padding, non-alphabet characters and
 * non-zero trailing bits are rejected, so every header has exactly one byte representation (the MAC covers it).
 */
export function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) throw new AgeError('invalid base64');
  let bytes: Uint8Array;
  try {
    bytes = base64nopad.decode(text);
  } catch {
    throw new AgeError('non-canonical base64');
  }
  if (base64nopad.encode(bytes) !== text) throw new AgeError('non-canonical base64');
  return bytes;
}
