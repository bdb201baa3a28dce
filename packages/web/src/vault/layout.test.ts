import { describe, expect, it } from 'vitest';
import {
  CHUNK,
  SEALED_CHUNK,
  TAG,
  chunksForPlaintext,
  ciphertextSize,
  contentRange,
  filePieces,
  parseRange,
  plaintextSize,
} from './layout';

const HEAD = 200;

describe('age file sizes at chunk boundaries', () => {
  it.each([
    [0, HEAD + TAG],
    [1, HEAD + 1 + TAG],
    [CHUNK - 1, HEAD + CHUNK - 1 + TAG],
    [CHUNK, HEAD + CHUNK + TAG],
    [CHUNK + 1, HEAD + CHUNK + 1 + 2 * TAG],
    [2 * CHUNK, HEAD + 2 * CHUNK + 2 * TAG],
    [5_000_000, HEAD + 5_000_000 + 77 * TAG],
  ])('%i plaintext bytes make a %i-byte file, and back', (plain, file) => {
    expect(ciphertextSize(HEAD, plain)).toBe(file);
    expect(plaintextSize(HEAD, file)).toBe(plain);
  });

  it('rejects file sizes no payload can have', () => {
    expect(plaintextSize(HEAD, HEAD + TAG - 1)).toBeNull();
    // A full chunk followed by an empty final chunk is not valid age.
    expect(plaintextSize(HEAD, HEAD + SEALED_CHUNK + TAG)).toBeNull();
    expect(plaintextSize(HEAD, HEAD + SEALED_CHUNK + 5)).toBeNull();
  });
});

describe('chunksForPlaintext', () => {
  it.each([
    [0, 1, 0, 0],
    [0, CHUNK, 0, 0],
    [CHUNK - 1, CHUNK + 1, 0, 1],
    [CHUNK, 3 * CHUNK, 1, 2],
  ])('[%i, %i) needs chunks %i..%i', (start, end, first, last) => {
    expect(chunksForPlaintext(start, end)).toEqual({ first, last });
  });
});

describe('filePieces', () => {
  const plain = 2 * CHUNK + 10;
  const total = ciphertextSize(HEAD, plain);

  it('covers the whole file exactly once, in order', () => {
    const pieces = filePieces(0, total, HEAD, plain);
    expect(pieces).toEqual([
      { kind: 'head', from: 0, to: HEAD },
      { kind: 'chunk', index: 0, from: 0, to: SEALED_CHUNK },
      { kind: 'chunk', index: 1, from: 0, to: SEALED_CHUNK },
      { kind: 'chunk', index: 2, from: 0, to: 10 + TAG },
    ]);
  });

  it('splits a tus PATCH that starts inside the head and ends inside a chunk', () => {
    expect(filePieces(HEAD - 5, HEAD + SEALED_CHUNK + 7, HEAD, plain)).toEqual([
      { kind: 'head', from: HEAD - 5, to: HEAD },
      { kind: 'chunk', index: 0, from: 0, to: SEALED_CHUNK },
      { kind: 'chunk', index: 1, from: 0, to: 7 },
    ]);
  });

  it('stops at the end of the file when asked for more', () => {
    const pieces = filePieces(total - 3, total + 1000, HEAD, plain);
    expect(pieces).toEqual([{ kind: 'chunk', index: 2, from: 10 + TAG - 3, to: 10 + TAG }]);
  });

  it('adds up to the requested length for arbitrary windows', () => {
    for (const [start, end] of [
      [0, 1],
      [17, 70_000],
      [HEAD + SEALED_CHUNK - 1, HEAD + SEALED_CHUNK + 1],
      [123_456, total],
    ] as const) {
      const length = filePieces(start, end, HEAD, plain).reduce((n, p) => n + p.to - p.from, 0);
      expect(length).toBe(Math.min(end, total) - start);
    }
  });
});

describe('parseRange', () => {
  const size = 1000;
  it.each([
    ['bytes=0-', { start: 0, end: 1000 }],
    ['bytes=0-0', { start: 0, end: 1 }],
    ['bytes=100-199', { start: 100, end: 200 }],
    ['bytes=900-5000', { start: 900, end: 1000 }],
    ['bytes=-100', { start: 900, end: 1000 }],
    ['bytes=-5000', { start: 0, end: 1000 }],
    ['bytes=10-20, 30-40', { start: 10, end: 21 }],
  ])('%s → %o', (header, range) => {
    expect(parseRange(header, size)).toEqual(range);
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0', 'bytes=20-10'])('%s is unsatisfiable', (h) => {
    expect(parseRange(h, size)).toBe('unsatisfiable');
  });

  it.each([null, '', 'items=0-10', 'bytes=-'])('%o means the whole body', (h) => {
    expect(parseRange(h, size)).toBeNull();
  });

  it('formats Content-Range with an inclusive end', () => {
    expect(contentRange({ start: 100, end: 200 }, size)).toBe('bytes 100-199/1000');
  });
});
