import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { HubError } from './errors.js';

/*
 * What the hub trusts, and why. The server is run by someone else: if the hub encrypted to whatever recipient
 * `GET /api/hub/config` names, an operator could swap in its own key and read every new clip. So the hub pins
 * the owner's recipient when it is paired — checked against a fingerprint the owner's unlocked browser shows,
 * derived there from the identity itself — and encrypts only to that pinned key. A different key from the
 * server later is refused until the owner pairs again from the browser.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 20 Crockford base32 symbols: 100 bits of SHA-256, so no one can make another key with the same print. */
const FINGERPRINT_SYMBOLS = 20;

/** The message for a server that asks the hub to encrypt to a key it was not paired with. */
export const KEY_CHANGED_MESSAGE =
  'the server now asks to encrypt to a different key than the one you paired with; pair again from your ' +
  'browser (Vault → Hubs) — nothing was encrypted to the new key';

/**
 * The fingerprint of an age recipient as the owner's browser shows it: the first 100 bits of SHA-256 of the
 * recipient string in Crockford base32, in groups of four (`7K2Q-D0XA-…`). The web app computes the same.
 */
export function recipientFingerprint(recipient: string): string {
  const digest = createHash('sha256').update(recipient, 'utf8').digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < FINGERPRINT_SYMBOLS) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === FINGERPRINT_SYMBOLS) break;
  }
  return out.match(/.{4}/g)!.join('-');
}

/**
 * The canonical form of a typed fingerprint (case, spaces and dashes don't matter; I/L read as 1, O as 0), or
 * null when it cannot be one.
 */
export function normaliseFingerprint(input: string): string | null {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (!new RegExp(`^[${ALPHABET}]{${FINGERPRINT_SYMBOLS}}$`).test(compact)) return null;
  return compact.match(/.{4}/g)!.join('-');
}

/**
 * The recipient to encrypt to: the pinned one, after checking the server still names it. A hub paired before
 * pinning existed has no pinned key and must pair again rather than trust the server's.
 */
export function pinnedRecipient(pinned: string | undefined, fromServer: string): string {
  if (!pinned) {
    throw new HubError(
      'this hub was paired before it could pin your vault key; pair again from your browser (Vault → Hubs)',
      'key_changed',
    );
  }
  if (pinned !== fromServer) throw new HubError(KEY_CHANGED_MESSAGE, 'key_changed');
  return pinned;
}

/** A fresh hub-local secret for {@link clientRefOf} (32 random bytes, hex). */
export function newRefKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The upload's idempotency ref for `file`: HMAC-SHA256 of its bytes under the hub's secret. The same file
 * from the same hub gets the same ref (so the server refuses a second copy), but the ref says nothing about
 * the content to anyone without the secret — a plain hash would let the operator confirm a video it holds.
 */
export async function clientRefOf(refKey: string, file: string): Promise<string> {
  const mac = createHmac('sha256', Buffer.from(refKey, 'hex'));
  for await (const chunk of createReadStream(file)) mac.update(chunk as Buffer);
  return `upload:${mac.digest('hex').slice(0, 40)}`;
}
