import { isRecipient } from '@porchlight/age';
import { KeyTransparencyError, openTrustedLog } from './checkpoints';
import { entryData, proveEntry } from './proofs';
import type { LogSource } from './logSource';
import type { TrustStore } from './trustStore';

/** One row of `GET /api/agencies/{id}/recipients`: an agency member's age recipient and where it was logged. */
export interface ListedRecipient {
  recipient: string;
  /** Null until the `agency.key_added` entry is sequenced. */
  addedLogIndex: number | null;
  removedLogIndex: number | null;
  /** Whether the server counts it in the current set; a removal not yet sequenced already leaves it out. */
  current?: boolean;
}

/** The recipients a disclosure may be encrypted to, each proven to be in the log as the agency's key. */
export interface VerifiedRecipients {
  agencyId: number;
  recipients: string[];
  /** Size of the largest checkpoint the proofs were checked against. */
  checkpointSize: number;
}

/**
 * Key transparency for a disclosure: before the owner's browser encrypts footage to an agency, every
 * recipient the server lists must be shown — by an inclusion proof against a checkpoint signed by the pinned
 * log key and consistent with every checkpoint this browser saw before — to be an `agency.key_added` entry for
 * that agency and that recipient. Recipients listed as removed are left out; if the server swapped in a key of
 * its own, no such entry exists in the public log (or the log would have to fork, which the consistency
 * check catches), so the whole share is refused rather than encrypting to a partial set.
 */
export async function verifyAgencyRecipients(input: {
  agencyId: number;
  listing: readonly ListedRecipient[];
  log: LogSource;
  trust: TrustStore;
}): Promise<VerifiedRecipients> {
  const { agencyId, listing, log } = input;
  const trusted = await openTrustedLog(log, input.trust);
  let checkpointSize = (await trusted.accept(await log.checkpoint())).size;

  const current = listing.filter((r) => r.removedLogIndex === null && r.current !== false);
  if (current.length === 0) {
    throw new KeyTransparencyError(
      'This agency has no key in the transparency log, so nothing can be encrypted to it yet.',
    );
  }
  const seen = new Set<string>();
  for (const item of current) {
    const short = `${item.recipient.slice(0, 12)}…`;
    if (!isRecipient(item.recipient))
      throw new KeyTransparencyError(`The agency key ${short} is not an age X25519 recipient.`);
    if (seen.has(item.recipient)) throw new KeyTransparencyError(`The agency key ${short} is listed twice.`);
    seen.add(item.recipient);
    if (item.addedLogIndex === null) {
      throw new KeyTransparencyError(
        `The agency key ${short} is not in the transparency log yet. Try again in a minute, once it is.`,
      );
    }
    const proven = await proveEntry(trusted, log, item.addedLogIndex, `the agency key ${short}`);
    checkpointSize = Math.max(checkpointSize, proven.size);
    const data = entryData(proven.entry, 'agency.key_added');
    if (data === null || String(data.agency) !== String(agencyId) || data.recipient !== item.recipient) {
      throw new KeyTransparencyError(
        `The agency key ${short} is not what log entry ${item.addedLogIndex} says: that entry does not add ` +
          `this key to this agency. It may be a key the server put there itself; nothing was shared.`,
      );
    }
  }
  return { agencyId, recipients: [...seen].sort(), checkpointSize };
}
