import { canonicalJson, leafHash, parseProofDocument, verifyProofDocument } from '@porchlight/tlog';
import { KeyTransparencyError, openTrustedLog } from '../keytransparency/checkpoints';
import type { LogSource } from '../keytransparency/logSource';
import type { TrustStore } from '../keytransparency/trustStore';

/** An inclusion proof as the page shows it, with whether this browser could verify it. */
export interface EntryProof {
  /** The c2sp.org/tlog-proof@v1 document, verbatim: what "Download proof" saves. */
  text: string;
  index: number;
  /** Base64 SHA-256 hashes, from the entry's sibling up towards the root. */
  hashes: string[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
  /** The tree size and root hash the checkpoint states (read before verifying, so shown even when it fails). */
  size: number | null;
  rootHash: string | null;
  /** Hex, as the entry list shows it. */
  leafHash: string;
  result: { verified: true; signedBy: string[] } | { verified: false; reason: string };
}

const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The size and root hash lines of a checkpoint note, unverified. */
function checkpointBody(note: string): { size: number | null; rootHash: string | null } {
  const [, size, root] = note.split('\n');
  return { size: size && /^\d+$/.test(size) ? Number(size) : null, rootHash: root ?? null };
}

/**
 * Fetches entry `index`'s inclusion proof and checks it in this browser, with the same code as `porchlight
 * verify-proof`: the checkpoint is signed by the log key this browser pinned, is consistent with every
 * checkpoint it saw before, and the proof leads from `entry` (the entry as the page shows it, re-encoded as
 * canonical JSON) to the checkpoint's root. A failed check is a result, not an error; only a proof that
 * cannot be fetched or read throws.
 */
export async function proveShownEntry(input: {
  log: LogSource;
  trust: TrustStore;
  index: number;
  entry: unknown;
}): Promise<EntryProof> {
  const text = await input.log.proof(input.index);
  const doc = parseProofDocument(text);
  const bytes = new TextEncoder().encode(canonicalJson(input.entry));
  const base = {
    text,
    index: doc.index,
    hashes: doc.proof.map(base64),
    checkpoint: doc.checkpoint,
    ...checkpointBody(doc.checkpoint),
    leafHash: hex(leafHash(bytes)),
  };
  try {
    if (doc.index !== input.index) throw new Error(`the proof is for entry ${doc.index}, not ${input.index}`);
    if (
      doc.extra !== undefined &&
      (doc.extra.length !== bytes.length || doc.extra.some((b, i) => b !== bytes[i]))
    )
      throw new Error('the entry inside the proof is not the entry shown on this page');
    const trusted = await openTrustedLog(input.log, input.trust);
    const verified = verifyProofDocument(doc, bytes, { log: [trusted.verifier], origin: trusted.origin });
    await trusted.observe(verified.checkpoint);
    return { ...base, result: { verified: true, signedBy: verified.signatures.map((s) => s.name) } };
  } catch (err) {
    const reason = err instanceof KeyTransparencyError ? err.message : `${message(err)}.`;
    return { ...base, result: { verified: false, reason } };
  }
}
