/**
 * A fake Frigate NVR for tests: the HTTP API the hub uses (`/api/version`, `/api/review`, `/api/review/:id`,
 * the 0.14–0.17 range clip endpoint or the 0.18 per-review clip endpoint, matching the chosen version, and
 * `POST /api/events/:camera/:label/create`, which records a review of `duration` seconds) and,
 * optionally, an in-process MQTT broker (aedes) on which it publishes `frigate/reviews` messages shaped like
 * Frigate's documented ones. Clips are real H.264 MP4s made with ffmpeg's `testsrc`.
 *
 * Reusable outside the hub's tests (the web vault's end-to-end test drives a hub with it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Aedes } from 'aedes';

/** A review item as Frigate stores and publishes it. */
export interface FakeReview {
  id: string;
  camera: string;
  start_time: number;
  end_time: number | null;
  has_been_reviewed: boolean;
  severity: 'alert' | 'detection';
  thumb_path: string;
  data: { detections: string[]; objects: string[]; sub_labels: string[]; zones: string[]; audio: string[] };
}

export interface FakeFrigateOptions {
  /** What `/api/version` answers (default `0.14.1-f4f3cfa`); 0.18+ serves only the per-review clip endpoint. */
  version?: string;
  /** Start an MQTT broker and publish reviews on it (default true). */
  mqtt?: boolean;
  /** Frame size of generated clips (default 640×360). */
  width?: number;
  height?: number;
}

export interface AddReviewOptions {
  camera?: string;
  /** Clip length in seconds (default 12). */
  seconds?: number;
  severity?: 'alert' | 'detection';
  /** Publish `new` and `end` on MQTT (default true when the broker runs). */
  publish?: boolean;
  /**
   * How many clip requests for this review answer as Frigate does right after a review ends, when the last
   * 10-second segment is not written yet: a clip 10 s short (or 404 when that leaves nothing).
   */
  missingLastSegment?: number;
}

export interface FakeFrigate {
  url: string;
  mqttUrl: string | undefined;
  version: string;
  reviews: FakeReview[];
  /** Every request path, in order. */
  requests: string[];
  /** Records a review with a freshly generated clip; publishes it over MQTT unless told not to. */
  addReview(options?: AddReviewOptions): Promise<FakeReview>;
  /** Publishes one `frigate/reviews` message. */
  publish(type: 'new' | 'update' | 'end', before: FakeReview, after: FakeReview): Promise<void>;
  /** Resolves once some MQTT client subscribes to `frigate/reviews`. */
  subscribed(): Promise<void>;
  close(): Promise<void>;
}

