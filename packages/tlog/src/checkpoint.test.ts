import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint, verifyCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { ed25519Signer, ed25519Verifier, parseNote, signNote } from './note.js';
import { generateSigner } from './vkey.js';

interface Vectors {
  checkpointBodyVectors: { text: string }[];
  unverifiableExamples: { note: string }[];
}

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const vectors = JSON.parse(
  readFileSync(path.join(shared, 'vectors/tlog/signed-note-vectors.json'), 'utf8'),
) as Vectors;

const HASH = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
const root = (byte: number) => new Uint8Array(32).fill(byte);

describe('checkpoint vectors', () => {
  it('parses and re-formats the go tree note body', () => {
    const [{ text }] = vectors.checkpointBodyVectors as [{ text: string }];
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint).toEqual({
      origin: 'go.sum database tree',
      size: 123456789012,
      rootHash: new Uint8Array(createHash('sha256').update('\0hello world').digest()),
      extensions: [],
    });
    expect(formatCheckpoint(checkpoint)).toBe(text);
  });

  it('parses and re-formats the tlog-checkpoint example', () => {
    const [{ note }] = vectors.unverifiableExamples as [{ note: string }];
    const { text } = parseNote(note);
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint.origin).toBe('example.com/behind-the-sofa');
    expect(checkpoint.size).toBe(20852163);
    expect(Buffer.from(checkpoint.rootHash).toString('base64')).toBe(HASH);
    expect(checkpoint.extensions).toEqual([]);
    expect(formatCheckpoint(checkpoint)).toBe(text);
  });
});

describe('checkpoint format', () => {
  it.each([
    ['size 0', `log\n0\n${HASH}\n`, 0],
    ['the largest safe size', `log\n9007199254740991\n${HASH}\n`, Number.MAX_SAFE_INTEGER],
  ])('accepts %s', (_, text, size) => {
    expect(parseCheckpoint(text).size).toBe(size);
  });

  it('keeps extension lines and origins with spaces', () => {
    const text = `a log with spaces\n5\n${HASH}\next one\next+two\n`;
    expect(parseCheckpoint(text).extensions).toEqual(['ext one', 'ext+two']);
    expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
  });

  it.each([
    ['no final newline', `log\n1\n${HASH}`],
    ['two lines', 'log\n1\n'],
    ['an empty origin', `\n1\n${HASH}\n`],
    ['an empty extension line', `log\n1\n${HASH}\n\next\n`],
    ['a trailing empty line', `log\n1\n${HASH}\n\n`],
    ['a leading zero', `log\n01\n${HASH}\n`],
    ['a negative size', `log\n-1\n${HASH}\n`],
    ['a plus sign', `log\n+1\n${HASH}\n`],
    ['a space before the size', `log\n 1\n${HASH}\n`],
    ['a decimal point', `log\n1.0\n${HASH}\n`],
    ['an exponent', `log\n1e3\n${HASH}\n`],
    ['a hex size', `log\n0x10\n${HASH}\n`],
    ['a size past 2^53', `log\n9007199254740993\n${HASH}\n`],
    ['a 31-byte root hash', `log\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['a 33-byte root hash', `log\n1\n${Buffer.alloc(33).toString('base64')}\n`],
    ['an unpadded root hash', `log\n1\n${HASH.slice(0, -1)}\n`],
    ['a url-safe root hash', `log\n1\n${HASH.replace('/', '_')}\n`],
    ['a hex root hash', `log\n1\n${'00'.repeat(32)}\n`],
  ])('rejects a checkpoint with %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow();
  });

  it.each<[string, Checkpoint]>([
    ['an empty origin', { origin: '', size: 1, rootHash: root(0), extensions: [] }],
    ['a newline in the origin', { origin: 'a\nb', size: 1, rootHash: root(0), extensions: [] }],
    ['a negative size', { origin: 'log', size: -1, rootHash: root(0), extensions: [] }],
    ['a fractional size', { origin: 'log', size: 1.5, rootHash: root(0), extensions: [] }],
    ['an unsafe size', { origin: 'log', size: 2 ** 53, rootHash: root(0), extensions: [] }],
    ['a short root hash', { origin: 'log', size: 1, rootHash: new Uint8Array(31), extensions: [] }],
    ['an empty extension', { origin: 'log', size: 1, rootHash: root(0), extensions: [''] }],
  ])('refuses to format a checkpoint with %s', (_, checkpoint) => {
    expect(() => formatCheckpoint(checkpoint)).toThrow();
  });

  it('parses what it formats', () => {
    const line = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((l) => !l.includes('\n'));
    const checkpoint = fc.record({
      origin: line,
      size: fc.maxSafeNat(),
      rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      extensions: fc.array(line, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(checkpoint, (c) => {
        expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
      }),
    );
  });
});

describe('signed checkpoints', () => {
  const origin = 'porchlight.example/log';
  const { skey, vkey } = generateSigner(origin);
  const note = signNote(formatCheckpoint({ origin, size: 42, rootHash: root(7), extensions: [] }), [
    ed25519Signer(skey),
  ]);

  it('verifies a checkpoint signed by the log key', () => {
    const { checkpoint, verified } = verifyCheckpoint(note, origin, [ed25519Verifier(vkey)]);
    expect(checkpoint).toEqual({ origin, size: 42, rootHash: root(7), extensions: [] });
    expect(verified.map((s) => s.name)).toEqual([origin]);
  });

  it('rejects a checkpoint for another origin, or signed by another key', () => {
    expect(() => verifyCheckpoint(note, 'other.example/log', [ed25519Verifier(vkey)])).toThrow(
      'unexpected checkpoint origin',
    );
    expect(() => verifyCheckpoint(note, origin, [ed25519Verifier(generateSigner(origin).vkey)])).toThrow(
      'no verifiable signatures',
    );
  });

  it('rejects a validly signed note that is not a checkpoint', () => {
    const signed = signNote(`${origin}\n42\n`, [ed25519Signer(skey)]);
    expect(() => verifyCheckpoint(signed, origin, [ed25519Verifier(vkey)])).toThrow(
      'checkpoint has fewer than three lines',
    );
  });
});
