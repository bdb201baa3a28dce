import {
  ed25519Verifier,
  parseProofDocument,
  verifyCheckpoint,
  verifyNote,
  verifyProofDocument,
  type Checkpoint,
} from '@porchlight/tlog';
import type { LogSource } from './logSource';

/** A rotation this browser verified: the `log.key_rotated` entry and the keys it joined. */
export interface FollowedRotation {
  index: number;
  from: string;
  to: string;
}

/**
 * Moves trust from the pinned log key to the key the log presents now, only along signed rotations (the audit
 * CLI's rule): for each hop a `log.key_rotated` entry naming the trusted key as `old`, proven in today's tree,
 * and its transition checkpoint (size = entry index + 1) signed by the old key AND the new one and a prefix of
 * today's tree. An operator holding only a new key cannot make that, so a swapped key is refused. Returns the
 * hops, or a reason to refuse (a string for the person about to share). `consistent(transition, today)` must
 * prove the first tree is a prefix of the second from the log's tiles.
 */
export async function followRotations(o: {
  log: LogSource;
  pinned: string;
  served: string;
  origin: string;
  consistent: (older: Checkpoint, newer: Checkpoint) => Promise<void>;
}): Promise<FollowedRotation[] | string> {
  let served;
  try {
    served = ed25519Verifier(o.served);
  } catch {
    return 'the key it presents is not a valid Ed25519 verifier key';
  }
  let candidates: number[];
  try {
    candidates = [...new Set(await o.log.rotations())].sort((a, b) => a - b);
  } catch (err) {
    return `its key rotations could not be read (${reason(err)})`;
  }
  const followed: FollowedRotation[] = [];
  let trusted = o.pinned;
  while (trusted !== o.served) {
    let hop: { index: number; to: string; today: Checkpoint } | undefined;
    for (const index of candidates) {
      if (followed.some((f) => f.index === index)) continue;
      const rotation = await provenRotation(o.log, index, served, o.origin);
      if (rotation?.old === trusted) {
        hop = { index, to: rotation.new, today: rotation.checkpoint };
        break;
      }
    }
    if (!hop) return `the log has no signed rotation from the pinned key ${short(trusted)}`;
    const size = hop.index + 1;
    let transition: Checkpoint;
    try {
      const note = await o.log.checkpointAt(size);
      transition = verifyCheckpoint(note, o.origin, [ed25519Verifier(trusted)]).checkpoint;
      verifyNote(note, [ed25519Verifier(hop.to)]);
    } catch (err) {
      return `the rotation at log entry ${hop.index} has no transition checkpoint signed by both the old and the new key (${reason(err)})`;
    }
    try {
      await o.consistent(transition, hop.today);
    } catch {
      return `the rotation's transition checkpoint is not part of today's log: a fork`;
    }
    followed.push({ index: hop.index, from: trusted, to: hop.to });
    trusted = hop.to;
  }
  return followed;
}

/** The rotation entry at `index`, proven in the tree the served key signs today; undefined if it is none. */
async function provenRotation(
  log: LogSource,
  index: number,
  served: ReturnType<typeof ed25519Verifier>,
  origin: string,
): Promise<{ old: string; new: string; checkpoint: Checkpoint } | undefined> {
  try {
    const doc = parseProofDocument(await log.proof(index));
    if (doc.extra === undefined) return undefined;
    const { checkpoint } = verifyProofDocument(doc, doc.extra, { log: [served], origin });
    const entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(doc.extra)) as {
      type?: unknown;
      data?: { old?: unknown; new?: unknown };
    };
    if (entry.type !== 'log.key_rotated') return undefined;
    const { old, new: next } = entry.data ?? {};
    if (typeof old !== 'string' || typeof next !== 'string') return undefined;
    return { old, new: next, checkpoint };
  } catch {
    return undefined;
  }
}

const short = (vkey: string) => `${vkey.slice(0, 40)}…`;

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
