/**
 * Byte arithmetic of an age v1 file, for random access. The file is `head` (header + 16-byte payload nonce)
 * followed by the payload as 64 KiB plaintext chunks, each sealed with a 16-byte Poly1305 tag. Only the last
 * chunk may be short, and it is empty only when the whole plaintext is. Pure functions, so the service worker
 * (reading) and the upload source (writing) agree byte for byte and the unit tests pin the boundaries.
 */

export const CHUNK = 64 * 1024;
export const TAG = 16;
export const SEALED_CHUNK = CHUNK + TAG;

/** Chunks in a payload of `plaintextSize` bytes (an empty plaintext still has one, empty, final chunk). */
export function chunkCount(plaintextSize: number): number {
  return Math.max(1, Math.ceil(plaintextSize / CHUNK));
}

/** Size of the whole age file for a plaintext of `plaintextSize` bytes. */
export function ciphertextSize(headLength: number, plaintextSize: number): number {
  return headLength + plaintextSize + TAG * chunkCount(plaintextSize);
}

/** Size of the plaintext inside an age file of `size` bytes, or null when no payload has that size. */
export function plaintextSize(headLength: number, size: number): number | null {
  const payload = size - headLength;
  if (payload < TAG) return null;
  const chunks = Math.ceil(payload / SEALED_CHUNK);
  const rest = payload - (chunks - 1) * SEALED_CHUNK;
  // A final chunk holding only its tag is valid only when it is the sole chunk (empty plaintext).
  if (rest < TAG || (rest === TAG && chunks > 1)) return null;
  return payload - TAG * chunks;
}

/** Offset in the file where sealed chunk `index` starts. */
export function chunkOffset(headLength: number, index: number): number {
  return headLength + index * SEALED_CHUNK;
}

/** Sealed length of chunk `index` in a payload of `plaintextSize` bytes. */
export function sealedLength(index: number, plaintextSize: number): number {
  const last = chunkCount(plaintextSize) - 1;
  return index < last ? SEALED_CHUNK : plaintextSize - last * CHUNK + TAG;
}

/** The chunks holding plaintext bytes `[start, end)` (end exclusive, `end > start`). */
export function chunksForPlaintext(start: number, end: number): { first: number; last: number } {
  return { first: Math.floor(start / CHUNK), last: Math.floor((end - 1) / CHUNK) };
}

/** A run of bytes of the age file: part of the head, or part of one sealed chunk. */
export type FilePiece =
  { kind: 'head'; from: number; to: number } | { kind: 'chunk'; index: number; from: number; to: number };

/**
 * The pieces that make up file bytes `[start, end)`, in order, with offsets inside the head or the sealed
 * chunk. The upload source uses this to encrypt only the chunks a tus PATCH needs.
 */
export function filePieces(start: number, end: number, headLength: number, plainSize: number): FilePiece[] {
  const total = ciphertextSize(headLength, plainSize);
  const stop = Math.min(end, total);
  const pieces: FilePiece[] = [];
  let at = start;
  if (at < headLength && at < stop) {
    const to = Math.min(headLength, stop);
    pieces.push({ kind: 'head', from: at, to });
    at = to;
  }
  while (at < stop) {
    const index = Math.floor((at - headLength) / SEALED_CHUNK);
    const base = chunkOffset(headLength, index);
    const to = Math.min(base + sealedLength(index, plainSize), stop);
    pieces.push({ kind: 'chunk', index, from: at - base, to: to - base });
    at = to;
  }
  return pieces;
}

/** A byte range `[start, end)` asked for by an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a `Range` header against a representation of `size` bytes: null when there is no (usable) header,
 * so the whole body is sent; 'unsatisfiable' for a range past the end (416). Only the first of several
 * ranges is honoured, as media elements only ever ask for one.
 */
export function parseRange(header: string | null, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)/.exec(header.trim());
  if (!m) return null;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size : Math.min(Number(last) + 1, size);
  if (end <= start) return 'unsatisfiable';
  return { start, end };
}

/** The `Content-Range` value for a 206 answer. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end - 1}/${size}`;
}
