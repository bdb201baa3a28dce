import { readFile } from 'node:fs/promises';
import path from 'node:path';
import mqtt from 'mqtt';
import { HubError } from '../errors.js';
import type { ClipRecord } from '../journal.js';
import { workName, type FetchedClip } from '../pipeline.js';
import { writeFileAtomic } from '../state.js';
import {
  ClipNotReady,
  clipPath,
  download,
  frigateFamily,
  isNoRecordingsAnswer,
  readableClip,
  recordingCoverage,
  type FrigateVersion,
} from './frigate-clip.js';
import { sleep, type Source, type SourceContext } from './source.js';

export { clipPath } from './frigate-clip.js';

/** The `frigate` source as written in the hub's config file. */
export interface FrigateSourceConfig {
  type: 'frigate';
  /** Frigate's base URL, e.g. `http://frigate.local:5000`. */
  url: string;
  /** MQTT broker Frigate publishes to, e.g. `mqtt://broker.local:1883`; without it the hub polls. */
  mqtt?: string;
  /** Frigate's MQTT topic prefix (default `frigate`). */
  topicPrefix?: string;
  /** Frigate camera name → Porchlight camera id. Reviews from other cameras are ignored. */
  cameras: Record<string, string>;
  /** Review severities to upload (default both `alert` and `detection`). */
  severity?: ('alert' | 'detection')[];
  /**
   * Seconds between polls of `/api/review` (default 60 without MQTT, 300 with it as a catch-up); 0 polls
   * once at start and after each MQTT reconnect only.
   */
  pollSeconds?: number;
  /**
   * On the first start (no saved cursor), also pick up reviews that ended up to this many minutes ago
   * (default 10); later starts continue from the cursor in the state dir.
   */
  lookbackMinutes?: number;
  /**
   * Delays (ms) before each new look while Frigate finishes writing the last recording segment (default
   * 2, 4, 8, 15, 30, 60 s). The schedule starts again whenever the recording has grown; once it has run out
   * with no growth the clip is uploaded as far as it goes and marked partial. Network errors and 5xx answers
   * are retried apart (the hub's `retryBaseMs` backoff) and never shorten this wait.
   */
  clipRetryDelays?: number[];
}

/** A review item as Frigate 0.14–0.18 publishes it (MQTT `frigate/reviews` `after`, and `GET /api/review`). */
export interface FrigateReview {
  id: string;
  camera: string;
  start_time: number;
  end_time: number | null;
  severity: string;
  has_been_reviewed?: boolean;
  data?: { objects?: string[]; zones?: string[]; detections?: string[] };
}

