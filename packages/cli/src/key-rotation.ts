import { ed25519Verifier, readTreeRoot, verifyCheckpoint, verifyNote } from '@porchlight/tlog';
import type { HashReader } from '@porchlight/tlog';
import { HttpError } from './fetch-log.js';
import type { Fetch } from './fetch-log.js';

/** A log key rotation the auditor verified: the `log.key_rotated` entry and its transition checkpoint. */
export interface KeyRotation {
  /** Leaf index of the `log.key_rotated` entry; the transition checkpoint has size `index + 1`. */
  readonly index: number;
  readonly from: string;
  readonly to: string;
}

/** A `log.key_rotated` entry as read from the log, not yet checked. */
export interface LoggedRotation {
  readonly index: number;
  readonly old: string;
  readonly new: string;
}

/** The log changed keys in a way the auditor must not accept; the message says why (an audit failure). */
export class RotationRefused extends Error {
  override name = 'RotationRefused';
}

export interface RotationCheck {
  readonly fetch: Fetch;
  /** The absolute URL of a path under the log. */
  readonly url: (path: string) => string;
  readonly origin: string;
  /** The key an earlier audit trusted. */
  readonly pinned: string;
  /** The key the log is signed with today (already checked against today's checkpoint). */
  readonly key: string;
  readonly rotations: readonly LoggedRotation[];
  /** Hashes of the tree just audited. */
  readonly reader: HashReader;
  /** Where the pinned key is kept, for the message telling the user what to delete. */
  readonly stateLocation: string;
}

/**
 * Accepts a key other than the one pinned by an earlier audit only along a chain of `log.key_rotated` entries
 * from the pinned key to today's, each announced in a transition checkpoint (size = entry index + 1, served at
 * `<url>/checkpoints/<size>`) that is signed by the old key and the new one and is part of the tree just
 * verified. Someone holding only the new key cannot forge that, so a server that swapped keys without the old
 * key's consent is refused. Throws {@link RotationRefused} saying which link is missing.
 */
export async function followRotations(p: RotationCheck): Promise<KeyRotation[]> {
  const followed: KeyRotation[] = [];
  let trusted = p.pinned;
  while (trusted !== p.key) {
    const from = trusted;
    const next = p.rotations.find((r) => r.old === from && !followed.some((f) => f.index === r.index));
    if (next === undefined) {
      throw new RotationRefused(
        `verifier key for ${p.origin} changed from ${from} (trusted since an earlier audit) to ${p.key}, but the ` +
          `log has no log.key_rotated entry from ${from}: refusing the new key. If you know the operator replaced ` +
          `the key out of band, delete ${p.stateLocation}`,
      );
    }
    const size = next.index + 1;
    const url = p.url(`checkpoints/${size}`);
    const note = await fetchText(p.fetch, url);
    if (note === undefined) {
      throw new RotationRefused(
        `log.key_rotated entry ${next.index} (to ${next.new}) has no transition checkpoint at ${url}`,
      );
    }
    let root: Uint8Array;
    try {
      root = verifyCheckpoint(note, p.origin, [ed25519Verifier(from)]).checkpoint.rootHash;
    } catch (err) {
      throw new RotationRefused(
        `transition checkpoint ${url} for log.key_rotated entry ${next.index} is not signed by the old key ` +
          `${from}: ${message(err)}; refusing the new key ${next.new}`,
      );
    }
    try {
      verifyNote(note, [ed25519Verifier(next.new)]);
    } catch (err) {
      throw new RotationRefused(
        `transition checkpoint ${url} is not signed by the new key ${next.new} (${message(err)})`,
      );
    }
    if (Buffer.compare(root, await readTreeRoot(size, p.reader)) !== 0) {
      throw new RotationRefused(
        `transition checkpoint ${url} does not match the log's tree at size ${size}: a fork`,
      );
    }
    followed.push({ index: next.index, from, to: next.new });
    trusted = next.new;
  }
  return followed;
}

/** GETs a text resource; undefined on 404. Other failures are {@link HttpError}s (the log cannot be read). */
async function fetchText(fetch: Fetch, url: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new HttpError(url, undefined, message(err));
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status === 404) return undefined;
    throw new HttpError(url, response.status, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  return response.text();
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
