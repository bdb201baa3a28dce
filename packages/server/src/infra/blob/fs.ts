import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { checkKey, type BlobStore, type ByteRange, type UploadLedger } from './blob-store.js';

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Blobs as files in one directory (`$PORCHLIGHT_DATA/blobs`), written by tus's FileStore. */
export function fsBlobStore(root: string): BlobStore {
  const file = (key: string): string => path.join(root, checkKey(key));
  return {
    kind: 'fs',

    uploadStore(ledger: UploadLedger) {
      // The ledger replaces FileStore's `<id>.json` sidecar: upload metadata stays in the database.
      return new FileStore({ directory: root, configstore: ledger });
    },

    async sealUpload() {
      // Nothing is kept beside the file.
    },

    async read(key: string, range?: ByteRange): Promise<Readable> {
      // Opened first so a missing blob rejects here rather than erroring the stream later.
      const handle = await fs.open(file(key), 'r');
      return handle.createReadStream(range ?? {});
    },

    async size(key: string) {
      try {
        return (await fs.stat(file(key))).size;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },

    async write(key: string, source: { buffer: Buffer } | { path: string }) {
      await fs.mkdir(root, { recursive: true });
      if ('buffer' in source) await fs.writeFile(file(key), source.buffer);
      else await fs.copyFile(source.path, file(key));
    },

    async delete(key: string) {
      await fs.rm(file(key), { force: true });
    },

    async list() {
      try {
        return (await fs.readdir(root)).sort();
      } catch (err) {
        if (isMissing(err)) return [];
        throw err;
      }
    },
  };
}
