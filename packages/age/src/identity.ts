import { settle } from './errors.js';
import { encodeIdentity, encodeRecipient, parseIdentity, parseRecipient, recipientOf } from './x25519.js';

/** A new X25519 identity (`AGE-SECRET-KEY-1…`) and its recipient (`age1…`), as `age-keygen` makes them. */
export function generateIdentity(): Promise<{ identity: string; recipient: string }> {
  return settle(() => {
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(32));
    return { identity: encodeIdentity(secret), recipient: encodeRecipient(recipientOf(secret)) };
  });
}

/** The `age1…` recipient of an identity; throws `AgeError('invalid identity')` for anything else. */
export function identityToRecipient(identity: string): Promise<string> {
  return settle(() => encodeRecipient(recipientOf(parseIdentity(identity))));
}

/** Whether `s` is a well-formed age X25519 recipient (`age1…`, lowercase bech32, 32-byte key). */
export function isRecipient(s: string): boolean {
  try {
    parseRecipient(s);
    return true;
  } catch {
    return false;
  }
}
