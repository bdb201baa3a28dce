/*
 * The vault service worker (built to /vault-sw.js, scope /). It answers `/vault/stream/<clipId>` with the
 * clip decrypted on the fly: each request — including the <video> element's Range requests while seeking —
 * fetches only the ciphertext chunks it needs and decrypts them as the body is read, so memory stays at a
 * few chunks whatever the clip's size. The identity is held in this worker's memory only; after a restart
 * the worker asks the open pages for it and answers 423 if none gives it.
 */
import { contentRange, CHUNK, chunksForPlaintext, parseRange, type ByteRange } from '../layout';
import {
  DISCLOSURE_PREFIX,
  LOCKED_STATUS,
  STREAM_PREFIX,
  type PageMessage,
  type StatusReply,
  type WorkerMessage,
} from '../protocol';
import { openCiphertext, openClip, StreamError, type OpenedClip } from './clipSource';
import type { ServiceWorkerScope } from './scope';
// Push alerts and the offline page share this worker: a scope has one (see notifications/sw/push.ts).
import '../../notifications/sw/push';

declare const self: ServiceWorkerScope;

/** Chunks fetched and decrypted per pull of a response body: 8 × 64 KiB. */
const CHUNKS_PER_READ = 8;
const IDENTITY_WAIT_MS = 3000;

let identity: string | null = null;
/** An agency member's identity, for `/vault/disclosure/…`; kept apart so it never opens vault clips. */
let agencyIdentity: string | null = null;
let opened = new Map<string, Promise<OpenedClip>>();
let waiting: ((identity: string | null) => void)[] = [];
/** Bumped on lock (or a different identity), so bodies still streaming stop instead of decrypting on. */
let generation = 0;

self.addEventListener('install', () => {
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const message = event.data as PageMessage;
  switch (message.type) {
    case 'unlock':
      if (identity !== message.identity) {
        opened = new Map();
        generation += 1;
      }
      identity = message.identity;
      for (const resolve of waiting) resolve(identity);
      waiting = [];
      break;
    case 'lock':
      identity = null;
      agencyIdentity = null;
      opened = new Map();
      generation += 1;
      break;
    case 'unlock-agency':
      if (agencyIdentity !== message.identity) {
        opened = new Map();
        generation += 1;
      }
      agencyIdentity = message.identity;
      break;
    case 'lock-agency':
      agencyIdentity = null;
      opened = new Map();
      generation += 1;
      break;
    case 'claim':
      event.waitUntil(self.clients.claim());
      break;
    case 'status': {
      const reply: StatusReply = { unlocked: identity !== null };
      event.ports[0]?.postMessage(reply);
      break;
    }
  }
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(DISCLOSURE_PREFIX)) {
    const disclosureId = decodeURIComponent(url.pathname.slice(DISCLOSURE_PREFIX.length));
    event.respondWith(
      answerDisclosure(event.request, disclosureId).catch((err: unknown) =>
        err instanceof StreamError
          ? text(err.status, err.message)
          : text(500, `decrypting failed: ${err instanceof Error ? err.message : String(err)}`),
      ),
    );
    return;
  }
  if (!url.pathname.startsWith(STREAM_PREFIX)) return;
  const clipId = decodeURIComponent(url.pathname.slice(STREAM_PREFIX.length));
  event.respondWith(
    answer(event.request, clipId, url.searchParams.has('download')).catch((err: unknown) =>
      err instanceof StreamError
        ? text(err.status, err.message)
        : text(500, `decrypting failed: ${err instanceof Error ? err.message : String(err)}`),
    ),
  );
});

async function answer(request: Request, clipId: string, download: boolean): Promise<Response> {
  const key = identity ?? (await askPagesForIdentity());
  if (!key) return text(LOCKED_STATUS, 'the vault is locked; unlock it and try again');
  const source = await opening(clipId, () => openClip(clipId, key));
  return plaintextResponse(request, source, download ? `porchlight-clip-${safeName(clipId)}.mp4` : null);
}

/** A disclosure, decrypted with the agency member's identity; the page re-sends it after a 423. */
async function answerDisclosure(request: Request, disclosureId: string): Promise<Response> {
  const key = agencyIdentity;
  if (!key) return text(LOCKED_STATUS, 'your agency key is locked; unlock it and try again');
  const url = `/api/disclosures/${encodeURIComponent(disclosureId)}/ciphertext`;
  const source = await opening(`disclosure:${disclosureId}`, () => openCiphertext(url, key));
  return plaintextResponse(request, source, null);
}

/** The opened file under `key`, opening it once; a failed open (locked, deleted, wrong key) is not kept. */
function opening(key: string, open: () => Promise<OpenedClip>): Promise<OpenedClip> {
  let clip = opened.get(key);
  if (!clip) {
    clip = open();
    opened.set(key, clip);
    clip.catch(() => opened.delete(key));
  }
  return clip;
}

/** The decrypted bytes the request asks for (a Range while seeking), streamed a few chunks at a time. */
function plaintextResponse(request: Request, source: OpenedClip, attachment: string | null): Response {
  const size = source.size;

  const headers = new Headers({
    'Content-Type': 'video/mp4',
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
  });
  if (attachment) headers.set('Content-Disposition', `attachment; filename="${attachment}"`);
  const range = parseRange(request.headers.get('Range'), size);
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const window: ByteRange = range ?? { start: 0, end: size };
  headers.set('Content-Length', String(window.end - window.start));
  if (range) headers.set('Content-Range', contentRange(range, size));
  const body = window.end > window.start ? plaintextStream(window, source) : null;
  return new Response(body, { status: range ? 206 : 200, headers });
}

/** A body that decrypts a few chunks per pull, so a paused or cancelled player stops the fetching too. */
function plaintextStream(window: ByteRange, clip: OpenedClip): ReadableStream<Uint8Array> {
  const { first, last } = chunksForPlaintext(window.start, window.end);
  const born = generation;
  let next = first;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (born !== generation) {
          controller.error(new Error('the vault was locked'));
          return;
        }
        const upto = Math.min(last, next + CHUNKS_PER_READ - 1);
        const plain = await clip.chunks(next, upto);
        plain.forEach((chunk, i) => {
          const base = (next + i) * CHUNK;
          const from = Math.max(0, window.start - base);
          const to = Math.min(chunk.length, window.end - base);
          if (to > from) controller.enqueue(chunk.subarray(from, to));
        });
        next = upto + 1;
        if (next > last) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Asks every open page for the identity (a restarted worker has lost it) and waits briefly for one. */
async function askPagesForIdentity(): Promise<string | null> {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (pages.length === 0) return null;
  const reply = new Promise<string | null>((resolve) => {
    waiting.push(resolve);
    setTimeout(() => {
      resolve(null);
    }, IDENTITY_WAIT_MS);
  });
  const message: WorkerMessage = { type: 'identity-needed' };
  for (const page of pages) page.postMessage(message);
  return reply;
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '');
}
