/**
 * The primitives whose fastest implementation differs between Node and the browser. Everything else (X25519,
 * HKDF, HMAC, bech32) is small, header-only work done with @noble/* everywhere.
 */
export interface Backend {
  /** ChaCha20-Poly1305 with a 32-byte key, 12-byte nonce and no associated data; returns ciphertext ‖ tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** {@link Backend.seal} as `[ciphertext, tag]`, for writers that gather buffers (writev) rather than copy them. */
  sealParts(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array[];
  /** Inverse of {@link Backend.seal}; `null` when the tag does not verify (no plaintext is released). */
  open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  /** scrypt with r = 8, p = 1, N = 2^logN and a 32-byte output. */
  scrypt(passphrase: Uint8Array, salt: Uint8Array, logN: number): Promise<Uint8Array>;
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
}
