import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { S3Store, type MetadataValue } from '@tus/s3-store';
import type { Part } from '@aws-sdk/client-s3';
import type { S3Config } from '../../config.js';
import { checkKey, type BlobStore, type ByteRange, type UploadLedger } from './blob-store.js';

const NOT_FOUND = new Set(['NotFound', 'NoSuchKey', 'NoSuchUpload']);
/** Stores without multipart abort (s3rver) answer these; the bucket's lifecycle rule then cleans up. */
const UNSUPPORTED = new Set(['MethodNotAllowed', 'NotImplemented']);
const errorName = (err: unknown): string => (err instanceof Error ? err.name : '');

/** The SDK client settings every S3 call here uses. */
export function s3ClientConfig(s3: S3Config): S3ClientConfig {
  return {
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Newer SDKs add CRC checksums with aws-chunked bodies by default; many S3-compatible stores reject them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * tus's S3 store with its multipart bookkeeping in the database: each part is recorded as it is written and
 * the part list is read back from the ledger instead of S3's ListParts, which some S3-compatible stores lack.
 */
class LedgerS3Store extends S3Store {
  constructor(
    config: S3ClientConfig & { bucket: string },
    private readonly ledger: UploadLedger,
  ) {
    super({ s3ClientConfig: config });
  }

  protected override async uploadPart(
    metadata: MetadataValue,
    body: ReadStream | Readable | Buffer,
    partNumber: number,
  ): Promise<string> {
    const size = Buffer.isBuffer(body) ? body.length : (await stat((body as ReadStream).path)).size;
    const etag = await super.uploadPart(metadata, body, partNumber);
    await this.ledger.recordPart(metadata.file.id, { number: partNumber, etag, size });
    return etag;
  }

  protected override async retrieveParts(id: string): Promise<Part[]> {
    const parts = await this.ledger.parts(id);
    return parts.map((p) => ({ PartNumber: p.number, ETag: p.etag, Size: p.size }));
  }
}

/** Blobs as objects in an S3-compatible bucket, written by tus's S3 store (multipart). */
export function s3BlobStore(s3: S3Config): BlobStore {
  const config = s3ClientConfig(s3);
  const client = new S3Client(config);
  const Bucket = s3.bucket;

  const deleteObject = async (Key: string): Promise<void> => {
    await client.send(new DeleteObjectCommand({ Bucket, Key }));
  };

  return {
    kind: 's3',

    uploadStore(ledger: UploadLedger) {
      return new LedgerS3Store({ ...config, bucket: Bucket }, ledger);
    },

    async sealUpload(key: string) {
      await deleteObject(`${checkKey(key)}.info`);
    },

    async read(key: string, range?: ByteRange): Promise<Readable> {
      const res = await client.send(
        new GetObjectCommand({
          Bucket,
          Key: checkKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      if (!(res.Body instanceof Readable)) throw new Error('S3 returned no body stream');
      return res.Body;
    },

    async size(key: string) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket, Key: checkKey(key) }));
        return res.ContentLength;
      } catch (err) {
        if (NOT_FOUND.has(errorName(err))) return undefined;
        throw err;
      }
    },

    async write(key: string, source: { buffer: Buffer } | { path: string }) {
      const Body = 'buffer' in source ? source.buffer : createReadStream(source.path);
      const ContentLength = 'buffer' in source ? source.buffer.length : (await stat(source.path)).size;
      await client.send(new PutObjectCommand({ Bucket, Key: checkKey(key), Body, ContentLength }));
    },

    async delete(key: string) {
      checkKey(key);
      // An upload still in progress is a multipart upload whose id is on its `.info` object.
      try {
        const info = await client.send(new HeadObjectCommand({ Bucket, Key: `${key}.info` }));
        const UploadId = info.Metadata?.['upload-id'];
        if (UploadId) await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId }));
      } catch (err) {
        if (!NOT_FOUND.has(errorName(err)) && !UNSUPPORTED.has(errorName(err))) throw err;
      }
      for (const k of [key, `${key}.info`, `${key}.part`]) await deleteObject(k);
    },

    async list() {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const res = await client.send(new ListObjectsV2Command({ Bucket, ContinuationToken }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
        ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys.sort();
    },
  };
}
