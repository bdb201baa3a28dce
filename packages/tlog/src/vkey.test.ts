import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSignerKey,
  formatVerifierKey,
  generateSigner,
  keyId,
  parseSignerKey,
  parseVerifierKey,
} from './vkey.js';

interface Vectors {
  vectors: { vkey?: string; skey?: string; badVkeys?: string[] }[];
}

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const { vectors } = JSON.parse(
  readFileSync(path.join(shared, 'vectors/tlog/signed-note-vectors.json'), 'utf8'),
) as Vectors;
const vkeys = vectors.flatMap((v) => (v.vkey === undefined ? [] : [v.vkey]));
const badVkeys = vectors.flatMap((v) => v.badVkeys ?? []);
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
const key32 = Array.from({ length: 32 }, (_, i) => i);

describe('verifier keys', () => {
  it('loads every vkey vector', () => {
    expect(vkeys).toContain(C2SP_VKEY);
    expect(vkeys).toContain(PETER_VKEY);
    expect(vkeys).toHaveLength(3);
    expect(badVkeys).toHaveLength(2);
  });

  it('parses the c2sp example vkey into its parts', () => {
    const key = parseVerifierKey(C2SP_VKEY);
    expect(key.name).toBe('example.com/foo');
    expect(key.keyId).toBe(0x530d903a);
    expect(key.signatureType).toBe(0x01);
    expect(Buffer.from(key.publicKey).toString('hex')).toBe(
      'e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4',
    );
  });

  it.each(vkeys)('re-derives and re-formats %s exactly', (vkey) => {
    const key = parseVerifierKey(vkey);
    expect(keyId(key.name, key.signatureType, key.publicKey)).toBe(key.keyId);
    expect(formatVerifierKey(key.name, key.signatureType, key.publicKey)).toBe(vkey);
  });

  it.each(badVkeys)('rejects the go bad vkey %s', (vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow();
  });

  it('computes the key id as the first four bytes of sha-256(name, newline, type, key)', () => {
    const publicKey = Uint8Array.from(key32);
    const digest = createHash('sha256').update('a.example\n\x04').update(publicKey).digest();
    expect(keyId('a.example', 0x04, publicKey)).toBe(digest.readUInt32BE(0));
    expect(keyId('a.example', 0x04, publicKey)).not.toBe(keyId('a.example', 0x01, publicKey));
  });

  it.each([
    ['two parts', 'example.com/foo+530d903a'],
    ['four parts', `${C2SP_VKEY}+x`],
    ['empty name', `+530d903a+${b64([1, ...key32])}`],
    ['a seven-digit key id', 'example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['a non-hex key id', 'example.com/foo+530d903g+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['a wrong key id', 'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['a different name', 'example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['url-safe base64', PETER_VKEY.replace('/', '_')],
    ['a 31-byte key', `n+00000000+${b64([1, ...key32.slice(1)])}`],
    ['a 33-byte key', `n+00000000+${b64([1, ...key32, 0])}`],
    ['an empty key', 'n+00000000+'],
    ['a space in the name', good('a b', 1)],
    ['an ideographic space in the name', good('a\u3000b', 1)],
    ['a no-break space in the name', good('a\u00a0b', 1)],
  ])('rejects a vkey with %s', (_, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow();
  });

  function good(name: string, type: number): string {
    const publicKey = Uint8Array.from(key32);
    return `${name}+${keyId(name, type, publicKey).toString(16).padStart(8, '0')}+${b64([type, ...key32])}`;
  }

  it('rejects a vkey with an unknown signature type even when its id matches', () => {
    expect(() => parseVerifierKey(good('n', 0x02))).toThrow('unknown verifier key type');
  });

  it('refuses to format keys it could not parse', () => {
    expect(() => formatVerifierKey('a+b', 1, Uint8Array.from(key32))).toThrow('invalid key name');
    expect(() => formatVerifierKey('n', 2, Uint8Array.from(key32))).toThrow('unknown key type');
    expect(() => formatVerifierKey('n', 1, new Uint8Array(31))).toThrow('public key must be 32 bytes');
  });

  it('round-trips random names, types and keys', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }).filter((n) => !/[\p{White_Space}+]/u.test(n)),
        fc.constantFrom(0x01, 0x04),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (name, type, publicKey) => {
          const key = parseVerifierKey(formatVerifierKey(name, type, publicKey));
          expect(key).toEqual({ name, keyId: keyId(name, type, publicKey), signatureType: type, publicKey });
        },
      ),
    );
  });
});

describe('signer keys', () => {
  it('derives the go vector public key and key id from the go vector seed', () => {
    const key = parseSignerKey(PETER_SKEY);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId).toBe(0xc74f20a3);
    expect(key.publicKey).toEqual(parseVerifierKey(PETER_VKEY).publicKey);
    expect(formatSignerKey(key.name, key.signatureType, key.seed)).toBe(PETER_SKEY);
    expect(formatVerifierKey(key.name, key.signatureType, key.publicKey)).toBe(PETER_VKEY);
  });

  it.each([
    ['a vkey', PETER_VKEY],
    ['a lowercase prefix', PETER_SKEY.replace('PRIVATE+KEY', 'private+key')],
    ['a wrong key id', PETER_SKEY.replace('c74f20a3', 'c74f20a4')],
    ['a different name', PETER_SKEY.replace('PeterNeumann', 'PeterNeuman')],
    ['a truncated seed', PETER_SKEY.slice(0, -4)],
  ])('rejects %s', (_, skey) => {
    expect(() => parseSignerKey(skey)).toThrow();
  });

  it('generates fresh key pairs that match each other', () => {
    const a = generateSigner('porchlight.example/log');
    const b = generateSigner('porchlight.example/log');
    expect(a.skey).not.toBe(b.skey);
    const signer = parseSignerKey(a.skey);
    expect(parseVerifierKey(a.vkey)).toEqual({
      name: 'porchlight.example/log',
      keyId: signer.keyId,
      signatureType: 0x01,
      publicKey: signer.publicKey,
    });
    expect(parseVerifierKey(generateSigner('w', 0x04).vkey).signatureType).toBe(0x04);
  });

  it('refuses to generate keys with invalid names', () => {
    expect(() => generateSigner('')).toThrow('invalid key name');
    expect(() => generateSigner('a b')).toThrow('invalid key name');
  });
});
