import { verifyNote } from './note.js';
import type { NoteSignature, NoteVerifier } from './note.js';
import { decodeBase64, encodeBase64 } from './vkey.js';

/** A log's signed tree head (c2sp.org/tlog-checkpoint): the note text, not its signatures. */
export interface Checkpoint {
  /** Unique identity of the log, e.g. `example.com/log42`. */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** The 32-byte RFC 6962 Merkle tree hash at `size`. */
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty extra lines; not recommended, as monitors cannot audit them. */
  readonly extensions: readonly string[];
}

/** A checkpoint whose note was signed by every key in `verified`. */
export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The exact note text the signatures cover. */
  readonly text: string;
  readonly verified: readonly NoteSignature[];
  readonly unverified: readonly NoteSignature[];
}

const TREE_SIZE = /^(?:0|[1-9][0-9]*)$/;

/** Parses a checkpoint note text (ending in a newline). Throws unless it is exactly what the spec allows. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new Error('checkpoint must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, rootHash, ...extensions] = lines;
  if (origin === undefined || size === undefined || rootHash === undefined) {
    throw new Error('checkpoint has fewer than three lines');
  }
  if (lines.some((line) => line === '')) throw new Error('checkpoint has an empty line');
  const hash = decodeBase64(rootHash);
  if (hash?.length !== 32) throw new Error('malformed checkpoint root hash');
  return { origin, size: parseTreeSize(size), rootHash: hash, extensions };
}

/** Encodes a checkpoint as note text. Throws on what {@link parseCheckpoint} would reject. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  for (const line of [origin, ...extensions]) {
    if (line === '' || line.includes('\n'))
      throw new Error('checkpoint lines must be non-empty single lines');
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new Error('invalid checkpoint tree size');
  if (rootHash.length !== 32) throw new Error('checkpoint root hash must be 32 bytes');
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Verifies a signed checkpoint note against the log's verifier(s) (see {@link verifyNote}) and parses it.
 * Throws if no known signature verifies, if any known signature fails, or if the origin is not `origin`.
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  origin: string,
  verifiers: readonly NoteVerifier[],
): VerifiedCheckpoint {
  const { text, verified, unverified } = verifyNote(note, verifiers);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== origin) throw new Error('unexpected checkpoint origin');
  return { checkpoint, text, verified, unverified };
}

function parseTreeSize(line: string): number {
  if (!TREE_SIZE.test(line)) throw new Error('malformed checkpoint tree size');
  const size = Number(line);
  if (!Number.isSafeInteger(size)) throw new Error('checkpoint tree size too large');
  return size;
}
