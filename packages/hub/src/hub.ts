import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fetchHubConfig } from './api.js';
import { detectEncoder } from './encoder.js';
import { validateConfig, type HubFileConfig, type SourceConfig } from './config.js';
import { HubError } from './errors.js';
import { Journal, type ClipRecord } from './journal.js';
import { processClip, type AfterZones, type ClipFetcher } from './pipeline.js';
import { configuredAutoBlur } from './redact/ingest.js';
import type { Reporter } from './progress.js';
import { Snapshots } from './snapshot.js';
import { FolderSource } from './sources/folder.js';
import { FrigateSource } from './sources/frigate.js';
import { ClipNotReady } from './sources/frigate-clip.js';
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
  /**
   * The config file `config` was read from: the hub watches it and applies a valid change without a restart
   * (after checking its camera ids with the server), saying what changed.
   */
  configFile?: string;
  /** A step on each clip's zoned video before encryption (auto-blur at ingest); see {@link AfterZones}. */
  afterZones?: AfterZones;
}

/** A short, secret-free name of a configured source, e.g. `folder /srv/clips` (no RTSP URL, no token). */
export function describeSource(s: SourceConfig): string {
  switch (s.type) {
    case 'frigate':
      return `frigate ${s.url}`;
    case 'folder':
      return `folder ${s.path}`;
    case 'rtsp':
      return `rtsp camera ${s.name ?? s.camera}`;
    case 'homeassistant':
      return `homeassistant webhook ${s.listen ?? '0.0.0.0:8765'}${s.path ?? '/porchlight'}`;
  }
}

/**
 * The camera id (ca_…) the current config gives a clip journalled under an old numeric camera id, before an
 * upgrade: a Frigate review by its Frigate camera name; another source's clip when the config has exactly one
 * camera for that kind of source. Undefined when the config cannot say.
 */
