/**
 * A fake Frigate NVR for tests, rebuilt from Frigate's source per version (frigate/api/review.py, media.py):
 *
 * - `GET /api/review`: 0.14–0.16 return only *unreviewed* items unless `reviewed=1` (then all), and keep
 *   items with `start_time > after` and (`end_time` null or `< before`), `after` defaulting to 24 h ago;
 *   0.14 limits to 100 by default. From 0.17 `reviewed` is per user and optional (absent = all, 0 =
 *   unreviewed, 1 = reviewed only) and the window is an overlap: `start_time < before` and (`end_time` null
 *   or `> after`).
 * - clips: `/api/<camera>/start/<s>/end/<e>/clip.mp4` before 0.18, `/api/review/<id>/clip.mp4` from 0.18.
 *   Frigate starts a clip at the keyframe before the requested start and cuts at whole seconds; only
 *   recording segments already written are included (the last 10-s segment of a review that just ended
 *   may not be). 0.14 caches each start/end clip for an hour and serves the cached file again.
 * - "no recordings" answers: 500 on 0.14, 200 with an empty body on 0.15–0.16, 400 JSON from 0.17.
 * - `GET /api/<camera>/recordings?after&before`: the written segments; `GET /api/config`: cameras with
 *   `record.enabled`; `POST /api/events/<camera>/<label>/create` records a manual event.
 * - optionally an in-process MQTT broker (aedes) publishing `frigate/reviews` `new`/`end` messages.
 *
 * Clips are real H.264 MP4s made with ffmpeg's `testsrc`. Reusable outside the hub's tests (the web vault's
 * end-to-end test drives a hub with it).
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
  /** Fixed ports (default ephemeral), so a test can start Frigate after a hub that already waits for it. */
  port?: number;
  mqttPort?: number;
  /** Camera names in Frigate's config (default `front_door` and `garage`). */
  cameras?: string[];
  /** Cameras whose `record.enabled` is false: no recordings, ever. */
  recordingDisabled?: string[];
  /** The first this-many `/api/<camera>/recordings` requests answer 502 (a proxy in front of a busy Frigate). */
  failRecordings?: number;
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
  /** The last 10-s segment is written this many ms after the review ends (Frigate's segment flush). */
  lastSegmentAfterMs?: number;
  /**
   * The last 10-s segment is written only after `/api/<camera>/recordings` has shown it missing this many
   * times: a slow flush that does not depend on how fast the machine runs the test.
   */
  lastSegmentAfterLooks?: number;
  /** Already marked reviewed in Frigate's UI. */
  reviewed?: boolean;
  /** The review ended this many seconds ago (default: now). */
  endedSecondsAgo?: number;
  /** Length of the generated clip file when it should differ from the review's (very long reviews). */
  clipSeconds?: number;
  /** Publish only `new`, as when the broker drops the `end` message. */
  dropEnd?: boolean;
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

const listen = (server: net.Server, port = 0) =>
  new Promise<number>((resolve) =>
    server.listen(port, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    }),
  );

/** Which behaviour family a version string belongs to: 0.14, 0.15–0.16, or 0.17 and later. */
export function familyOf(version: string): '0.14' | '0.15' | '0.17' {
  const minor = Number(/^0\.(\d+)/.exec(version)?.[1] ?? 99);
  return minor <= 14 ? '0.14' : minor <= 16 ? '0.15' : '0.17';
}

/** The 10-s recording segments Frigate writes for a review; the last one only once it is flushed. */
function segmentsOf(r: FakeReview, complete: boolean) {
  const out: { id: string; start_time: number; end_time: number; duration: number }[] = [];
  // The first segment starts a little before the review (Frigate's pre-capture); each is 10 s long.
  for (let t = r.start_time - 2; t < r.end_time!; t += 10) {
    out.push({ id: `${t}.0-${r.camera}`, start_time: t, end_time: t + 10, duration: 10 });
  }
  if (!complete) out.pop();
  return out;
}

