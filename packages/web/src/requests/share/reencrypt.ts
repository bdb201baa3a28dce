import { createEncryptor, type PayloadWriter } from '@porchlight/age';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CHUNK, chunkCount, filePieces } from '../../vault/layout';

/** A vault clip opened for reading: its plaintext size and chunk-range decryption (`vault/sw/clipSource.ts`). */
export interface ClipReader {
  size: number;
  /** Decrypts chunks `first..last` (inclusive), fetching only their ciphertext. */
  chunks(first: number, last: number): Promise<Uint8Array[]>;
}

/**
 * A video already in the page (a redacted copy) read as plaintext chunks, so it is encrypted exactly as a
 * vault clip is: one batch of chunks in memory at a time, whatever the file's size.
 */
export function fileReader(file: Blob): ClipReader {
  return {
    size: file.size,
    async chunks(first, last) {
      const start = first * CHUNK;
      const bytes = new Uint8Array(
        await file.slice(start, Math.min((last + 1) * CHUNK, file.size)).arrayBuffer(),
      );
      const out: Uint8Array[] = [];
      for (let i = first; i <= last; i++)
        out.push(bytes.subarray((i - first) * CHUNK, (i - first + 1) * CHUNK));
      return out;
    },
  };
}

/** What the agency will receive, as the manifest states it. */
export interface DisclosureDigest {
  plaintextSha256: string;
  ciphertextSha256: string;
  plaintextBytes: number;
  ciphertextBytes: number;
}

/** Chunks decrypted per ranged read: 16 × 64 KiB, so memory stays near 2 MiB whatever the clip's size. */
export const BATCH = 16;

/**
 * A clip re-encrypted to new recipients, produced on demand: `slice` decrypts the owner's chunks it needs
 * and encrypts them with the disclosure's own payload key. The same writer encrypts a chunk to the same
 * bytes every time, so the hashing pass and the upload (and any resumed PATCH) agree byte for byte without
 * any ciphertext being kept.
 */
export interface Reencryption {
  readonly writer: PayloadWriter;
  readonly size: number;
  /** Ciphertext bytes `[start, end)` of the disclosure's age file. */
  slice(start: number, end: number): Promise<Uint8Array>;
  /** Reads the whole file once, in order, hashing plaintext and ciphertext; reports progress in plaintext bytes. */
  digest(onProgress?: (done: number, total: number) => void): Promise<DisclosureDigest>;
}

/**
 * Starts a disclosure of `clip` to `recipients` with a fresh file key (age's header wraps it to each
 * recipient). Nothing of the owner's vault key or file key goes into the new file.
 */
export async function reencrypt(clip: ClipReader, recipients: readonly string[]): Promise<Reencryption> {
  if (recipients.length === 0) throw new Error('no recipients to encrypt to');
  return reencryptWith(clip, await createEncryptor([...recipients]));
}

/**
 * `clip` encrypted by `writer` — a fresh one, or one rebuilt after a reload (`resumeKeptEncryptor`), which gives
 * every chunk the same bytes again, so `slice` can start at any offset the server reports.
 */
export function reencryptWith(clip: ClipReader, writer: PayloadWriter): Reencryption {
  const count = chunkCount(clip.size);
  const size = writer.ciphertextSize(clip.size);
  // A tus PATCH boundary usually falls inside a chunk; keep the batch both sides need.
  let cached: { first: number; sealed: Uint8Array[] } | null = null;

  const sealBatch = async (first: number): Promise<Uint8Array[]> => {
    const last = Math.min(first + BATCH - 1, count - 1);
    const plain = await clip.chunks(first, last);
    const sealed: Uint8Array[] = [];
    for (let i = 0; i < plain.length; i++) {
      sealed.push(await writer.encryptChunk(first + i, plain[i]!, first + i === count - 1));
    }
    return sealed;
  };
  const sealedChunk = async (index: number): Promise<Uint8Array> => {
    const first = index - (index % BATCH);
    if (cached?.first !== first) cached = { first, sealed: await sealBatch(first) };
    return cached.sealed[index - first]!;
  };

  return {
    writer,
    size,
    async slice(start, end) {
      const out = new Uint8Array(Math.max(0, Math.min(end, size) - start));
      let at = 0;
      for (const piece of filePieces(start, end, writer.head.length, clip.size)) {
        const source = piece.kind === 'head' ? writer.head : await sealedChunk(piece.index);
        out.set(source.subarray(piece.from, piece.to), at);
        at += piece.to - piece.from;
      }
      return out;
    },
    async digest(onProgress) {
      const plainHash = sha256.create();
      const cipherHash = sha256.create().update(writer.head);
      let done = 0;
      for (let first = 0; first < count; first += BATCH) {
        const last = Math.min(first + BATCH - 1, count - 1);
        const plain = await clip.chunks(first, last);
        for (let i = 0; i < plain.length; i++) {
          plainHash.update(plain[i]!);
          cipherHash.update(await writer.encryptChunk(first + i, plain[i]!, first + i === count - 1));
          done += plain[i]!.length;
        }
        onProgress?.(done, clip.size);
      }
      return {
        plaintextSha256: bytesToHex(plainHash.digest()),
        ciphertextSha256: bytesToHex(cipherHash.digest()),
        plaintextBytes: clip.size,
        ciphertextBytes: size,
      };
    },
  };
}
