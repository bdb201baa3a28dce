import { createEncryptor, type PayloadWriter } from '@porchlight/age';
import { CHUNK, chunkCount, filePieces } from './layout';

/** Bytes per tus PATCH: 16 sealed age chunks (~1 MiB). Memory use stays near this whatever the file size. */
export const PATCH_SIZE = 16 * (CHUNK + 16);

/** How a tus `FileSource` looks to tus-js-client (its type is not exported). */
export interface EncryptedSource {
  /** The age head (header + nonce) when this page encrypts; a reload needs it to resume. */
  head?: Uint8Array;
  size: number;
  slice(start: number, end: number): Promise<{ value: Blob; done: boolean }>;
  close(): void;
}

/**
 * The age file for `file`, produced on demand: tus-js-client asks for byte ranges and only the chunks in
 * them are read and encrypted. The same payload key encrypts a chunk to the same bytes every time, so after a
 * dropped connection the upload resumes at the server's offset without keeping any ciphertext around. Given a
 * writer (from `resumeEncryptor` after a reload) instead of a recipient, it continues that file's exact bytes.
 */
export async function encryptedSource(file: Blob, to: string | PayloadWriter): Promise<EncryptedSource> {
  const writer = typeof to === 'string' ? await createEncryptor([to]) : to;
  const head = writer.head;
  const size = writer.ciphertextSize(file.size);
  const last = chunkCount(file.size) - 1;
  // A PATCH boundary usually falls inside a chunk; keep the one chunk both sides need.
  let cached: { index: number; sealed: Uint8Array } | null = null;
  const sealed = async (index: number): Promise<Uint8Array> => {
    if (cached?.index === index) return cached.sealed;
    const start = index * CHUNK;
    const plain = new Uint8Array(await file.slice(start, Math.min(start + CHUNK, file.size)).arrayBuffer());
    cached = { index, sealed: await writer.encryptChunk(index, plain, index === last) };
    return cached.sealed;
  };
  return {
    head,
    size,
    async slice(start, end) {
      const parts: Uint8Array[] = [];
      for (const piece of filePieces(start, end, head.length, file.size)) {
        const source = piece.kind === 'head' ? head : await sealed(piece.index);
        parts.push(source.slice(piece.from, piece.to));
      }
      return { value: new Blob(parts as BlobPart[]), done: end >= size };
    },
    close() {
      cached = null;
    },
  };
}
