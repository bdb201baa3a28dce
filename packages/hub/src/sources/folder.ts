import { createHash } from 'node:crypto';
import { access, constants, open, stat } from 'node:fs/promises';
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
 * Whether an MP4/MOV file is whole, from its top-level boxes: `incomplete` while a box runs past the end of
 * the file (a writer that put the index first is still appending samples) or the index (`moov`) or the
 * samples (`mdat`) are missing; `other` when the file does not start like an ISO-BMFF file at all.
 */
export async function mp4State(file: string): Promise<'complete' | 'incomplete' | 'other'> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(16);
    const seen = new Set<string>();
    for (let offset = 0; offset < size;) {
      const { bytesRead } = await handle.read(head, 0, 16, offset);
      if (bytesRead < 8) return 'incomplete';
      let box = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (offset === 0 && !['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide'].includes(type)) return 'other';
      if (box === 1) {
        if (bytesRead < 16) return 'incomplete';
        box = Number(head.readBigUInt64BE(8));
      }
      // Size 0 means "to the end of the file": a writer that has not patched it yet.
      if (box === 0) return 'incomplete';
      if (box < 8) return 'other';
      if (offset + box > size) return 'incomplete';
      seen.add(type);
      offset += box;
    }
    return seen.has('moov') && seen.has('mdat') ? 'complete' : 'incomplete';
  } finally {
    await handle.close();
  }
}

/**
 * A watched folder (for cameras that drop clips on a share, e.g. over FTP). A file is taken once its size
 * has been stable for `stableMs` *and* it is whole: an MP4 whose index is missing (still being written) or
 * whose boxes run past its end (index written first, samples still arriving) is waited for — every later
 * change is looked at again, however long the writer stalled. It is read in place and never deleted. Its ref
 * is derived from its path and inode, so a file that grows after a stall, or a restart, never makes a second
 * clip, while a file replaced under the same name is new. A file that is not a video is reported once.
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
    const look = (file: string) => {
      this.ingest(ctx, file).catch((err: unknown) => {
        ctx.reporter.error(`${file}: ${(err as Error).message}`);
      });
    };
    this.watcher.on('add', look);
    this.watcher.on('change', look);
    this.watcher.on('error', (err) => {
      ctx.reporter.warn(`watching ${root}: ${(err as Error).message}`);
    });
    await new Promise<void>((resolve) => this.watcher!.once('ready', resolve));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
  }

  /** Files already reported (as waiting or unreadable), so each is said once per state. */
  private readonly said = new Map<string, string>();

  private once(file: string, state: string, say: () => void): void {
    if (this.said.get(file) === state) return;
    this.said.set(file, state);
    say();
  }

  private async ingest(ctx: SourceContext, file: string): Promise<void> {
    const info = await stat(file);
    const ref = `folder:${createHash('sha256').update(`${this.config.camera}\0${file}\0${info.ino}\0${info.birthtimeMs}`).digest('hex').slice(0, 40)}`;
    try {
      await access(file, constants.R_OK);
    } catch (err) {
      ctx.reporter.error(
        `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}) — skipped; fix its permissions and touch it to retry`,
      );
      return;
    }
    const state = await mp4State(file);
    if (state === 'incomplete') {
      this.once(file, 'incomplete', () => {
        ctx.reporter.stage(
          this.name,
          `${file} is not complete yet (still being written?); waiting for the rest`,
        );
      });
      return;
    }
    const video = await probeVideo(file).catch((err: unknown) => {
      this.once(file, `unreadable:${info.size}`, () => {
        ctx.reporter.error(`${(err as Error).message} — skipped until the file changes`);
      });
      return undefined;
    });
    if (!video) return;
    this.said.delete(file);
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
