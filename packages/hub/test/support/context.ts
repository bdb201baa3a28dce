import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Reporter } from '../../src/progress.js';
import type { NewClip, SourceContext } from '../../src/sources/source.js';

/** A reporter that keeps every line, for asserting what the owner would read. */
export function memoryReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    stage: (ref, m) => lines.push(`[${ref}] ${m}`),
    progress: (ref, p) => lines.push(`[${ref}] upload ${Math.floor(p)}%`),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}

/** A source context that records submitted clips and lets a test wait for the next ones. */
export async function recordingContext(): Promise<
  SourceContext & { clips: NewClip[]; next(n?: number): Promise<NewClip[]>; lines: string[] }
> {
  const clips: NewClip[] = [];
  const waiters: (() => void)[] = [];
  const reporter = memoryReporter();
  return {
    clips,
    lines: reporter.lines,
    reporter,
    workDir: await mkdtemp(path.join(os.tmpdir(), 'hub-work-')),
    submit(clip) {
      if (!clips.some((c) => c.ref === clip.ref)) clips.push(clip);
      waiters.splice(0).forEach((w) => {
        w();
      });
      return Promise.resolve();
    },
    async next(n = 1) {
      const deadline = Date.now() + 20_000;
      while (clips.length < n) {
        if (Date.now() > deadline) throw new Error(`waited for ${n} clip(s), got ${clips.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return clips;
    },
  };
}
