import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseCheckpoint } from '@porchlight/tlog';
import type { WitnessedCheckpoint } from '@porchlight/tlog';
import { sanitiseOrigin } from './state.js';

/**
 * A witness's durable memory: for each log origin, the note text of the latest checkpoint it cosigned. What is
 * in here decides whether a later checkpoint is a consistent extension, a rollback or a fork, so it must
 * survive crashes: every update is written to a temporary file, fsynced, renamed over the old one and the
 * directory fsynced before the caller is allowed to hand out a cosignature.
 */
export interface WitnessState {
  /** The latest cosigned checkpoint of `origin`, or undefined if none was ever cosigned. */
  latest(origin: string): WitnessedCheckpoint | undefined;
  /** Durably records `text` (a checkpoint note text) as the latest cosigned checkpoint of its origin. */
  save(text: string): Promise<void>;
  /** Keeps a refused but validly signed checkpoint as evidence of log misbehaviour; returns its file. */
  keepEvidence(origin: string, body: string, reason: string): Promise<string>;
  /** Releases the state directory's lock. */
  close(): Promise<void>;
}

const LOCK = 'witness.lock';
const LOGS = 'logs';
const EVIDENCE = 'evidence';

/** Thrown when another live witness process holds the state directory. */
export class StateLockedError extends Error {}

/**
 * Opens (creating if needed) a witness state directory and takes its lock, so two witness processes can never
 * cosign from the same state (each could cosign a different fork). A lock left by a dead process is taken over.
 */
export async function openWitnessState(dir: string): Promise<WitnessState> {
  await fs.mkdir(path.join(dir, LOGS), { recursive: true, mode: 0o700 });
  await fs.mkdir(path.join(dir, EVIDENCE), { recursive: true, mode: 0o700 });
  const lockFile = path.join(dir, LOCK);
  await takeLock(lockFile);

  const latest = new Map<string, WitnessedCheckpoint>();
  try {
    for (const name of await fs.readdir(path.join(dir, LOGS))) {
      if (!name.endsWith('.checkpoint')) continue;
      const file = path.join(dir, LOGS, name);
      const text = await fs.readFile(file, 'utf8');
      let checkpoint;
      try {
        checkpoint = parseCheckpoint(text);
      } catch (err) {
        // Refusing to start beats forgetting a log: a forgotten log would be cosigned afresh from size 0.
        throw new Error(
          `corrupt witness state ${file}: ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      }
      if (name !== fileName(checkpoint.origin)) throw new Error(`witness state ${file} names another log`);
      latest.set(checkpoint.origin, { size: checkpoint.size, rootHash: checkpoint.rootHash });
    }
  } catch (err) {
    await fs.rm(lockFile, { force: true });
    throw err;
  }

  return {
    latest: (origin) => latest.get(origin),
    async save(text) {
      const checkpoint = parseCheckpoint(text);
      await writeDurably(path.join(dir, LOGS), fileName(checkpoint.origin), text);
      latest.set(checkpoint.origin, { size: checkpoint.size, rootHash: checkpoint.rootHash });
    },
    async keepEvidence(origin, body, reason) {
      const stamp = new Date().toISOString().replaceAll(':', '-');
      const name = `${sanitiseOrigin(origin)}-${stamp}-${process.hrtime.bigint() % 1_000_000n}.txt`;
      await writeDurably(path.join(dir, EVIDENCE), name, `# ${reason}\n${body}`);
      return path.join(dir, EVIDENCE, name);
    },
    async close() {
      await fs.rm(lockFile, { force: true });
    },
  };
}

/** One file per origin; the hash keeps two origins that sanitise alike apart. */
function fileName(origin: string): string {
  const digest = createHash('sha256').update(origin).digest('hex').slice(0, 12);
  return `${sanitiseOrigin(origin)}-${digest}.checkpoint`;
}

async function writeDurably(dir: string, name: string, text: string): Promise<void> {
  const target = path.join(dir, name);
  const temp = `${target}.${process.pid}.tmp`;
  const file = await fs.open(temp, 'w', 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(temp, target);
  // The rename itself is only durable once the directory entry is on disk.
  const directory = await fs.open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

async function takeLock(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number((await fs.readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new StateLockedError(
        `another witness (pid ${holder}) is using this state directory (${lockFile})`,
      );
    }
    await fs.rm(lockFile, { force: true });
  }
  throw new StateLockedError(`cannot lock the state directory (${lockFile})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
