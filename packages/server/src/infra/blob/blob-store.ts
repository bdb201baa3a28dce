import type { Readable } from 'node:stream';
import type { DataStore, Upload } from '@tus/server';

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One S3 multipart part of an upload in progress. */
export interface UploadPart {
  number: number;
  etag: string;
  size: number;
}

/**
 * Where the tus upload stores keep their bookkeeping: the upload's tus state (instead of a `.json` sidecar
 * file) and, for S3, the multipart parts written so far (instead of asking the store with ListParts). Backed
 * by the database, so every API process sees the same uploads and the blob store holds only ciphertext.
 */
export interface UploadLedger {
  get(uploadId: string): Promise<Upload | undefined>;
  set(uploadId: string, upload: Upload): Promise<void>;
  delete(uploadId: string): Promise<void>;
  recordPart(uploadId: string, part: UploadPart): Promise<void>;
  parts(uploadId: string): Promise<UploadPart[]>;
}

/**
 * Clip ciphertext storage. A blob's key is the id of the tus upload that wrote it, so a finished upload is the
 * clip's blob without a copy. Every clip object is age ciphertext; nothing about a clip is stored beside it.
 * Post photos and video (modules/media) are the one plaintext kind, public by design and re-encoded first.
 */
export interface BlobStore {
  readonly kind: 'fs' | 's3';
  /** The tus data store that writes uploads where {@link read} finds them. */
  uploadStore(ledger: UploadLedger): DataStore;
  /** Drops what the upload store kept beside a finished upload (S3's `.info` object); the blob stays. */
  sealUpload(key: string): Promise<void>;
  /** Streams a blob, or the inclusive `range` of it. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** The blob's size in bytes, or undefined when there is no such blob. */
  size(key: string): Promise<number | undefined>;
  /** Stores a whole blob from memory or a local file (server-made files: re-encoded post media). */
  write(key: string, source: { buffer: Buffer } | { path: string }): Promise<void>;
  /** Deletes a blob (finished or still uploading) with anything kept beside it. Deleting nothing is fine. */
  delete(key: string): Promise<void>;
  /** Every key stored, sidecars included (for audits and tests). */
  list(): Promise<string[]>;
}

/** Blob keys are upload ids the server generated; anything else is refused before it reaches a path or URL. */
export function checkKey(key: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
  return key;
}
