import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import type { Backend } from './backend.js';

/** Pure-JavaScript backend for browsers and service workers: no `node:` imports. */
export const nobleBackend: Backend = {
  seal(key, nonce, plaintext) {
    return chacha20poly1305(key, nonce).encrypt(plaintext);
  },
  sealParts(key, nonce, plaintext) {
    const sealed = chacha20poly1305(key, nonce).encrypt(plaintext);
    return [sealed.subarray(0, plaintext.length), sealed.subarray(plaintext.length)];
  },
  open(key, nonce, ciphertext) {
    try {
      return chacha20poly1305(key, nonce).decrypt(ciphertext);
    } catch {
      return null;
    }
  },
  scrypt(passphrase, salt, logN) {
    return scryptAsync(passphrase, salt, { N: 2 ** logN, r: 8, p: 1, dkLen: 32, maxmem: 2 ** 32 + 1024 });
  },
  randomBytes(length) {
    return globalThis.crypto.getRandomValues(new Uint8Array(length));
  },
};
