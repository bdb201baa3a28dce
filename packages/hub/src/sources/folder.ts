import { createHash } from 'node:crypto';
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { probeVideo } from '../ffmpeg.js';
import type { Source, SourceContext } from './source.js';

/** The `folder` source as written in the hub's config file. */
export interface FolderSourceConfig {
  type: 'folder';
  /** Directory to watch (subdirectories included). */
  path: string;
  /** Porchlight camera id the clips belong to. */
  camera: string;
  /** File-name pattern with `*` and `?` wildcards (default `*.mp4`). */
  pattern?: string;
  /** How long (ms) a file's size must stay unchanged before it is taken (default 2000). */
  stableMs?: number;
}

/** A case-insensitive matcher for a simple `*`/`?` file-name pattern. */
export function patternMatcher(pattern: string): (name: string) => boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${body}$`, 'i');
  return (name) => re.test(name);
}

/**
 * A watched folder (for cameras that drop clips on a share, e.g. over FTP). A file is taken once its size
 * has been stable for `stableMs`; it is read in place and never deleted. Its ref is derived from its path,
 * size and modification time, so a restart does not upload it again but a replaced file is new. A file the
 * hub cannot read is reported once and skipped.
 */
export class FolderSource implements Source {
  readonly name = 'folder';
  private watcher: FSWatcher | undefined;
  private readonly matches: (name: string) => boolean;

  constructor(readonly config: FolderSourceConfig) {
    this.matches = patternMatcher(config.pattern ?? '*.mp4');
  }

  async start(ctx: SourceContext): Promise<void> {
    const root = path.resolve(this.config.path);
    await access(root, constants.R_OK).catch((err: unknown) => {
      throw new Error(
        `cannot watch folder ${root}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    });
    this.watcher = watch(root, {
      ignoreInitial: false,
      awaitWriteFinish: { stabilityThreshold: this.config.stableMs ?? 2000, pollInterval: 200 },
      ignored: (p, stats) => Boolean(stats?.isFile() && !this.matches(path.basename(p))),
    });
    this.watcher.on('add', (file) => {
      this.ingest(ctx, file).catch((err: unknown) => {
        ctx.reporter.error(`${file}: ${(err as Error).message}`);
      });
    });
    this.watcher.on('error', (err) => {
      ctx.reporter.warn(`watching ${root}: ${(err as Error).message}`);
    });
    await new Promise<void>((resolve) => this.watcher!.once('ready', resolve));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
  }

  private async ingest(ctx: SourceContext, file: string): Promise<void> {
    const info = await stat(file);
    const ref = `folder:${createHash('sha256').update(`${this.config.camera}\0${file}\0${info.size}\0${info.mtimeMs}`).digest('hex').slice(0, 40)}`;
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      ctx.reporter.error(
        `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}) — skipped; fix its permissions and touch it to retry`,
      );
      return;
    }
    const video = await probeVideo(file).catch((err: unknown) => {
      ctx.reporter.error(`${(err as Error).message} — skipped`);
      return undefined;
    });
    if (!video) return;
    const endedAt = info.mtime;
    const startedAt = new Date(endedAt.getTime() - Math.round(video.durationSeconds * 1000));
    await ctx.submit({
      ref,
      source: this.name,
      cameraId: this.config.camera,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      input: file,
      ownsInput: false,
    });
  }
}
