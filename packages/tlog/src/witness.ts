import { parseCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { bytesEqual, emptyRoot, HASH_SIZE } from './hash.js';
import { formatSignatureLine, parseNote, verifyNote } from './note.js';
import type { NoteSignature, NoteSigner, NoteVerifier } from './note.js';
import { verifyConsistency } from './proof.js';
import { decodeBase64, encodeBase64 } from './vkey.js';

/** A parsed c2sp.org/tlog-witness `add-checkpoint` request body. */
export interface AddCheckpointRequest {
  /** The tree size of the checkpoint the client believes the witness last cosigned (0 if none). */
  readonly oldSize: number;
  /** The RFC 6962 consistency proof from `oldSize` to the checkpoint's size. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, exactly as submitted (text and signature lines). */
  readonly checkpoint: string;
}

/** What a witness remembers about one log: the latest checkpoint it cosigned. */
export interface WitnessedCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** A log a witness vouches for: its origin line and the keys whose signatures it trusts on checkpoints. */
export interface WitnessedLog {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
}

/** The HTTP status codes c2sp.org/tlog-witness assigns to each refusal. */
export type WitnessRefusalStatus = 400 | 403 | 404 | 409 | 422;

/**
 * The witness's answer to one request. `accept` means: persist `next` for `origin`, then cosign `text`. A refusal
 * carries its status and, for a 409, the size the witness has cosigned (the body of the response).
 */
export type WitnessDecision =
  | {
      readonly kind: 'accept';
      readonly origin: string;
      readonly checkpoint: Checkpoint;
      /** The checkpoint note text (without signatures) to cosign. */
      readonly text: string;
      readonly next: WitnessedCheckpoint;
    }
  | {
      readonly kind: 'refuse';
      readonly status: WitnessRefusalStatus;
      readonly message: string;
      /** For a 409: the size of the latest cosigned checkpoint, to send as `text/x.tlog.size`. */
      readonly knownSize?: number;
      /**
       * A checkpoint validly signed by the log that the witness must refuse (a fork, a rollback, a bad proof).
       * The spec allows keeping it: it is evidence of log misbehaviour.
       */
      readonly evidence?: boolean;
    };

/** The `Content-Type` of a 409 response body (the witness's known tree size). */
export const TREE_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** The most consistency proof lines a client may send (c2sp.org/tlog-witness). */
export const MAX_CONSISTENCY_PROOF_LINES = 63;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes an `add-checkpoint` request body: the old size line, the proof lines, a blank line, the note. */
export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const { oldSize, proof, checkpoint } = request;
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new Error('invalid old size');
  if (proof.length > MAX_CONSISTENCY_PROOF_LINES) throw new Error('consistency proof too long');
  if (proof.some((hash) => hash.length !== HASH_SIZE)) throw new Error('invalid proof hash size');
  parseNote(checkpoint);
  return `old ${oldSize}\n${proof.map((hash) => `${encodeBase64(hash)}\n`).join('')}\n${checkpoint}`;
}

/**
 * Parses an `add-checkpoint` request body. Throws (a 400 for a witness) on anything the spec does not allow:
 * a bad old size line, a proof line that is not one base64 hash, too many lines, or a malformed note. The
 * note's signatures are not checked here; {@link decideAddCheckpoint} does that.
 */
export function parseAddCheckpoint(body: string | Uint8Array): AddCheckpointRequest {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  const firstEnd = text.indexOf('\n');
  if (firstEnd < 0) throw new Error('missing old size line');
  const oldLine = text.slice(0, firstEnd);
  if (!oldLine.startsWith('old ')) throw new Error('first line must be "old <size>"');
  const oldSize = parseDecimal(oldLine.slice(4), 'old size');

  const proof: Uint8Array[] = [];
  let at = firstEnd + 1;
  for (;;) {
    const end = text.indexOf('\n', at);
    if (end < 0) throw new Error('missing blank line before the checkpoint');
    const line = text.slice(at, end);
    at = end + 1;
    if (line === '') break;
    if (proof.length === MAX_CONSISTENCY_PROOF_LINES) {
      throw new Error(`more than ${MAX_CONSISTENCY_PROOF_LINES} consistency proof lines`);
    }
    const hash = decodeBase64(line);
    if (hash?.length !== HASH_SIZE)
      throw new Error(`consistency proof line ${proof.length + 1} is not a hash`);
    proof.push(hash);
  }
  const checkpoint = text.slice(at);
  const note = parseNote(checkpoint);
  parseCheckpoint(note.text);
  return { oldSize, proof, checkpoint };
}

/**
 * Decides an `add-checkpoint` request exactly as c2sp.org/tlog-witness orders the checks: unknown origin 404; no
 * valid signature from a trusted log key 403; old size above the checkpoint size 400; old size other than the
 * size last cosigned 409; same size with a different root hash 409; a consistency proof that does not verify
 * 422. Pure: `latest` is the witness's stored view of `request`'s origin (undefined if it never cosigned one).
 */
