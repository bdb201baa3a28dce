import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import mqtt from 'mqtt';
import { HubError } from '../errors.js';
import { probeVideo } from '../ffmpeg.js';
import type { ClipRecord } from '../journal.js';
import { workName } from '../pipeline.js';
import { sleep, type Source, type SourceContext } from './source.js';

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
  /** Seconds between polls of `/api/review` (default 60 without MQTT, 300 with it as a catch-up). */
  pollSeconds?: number;
  /** On start, also pick up reviews that ended up to this many minutes ago (default 10). */
  lookbackMinutes?: number;
  /** Delays (ms) between attempts while Frigate finishes writing the last recording segment. */
  clipRetryDelays?: number[];
}

/** A review item as Frigate 0.14–0.18 publishes it (MQTT `frigate/reviews` `after`, and `GET /api/review`). */
export interface FrigateReview {
  id: string;
  camera: string;
  start_time: number;
  end_time: number | null;
  severity: string;
  data?: { objects?: string[]; zones?: string[]; detections?: string[] };
}

/** Frigate's version as `[major, minor]`, parsed from `GET /api/version` (e.g. `0.14.1-f4f3cfa`). */
export function parseFrigateVersion(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Which clip endpoint a Frigate version serves: per-review from 0.18, by camera and time range before it. */
export function clipPath(
  version: [number, number],
  review: { id: string; camera: string; start: number; end: number },
): string {
  const [major, minor] = version;
  if (major > 0 || minor >= 18) return `/api/review/${encodeURIComponent(review.id)}/clip.mp4`;
  return `/api/${encodeURIComponent(review.camera)}/start/${review.start}/end/${review.end}/clip.mp4`;
}

/**
 * Frigate as a clip source: review items arrive over MQTT `<prefix>/reviews` and/or by polling
 * `/api/review`; when a review ends its clip is journaled, then downloaded from the endpoint that Frigate's
 * version serves. Frigate writes recordings in 10-second segments, so right after a review ends the last one
 * may be missing: a clip that is absent or shorter than the review is fetched again with backoff.
 */
export class FrigateSource implements Source {
  readonly name = 'frigate';
  private version: [number, number] | undefined;
  private client: mqtt.MqttClient | undefined;
  private stopped = new AbortController();
  private pollAfter = 0;

  constructor(readonly config: FrigateSourceConfig) {}

  private get base(): string {
    return this.config.url.replace(/\/+$/, '');
  }

  /** Checks that `url` is a Frigate and learns its version; the error names the URL and what answered. */
  async detectVersion(): Promise<[number, number]> {
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
    const version = res.ok ? parseFrigateVersion(text) : undefined;
    if (!version) {
      const what = `${res.status} ${res.headers.get('content-type') ?? 'no content type'}: ${JSON.stringify(text.slice(0, 80))}`;
      throw new HubError(
        `${this.config.url} does not look like Frigate: GET ${url} answered ${what}. Use Frigate's own address (usually port 5000, or 8971 behind its auth proxy)`,
        'frigate_unreachable',
      );
    }
    if (version[0] === 0 && version[1] < 14) {
      throw new HubError(
        `Frigate ${text.trim()} at ${this.config.url} is too old; porchlight-hub supports 0.14 to 0.18`,
        'frigate_unreachable',
      );
    }
    return version;
  }

  async start(ctx: SourceContext): Promise<void> {
    this.version = await this.detectVersion();
    ctx.reporter.stage('frigate', `Frigate ${this.version.join('.')} at ${this.config.url}`);
    this.pollAfter = Date.now() / 1000 - (this.config.lookbackMinutes ?? 10) * 60;
    if (this.config.mqtt) await this.subscribe(ctx);
    const pollSeconds = this.config.pollSeconds ?? (this.config.mqtt ? 300 : 60);
    if (pollSeconds > 0) void this.pollLoop(ctx, pollSeconds);
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

  private async subscribe(ctx: SourceContext): Promise<void> {
    const topic = `${this.config.topicPrefix ?? 'frigate'}/reviews`;
    const client = await mqtt
      .connectAsync(this.config.mqtt!, { reconnectPeriod: 5000, connectTimeout: 10_000 })
      .catch((err: unknown) => {
        throw new HubError(
          `cannot connect to the MQTT broker at ${this.config.mqtt} (${(err as Error).message})`,
          'frigate_unreachable',
          { cause: err },
        );
      });
    this.client = client;
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
    client.on('error', (err) => {
      ctx.reporter.warn(`MQTT ${this.config.mqtt}: ${err.message}`);
    });
    await client.subscribeAsync(topic, { qos: 1 });
  }

  /** Reads ended reviews from `/api/review` (catch-up after downtime, or the only feed without MQTT). */
  async pollOnce(ctx: SourceContext): Promise<void> {
    const params = new URLSearchParams({
      cameras: Object.keys(this.config.cameras).join(','),
      after: String(Math.floor(this.pollAfter)),
      limit: '100',
    });
    const res = await fetch(`${this.base}/api/review?${params.toString()}`, {
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`GET ${this.base}/api/review answered ${res.status}`);
    const reviews = (await res.json()) as FrigateReview[];
    for (const review of reviews.sort((a, b) => a.start_time - b.start_time)) {
      await this.submitReview(ctx, review);
    }
    // Later polls look back one hour: enough for any review still open, without re-reading all history.
    this.pollAfter = Math.max(this.pollAfter, Date.now() / 1000 - 3600);
  }

  private async pollLoop(ctx: SourceContext, seconds: number): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        await this.pollOnce(ctx);
      } catch (err) {
        ctx.reporter.warn(`polling Frigate at ${this.config.url}: ${(err as Error).message}`);
      }
      await sleep(seconds * 1000, this.stopped.signal);
    }
  }

  /** Downloads a journaled review's clip, waiting for Frigate to finish writing its last segment. */
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

  readonly fetcher = async (record: ClipRecord, workDir: string): Promise<string> => {
    this.version ??= await this.detectVersion();
    const f = record.fetch ?? {};
    const review = {
      id: String(f.reviewId),
      camera: String(f.camera),
      start: Number(f.start),
      end: Number(f.end),
    };
    const url = `${this.base}${clipPath(this.version, review)}`;
    const out = path.join(workDir, `${workName(record.ref)}.frigate.mp4`);
    const expected = review.end - review.start;
    const delays = this.config.clipRetryDelays ?? [2000, 4000, 8000, 15_000, 30_000];
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= delays.length;
      const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (res.ok && res.body) {
        await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(out));
        const info = await probeVideo(out).catch(() => undefined);
        // A clip more than 2 s short is missing its last segment: Frigate has not flushed it yet.
        if (info && (info.durationSeconds >= expected - 2 || last)) return out;
        await rm(out, { force: true });
        if (last)
          throw new HubError(
            `the clip Frigate served for review ${review.id} (${url}) is not a readable video`,
            'unreadable',
          );
      } else if (res.status !== 404 || last) {
        await res.body?.cancel();
        if (last)
          throw new HubError(
            `Frigate has no recording for review ${review.id} (${url} answered ${res.status})`,
            'unreadable',
          );
        throw new Error(`GET ${url} answered ${res.status}`);
      } else {
        await res.body?.cancel();
      }
      await sleep(delays[attempt]!, this.stopped.signal);
    }
  };
}
