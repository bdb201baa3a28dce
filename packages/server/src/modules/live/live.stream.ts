import type { FastifyReply } from 'fastify';
import type { Viewer } from '../../policies.js';
import type { LiveArea } from './live.hub.js';
import type { LiveEventName, LiveService, LiveSubscriber } from './live.service.js';

/**
 * Formats one Server-Sent Events message. Every line of `data` gets its own `data:` field, so no payload can
 * end the message early or inject an `event:` of its own.
 */
export function sseMessage(m: { event?: string; id?: number; data: string }): string {
  let out = '';
  if (m.event !== undefined) out += `event: ${m.event}\n`;
  if (m.id !== undefined) out += `id: ${m.id}\n`;
  return `${out}${dataLines(m.data)}\n`;
}

/**
 * The `data:` fields of a payload. A fan-out sends one payload to thousands of streams in a row, so the last
 * one is kept: each stream then adds only its event name and id.
 */
let last = { data: '', lines: 'data: \n' };
function dataLines(data: string): string {
  if (data !== last.data) {
    let lines = '';
    for (const line of data.split(/\r\n|\r|\n/)) lines += `data: ${line}\n`;
    last = { data, lines };
  }
  return last.lines;
}

/**
 * Turns a request the access checks have already passed into an event stream and registers it for live
 * delivery. The stream ends, and unregisters, when the client goes away, when `recheck` finds the session
 * gone (signed out, expired), when the client falls too far behind, or on server shutdown.
 *
 * Event ids count up per stream. They are not resumable: a reconnecting client re-reads its feed instead.
 */
export function openLiveStream(o: {
  reply: FastifyReply;
  area: LiveArea & { viewer: Viewer };
  live: LiveService;
  /** The session's viewer now, or undefined when the session has ended. */
  recheck: () => Promise<Viewer | undefined>;
  onSent?: (event: LiveEventName) => void;
}): void {
  const res = o.reply.raw;
  const { retryMs, maxBufferedBytes } = o.live.settings;
  o.reply.hijack();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    // nginx buffers proxied responses by default, which would hold events back.
    'x-accel-buffering': 'no',
  });
  // Jitter spreads the reconnects of every client after a restart.
  res.write(`retry: ${retryMs + Math.floor(Math.random() * retryMs)}\n: connected\n\n`);

  let nextId = 0;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    stopPinging();
    detach();
    res.end();
  };
  const subscriber: LiveSubscriber = {
    home: o.area.home,
    radiusM: o.area.radiusM,
    areaCells: o.area.areaCells,
    viewer: o.area.viewer,
    send(event, data) {
      if (closed) return;
      if (res.writableLength > maxBufferedBytes) {
        // Ending gracefully would wait to flush the backlog to a client that is not reading it.
        close();
        res.destroy();
        return;
      }
      nextId += 1;
      res.write(sseMessage({ event, id: nextId, data }));
      o.onSent?.(event);
    },
    close,
  };
  const keepAlive = async (): Promise<void> => {
    let viewer: Viewer | undefined;
    try {
      viewer = await o.recheck();
    } catch {
      // A database hiccup is not a sign-out; check again at the next ping.
      viewer = subscriber.viewer;
    }
    if (closed) return;
    if (!viewer) {
      close();
      return;
    }
    subscriber.viewer = viewer;
    res.write(': ping\n\n');
  };

  const detach = o.live.attach(subscriber);
  const stopPinging = o.live.everyPing(() => void keepAlive());
  res.on('close', close);
  res.on('error', close);
}