export function decideAddCheckpoint(
  request: AddCheckpointRequest,
  logs: ReadonlyMap<string, WitnessedLog> | readonly WitnessedLog[],
  latest: (origin: string) => WitnessedCheckpoint | undefined,
): WitnessDecision {
  let text: string;
  let checkpoint: Checkpoint;
  try {
    text = parseNote(request.checkpoint).text;
    checkpoint = parseCheckpoint(text);
  } catch (err) {
    return refuse(400, `malformed checkpoint: ${messageOf(err)}`);
  }
  const log = findLog(logs, checkpoint.origin);
  if (log === undefined) return refuse(404, `unknown log ${checkpoint.origin}`);
  try {
    verifyNote(request.checkpoint, log.verifiers);
  } catch (err) {
    return refuse(403, `checkpoint is not signed by a trusted key of ${log.origin}: ${messageOf(err)}`);
  }

  const { oldSize, proof } = request;
  const { size, rootHash } = checkpoint;
  if (oldSize > size) return refuse(400, `old size ${oldSize} is greater than the checkpoint size ${size}`);
  const known = latest(checkpoint.origin);
  const knownSize = known?.size ?? 0;
  if (oldSize !== knownSize) {
    return {
      kind: 'refuse',
      status: 409,
      message: `old size ${oldSize} is not the last cosigned size ${knownSize}`,
      knownSize,
      // A signed checkpoint smaller than one already cosigned is a rollback.
      evidence: size < knownSize,
    };
  }

  const accept: WitnessDecision = {
    kind: 'accept',
    origin: checkpoint.origin,
    checkpoint,
    text,
    next: { size, rootHash },
  };
  // From nothing (or the empty tree) every tree is consistent, but the spec still requires an empty proof.
  if (oldSize === 0) {
    if (proof.length !== 0) return evidence(422, 'the consistency proof from size 0 must be empty');
    if (size === 0 && !bytesEqual(rootHash, emptyRoot())) {
      return evidence(422, 'a checkpoint of size 0 must have the empty tree root');
    }
    return accept;
  }
  const previous = known!;
  if (oldSize === size) {
    if (!bytesEqual(previous.rootHash, rootHash)) {
      return {
        kind: 'refuse',
        status: 409,
        message: `checkpoint at size ${size} has a different root hash than the one cosigned (a fork)`,
        knownSize,
        evidence: true,
      };
    }
    if (proof.length !== 0) return evidence(422, 'the consistency proof between equal sizes must be empty');
    return accept;
  }
  try {
    verifyConsistency(oldSize, size, proof, previous.rootHash, rootHash);
  } catch (err) {
    return evidence(422, `consistency proof from ${oldSize} to ${size} does not verify: ${messageOf(err)}`);
  }
  return accept;
}

/**
 * Cosigns an accepted checkpoint text with each witness key and returns the 200 response body: one note
 * signature line per key. Use {@link cosignatureSigner} keys.
 */
export function cosignCheckpoint(text: string, signers: readonly NoteSigner[]): string {
  if (signers.length === 0) throw new Error('no witness keys');
  parseCheckpoint(text);
  const bytes = new TextEncoder().encode(text);
  return signers
    .map((signer) =>
      formatSignatureLine({ name: signer.name, keyId: signer.keyId, signature: signer.sign(bytes) }),
    )
    .join('');
}

/**
 * Reads a 200 `add-checkpoint` response for the signed `checkpoint` note it answered, keeping only the
 * cosignatures by `witness` that verify (others are ignored, as the spec requires). Throws if the body is not
 * signature lines, or none of them is a valid cosignature by `witness`.
 */
export function acceptCosignatures(
  checkpoint: string,
  body: string | Uint8Array,
  witness: NoteVerifier,
): NoteSignature[] {
  const lines = typeof body === 'string' ? body : decodeUtf8(body);
  const { text } = parseNote(checkpoint);
  if (lines === '' || !lines.endsWith('\n')) throw new Error('response is not note signature lines');
  const { signatures } = parseNote(`${text}\n${lines}`);
  const mine = signatures.filter((s) => s.name === witness.name && s.keyId === witness.keyId);
  if (mine.length === 0) throw new Error(`response has no cosignature by ${witness.name}`);
  const bytes = new TextEncoder().encode(text);
  const valid = mine.filter((s) => witness.verify(bytes, s.signature));
  if (valid.length === 0) throw new Error(`cosignature by ${witness.name} does not verify`);
  return valid;
}

/** Encodes a 409 response body: the witness's known tree size in decimal and a newline. */
export function formatTreeSize(size: number): string {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error('invalid tree size');
  return `${size}\n`;
}

/** Parses a 409 response body (`text/x.tlog.size`). Throws unless it is one decimal size and a newline. */
export function parseTreeSize(body: string | Uint8Array): number {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (!text.endsWith('\n')) throw new Error('tree size must end in a newline');
  return parseDecimal(text.slice(0, -1), 'tree size');
}

function findLog(
  logs: ReadonlyMap<string, WitnessedLog> | readonly WitnessedLog[],
  origin: string,
): WitnessedLog | undefined {
  if (Array.isArray(logs)) return (logs as readonly WitnessedLog[]).find((l) => l.origin === origin);
  return (logs as ReadonlyMap<string, WitnessedLog>).get(origin);
}

function refuse(status: WitnessRefusalStatus, message: string): WitnessDecision {
  return { kind: 'refuse', status, message };
}

function evidence(status: WitnessRefusalStatus, message: string): WitnessDecision {
  return { kind: 'refuse', status, message, evidence: true };
}

function parseDecimal(text: string, what: string): number {
  if (!DECIMAL.test(text)) throw new Error(`malformed ${what}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${what} too large`);
  return n;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new Error('body is not valid utf-8');
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
