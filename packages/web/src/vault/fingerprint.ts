/**
 * The fingerprint of an age recipient that a hub must be given when it pairs: the first 100 bits of SHA-256
 * of the recipient string in Crockford base32, in groups of four (`SXZ5-D0HH-…`). `porchlight-hub` computes
 * the same (packages/hub/src/pin.ts) and refuses to pair when the server's key does not match it — so an
 * operator who swaps the recipient on the server cannot get a hub to encrypt to its own key.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SYMBOLS = 20;

/** The fingerprint of `recipient` (an `age1…` string). */
export async function recipientFingerprint(recipient: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(recipient)));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < SYMBOLS) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === SYMBOLS) break;
  }
  return (out.match(/.{4}/g) ?? []).join('-');
}