/** Frigate's version as `[major, minor]`, parsed from `GET /api/version` (e.g. `0.14.1-f4f3cfa`). */
export function parseFrigateVersion(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Waits between attempts to reach Frigate at start: 1 s, doubling to a minute. */
const WAIT_STEPS = [1000, 2000, 4000, 8000, 15_000, 30_000, 60_000];

/**
 * Frigate as a clip source. Ended reviews arrive over MQTT `<prefix>/reviews` and by polling `/api/review`
 * from a cursor kept in the state dir, so every review that ended since the last poll is found — across
 * restarts, and whether or not MQTT delivered it. Each journaled review's clip is fetched once Frigate's
 * recording segments reach the review's end (Frigate writes 10-s segments, so the last one lags); a clip
 * that is not ready is retried later by the hub's queue, never by waiting here.
 */
export class FrigateSource implements Source {
  readonly name = 'frigate';
  private version: FrigateVersion | undefined;
  private client: mqtt.MqttClient | undefined;
  private stopped = new AbortController();
  private cursor: number | undefined;
  private ctx: SourceContext | undefined;
  /** Frigate cameras with recording disabled; each is reported once. */
  private readonly recordingOff = new Set<string>();
  private readonly told = new Set<string>();

  constructor(readonly config: FrigateSourceConfig) {}

  private get base(): string {
    return this.config.url.replace(/\/+$/, '');
  }

  /**
   * Checks that `url` is a Frigate and learns its version; the error names the URL and what answered.
   * `frigate_unreachable` errors are worth waiting out (nothing answers, or Frigate is still starting);
   * `invalid` ones (something else answers there) are a config mistake.
   */
  async detectVersion(): Promise<FrigateVersion> {
    const url = `${this.base}/api/version`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      const c = (err as { cause?: { code?: string; message?: string } }).cause;
      const cause = c?.code ?? c?.message ?? (err as Error).message;
      throw new HubError(
        `cannot reach Frigate at ${this.config.url} (${cause}); check the frigate "url" in the config`,
        'frigate_unreachable',
        { cause: err },
      );
    }
    const text = (await res.text()).slice(0, 200);
    if (res.status >= 500) {
      throw new HubError(
        `Frigate at ${this.config.url} answered ${res.status} (starting up?)`,
        'frigate_unreachable',
      );
    }
    if (res.status === 401 || res.status === 403) {
      throw new HubError(
        `Frigate at ${this.config.url} asks for a login (${res.status}): that is its authenticated port (8971), which porchlight-hub does not support. Use Frigate's internal API port, usually 5000`,
      );
    }
    const version = res.ok ? parseFrigateVersion(text) : undefined;
    if (!version) {
      const what = `${res.status} ${res.headers.get('content-type') ?? 'no content type'}: ${JSON.stringify(text.slice(0, 80))}`;
      throw new HubError(
        `${this.config.url} does not look like Frigate: GET ${url} answered ${what}. Use Frigate's internal API address, usually port 5000`,
      );
    }
    if (version[0] === 0 && version[1] < 14) {
      throw new HubError(
        `Frigate ${text.trim()} at ${this.config.url} is too old; porchlight-hub supports 0.14 to 0.18`,
      );
    }
    return version;
  }

  /**
   * Connects to Frigate (and MQTT) and starts polling. A Frigate that is down — after a power cut it often
   * comes up after the hub — is waited for in the background, saying so; a URL that is not Frigate stops
   * the hub at once.
   */
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.cursor = await this.loadCursor();
    try {
      this.version = await this.detectVersion();
    } catch (err) {
      if (!(err instanceof HubError) || err.code !== 'frigate_unreachable') throw err;
      ctx.reporter.warn(`waiting for Frigate: ${err.message}; retrying until it answers`);
      void this.waitForFrigate(ctx);
      return;
    }
    await this.connected(ctx);
  }

  private async waitForFrigate(ctx: SourceContext): Promise<void> {
    for (let i = 0; !this.halted(); i++) {
      await sleep(WAIT_STEPS[Math.min(i, WAIT_STEPS.length - 1)]!, this.stopped.signal);
      if (this.halted()) return;
      try {
        this.version = await this.detectVersion();
      } catch (err) {
        if (err instanceof HubError && err.code === 'frigate_unreachable') continue;
        ctx.reporter.error((err as Error).message);
        return;
      }
      await this.connected(ctx).catch((err: unknown) => {
        ctx.reporter.error((err as Error).message);
      });
      return;
    }
  }

  private async connected(ctx: SourceContext): Promise<void> {
    ctx.reporter.stage('frigate', `Frigate ${this.version!.join('.')} at ${this.config.url}`);
    await this.checkCameras(ctx);
    if (this.config.mqtt) this.subscribe(ctx);
    const pollSeconds = this.config.pollSeconds ?? (this.config.mqtt ? 300 : 60);
    // One catch-up poll always runs at start; pollSeconds 0 turns off the repeats.
    void this.pollLoop(ctx, pollSeconds);
  }

  /** Warns about mapped camera names Frigate does not have and cameras that record nothing. */
  private async checkCameras(ctx: SourceContext): Promise<void> {
    const res = await fetch(`${this.base}/api/config`, { signal: AbortSignal.timeout(10_000) }).catch(
      () => undefined,
    );
    const config = res?.ok
      ? ((await res.json().catch(() => ({}))) as {
          cameras?: Record<string, { record?: { enabled?: boolean } }>;
        })
      : undefined;
    if (!config?.cameras) return;
    const known = Object.keys(config.cameras);
    for (const name of Object.keys(this.config.cameras)) {
      const camera = config.cameras[name];
      if (!camera) {
        ctx.reporter.warn(
          `Frigate at ${this.config.url} has no camera "${name}" (it has: ${known.join(', ') || 'none'}); fix the name in the frigate "cameras" map`,
        );
      } else if (camera.record?.enabled === false) {
        this.recordingOff.add(name);
        this.tellRecordingOff(name);
      }
    }
  }

  private tellRecordingOff(camera: string): void {
    if (this.told.has(camera)) return;
    this.told.add(camera);
    this.ctx?.reporter.warn(
      `recording is disabled for camera "${camera}" in Frigate at ${this.config.url}, so its reviews have no clips to upload; set record: enabled: true for it in Frigate's config`,
    );
  }

  /** A method rather than a property read, so the compiler does not narrow it across awaits. */
  private halted(): boolean {
    return this.stopped.signal.aborted;
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.client?.endAsync();
  }

  private wanted(review: FrigateReview): boolean {
    const severities = this.config.severity ?? ['alert', 'detection'];
    return (
      review.end_time != null &&
      review.camera in this.config.cameras &&
      severities.includes(review.severity as 'alert')
    );
  }

  /** Journals an ended review; the ref is Frigate's review id, so MQTT and polling never double it. */
  async submitReview(ctx: SourceContext, review: FrigateReview): Promise<void> {
    if (!this.wanted(review)) return;
    await ctx.submit({
      ref: `frigate:${review.id}`,
      source: this.name,
      cameraId: this.config.cameras[review.camera]!,
      startedAt: new Date(review.start_time * 1000).toISOString(),
      endedAt: new Date(review.end_time! * 1000).toISOString(),
      fetch: { reviewId: review.id, camera: review.camera, start: review.start_time, end: review.end_time! },
      ownsInput: true,
    });
  }

  /**
   * Subscribes to `<prefix>/reviews`. The client reconnects by itself (a broker down at start or restarted
   * later is waited for, and said once); each reconnect re-subscribes and polls to catch up on what the
   * broker did not deliver meanwhile.
   */
  private subscribe(ctx: SourceContext): void {
    const topic = `${this.config.topicPrefix ?? 'frigate'}/reviews`;
    const client = mqtt.connect(this.config.mqtt!, { reconnectPeriod: 5000, connectTimeout: 10_000 });
    this.client = client;
    let down = false;
    client.on('connect', () => {
      if (down) ctx.reporter.stage('frigate', `MQTT broker at ${this.config.mqtt} is back`);
      down = false;
      client.subscribe(topic, { qos: 1 }, (err) => {
        if (err) ctx.reporter.warn(`MQTT ${this.config.mqtt}: cannot subscribe to ${topic}: ${err.message}`);
      });
      this.pollOnce(ctx).catch(() => undefined);
    });
    const offline = (why: string) => {
      if (down || this.stopped.signal.aborted) return;
      down = true;
      ctx.reporter.warn(
        `waiting for the MQTT broker at ${this.config.mqtt} (${why}); reviews are found by polling Frigate meanwhile`,
      );
    };
    client.on('error', (err) => {
      offline(err.message);
    });
    client.on('offline', () => {
      offline('offline');
    });
    client.on('message', (_topic, payload) => {
      let message: { type?: string; after?: FrigateReview };
      try {
        message = JSON.parse(payload.toString()) as typeof message;
      } catch {
        ctx.reporter.warn(`ignored a ${topic} message that is not JSON`);
        return;
      }
      if (message.type === 'end' && message.after) {
        this.submitReview(ctx, message.after).catch((err: unknown) => {
          ctx.reporter.error((err as Error).message);
        });
      }
    });
  }

  private cursorFile(): string | undefined {
    return this.ctx?.stateDir ? path.join(this.ctx.stateDir, 'frigate-cursor.json') : undefined;
  }

  private async loadCursor(): Promise<number> {
    const file = this.cursorFile();
    const saved = file
      ? await readFile(file, 'utf8')
          .then((t) => (JSON.parse(t) as Record<string, number>)[this.base])
          .catch(() => undefined)
      : undefined;
    return saved ?? Date.now() / 1000 - (this.config.lookbackMinutes ?? 10) * 60;
  }

  private async saveCursor(cursor: number): Promise<void> {
    const file = this.cursorFile();
    if (!file) return;
    const all = await readFile(file, 'utf8')
      .then((t) => JSON.parse(t) as Record<string, number>)
      .catch((): Record<string, number> => ({}));
    all[this.base] = cursor;
    await writeFileAtomic(file, JSON.stringify(all) + '\n');
  }

  /**
   * Reads every review that ended after the cursor from `/api/review` and journals the wanted ones, then
   * moves the cursor. The query depends on Frigate's version: 0.14–0.16 return only unreviewed items unless
   * `reviewed=1` and keep items that *started* after `after`, so they are asked from a day before the
   * cursor and filtered here by end time; 0.17+ return all items when `reviewed` is absent and keep those
   * that *overlap* `after`. The cursor trails the newest end seen by two minutes, because Frigate may write
   * a review's end a little late; the journal ignores reviews it already has.
   */
  async pollOnce(ctx: SourceContext): Promise<void> {
    if (!this.version) return;
    const cursor = this.cursor ?? (await this.loadCursor());
    const old = frigateFamily(this.version) !== '0.17';
    const params = new URLSearchParams({
      cameras: Object.keys(this.config.cameras).join(','),
      after: String(Math.floor(old ? cursor - 86_400 : cursor)),
      before: String(Math.ceil(Date.now() / 1000 + 60)),
      limit: '10000',
      ...(old ? { reviewed: '1' } : {}),
    });
    const url = `${this.base}/api/review?${params.toString()}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`Frigate at ${this.config.url}: GET ${url} answered ${res.status}`);
    const reviews = (await res.json()) as FrigateReview[];
    let newest = cursor;
    for (const review of reviews.sort((a, b) => a.start_time - b.start_time)) {
      if (review.end_time == null || review.end_time <= cursor) continue;
      await this.submitReview(ctx, review);
      newest = Math.max(newest, review.end_time);
    }
    const next = Math.max(cursor, newest - 120);
    if (next !== this.cursor) await this.saveCursor(next);
    this.cursor = next;
  }

  private async pollLoop(ctx: SourceContext, seconds: number): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        await this.pollOnce(ctx);
      } catch (err) {
        ctx.reporter.warn(`polling Frigate at ${this.config.url}: ${(err as Error).message}`);
      }
      if (seconds === 0) return;
      await sleep(seconds * 1000, this.stopped.signal);
    }
  }

  /**
   * Asks Frigate to record a manual event on `camera` (`POST /api/events/<camera>/<label>/create`), for a Home
   * Assistant trigger on a camera Frigate records. The review it produces arrives like any other.
   */
  async createEvent(camera: string, seconds: number): Promise<string> {
    const url = `${this.base}/api/events/${encodeURIComponent(camera)}/porchlight/create`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duration: seconds, include_recording: true, sub_label: 'home assistant' }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { event_id?: string; message?: string };
    if (!res.ok || !body.event_id) {
      throw new HubError(
        `Frigate at ${this.config.url} refused the event for ${camera}: ${res.status} ${body.message ?? ''}`.trim(),
        'server',
      );
    }
    return body.event_id;
  }

  /**
   * One attempt at a journaled review's clip. First asks Frigate how far its recording segments reach: not
   * yet to the review's end → {@link ClipNotReady} (the hub retries after the next `clipRetryDelays` step;
   * the steps start again when the recording grew); after the last step the clip is taken as it is and marked
   * partial. Network errors are thrown as they are (retried with the hub's backoff, not counted as waits). Frigate's "no recordings" answers
   * differ by version (500, empty 200, 400); a camera with recording disabled fails the clip with that reason.
   */
  readonly fetcher = async (record: ClipRecord, workDir: string): Promise<FetchedClip> => {
    this.version ??= await this.detectVersion();
    const f = record.fetch ?? {};
    const review = {
      id: String(f.reviewId),
      camera: String(f.camera),
      start: Number(f.start),
      end: Number(f.end),
    };
    const delays = this.config.clipRetryDelays ?? [2000, 4000, 8000, 15_000, 30_000, 60_000];
    if (this.recordingOff.has(review.camera)) {
      throw new HubError(
        `recording is disabled for camera "${review.camera}" in Frigate, so review ${review.id} has no clip`,
        'unreadable',
      );
    }
    const coverage = await recordingCoverage(this.base, review);
    const shortfall = coverage?.shortfall;
    // "Not ready yet" answers are counted apart from network failures (record.attempts), and the count
    // starts again whenever the recording has grown since the last one: a clip is given up on (and
    // uploaded as partial) only after the whole delay schedule passed without Frigate writing anything.
    const grew = coverage !== undefined && record.reach !== undefined && coverage.reach > record.reach;
    const waits = grew ? 0 : (record.waits ?? 0);
    // Each try asks for a slightly different range, so 0.14's one-hour clip cache cannot serve an old file.
    const attempt = (record.attempts + waits) % 100;
    const last = waits >= delays.length;
    const later = (why: string) =>
      new ClipNotReady(why, delays[Math.min(waits, delays.length - 1)]!, {
        waits: waits + 1,
        ...(coverage ? { reach: coverage.reach } : {}),
      });
    if (shortfall === Infinity && !last) throw later(`Frigate has no recording for review ${review.id} yet`);
    if (shortfall !== undefined && shortfall > 0.5 && !last) {
      throw later(
        `Frigate's recording stops ${shortfall.toFixed(1)} s before the end of review ${review.id}; waiting for its last segment`,
      );
    }
    const url = `${this.base}${clipPath(this.version, review, attempt)}`;
    const out = path.join(workDir, `${workName(record.ref)}.frigate.mp4`);
    const got = await download(url, out, { signal: this.stopped.signal });
    if (got.status !== 200 && got.status !== 206) {
      if (isNoRecordingsAnswer(got.status, got.contentLength) || got.status === 404) {
        if (!last)
          throw later(`Frigate has no recording for review ${review.id} yet (${url} answered ${got.status})`);
        throw new HubError(
          `Frigate has no recording for review ${review.id} (${url} answered ${got.status})`,
          'unreadable',
        );
      }
      throw new Error(`Frigate at ${this.config.url}: GET ${url} answered ${got.status}`);
    }
    if (got.bytes === 0) {
      if (!last)
        throw later(`Frigate has no recording for review ${review.id} yet (${url} answered an empty clip)`);
      throw new HubError(
        `Frigate has no recording for review ${review.id} (${url} answered an empty clip)`,
        'unreadable',
      );
    }
    if (!(await readableClip(out))) {
      if (!last)
        throw later(`the clip Frigate served for review ${review.id} (${url}) is not a readable video yet`);
      throw new HubError(
        `the clip Frigate served for review ${review.id} (${url}) is not a readable video`,
        'unreadable',
      );
    }
    const partial =
      shortfall !== undefined && shortfall > 0.5
        ? `partial: Frigate's recording ends ${shortfall === Infinity ? 'before the review' : `${shortfall.toFixed(1)} s before the review's end`}`
        : undefined;
    return partial ? { file: out, note: partial } : { file: out };
  };
}
