import {
  canonicalJson,
  ENTRY_SCHEMA,
  parseProofDocument,
  verifyProofDocument,
  type Checkpoint,
} from '@porchlight/tlog';
import { KeyTransparencyError, openTrustedLog, type TrustedLog } from './checkpoints';
import type { LogSource } from './logSource';
import type { TrustStore } from './trustStore';

/**
 * The entry at `index`, proven by its tlog-proof document against a checkpoint signed by the pinned log key
 * and consistent with what this browser saw before. `what` names it in the error ("the agency key age1…").
 */
export async function proveEntry(
  trusted: TrustedLog,
  log: LogSource,
  index: number,
  what: string,
): Promise<{ entry: Uint8Array; checkpoint: Checkpoint; size: number }> {
  let text: string;
  try {
    text = await log.proof(index);
  } catch (err) {
    throw new KeyTransparencyError(`The log has no proof for ${what} (entry ${index}): ${reason(err)}.`);
  }
  let proven: { entry: Uint8Array; checkpoint: Checkpoint };
  try {
    const doc = parseProofDocument(text);
    if (doc.extra === undefined) throw new Error('the proof does not carry the entry');
    const verified = verifyProofDocument(doc, doc.extra, { log: [trusted.verifier], origin: trusted.origin });
    proven = { entry: doc.extra, checkpoint: verified.checkpoint };
  } catch (err) {
    throw new KeyTransparencyError(
      `The log's proof for ${what} (entry ${index}) does not verify: ${reason(err)}.`,
    );
  }
  await trusted.observe(proven.checkpoint);
  return { ...proven, size: proven.checkpoint.size };
}

/**
 * The data of a log entry if it is a canonical Porchlight entry of `type`. Only the fields a check relies on
 * are read; the bytes must be the entry's canonical JSON so one entry has exactly one encoding.
 */
export function entryData(bytes: Uint8Array, type: string): Record<string, unknown> | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const value = JSON.parse(text) as Record<string, unknown>;
    if (canonicalJson(value) !== text || value.schema !== ENTRY_SCHEMA || value.type !== type) return null;
    const data = value.data;
    return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Checks in this browser that log entry `index` is a `type` entry whose data satisfies `matches` — e.g. that
 * a request in the owner's inbox really was published on the log, as the page claims. Throws a
 * {@link KeyTransparencyError} saying what failed; resolves with the checkpoint size it was proven against.
 */
export async function verifyLoggedEntry(input: {
  log: LogSource;
  trust: TrustStore;
  index: number;
  type: string;
  what: string;
  matches: (data: Record<string, unknown>) => boolean;
}): Promise<{ checkpointSize: number }> {
  const trusted = await openTrustedLog(input.log, input.trust);
  await trusted.accept(await input.log.checkpoint());
  const proven = await proveEntry(trusted, input.log, input.index, input.what);
  const data = entryData(proven.entry, input.type);
  if (data === null || !input.matches(data))
    throw new KeyTransparencyError(`Log entry ${input.index} is not ${input.what}.`);
  return { checkpointSize: proven.size };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