export function legacyCameraOf(r: ClipRecord, config: HubFileConfig): string | undefined {
  const candidates = new Set<string>();
  for (const s of config.sources) {
    if (s.type !== r.source) continue;
    if (s.type === 'frigate') {
      const name = r.fetch?.camera;
      if (typeof name === 'string' && s.cameras[name]) candidates.add(s.cameras[name]);
    } else if ('camera' in s) candidates.add(s.camera);
  }
  return candidates.size === 1 ? [...candidates][0] : undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What differs between two configs, in words the owner can check (keys only: no URLs with passwords). */
export function describeConfigChange(before: HubFileConfig, after: HubFileConfig): string[] {
  const changes: string[] = [];
  const named = (c: HubFileConfig) => c.sources.map((s, i) => ({ s, i, name: describeSource(s) }));
  const old = named(before);
  const now = named(after);
  for (const { s, i, name } of now) {
    const was = old.find((o) => o.name === name);
    if (!was) changes.push(`sources[${i}] ${name} added`);
    else if (!same(was.s, s)) {
      const keys = [...new Set([...Object.keys(was.s), ...Object.keys(s)])].filter(
        (k) =>
          !same(
            (was.s as unknown as Record<string, unknown>)[k],
            (s as unknown as Record<string, unknown>)[k],
          ),
      );
      changes.push(`sources[${i}] ${name} changed (${keys.join(', ')})`);
    }
  }
  for (const { name } of old) if (!now.some((n) => n.name === name)) changes.push(`${name} removed`);
  if (!same(before.encoder, after.encoder)) changes.push('encoder changed');
  if (!same(before.retryBaseMs, after.retryBaseMs)) changes.push('retryBaseMs changed');
  return changes;
}

/** A running source and the config it was built from. */
interface Running {
  config: SourceConfig;
  source: Source;
}

/**
 * Builds the configured sources; RTSP and Frigate sources are shared with the Home Assistant webhook. A
 * source whose config is unchanged in `previous` is kept as it is (a recording or download in progress goes
 * on); the webhook is rebuilt when any RTSP or Frigate source it triggers changed.
 */
export function buildSources(config: HubFileConfig, previous: readonly Running[] = []): Running[] {
  const kept = (s: SourceConfig) => previous.find((p) => same(p.config, s));
  const make = <T extends Source>(s: SourceConfig, create: () => T): T =>
    (kept(s)?.source as T | undefined) ?? create();
  const rtsp = config.sources.flatMap((s) =>
    s.type === 'rtsp' ? [{ config: s, source: make(s, () => new RtspSource(s)) }] : [],
  );
  const frigates = config.sources.flatMap((s) =>
    s.type === 'frigate' ? [{ config: s, source: make(s, () => new FrigateSource(s)) }] : [],
  );
  const linked: Running[] = [...rtsp, ...frigates];
  const before = previous.filter((p) => p.config.type === 'rtsp' || p.config.type === 'frigate');
  const linksChanged =
    linked.length !== before.length || linked.some((l) => !before.some((b) => b.source === l.source));
  return config.sources.map((s): Running => {
    switch (s.type) {
      case 'frigate':
      case 'rtsp':
        return linked.find((l) => l.config === s)!;
      case 'folder':
        return { config: s, source: make(s, () => new FolderSource(s)) };
      case 'homeassistant': {
        const create = () =>
          new HomeAssistantSource(
            s,
            rtsp.map((r) => r.source),
            frigates.map((f) => f.source),
          );
        return { config: s, source: linksChanged ? create() : make(s, create) };
      }
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
  private running: Running[];
  private journal!: Journal;
  private watcher: FSWatcher | undefined;
  private configText: string | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private readonly queue: string[] = [];
  private wake: (() => void) | undefined;
  private readonly stopping = new AbortController();
  private worker: Promise<void> | undefined;
  private fatalError: HubError | undefined;
  private fetchers: Record<string, ClipFetcher> = {};
  private readonly snapshots: Snapshots;
  /** The step after the zones: the caller's, else auto-blur for the cameras the config lists under `autoBlur`. */
  private readonly afterZones: AfterZones;

  constructor(readonly options: HubOptions) {
    super();
    this.afterZones = options.afterZones ?? configuredAutoBlur(() => this.options.config);
    this.running = buildSources(options.config);
    this.snapshots = new Snapshots(options.stateDir, options.credentials, options.reporter);
    for (const s of this.sources) if (s.fetcher) this.fetchers[s.name] = s.fetcher;
  }

  /** The running sources, in config order. */
  get sources(): Source[] {
    return this.running.map((r) => r.source);
  }

  private sourceContext() {
    return {
      stateDir: this.options.stateDir,
      submit: (clip: NewClip) => this.submit(clip),
      reporter: this.options.reporter,
      workDir: path.join(this.options.stateDir, 'work'),
    };
  }

  /**
   * Checks the token and that every configured camera id is the owner's (so a mistake shows now, not after
   * the first clip was downloaded), opens the journal, resumes unfinished clips, then starts every source.
   * A server that cannot be reached is only warned about: clips wait in the journal until it is back.
   */
  async start(): Promise<void> {
    await this.checkCameras(this.options.config);
    await ensureStateDir(this.options.stateDir);
    const { encoder, tried } = await detectEncoder();
    this.options.reporter.stage(
      'hub',
      `burn-in encoder: ${encoder.name}${tried.length ? ` (hardware tried and not usable: ${tried.join('; ')})` : ''}`,
    );
    this.journal = await Journal.open(this.options.stateDir);
    await this.journal.renameLegacyCameras((r) => legacyCameraOf(r, this.options.config));
    for (const r of this.journal.unfinished()) {
      this.options.reporter.stage(r.ref, `resuming from stage "${r.stage}"`);
      this.queue.push(r.ref);
    }
    this.worker = this.work();
    const ctx = this.sourceContext();
    for (const source of this.sources) await source.start(ctx);
    if (this.options.configFile) await this.watchConfig(this.options.configFile);
  }

  /**
   * Watches the config file (its directory, so an editor's save-by-rename is seen too) and reloads it a
   * moment after it changes. `SIGHUP` in `porchlight-hub run` does the same at once.
   */
  private async watchConfig(file: string): Promise<void> {
    this.configText = await readFile(file, 'utf8').catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    this.watcher = watch(path.dirname(path.resolve(file)), (_event, name) => {
      if (name !== null && name !== path.basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        void this.reloadConfig();
      }, 300);
    });
    this.watcher.on('error', (err) => {
      this.options.reporter.warn(
        `cannot watch ${file} for changes (${err.message}); send SIGHUP to reload it`,
      );
    });
  }

  /**
   * Reads the config file again and applies it when it changed and is valid: its camera ids are checked with
   * the server as at start (a revoked token stops the hub), sources that changed are restarted and the rest
   * go on untouched, and one line says what changed. An invalid file or a camera that is not the owner's is
   * explained and not applied: the hub carries on with the config it has.
   */
  reloadConfig(): Promise<void> {
    const next = this.reloading.then(() => this.reload());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private async reload(): Promise<void> {
    const file = this.options.configFile;
    if (!file || this.stopped()) return;
    const { reporter } = this.options;
    const notApplied = (why: string) => {
      reporter.error(
        `the config file ${file} changed but was not applied: ${why}; the hub carries on with the previous config`,
      );
    };
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      notApplied(`it cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return;
    }
    if (text === this.configText) return;
    this.configText = text;
    let next: HubFileConfig;
    try {
      next = validateConfig(JSON.parse(text), file);
    } catch (err) {
      notApplied(
        err instanceof SyntaxError ? `it is not valid JSON (${err.message})` : (err as Error).message,
      );
      return;
    }
    const changes = describeConfigChange(this.options.config, next);
    if (changes.length === 0) return;
    try {
      await this.checkCameras(next);
    } catch (err) {
      if (err instanceof HubError && err.code === 'revoked') {
        await this.die(err);
        return;
      }
      notApplied((err as Error).message);
      return;
    }
    if (this.stopped()) return;
    const previous = this.running;
    const running = buildSources(next, previous);
    const stopping = previous.filter((p) => !running.some((r) => r.source === p.source));
    const starting = running.filter((r) => !previous.some((p) => p.source === r.source));
    await Promise.allSettled(stopping.map((p) => p.source.stop()));
    this.options.config = next;
    this.running = running;
    this.fetchers = Object.fromEntries(this.sources.flatMap((s) => (s.fetcher ? [[s.name, s.fetcher]] : [])));
    reporter.stage('hub', `config file ${file} changed: ${changes.join('; ')} — applied without a restart`);
    const ctx = this.sourceContext();
    for (const r of starting) {
      await r.source.start(ctx).catch((err: unknown) => {
        reporter.error(
          `sources[${next.sources.indexOf(r.config)}] ${describeSource(r.config)} did not start: ${(err as Error).message}; fix the config`,
        );
      });
    }
  }

  /** Stops the hub for good with `err` (a revoked token, a changed key): only the owner can fix it. */
  private async die(err: HubError): Promise<void> {
    this.fatalError = err;
    this.options.reporter.error(err.message);
    this.emit('fatal', err);
    this.stopping.abort();
    this.wake?.();
    this.watcher?.close();
    await Promise.allSettled(this.sources.map((s) => s.stop()));
  }

  private async checkCameras(config: HubFileConfig): Promise<void> {
    const { credentials, reporter } = this.options;
    let owned: string[];
    try {
      owned = (await fetchHubConfig(credentials)).cameras.map((c) => c.id);
    } catch (err) {
      if (err instanceof HubError && err.code !== 'server') throw err;
      reporter.warn(`${(err as Error).message}; clips are kept until the server answers`);
      return;
    }
    const wrong = config.sources.flatMap((s, i) => {
      const ids = s.type === 'frigate' ? Object.values(s.cameras) : 'camera' in s ? [s.camera] : [];
      return ids.filter((id) => !owned.includes(id)).map((id) => `sources[${i}] camera ${id}`);
    });
    if (wrong.length > 0) {
      throw new HubError(
        `${wrong.join(', ')}: not one of your cameras on ${credentials.server} (yours: ${owned.join(', ') || 'none'}); fix the config`,
      );
    }
  }

  /** Stops the sources and waits for the clip in progress to reach a safe point. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    this.watcher?.close();
    await this.reloading;
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
          afterZones: this.afterZones,
          snapshots: this.snapshots,
          ...(this.options.chunkSize ? { chunkSize: this.options.chunkSize } : {}),
          signal: this.stopping.signal,
        });
        this.emit('settled', result);
      } catch (err) {
        if (this.stopped()) break;
        // A revoked token and a changed key both need the owner: retrying cannot help.
        if (err instanceof HubError && (err.code === 'revoked' || err.code === 'key_changed')) {
          await this.die(err);
          break;
        }
        if (err instanceof HubError && err.code === 'disk_full') {
          reporter.error(err.message);
          this.queue.unshift(ref);
          await sleep(this.options.diskFullPauseMs ?? 60_000, this.stopping.signal);
          continue;
        }
        if (err instanceof ClipNotReady) {
          // Scheduled, not awaited: the worker goes on with other clips meanwhile.
          const delay = err.retryAfterMs;
          reporter.stage(ref, `${err.message}; trying again in ${Math.round(delay / 1000)}s`);
          setTimeout(() => {
            this.enqueue(ref);
          }, delay).unref();
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
