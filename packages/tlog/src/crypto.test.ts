import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleCrypto } from './crypto.js';
import { nodeCrypto } from './crypto-node.js';

const bytes = (min = 0, max = 300) => fc.uint8Array({ minLength: min, maxLength: max });
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the browser primitives (@noble) and the Node primitives (node:crypto)', () => {
  it('hash every input to the same SHA-256, however it is split', () => {
    fc.assert(
      fc.property(fc.array(bytes(), { maxLength: 5 }), (parts) => {
        expect(hex(nobleCrypto.sha256(...parts))).toBe(hex(nodeCrypto.sha256(...parts)));
      }),
    );
    expect(hex(nobleCrypto.sha256())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('derive the same public key and the same signature, and each accepts the other’s', () => {
    fc.assert(
      fc.property(seed, bytes(), (s, message) => {
        const pub = nodeCrypto.ed25519PublicKey(s);
        expect(hex(nobleCrypto.ed25519PublicKey(s))).toBe(hex(pub));
        const sig = nodeCrypto.ed25519Sign(s, message);
        expect(hex(nobleCrypto.ed25519Sign(s, message))).toBe(hex(sig));
        expect(nobleCrypto.ed25519Verify(pub, message, sig)).toBe(true);
        expect(nodeCrypto.ed25519Verify(pub, message, nobleCrypto.ed25519Sign(s, message))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('refuse the same forgeries: a flipped bit anywhere, a wrong length, a non-canonical S', () => {
    const s = new Uint8Array(32).fill(7);
    const pub = nodeCrypto.ed25519PublicKey(s);
    const message = new TextEncoder().encode('porchlight.org/log\n42\n');
    const sig = nodeCrypto.ed25519Sign(s, message);
    const forgeries: Uint8Array[] = [sig.subarray(0, 63), new Uint8Array(64)];
    for (let bit = 0; bit < 512; bit += 37) {
      const f = sig.slice();
      f[bit >> 3]! ^= 1 << (bit & 7);
      forgeries.push(f);
    }
    // S + L (the group order) verifies in lax implementations; RFC 8032 requires S < L.
    const L = [
      0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    const malleable = sig.slice();
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const v = malleable[32 + i]! + L[i]! + carry;
      malleable[32 + i] = v & 0xff;
      carry = v >> 8;
    }
    forgeries.push(malleable);
    for (const f of forgeries) {
      expect(nodeCrypto.ed25519Verify(pub, message, f)).toBe(false);
      expect(nobleCrypto.ed25519Verify(pub, message, f)).toBe(false);
    }
    const otherMessage = new TextEncoder().encode('porchlight.org/log\n43\n');
    expect(nobleCrypto.ed25519Verify(pub, otherMessage, sig)).toBe(false);
    expect(nobleCrypto.ed25519Verify(pub.subarray(1), message, sig)).toBe(false);
  });
});
