import path from 'node:path';
import { captureRtsp, redactUrl } from '../ffmpeg.js';
import { workName } from '../pipeline.js';
import { sleep, type Source, type SourceContext } from './source.js';

/** The `rtsp` source as written in the hub's config file. */
export interface RtspSourceConfig {
  type: 'rtsp';
  /** Porchlight camera id; also the name a Home Assistant webhook uses to trigger this camera. */
  camera: string;
  /** Optional friendlier name for webhooks (e.g. `front_door`). */
  name?: string;
  /** The camera's RTSP URL, e.g. `rtsp://user:pass@192.168.1.20:554/stream1`. */
  url: string;
  /** Seconds recorded per trigger (default 20). */
  seconds?: number;
  /** What starts a recording: a Home Assistant webhook (default) or a fixed interval. */
  trigger?: 'homeassistant' | 'interval';
  /** With `trigger: "interval"`, seconds between recordings. */
  everySeconds?: number;
}

/**
 * An RTSP camera recorded with ffmpeg on a trigger. The recording is made immediately (the moment cannot be
 * fetched later), so the clip enters the journal with its video already in the work dir.
 */
export class RtspSource implements Source {
  readonly name = 'rtsp';
  private readonly stopped = new AbortController();
  private ctx: SourceContext | undefined;
  private busy = false;

  constructor(readonly config: RtspSourceConfig) {}

  /** A recording of this camera is running now. */
  get isRecording(): boolean {
    return this.busy;
  }

  /** True when a webhook naming `camera` means this source. */
  answersTo(camera: string): boolean {
    return camera === this.config.camera || camera === this.config.name;
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    if (this.config.trigger === 'interval') void this.intervalLoop(this.config.everySeconds ?? 300);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    return Promise.resolve();
  }

  /** Seconds asked for by triggers that arrived while a recording was running; recorded right after it. */
  private pending = 0;

  /**
   * Records one clip now and queues it. A trigger while this camera is already recording is not dropped:
   * another recording of the longest requested length starts as soon as the current one ends (the camera
   * allows one RTSP reader at a time on many models, so the two do not overlap). Returns the clip's ref, or
   * `"after-current"` when the recording was queued behind the running one.
   */
  async capture(seconds = this.config.seconds ?? 20): Promise<string> {
    const ctx = this.ctx;
    if (!ctx) throw new Error('rtsp source not started');
    if (this.busy) {
      this.pending = Math.max(this.pending, seconds);
      return 'after-current';
    }
    this.busy = true;
    try {
      const started = new Date();
      const ref = `rtsp:${this.config.camera}:${started.toISOString()}`;
      const out = path.join(ctx.workDir, `${workName(ref)}.rtsp.mp4`);
      ctx.reporter.stage(ref, `recording ${seconds}s from ${redactUrl(this.config.url)}`);
      await captureRtsp(this.config.url, seconds, out);
      await ctx.submit({
        ref,
        source: this.name,
        cameraId: this.config.camera,
        startedAt: started.toISOString(),
        endedAt: new Date().toISOString(),
        input: out,
        ownsInput: true,
      });
      return ref;
    } finally {
      this.busy = false;
      const next = this.pending;
      this.pending = 0;
      if (next > 0 && !this.stopped.signal.aborted) {
        this.capture(next).catch((err: unknown) => {
          ctx.reporter.error((err as Error).message);
        });
      }
    }
  }

  private async intervalLoop(every: number): Promise<void> {
    while (!this.stopped.signal.aborted) {
      await this.capture().catch((err: unknown) => this.ctx?.reporter.error((err as Error).message));
      await sleep(every * 1000, this.stopped.signal);
    }
  }
}
