import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../../src/http/types.js';
import type { LiveBus, LiveMessage } from '../../src/infra/live/bus.js';
import type { LiveService } from '../../src/modules/live/live.service.js';
import { snap, type LatLng } from '../../src/geo/cells.js';

/** One dispatched Server-Sent Events message. */
export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** Starts `app` on an ephemeral local port (SSE does not stream through `app.inject`) and returns its origin. */
export async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** The `Cookie` header for a cookie jar such as `TestUser.jar`. */
export const cookieHeader = (jar: ReadonlyMap<string, string>): string =>
  [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/**
 * Incremental parser for the `text/event-stream` format (WHATWG HTML §9.2.6): fields per line, a blank line
 * dispatches, `:` starts a comment, lines end in CRLF, LF or CR, and chunks may split lines anywhere.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private lastId: string | undefined;
  retry: number | undefined;
  readonly comments: string[] = [];

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (!m || (m[0] === '\r' && m.index === this.buffer.length - 1)) return;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.id !== undefined) this.lastId = this.id;
      if (this.data.length > 0) {
        this.onEvent({ event: this.event || 'message', id: this.lastId, data: this.data.join('\n') });
      }
      this.event = '';
      this.data = [];
      this.id = undefined;
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

/** An open `GET /api/live` stream, read as a client would, with helpers to await or rule out events. */
export class LiveStream {
  readonly events: SseEvent[] = [];
  /** Everything the server wrote, verbatim. */
  text = '';
  readonly parser = new SseParser((e) => {
    this.events.push(e);
    this.notify();
  });
  /** Resolves when the server ends the stream (or the client closes it). */
  readonly ended: Promise<void>;
  private waiters = new Set<() => void>();
  private done = false;

  constructor(
    readonly response: IncomingMessage,
    private readonly request: ClientRequest,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.text += chunk;
      this.parser.push(chunk);
    });
    this.ended = new Promise((resolve) => {
      response.once('close', () => {
        this.done = true;
        this.notify();
        resolve();
      });
    });
  }

  /** Parsed `data` of every event of this name received so far. */
  received<T = unknown>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  /** The first event (already received or yet to come) of this name whose data satisfies `match`. */
  async next<T = unknown>(event: string, match: (data: T) => boolean = () => true, timeoutMs = 5_000) {
    const find = (): SseEvent | undefined =>
      this.events.find((e) => e.event === event && match(JSON.parse(e.data) as T));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = find();
      if (hit) return { ...hit, json: JSON.parse(hit.data) as T };
      if (this.done) throw new Error(`the stream ended before a "${event}" event arrived`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${event}" event within ${timeoutMs} ms; got ${this.describe()}`);
      await sleepUntilWoken(this.waiters, left);
    }
  }

  /** Hangs up, as a browser tab closing would. */
  async close(): Promise<void> {
    this.request.destroy();
    await this.ended;
  }

  private describe(): string {
    return this.events.map((e) => `${e.event}(${e.data.slice(0, 40)})`).join(', ') || 'nothing';
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

function sleepUntilWoken(waiters: Set<() => void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(wake, ms);
    function wake() {
      clearTimeout(timer);
      waiters.delete(wake);
      resolve();
    }
    waiters.add(wake);
  });
}

/**
 * `GET /api/live` with the given cookies over a connection of its own. (Not `fetch`: undici opens a spare
 * connection when a streaming request is aborted, and an unused connection holds `server.close()` open.)
 */
function get(origin: string, jar: ReadonlyMap<string, string>) {
  return new Promise<{ request: ClientRequest; response: IncomingMessage }>((resolve, reject) => {
    const request = http.get(`${origin}/api/live`, {
      agent: false,
      headers: { accept: 'text/event-stream', cookie: cookieHeader(jar) },
    });
    request.once('response', (response) => {
      resolve({ request, response });
    });
    request.once('error', reject);
  });
}

/** Requests `GET /api/live` expecting a refusal: its status, headers and body. */
export async function requestLive(origin: string, jar: ReadonlyMap<string, string>) {
  const { request, response } = await get(origin, jar);
  if (response.statusCode === 200) {
    request.destroy();
    return { status: 200, headers: response.headers, body: '' };
  }
  let body = '';
  response.setEncoding('utf8');
  for await (const chunk of response) body += chunk as string;
  return { status: response.statusCode, headers: response.headers, body };
}

/** Opens a live stream as the owner of `jar`; fails unless the server accepts it. */
export async function openLive(origin: string, jar: ReadonlyMap<string, string>): Promise<LiveStream> {
  const { request, response } = await get(origin, jar);
  if (response.statusCode !== 200) {
    request.destroy();
    throw new Error(`GET /api/live answered ${response.statusCode}`);
  }
  return new LiveStream(response, request);
}

/**
 * Records what a live bus carries. `until` resolves once a matching message has passed through this process's
 * bus. A bus calls all its handlers in one synchronous loop and `until` resumes only after it, so the live
 * service has received the message by then and `services.live.settled()` covers its delivery.
 */
export function watchBus(bus: LiveBus) {
  const messages: LiveMessage[] = [];
  const waiters = new Set<() => void>();
  const stop = bus.subscribe((m) => {
    messages.push(m);
    for (const w of [...waiters]) w();
  });
  return {
    messages,
    stop,
    async until(match: (m: LiveMessage) => boolean, timeoutMs = 5_000): Promise<LiveMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = messages.find(match);
        if (hit) return hit;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching bus message within ${timeoutMs} ms`);
        await sleepUntilWoken(waiters, left);
      }
    },
  };
}

let drains = 0;

/** A post id (po_…) that no post has, unique per call. */
const markerId = (): string => `po_marker${String(drains++).padStart(16, '0')}`;

/**
 * Resolves once everything published on `bus` before the call has reached this process and been delivered
 * to its streams — the point after which an event that has not arrived is not coming. Works by publishing a
 * marker (to a cell nobody listens in) and waiting for it: notifications arrive in the order they committed.
 */
export async function drained(bus: LiveBus, live: LiveService): Promise<void> {
  const postId = markerId();
  const watch = watchBus(bus);
  try {
    await bus.publish({ kind: 'post.hidden', postId, areaCell: 'no-such-cell', lat: 0, lng: 0 });
    await watch.until((m) => 'postId' in m && m.postId === postId);
  } finally {
    watch.stop();
  }
  await live.settled();
}

/**
 * Resolves once each stream has received everything published before the call. Publishes a marker
 * (`post-hidden` for a post id nobody has) where each stream listens and waits for it to arrive: delivery keeps
 * bus order and a stream is one ordered connection, so anything sent earlier has arrived by then.
 */
export async function flushed(bus: LiveBus, streams: [LiveStream, LatLng][]): Promise<string> {
  const postId = markerId();
  for (const [, near] of streams) await bus.publish({ kind: 'post.hidden', postId, ...snap(near) });
  for (const [stream] of streams) {
    await stream.next<{ postId: string }>('post-hidden', (d) => d.postId === postId);
  }
  return postId;
}
