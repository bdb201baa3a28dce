import {
  consistencyProof,
  ed25519Verifier,
  tileHashReader,
  tilePath,
  verifyCheckpoint,
  verifyConsistency,
  type Checkpoint,
  type NoteVerifier,
} from '@porchlight/tlog';
import type { LogSource } from './logSource';
import { followRotations } from './rotations';
import type { TrustStore } from './trustStore';

/** A check failed: what failed, in words for the person about to share footage. */
export class KeyTransparencyError extends Error {
  override readonly name = 'KeyTransparencyError';
}

/** The log as this browser trusts it for one check: its pinned key and a way to accept new checkpoints. */
export interface TrustedLog {
  verifier: NoteVerifier;
  origin: string;
  /** Verifies a signed checkpoint note, then that it extends (or is extended by) the last one seen. */
  accept(note: string): Promise<Checkpoint>;
  /** Same for a checkpoint already signature-checked (e.g. inside a proof document). */
  observe(checkpoint: Checkpoint): Promise<void>;
}

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Opens the log for checking: pins its key on first use (an operator that later serves another key is
 * refused — a key change must be noticed, not silently believed) and holds the last checkpoint seen.
 */
export async function openTrustedLog(
  log: LogSource,
  store: TrustStore,
  now: () => Date = () => new Date(),
): Promise<TrustedLog> {
  const served = await log.key();
  const pinned = store.get();
  if (pinned && pinned.key !== served) {
    // A new key is believed only along rotations signed by the old one (as `porchlight audit` does).
    const seenBefore = { size: pinned.size, root: fromBase64(pinned.root) };
    const followed = await followRotations({
      log,
      pinned: pinned.key,
      served,
      origin: originOf(pinned.key),
      consistent: async (older, newer) => {
        await checkConsistent(log, { size: older.size, root: older.rootHash }, newer);
        await checkConsistent(log, seenBefore, newer);
      },
    });
    if (typeof followed === 'string') {
      throw new KeyTransparencyError(
        `The transparency log now presents a different signing key than the one this browser pinned on ` +
          `${pinned.pinnedAt.slice(0, 10)}, and ${followed}. Footage is not shared until that is explained: the ` +
          `operator may be showing you a different log than everyone else sees.`,
      );
    }
    store.set({ ...pinned, key: served, pinnedAt: now().toISOString() });
    return openTrustedLog(log, store, now);
  }
  let verifier: NoteVerifier;
  try {
    verifier = ed25519Verifier(served);
  } catch {
    throw new KeyTransparencyError('The transparency log key is not a valid Ed25519 verifier key.');
  }
  let seen = pinned ? { size: pinned.size, root: fromBase64(pinned.root) } : null;
  const pinnedAt = pinned?.pinnedAt ?? now().toISOString();

  const observe = async (checkpoint: Checkpoint): Promise<void> => {
    if (seen) await checkConsistent(log, seen, checkpoint);
    if (!seen || checkpoint.size > seen.size) {
      seen = { size: checkpoint.size, root: checkpoint.rootHash };
      store.set({ key: served, pinnedAt, size: seen.size, root: toBase64(seen.root) });
    }
  };
  if (!pinned) store.set({ key: served, pinnedAt, size: 0, root: '' });
  return {
    verifier,
    origin: verifier.name,
    observe,
    async accept(note) {
      let checkpoint: Checkpoint;
      try {
        checkpoint = verifyCheckpoint(note, verifier.name, [verifier]).checkpoint;
      } catch (err) {
        throw new KeyTransparencyError(
          `The log's checkpoint is not signed by the pinned log key (${message(err)}).`,
        );
      }
      await observe(checkpoint);
      return checkpoint;
    },
  };
}

/**
 * Proves from the log's own tiles that the smaller of the two trees is a prefix of the larger: the log was
 * only appended to since this browser last looked. A fork or a rewritten history fails here.
 */
async function checkConsistent(
  log: LogSource,
  seen: { size: number; root: Uint8Array },
  next: Checkpoint,
): Promise<void> {
  const fork = () =>
    new KeyTransparencyError(
      `The log's checkpoint of ${next.size} entries is not consistent with the checkpoint of ${seen.size} ` +
        `entries this browser verified before: the log was rewritten or forked.`,
    );
  if (seen.size === 0) return;
  if (next.size === seen.size) {
    if (!same(next.rootHash, seen.root)) throw fork();
    return;
  }
  const [small, large] =
    next.size < seen.size
      ? [{ size: next.size, root: next.rootHash }, seen]
      : [seen, { size: next.size, root: next.rootHash }];
  const reader = tileHashReader(large.size, {
    readTiles: (tiles) => Promise.all(tiles.map((t) => log.tile(tilePath(t.level, t.index, t.width)))),
  });
  let proof: Uint8Array[];
  try {
    proof = await consistencyProof(small.size, large.size, reader);
  } catch (err) {
    throw new KeyTransparencyError(
      `The log's tiles could not be read to check its history (${message(err)}).`,
    );
  }
  try {
    verifyConsistency(small.size, large.size, proof, small.root, large.root);
  } catch {
    throw fork();
  }
}

/** A vkey's name, which C2SP makes the log's origin. */
function originOf(vkey: string): string {
  try {
    return ed25519Verifier(vkey).name;
  } catch {
    return '';
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
