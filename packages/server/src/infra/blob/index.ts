import path from 'node:path';
import type { Config } from '../../config.js';
import type { BlobStore } from './blob-store.js';
import { fsBlobStore } from './fs.js';
import { s3BlobStore } from './s3.js';

export type { BlobStore, ByteRange, UploadLedger, UploadPart } from './blob-store.js';
export { fsBlobStore } from './fs.js';
export { s3BlobStore } from './s3.js';

/** The configured clip store: files under `$PORCHLIGHT_DATA/blobs`, or an S3-compatible bucket. No I/O yet. */
export function openBlobStore(config: Pick<Config, 'blobStore' | 's3' | 'dataDir'>): BlobStore {
  if (config.blobStore === 's3' && config.s3) return s3BlobStore(config.s3);
  return fsBlobStore(path.join(config.dataDir, 'blobs'));
}