/** Starts a fake Frigate on ephemeral ports. */
export async function startFakeFrigate(options: FakeFrigateOptions = {}): Promise<FakeFrigate> {
  const version = options.version ?? '0.14.1-f4f3cfa';
  const [, minor] = /^0\.(\d+)/.exec(version) ?? [];
  const perReviewClips = Number(minor) >= 18;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fake-frigate-'));
  const reviews: FakeReview[] = [];
  const clips = new Map<
    string,
    {
      file: string;
      short?: string;
      missing: number;
      looks: number;
      seconds: number;
      fullAt: number;
      camera: string;
    }
  >();
  const family = familyOf(version);
  const cameras = options.cameras ?? ['front_door', 'garage'];
  const noRecording = new Set(options.recordingDisabled ?? []);
  /** 0.14's clip cache: start/end → the file served first. */
  const cache = new Map<string, string>();
  const requests: string[] = [];

  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  /** Frigate's answer when no recording segment overlaps the requested range, as each version gives it. */
  const noRecordings = (res: http.ServerResponse) => {
    if (family === '0.14')
      return res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
    if (family === '0.15')
      return res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 0 }).end();
    return json(res, 400, { success: false, message: 'No recordings found for the specified time range' });
  };
  /** Whether the review's last segment is on disk yet (time- or request-count-based). */
  const complete = (clip: { missing: number; looks: number; fullAt: number }) =>
    clip.missing <= 0 && clip.looks <= 0 && Date.now() >= clip.fullAt;
  let failRecordings = options.failRecordings ?? 0;
  const sendClip = async (res: http.ServerResponse, review: FakeReview, cacheKey?: string) => {
    const clip = clips.get(review.id)!;
    if (noRecording.has(review.camera)) return noRecordings(res);
    let file = cacheKey && family === '0.14' ? cache.get(cacheKey) : undefined;
    if (!file) {
      file = clip.file;
      if (!complete(clip)) {
        clip.missing--;
        if (clip.seconds <= 10) return noRecordings(res);
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
      if (cacheKey && family === '0.14') cache.set(cacheKey, file);
    }
    const { size } = await stat(file);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size, 'accept-ranges': 'bytes' });
    createReadStream(file).pipe(res);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://frigate');
    requests.push(url.pathname + url.search);
    const handle = async () => {
      const p = url.pathname;
      if (p === '/api/version') return res.writeHead(200, { 'content-type': 'text/plain' }).end(version);
      if (p === '/api/review') {
        const q = url.searchParams;
        const wanted = q.get('cameras')?.split(',');
        const now = Date.now() / 1000;
        const after = Number(q.get('after') ?? now - 86_400);
        const before = Number(q.get('before') ?? now);
        const reviewed = q.get('reviewed');
        const limit = Number(q.get('limit') ?? (family === '0.14' ? 100 : 1_000_000));
        const items = reviews
          .filter((r) => !wanted || wanted.includes('all') || wanted.includes(r.camera))
          .filter((r) =>
            family === '0.17'
              ? r.start_time < before && (r.end_time === null || r.end_time > after)
              : r.start_time > after && (r.end_time === null || r.end_time < before),
          )
          .filter((r) =>
            family === '0.17'
              ? reviewed === null || r.has_been_reviewed === (reviewed === '1')
              : (reviewed ?? '0') !== '0' || !r.has_been_reviewed,
          )
          .sort((a, b) => b.start_time - a.start_time)
          .slice(0, limit);
        return json(res, 200, items);
      }
      if (p === '/api/config') {
        return json(res, 200, {
          cameras: Object.fromEntries(
            cameras.map((c) => [c, { enabled: true, record: { enabled: !noRecording.has(c) } }]),
          ),
        });
      }
      const rec = /^\/api\/([^/]+)\/recordings$/.exec(p);
      if (rec) {
        const camera = decodeURIComponent(rec[1]!);
        if (failRecordings > 0) {
          failRecordings--;
          return res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>');
        }
        const after = Number(url.searchParams.get('after') ?? 0);
        const before = Number(url.searchParams.get('before') ?? Infinity);
        const segments = noRecording.has(camera)
          ? []
          : reviews
              .filter((r) => r.camera === camera && r.end_time !== null)
              .flatMap((r) => segmentsOf(r, complete(clips.get(r.id)!)))
              .filter((g) => g.end_time > after && g.start_time < before);
        for (const r of reviews) {
          const clip = clips.get(r.id)!;
          if (r.camera === camera && r.start_time < before && (r.end_time ?? 0) > after && clip.looks > 0)
            clip.looks--;
        }
        return json(res, 200, segments);
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
            end >= (r.end_time ?? 0) - 1 &&
            end < (r.end_time ?? 0) + 5,
        );
        if (!review) return noRecordings(res);
        // Frigate cuts at whole seconds from the segment start and rounds nothing up: a request that ends
        // before the review's last second is a shorter clip (the fake serves the whole review for any end ≥ it).
        return sendClip(res, review, `${camera}_${m[2]}-${m[3]}`);
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
  const port = await listen(server, options.port);

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
    mqttUrl = `mqtt://127.0.0.1:${await listen(mqttServer, options.mqttPort)}`;
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
      const end = Math.round(Date.now() / 10 - (o.endedSecondsAgo ?? 0) * 100) / 100;
      const start = Math.round((end - seconds) * 100) / 100;
      const id = `${start.toFixed(6)}-${randomBytes(3).toString('hex')}`;
      const file = path.join(dir, `${id}.mp4`);
      await makeTestClip(file, o.clipSeconds ?? seconds, options.width, options.height);
      clips.set(id, {
        file,
        missing: o.missingLastSegment ?? 0,
        looks: o.lastSegmentAfterLooks ?? 0,
        seconds: o.clipSeconds ?? seconds,
        fullAt: Date.now() + (o.lastSegmentAfterMs ?? 0),
        camera,
      });
      const detection = `${(start + 0.4).toFixed(6)}-${randomBytes(3).toString('hex')}`;
      const open: FakeReview = {
        id,
        camera,
        start_time: start,
        end_time: null,
        has_been_reviewed: o.reviewed ?? false,
        severity: o.severity ?? 'alert',
        thumb_path: `/media/frigate/clips/review/thumb-${camera}-${id}.webp`,
        data: { detections: [detection], objects: ['person'], sub_labels: [], zones: ['porch'], audio: [] },
      };
      const ended: FakeReview = { ...open, end_time: end };
      reviews.push(ended);
      if (o.publish ?? true) {
        await publish('new', open, open);
        if (!o.dropEnd) await publish('end', open, ended);
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
