import { AgeError, dearmor, openPayload, parseHeader } from '@porchlight/age';
import { chunkOffset, sealedLength } from './layout';

/** The first line of every binary age v1 file. */
export const AGE_MAGIC = 'age-encryption.org/v1\n';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
/** Payload nonce after the header. */
const NONCE = 16;
/** age's own limit on a header; anything longer is not an age file we can read. */
const MAX_HEADER = 1024 * 1024;
/**
 * Armored files are decoded in memory (the armor is one PEM block, and the server stores binary age), so they
 * are capped; binary age files of any size stream from disk.
 */
export const MAX_ARMORED_BYTES = 256 * 1024 * 1024;

/** What a picked file looks like: already age ciphertext (binary or ASCII-armored), or anything else. */
export type AgeKind = 'binary' | 'armored' | null;

/** A refusal to import, phrased for the person who picked the file. */
export class AgeImportError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'AgeImportError';
  }
}

/** Whether `file` is already an age file, from its first bytes only (nothing else is read). */
export async function sniffAge(file: Blob): Promise<AgeKind> {
  const start = new Uint8Array(await file.slice(0, 256).arrayBuffer());
  const text = new TextDecoder('latin1').decode(start);
  if (text.startsWith(AGE_MAGIC)) return 'binary';
  // age accepts whitespace before the armor's first line.
  if (text.trimStart().startsWith(ARMOR_BEGIN)) return 'armored';
  return null;
}

/** An age file ready to upload as is: the exact bytes to store (binary age) and how it arrived. */
export interface AgeImport {
  kind: 'binary' | 'armored';
  body: Blob;
  /** Size of the video inside, in bytes. */
  plaintextSize: number;
}

/**
 * Checks in the page that `file` (binary or armored age) opens with the owner's `identity` and returns the
 * binary age bytes to upload unchanged. The header MAC, the first chunk and the final chunk are verified, so
 * a file for someone else, a passphrase-encrypted file, a damaged header or a truncated file is refused here,
 * before anything is sent. Returns null when `file` is not age at all (it is then encrypted as usual).
 */
export async function prepareAgeImport(file: Blob, identity: string): Promise<AgeImport | null> {
  const kind = await sniffAge(file);
  if (!kind) return null;
  const body = kind === 'armored' ? await dearmorFile(file) : file;
  try {
    const head = await readHead(body);
    const reader = await openPayload(head, [identity]);
    const plaintextSize = reader.plaintextSize(body.size);
    const count = reader.chunkCount(body.size);
    const check = async (index: number) => {
      const from = chunkOffset(head.length, index);
      const sealed = new Uint8Array(
        await body.slice(from, from + sealedLength(index, plaintextSize)).arrayBuffer(),
      );
      await reader.decryptChunk(index, sealed, index === count - 1);
    };
    await check(0);
    if (count > 1) await check(count - 1);
    return { kind, body, plaintextSize };
  } catch (err) {
    throw refusal(err);
  }
}

/** Header plus payload nonce, reading more of the file only while the header is unfinished. */
async function readHead(file: Blob): Promise<Uint8Array> {
  for (let want = 4096; ; want *= 4) {
    const bytes = new Uint8Array(await file.slice(0, Math.min(want, MAX_HEADER + NONCE)).arrayBuffer());
    const header = parseHeader(bytes);
    if (header && bytes.length >= header.headerLength + NONCE)
      return bytes.subarray(0, header.headerLength + NONCE);
    if (bytes.length >= file.size || want >= MAX_HEADER + NONCE) {
      throw new AgeError(header ? 'truncated payload nonce' : 'truncated header');
    }
  }
}

async function dearmorFile(file: Blob): Promise<Blob> {
  if (file.size > MAX_ARMORED_BYTES) {
    throw new AgeImportError(
      'This armored age file is too large to import here',
      `ASCII-armored files are decoded in the page, up to ${MAX_ARMORED_BYTES / 1024 / 1024} MiB. ` +
        'Encrypt the video again without -a (--armor) and pick that file.',
    );
  }
  try {
    return new Blob([dearmor(await file.text()) as BlobPart]);
  } catch (err) {
    throw refusal(err);
  }
}

/** The message for an age file this vault cannot take, by the age error it failed with. */
function refusal(err: unknown): Error {
  if (err instanceof AgeImportError || !(err instanceof AgeError)) return err as Error;
  switch (err.message) {
    case 'no identity matched':
      return new AgeImportError(
        'This file is encrypted to someone else',
        'It is an age file, but not for your vault key, so you could never play it. Encrypt the video to ' +
          'your vault recipient (age -r age1…) and pick that file. Nothing was uploaded.',
      );
    case 'file is passphrase-encrypted':
      return new AgeImportError(
        'This file is encrypted with a passphrase',
        'The vault can only play files encrypted to your vault recipient (age -r age1…), not with age -p. ' +
          'Nothing was uploaded.',
      );
    default:
      return new AgeImportError(
        'This age file is damaged',
        `It starts like an age file but cannot be read (${err.message}). Nothing was uploaded.`,
      );
  }
}
