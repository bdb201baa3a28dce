import { createEncryptor } from '@porchlight/age';
import { CHUNK, chunkCount, filePieces } from './layout';

/** Bytes per tus PATCH: 16 sealed age chunks (~1 MiB). Memory use stays near this whatever the file size. */
export const PATCH_SIZE = 16 * (CHUNK + 16);

/** How a tus `FileSource` looks to tus-js-client (its type is not exported). */
export interface EncryptedSource {
  size: number;
  slice(start: number, end: number): Promise<{ value: Blob; done: boolean }>;
  close(): void;
}

/**
 * The age file for `file`, produced on demand: tus-js-client asks for byte ranges and only the chunks in
 * them are read and encrypted. The same payload key encrypts a chunk to the same bytes every time, so after a
 * dropped connection the upload resumes at the server's offset without keeping any ciphertext around.
 */
export async function encryptedSource(file: Blob, recipient: string): Promise<EncryptedSource> {
  const writer = await createEncryptor([recipient]);
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