/** Makes an H.264 MP4 test pattern of `seconds` seconds; `noise` makes it hard to compress (bigger files). */
export function makeTestClip(
  file: string,
  seconds: number,
  width = 640,
  height = 360,
  options: { noise?: boolean } = {},
): Promise<void> {
  return run('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${width}x${height}:rate=10:duration=${seconds}${options.noise ? ',noise=alls=30:allf=t' : ''}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'mp4',
    '-y',
    file,
  ]);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString());
    });
    req.on('error', reject);
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} failed: ${err}`));
    });
  });
}

const listen = (server: net.Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    }),
  );

/** Starts a fake Frigate on ephemeral ports. */
export async function startFakeFrigate(options: FakeFrigateOptions = {}): Promise<FakeFrigate> {
  const version = options.version ?? '0.14.1-f4f3cfa';
  const [, minor] = /^0\.(\d+)/.exec(version) ?? [];
  const perReviewClips = Number(minor) >= 18;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fake-frigate-'));
  const reviews: FakeReview[] = [];
  const clips = new Map<string, { file: string; short?: string; missing: number; seconds: number }>();
  const requests: string[] = [];

  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const sendClip = async (res: http.ServerResponse, review: FakeReview) => {
    const clip = clips.get(review.id)!;
    let file = clip.file;
    if (clip.missing > 0) {
      clip.missing--;
      if (clip.seconds <= 10)
        return json(res, 404, {
          success: false,
          message: 'No recordings found for the specified time range',
        });
      clip.short ??= path.join(dir, `${review.id}.short.mp4`);
      await run('ffmpeg', [
        '-v',
        'error',
        '-i',
        clip.file,
        '-t',
        String(clip.seconds - 10),
        '-c',
        'copy',
        '-y',
        clip.short,
      ]);
      file = clip.short;
    }
    const { size } = await stat(file);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size });
    createReadStream(file).pipe(res);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://frigate');
    requests.push(url.pathname + url.search);
    const handle = async () => {
      const p = url.pathname;
      if (p === '/api/version') return res.writeHead(200, { 'content-type': 'text/plain' }).end(version);
      if (p === '/api/review') {
        const cameras = url.searchParams.get('cameras')?.split(',');
        const after = Number(url.searchParams.get('after') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 10_000);
        const items = reviews
          .filter(
            (r) =>
              (!cameras || cameras.includes('all') || cameras.includes(r.camera)) && r.start_time >= after,
          )
          .sort((a, b) => b.start_time - a.start_time)
          .slice(0, limit);
        return json(res, 200, items);
      }
      let m = /^\/api\/review\/([^/]+)\/clip\.mp4$/.exec(p);
      if (m && perReviewClips) {
        const review = reviews.find((r) => r.id === decodeURIComponent(m![1]!));
        return review
          ? sendClip(res, review)
          : json(res, 404, { success: false, message: 'Review not found' });
      }
      m = /^\/api\/review\/([^/]+)$/.exec(p);
      if (m) {
        const review = reviews.find((r) => r.id === decodeURIComponent(m![1]!));
        return review
          ? json(res, 200, review)
          : json(res, 404, { success: false, message: 'Review item not found' });
      }
      m = /^\/api\/([^/]+)\/start\/([\d.]+)\/end\/([\d.]+)\/clip\.mp4$/.exec(p);
      if (m && !perReviewClips) {
        const [camera, start, end] = [decodeURIComponent(m[1]!), Number(m[2]), Number(m[3])];
        const review = reviews.find(
          (r) =>
            r.camera === camera &&
            Math.abs(r.start_time - start) < 1 &&
            Math.abs((r.end_time ?? 0) - end) < 1,
        );
        return review
          ? sendClip(res, review)
          : json(res, 404, { success: false, message: 'No recordings found for the specified time range' });
      }
      m = /^\/api\/events\/([^/]+)\/([^/]+)\/create$/.exec(p);
      if (m && req.method === 'POST') {
        // A manual event (Frigate's "create event" API): recorded for `duration` seconds, then its review ends.
        const body = JSON.parse((await readBody(req)) || '{}') as { duration?: number };
        const review = await self.addReview({
          camera: decodeURIComponent(m[1]!),
          seconds: body.duration ?? 30,
        });
        return json(res, 200, {
          success: true,
          message: 'Successfully created event.',
          event_id: review.data.detections[0],
        });
      }
      return json(res, 404, { detail: 'Not Found' });
    };
    handle().catch((err: unknown) => json(res, 500, { success: false, message: String(err) }));
  });
  const port = await listen(server);

  let broker: Aedes | undefined;
  let mqttServer: net.Server | undefined;
  let mqttUrl: string | undefined;
  const subscribers: (() => void)[] = [];
  let subscribedOnce = false;
  if (options.mqtt ?? true) {
    broker = await Aedes.createBroker();
    broker.on('subscribe', (subs) => {
      if (subs.some((s) => s.topic === 'frigate/reviews' || s.topic === 'frigate/#')) {
        subscribedOnce = true;
        subscribers.splice(0).forEach((f) => {
          f();
        });
      }
    });
    mqttServer = net.createServer(broker.handle);
    mqttUrl = `mqtt://127.0.0.1:${await listen(mqttServer)}`;
  }

  const publish = (type: 'new' | 'update' | 'end', before: FakeReview, after: FakeReview) =>
    new Promise<void>((resolve, reject) => {
      if (!broker) {
        resolve();
        return;
      }
      broker.publish(
        {
          cmd: 'publish',
          topic: 'frigate/reviews',
          payload: JSON.stringify({ type, before, after }),
          qos: 0,
          retain: false,
          dup: false,
        },
        (err) => {
          if (err) reject(err);
          else resolve();
        },
      );
    });

  const self: FakeFrigate = {
    url: `http://127.0.0.1:${port}`,
    mqttUrl,
    version,
    reviews,
    requests,
    publish,
    subscribed: () =>
      new Promise<void>((resolve) => {
        if (subscribedOnce) resolve();
        else subscribers.push(resolve);
      }),
    async addReview(o: AddReviewOptions = {}) {
      const seconds = o.seconds ?? 12;
      const camera = o.camera ?? 'front_door';
      const end = Math.round(Date.now() / 10) / 100;
      const start = Math.round((end - seconds) * 100) / 100;
      const id = `${start.toFixed(6)}-${randomBytes(3).toString('hex')}`;
      const file = path.join(dir, `${id}.mp4`);
      await makeTestClip(file, seconds, options.width, options.height);
      clips.set(id, { file, missing: o.missingLastSegment ?? 0, seconds });
      const detection = `${(start + 0.4).toFixed(6)}-${randomBytes(3).toString('hex')}`;
      const open: FakeReview = {
        id,
        camera,
        start_time: start,
        end_time: null,
        has_been_reviewed: false,
        severity: o.severity ?? 'alert',
        thumb_path: `/media/frigate/clips/review/thumb-${camera}-${id}.webp`,
        data: { detections: [detection], objects: ['person'], sub_labels: [], zones: ['porch'], audio: [] },
      };
      const ended: FakeReview = { ...open, end_time: end };
      reviews.push(ended);
      if (o.publish ?? true) {
        await publish('new', open, open);
        await publish('end', open, ended);
      }
      return ended;
    },
    async close() {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeAllConnections();
      if (broker)
        await new Promise<void>((resolve) => {
          broker.close(() => {
            resolve();
          });
        });
      if (mqttServer)
        await new Promise<void>((resolve) =>
          mqttServer.close(() => {
            resolve();
          }),
        );
      await rm(dir, { recursive: true, force: true });
    },
  };
  return self;
}
