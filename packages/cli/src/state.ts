import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** What the auditor remembers about one log between runs. */
export interface AuditState {
  /** The verifier key first trusted for this origin. */
  readonly key: string;
  /** The last signed checkpoint note that passed an audit, exactly as served. */
  readonly checkpoint?: string;
  /** When that checkpoint was audited (RFC 3339). */
  readonly seenAt?: string;
}

/** Where the auditor keeps its state, one record per log origin. */
export interface StateStore {
  load(origin: string): Promise<AuditState | undefined>;
  save(origin: string, state: AuditState): Promise<void>;
  /** Where the state of `origin` lives, for messages telling the user what to delete. */
  describe(origin: string): string;
}

/** The default state directory: `~/.porchlight/audit`. */
export function defaultStateDir(): string {
  return path.join(os.homedir(), '.porchlight', 'audit');
}

/** A directory name for an origin: safe on every filesystem, never `.` or `..`. */
export function sanitiseOrigin(origin: string): string {
  return origin.replaceAll(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_');
}

const FILES = { key: 'key', checkpoint: 'checkpoint', seenAt: 'seen-at' } as const;

/** A {@link StateStore} of plain files: `<dir>/<origin>/{key,checkpoint,seen-at}`. */
export function fileStateStore(dir: string): StateStore {
  const originDir = (origin: string) => path.join(dir, sanitiseOrigin(origin));
  const read = async (file: string) => {
    try {
      return await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  // Write then rename, so an interrupted run leaves the old state rather than half a file.
  const write = async (file: string, text: string) => {
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, text, { mode: 0o644 });
    await fs.rename(temp, file);
  };
  return {
    async load(origin) {
      const base = originDir(origin);
      const key = await read(path.join(base, FILES.key));
      if (key === undefined) return undefined;
      const checkpoint = await read(path.join(base, FILES.checkpoint));
      const seenAt = await read(path.join(base, FILES.seenAt));
      return { key: key.trim(), checkpoint, seenAt: seenAt?.trim() };
    },
    async save(origin, state) {
      const base = originDir(origin);
      await fs.mkdir(base, { recursive: true });
      await write(path.join(base, FILES.key), `${state.key}\n`);
      if (state.checkpoint !== undefined) await write(path.join(base, FILES.checkpoint), state.checkpoint);
      if (state.seenAt !== undefined) await write(path.join(base, FILES.seenAt), `${state.seenAt}\n`);
    },
    describe(origin) {
      return originDir(origin);
    },
  };
}

/** A {@link StateStore} in memory, for tests and one-off audits. */
export function memoryStateStore(): StateStore {
  const states = new Map<string, AuditState>();
  return {
    load: (origin) => Promise.resolve(states.get(origin)),
    save: (origin, state) => {
      states.set(origin, state);
      return Promise.resolve();
    },
    describe: (origin) => `memory:${origin}`,
  };
}
