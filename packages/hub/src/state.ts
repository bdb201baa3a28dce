import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HubError, isDiskFull } from './errors.js';

/** What pairing leaves on disk: where the server is, the hub's device token and what it pinned. */
export interface DeviceCredentials {
  server: string;
  token: string;
  deviceId: string;
  name: string;
  pairedAt: string;
  /**
   * The owner's age recipient, pinned at pairing after the owner's fingerprint matched; every clip is
   * encrypted to it. Absent only in files written before pinning existed (such a hub must pair again).
   */
  recipient?: string;
  /** Hub-local secret (hex) keying upload refs, so a ref reveals nothing about the file's content. */
  refKey?: string;
}

/**
 * The hub's state directory: `--state-dir`, else `$PORCHLIGHT_HUB_STATE`, else `~/.config/porchlight-hub`.
 * This is the one place the hub reads the environment.
 */
export function resolveStateDir(explicit?: string): string {
  return path.resolve(
    explicit ?? process.env.PORCHLIGHT_HUB_STATE ?? path.join(os.homedir(), '.config', 'porchlight-hub'),
  );
}

/**
 * Writes `data` to `file` so that a crash leaves either the old or the new content, never a torn file:
 * write a temporary sibling, fsync it, rename it over, fsync the directory. `mode` applies from creation, so a
 * secret is never briefly world-readable.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    const dir = await open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (err) {
    await rm(tmp, { force: true });
    if (isDiskFull(err))
      throw new HubError(`the disk holding ${path.dirname(file)} is full`, 'disk_full', { cause: err });
    throw err;
  }
}

/** Creates the state directory (0700) and its `work/` subdirectory for clips in flight. */
export async function ensureStateDir(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'work'), { recursive: true, mode: 0o700 });
}

const credentialsFile = (dir: string) => path.join(dir, 'device.json');

/** Stores the device token readable by the hub's user only (0600). */
export async function saveCredentials(dir: string, credentials: DeviceCredentials): Promise<void> {
  await ensureStateDir(dir);
  await writeFileAtomic(credentialsFile(dir), JSON.stringify(credentials, null, 2) + '\n', 0o600);
}

/** The stored credentials; throws a {@link HubError} telling the owner to pair when there are none. */
export async function loadCredentials(dir: string): Promise<DeviceCredentials> {
  let text: string;
  try {
    text = await readFile(credentialsFile(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HubError(
        `this hub is not paired (no ${credentialsFile(dir)}); run \`porchlight-hub pair\` first`,
      );
    }
    throw err;
  }
  return JSON.parse(text) as DeviceCredentials;
}
