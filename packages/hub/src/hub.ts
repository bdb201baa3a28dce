import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { HubFileConfig } from './config.js';
import { HubError } from './errors.js';
import { Journal, type ClipRecord } from './journal.js';
import { processClip, type ClipFetcher } from './pipeline.js';
import type { Reporter } from './progress.js';
import { FolderSource } from './sources/folder.js';
import { FrigateSource } from './sources/frigate.js';
import { HomeAssistantSource } from './sources/homeassistant.js';
import { RtspSource } from './sources/rtsp.js';
import { sleep, type NewClip, type Source } from './sources/source.js';
import { ensureStateDir, type DeviceCredentials } from './state.js';

/** Options for a running hub. */
export interface HubOptions {
  stateDir: string;
  credentials: DeviceCredentials;
  config: HubFileConfig;
  reporter: Reporter;
  /** Upload chunk size in bytes (default 8 MiB). */
  chunkSize?: number;
  /** How long to wait before retrying after a full disk (default 60 s). */
  diskFullPauseMs?: number;
}

/** Builds the configured sources; RTSP and Frigate sources are shared with the Home Assistant webhook. */
export function buildSources(config: HubFileConfig): Source[] {
  const rtsp = config.sources.flatMap((s) => (s.type === 'rtsp' ? [new RtspSource(s)] : []));
  const frigates = config.sources.flatMap((s) => (s.type === 'frigate' ? [new FrigateSource(s)] : []));
  return config.sources.map((s): Source => {
    switch (s.type) {
      case 'frigate':
        return frigates.find((f) => f.config === s)!;
      case 'folder':
        return new FolderSource(s);
      case 'rtsp':
        return rtsp.find((r) => r.config === s)!;
      case 'homeassistant':
        return new HomeAssistantSource(s, rtsp, frigates);
    }
  });
}

/**
 * The daemon: runs the sources, journals every clip they report, and works through the journal one clip at
 * a time (a home machine's CPU is the bottleneck, and ffmpeg already uses every core). Unfinished clips from
 * a previous run are resumed first. Emits `settled` (ClipRecord) when a clip is done or failed and `fatal`
 * (HubError) when the hub must stop, e.g. because its token was revoked.
 */
export class Hub extends EventEmitter {
  readonly sources: Source[];
  private journal!: Journal;
  private readonly queue: string[] = [];
  private wake: (() => void) | undefined;
  private readonly stopping = new AbortController();
  private worker: Promise<void> | undefined;
  private fatalError: HubError | undefined;
  private readonly fetchers: Record<string, ClipFetcher> = {};

  constructor(readonly options: HubOptions) {
    super();
    this.sources = buildSources(options.config);
    for (const s of this.sources) if (s.fetcher) this.fetchers[s.name] = s.fetcher;
  }

  /** Opens the journal, resumes unfinished clips, then starts every source. */
  async start(): Promise<void> {
    await ensureStateDir(this.options.stateDir);
    this.journal = await Journal.open(this.options.stateDir);
    for (const r of this.journal.unfinished()) {
      this.options.reporter.stage(r.ref, `resuming from stage "${r.stage}"`);
      this.queue.push(r.ref);
    }
    this.worker = this.work();
    const ctx = {
      submit: (clip: NewClip) => this.submit(clip),
      reporter: this.options.reporter,
      workDir: path.join(this.options.stateDir, 'work'),
    };
    for (const source of this.sources) await source.start(ctx);
  }

  /** Stops the sources and waits for the clip in progress to reach a safe point. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await Promise.allSettled(this.sources.map((s) => s.stop()));
    await this.worker;
  }

  /** The error that stopped the hub, if any. */
  get fatal(): HubError | undefined {
    return this.fatalError;
  }

  /** The journal's view of every clip. */
  clips(): ClipRecord[] {
    return this.journal.all();
  }

  /** Journals and queues a clip unless the journal already knows its ref. */
  async submit(clip: NewClip): Promise<void> {
    if (this.journal.get(clip.ref) || this.stopping.signal.aborted) return;
    await this.journal.put({ ...clip, stage: 'queued', attempts: 0, updatedAt: '' });
    this.options.reporter.stage(
      clip.ref,
      `queued (camera ${clip.cameraId}, ${clip.startedAt} – ${clip.endedAt})`,
    );
    this.enqueue(clip.ref);
  }

  /** A method rather than a property read, so the compiler does not narrow it across awaits. */
  private stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private enqueue(ref: string): void {
    if (!this.queue.includes(ref)) this.queue.push(ref);
    this.wake?.();
  }

  private async work(): Promise<void> {
    const { reporter } = this.options;
    while (!this.stopping.signal.aborted) {
      const ref = this.queue.shift();
      if (!ref) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const record = this.journal.get(ref);
      if (!record) continue;
      try {
        const result = await processClip(record, {
          stateDir: this.options.stateDir,
          credentials: this.options.credentials,
          journal: this.journal,
          reporter,
          fetchers: this.fetchers,
          ...(this.options.config.encoder ? { encode: this.options.config.encoder } : {}),
          ...(this.options.chunkSize ? { chunkSize: this.options.chunkSize } : {}),
          signal: this.stopping.signal,
        });
        this.emit('settled', result);
      } catch (err) {
        if (this.stopped()) break;
        if (err instanceof HubError && err.code === 'revoked') {
          this.fatalError = err;
          reporter.error(err.message);
          this.emit('fatal', err);
          this.stopping.abort();
          await Promise.allSettled(this.sources.map((s) => s.stop()));
          break;
        }
        if (err instanceof HubError && err.code === 'disk_full') {
          reporter.error(err.message);
          this.queue.unshift(ref);
          await sleep(this.options.diskFullPauseMs ?? 60_000, this.stopping.signal);
          continue;
        }
        const attempts = this.journal.get(ref)?.attempts ?? 1;
        const delay = Math.min((this.options.config.retryBaseMs ?? 5000) * 2 ** (attempts - 1), 300_000);
        reporter.warn(`[${ref}] ${(err as Error).message}; retrying in ${Math.round(delay / 1000)}s`);
        setTimeout(() => {
          this.enqueue(ref);
        }, delay).unref();
      }
    }
  }
}
