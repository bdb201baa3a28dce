import { openPayload, parseHeader } from '@porchlight/age';
import { chunkCount, chunkOffset, plaintextSize, sealedLength } from '../layout';

type PayloadReader = Awaited<ReturnType<typeof openPayload>>;

/** A clip whose header has been read and whose payload key is open: enough to decrypt any chunk. */
export interface OpenedClip {
  /** Size of the decrypted clip. */
  size: number;
  /** Decrypts chunks `first..last` (inclusive), fetching only their ciphertext. */
  chunks(first: number, last: number): Promise<Uint8Array[]>;
}

/** A failure the worker turns into an HTTP answer for the page. */
export class StreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const HEAD_PROBE = 4096;

/**
 * Opens clip `clipId`: reads the first bytes of its ciphertext, parses the age header and unwraps the payload
 * key with `identity`. Only the header is fetched here; chunks are fetched when played.
 */
export async function openClip(clipId: string, identity: string): Promise<OpenedClip> {
  return openCiphertext(`/api/clips/${encodeURIComponent(clipId)}/ciphertext`, identity);
}

/** Opens the age file at `url` (any ciphertext route answering Range requests, e.g. a disclosure's). */
export async function openCiphertext(url: string, identity: string): Promise<OpenedClip> {
  let probe = HEAD_PROBE;
  for (;;) {
    const { bytes, total } = await fetchRange(url, 0, probe);
    const header = parseHeader(bytes);
    if (header === null) {
      if (bytes.length >= total) throw new StreamError(422, 'the stored clip is not a complete age file');
      probe *= 4;
      continue;
    }
    // The head is the header plus the 16-byte payload nonce.
    if (bytes.length < header.headerLength + 16) {
      probe = header.headerLength + 16;
      continue;
    }
    const reader = await unwrap(bytes.subarray(0, header.headerLength + 16), identity);
    const headLength = reader.headLength;
    const size = plaintextSize(headLength, total);
    if (size === null) throw new StreamError(422, 'the stored clip has an impossible size');
    const count = chunkCount(size);
    return {
      size,
      async chunks(first, last) {
        const start = chunkOffset(headLength, first);
        const end = chunkOffset(headLength, last) + sealedLength(last, size);
        const { bytes: sealed } = await fetchRange(url, start, end);
        const out: Uint8Array[] = [];
        let at = 0;
        for (let i = first; i <= last; i++) {
          const length = sealedLength(i, size);
          out.push(await reader.decryptChunk(i, sealed.subarray(at, at + length), i === count - 1));
          at += length;
        }
        return out;
      },
    };
  }
}

async function unwrap(head: Uint8Array, identity: string): Promise<PayloadReader> {
  try {
    // The page sends every key generation of the vault, one identity per line (see vaultStore's keyRing).
    return await openPayload(head, identity.split('\n'));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new StreamError(403, `this clip cannot be opened with your vault key (${message})`);
  }
}

/** Fetches ciphertext bytes `[start, end)` (fewer at the end of the file) and the file's total size. */
async function fetchRange(
  url: string,
  start: number,
  end: number,
): Promise<{ bytes: Uint8Array; total: number }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` }, credentials: 'same-origin' });
  } catch {
    throw new StreamError(503, 'Porchlight could not be reached');
  }
  if (res.status === 404) throw new StreamError(404, 'this clip no longer exists');
  if (res.status === 401) throw new StreamError(401, 'you are signed out');
  if (res.status === 206) {
    const total = Number(/\/(\d+)$/.exec(res.headers.get('Content-Range') ?? '')?.[1]);
    if (!Number.isFinite(total)) throw new StreamError(502, 'the server sent no Content-Range');
    return { bytes: new Uint8Array(await res.arrayBuffer()), total };
  }
  if (res.status === 416) return { bytes: new Uint8Array(0), total: start };
  // A 200 would mean the whole clip; holding that in memory is what this worker exists to avoid.
  throw new StreamError(502, `the server answered ${res.status} to a ranged read of the clip`);
}
