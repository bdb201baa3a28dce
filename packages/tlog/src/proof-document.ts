import { verifyCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { HASH_SIZE, leafHash } from './hash.js';
import { parseNote, verifyNote } from './note.js';
import type { NoteSignature, NoteVerifier } from './note.js';
import { verifyInclusion } from './proof.js';
import { decodeBase64, encodeBase64 } from './vkey.js';

/** First line of every c2sp.org/tlog-proof@v1 document. */
export const PROOF_DOCUMENT_HEADER = 'c2sp.org/tlog-proof@v1';

/**
 * An offline-verifiable inclusion proof (c2sp.org/tlog-proof@v1): a leaf index, its RFC 6962 inclusion proof
 * and the signed checkpoint it leads to. Nothing in it is trusted until {@link verifyProofDocument} accepts it.
 */
export interface ProofDocument {
  /** Opaque extra data; unauthenticated. Porchlight puts the entry itself here, which the proof then authenticates. */
  readonly extra?: Uint8Array;
  /** Zero-based leaf index. */
  readonly index: number;
  /** Inclusion proof hashes, from the leaf's sibling up to the root's child. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim (text, blank line, signature lines). */
  readonly checkpoint: string;
}

/** A proof document that verified: the entry at `index` is in the tree `checkpoint` commits to. */
export interface VerifiedProof {
  readonly index: number;
  readonly checkpoint: Checkpoint;
  /** Signatures (log and witnesses) that verified on the checkpoint. */
  readonly signatures: readonly NoteSignature[];
}

/** What to verify a proof document against. */
export interface ProofPolicy {
  /** The log's key(s); the checkpoint must carry a valid signature by one of them. */
  readonly log: readonly NoteVerifier[];
  /** The log's origin; defaults to the name of the first log key (C2SP: the key name is the origin). */
  readonly origin?: string;
  /** Witness keys; the checkpoint must carry a valid cosignature by each. */
  readonly witnesses?: readonly NoteVerifier[];
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;
const EXTRA_PREFIX = 'extra ';
const INDEX_PREFIX = 'index ';

/** Encodes a proof document. Throws on what {@link parseProofDocument} would reject. */
export function formatProofDocument(doc: ProofDocument): string {
  if (!Number.isSafeInteger(doc.index) || doc.index < 0) throw new Error('invalid proof index');
  for (const hash of doc.proof) if (hash.length !== HASH_SIZE) throw new Error('invalid proof hash size');
  parseNote(doc.checkpoint);
  const lines = [PROOF_DOCUMENT_HEADER];
  if (doc.extra !== undefined) lines.push(`${EXTRA_PREFIX}${encodeBase64(doc.extra)}`);
  lines.push(`${INDEX_PREFIX}${doc.index}`, ...doc.proof.map(encodeBase64));
  return `${lines.join('\n')}\n\n${doc.checkpoint}`;
}

/**
 * Parses a c2sp.org/tlog-proof@v1 document without verifying anything. Throws an error saying which part is
 * malformed (header, extra line, index line, a proof hash, the checkpoint).
 */
export function parseProofDocument(text: string): ProofDocument {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error('proof document has no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines.shift() !== PROOF_DOCUMENT_HEADER) {
    throw new Error(`proof document must start with "${PROOF_DOCUMENT_HEADER}"`);
  }
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith(EXTRA_PREFIX)) {
    extra = decodeBase64(lines.shift()!.slice(EXTRA_PREFIX.length));
    if (extra === undefined) throw new Error('proof document extra data is not base64');
  }
  const indexLine = lines.shift();
  if (indexLine === undefined || !indexLine.startsWith(INDEX_PREFIX)) {
    throw new Error('proof document has no "index" line');
  }
  const digits = indexLine.slice(INDEX_PREFIX.length);
  const index = Number(digits);
  if (!INDEX.test(digits) || !Number.isSafeInteger(index)) {
    throw new Error(`proof document index "${digits}" is not a decimal without leading zeroes`);
  }
  const proof = lines.map((line, i) => {
    const hash = decodeBase64(line);
    if (hash?.length !== HASH_SIZE) throw new Error(`proof hash ${i + 1} is not a base64 SHA-256 hash`);
    return hash;
  });
  try {
    parseNote(checkpoint);
  } catch (err) {
    throw new Error(`proof document checkpoint is malformed: ${reason(err)}`, { cause: err });
  }
  return { ...(extra !== undefined && { extra }), index, proof, checkpoint };
}

/**
 * Verifies a proof document for `entry` (the leaf's bytes; its RFC 6962 leaf hash is what the tree holds):
 * the checkpoint must be signed by a log key for the expected origin and cosigned by every witness, and the
 * inclusion proof must lead from the entry at `index` to the checkpoint's root. Throws an error naming the
 * first check that failed.
 */
export function verifyProofDocument(
  document: string | ProofDocument,
  entry: Uint8Array,
  policy: ProofPolicy,
): VerifiedProof {
  const doc = typeof document === 'string' ? parseProofDocument(document) : document;
  const origin = policy.origin ?? policy.log[0]?.name;
  if (origin === undefined) throw new Error('no log key to verify the checkpoint with');
  let verified;
  try {
    verified = verifyCheckpoint(doc.checkpoint, origin, policy.log);
  } catch (err) {
    throw new Error(`checkpoint is not signed by the log key: ${reason(err)}`, { cause: err });
  }
  for (const witness of policy.witnesses ?? []) {
    try {
      verifyNote(doc.checkpoint, [witness]);
    } catch (err) {
      throw new Error(`checkpoint has no valid cosignature by witness ${witness.name}: ${reason(err)}`, {
        cause: err,
      });
    }
  }
  const { checkpoint } = verified;
  if (doc.index >= checkpoint.size) {
    throw new Error(`index ${doc.index} is not in the checkpoint's tree of size ${checkpoint.size}`);
  }
  try {
    verifyInclusion(doc.index, checkpoint.size, leafHash(entry), doc.proof, checkpoint.rootHash);
  } catch (err) {
    throw new Error(
      `inclusion proof does not show this entry at index ${doc.index} in the tree of size ${checkpoint.size}: ${reason(err)}`,
      { cause: err },
    );
  }
  return { index: doc.index, checkpoint, signatures: verified.verified };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
