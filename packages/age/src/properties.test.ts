import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AgeError,
  armor,
  dearmor,
  decrypt,
  decryptStream,
  encrypt,
  encryptStream,
  generateIdentity,
  openPayload,
  parseHeader,
} from './index.js';
import { join8, pipe, plaintextOf } from './test-support/fixtures.js';

const { identity, recipient } = await generateIdentity();
const CHUNK = 65536;
const SEALED = CHUNK + 16;

/** Sizes biased towards chunk boundaries, where the interesting bugs live. */
const size = fc.oneof(
  fc.integer({ min: 0, max: 3 * CHUNK + 100 }),
  fc
    .constantFrom(0, 1, 2)
    .chain((k) => fc.integer({ min: k * CHUNK - 2, max: k * CHUNK + 2 }).filter((n) => n >= 0)),
);
const writes = fc.array(fc.integer({ min: 1, max: 80_000 }), { minLength: 1, maxLength: 6 });

describe('properties', { timeout: 240_000 }, () => {
  it('streams round-trip any plaintext split into any writes', async () => {
    await fc.assert(
      fc.asyncProperty(size, fc.nat(), writes, writes, async (n, seed, encryptWrites, decryptWrites) => {
        const plaintext = plaintextOf(n, seed);
        const ciphertext = await pipe(plaintext, encryptStream([recipient]), encryptWrites);
        expect(Buffer.from(await decrypt(ciphertext, [identity])).equals(plaintext)).toBe(true);
        const back = await pipe(ciphertext, decryptStream([identity]), decryptWrites);
        expect(Buffer.from(back).equals(plaintext)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('random access returns exactly the requested plaintext range', async () => {
    const plaintext = plaintextOf(3 * CHUNK + 777, 4);
    const ciphertext = await encrypt(plaintext, [recipient]);
    const reader = await openPayload(ciphertext.subarray(0, 1024), [identity]);
    const last = reader.chunkCount(ciphertext.length) - 1;
    await fc.assert(
      fc.asyncProperty(fc.nat(plaintext.length), fc.nat(plaintext.length), async (a, b) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        const range = reader.ciphertextRange(start, end, ciphertext.length);
        const parts: Uint8Array[] = [];
        for (let i = range.firstChunk; i <= range.lastChunk; i++) {
          const from = range.start + (i - range.firstChunk) * SEALED;
          parts.push(
            await reader.decryptChunk(
              i,
              ciphertext.subarray(from, Math.min(from + SEALED, range.end)),
              i === last,
            ),
          );
        }
        const skip = start - range.firstChunk * CHUNK;
        expect(
          Buffer.from(join8(parts).subarray(skip, skip + end - start)).equals(plaintext.subarray(start, end)),
        ).toBe(true);
        expect(range.end - range.start).toBeLessThanOrEqual(
          (range.lastChunk - range.firstChunk + 1) * SEALED,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('no single flipped bit anywhere in a file goes unnoticed', async () => {
    const plaintext = plaintextOf(CHUNK + 500, 8);
    const ciphertext = await encrypt(plaintext, [recipient]);
    await fc.assert(
      fc.asyncProperty(fc.nat(ciphertext.length - 1), fc.nat(7), async (position, bit) => {
        const bytes = ciphertext.slice();
        bytes[position]! ^= 1 << bit;
        await expect(decrypt(bytes, [identity])).rejects.toThrow(AgeError);
      }),
      { numRuns: 150 },
    );
  });

  it('parseHeader on arbitrary bytes returns a header, asks for more, or throws AgeError — nothing else', () => {
    const valid = new TextEncoder().encode('age-encryption.org/v1\n-> X25519 ');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, prefixed) => {
        const bytes = prefixed ? join8([valid, tail]) : tail;
        try {
          const header = parseHeader(bytes);
          if (header) expect(header.headerLength).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(AgeError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('armor round-trips any bytes and keeps strict 64-column lines', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), (bytes) => {
        const armored = armor(bytes);
        expect(Buffer.from(dearmor(armored)).equals(bytes)).toBe(true);
        expect(Buffer.from(dearmor(armored.replaceAll('\n', '\r\n'))).equals(bytes)).toBe(true);
        const body = armored.trim().split('\n').slice(1, -1);
        for (const line of body.slice(0, -1)) expect(line.length).toBe(64);
      }),
      { numRuns: 300 },
    );
  });
});
