import {
  consistencyProof,
  cosignatureVerifier,
  decodeEntry,
  ed25519Verifier,
  leafHash,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  readTreeRoot,
  rootFromLeafHashes,
  SIGNATURE_TYPE_COSIGNATURE,
  tileHashReader,
  tilePath,
  tilesForSize,
  TILE_WIDTH,
  verifyCheckpoint,
  verifyConsistency,
  verifyNote,
} from '@porchlight/tlog';
import type { Checkpoint, HashReader, NoteVerifier, Tile, TileReader } from '@porchlight/tlog';
import { createHash } from 'node:crypto';
import { LogClient, LogFormatError, mapLimit } from './fetch-log.js';
import { followRotations, RotationRefused } from './key-rotation.js';
import type { KeyRotation, LoggedRotation } from './key-rotation.js';
import type { Fetch } from './fetch-log.js';
import type { AuditState, StateStore } from './state.js';
import { DashboardTotals } from '@porchlight/tlog';
import type {
  DashboardRange,
  DashboardScope,
  DashboardView,
  DelayedNotice,
  HeldDisclosure,
} from '@porchlight/tlog';
import { StatsCounter } from './stats.js';
import type { LogStats } from './stats.js';

/** What {@link audit} needs. Everything with side effects is passed in, so tests need no network or disk. */
export interface AuditOptions {
  /** Base URL of the log: `<url>/checkpoint`, `<url>/tile/…`, `<url>/key`. */
  readonly url: string;
  readonly fetch: Fetch;
  readonly store: StateStore;
  /** The log's verifier key, obtained out of band. Without it the key the server publishes is trusted on first use. */
  readonly key?: string;
  /** Witness verifier keys; the checkpoint must carry a valid cosignature from each. */
  readonly witnesses?: readonly string[];
  /** Most requests in flight at once (default 8). */
  readonly concurrency?: number;
  readonly now?: () => Date;
  /** Called after each tile or entry bundle arrives. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with warnings the user must see even when the audit passes. */
  readonly onWarning?: (message: string) => void;
  /** Recompute the transparency dashboard's figures for this scope and month range from the verified log. */
  readonly dashboard?: { readonly scope: DashboardScope; readonly range: DashboardRange };
  /** Called, only when the audit passes, with the dashboard's totals folded from every verified entry. */
  readonly onVerified?: (totals: DashboardTotals) => void;
}

export type { KeyRotation } from './key-rotation.js';

/** The outcome of an audit that passed. */
export interface AuditReport {
  readonly origin: string;
  readonly size: number;
  /** Base64 root hash, as in the checkpoint. */
  readonly root: string;
  readonly key: string;
  /** `given` when the key came from the caller, `server` when trusted on first use. */
  readonly keySource: 'given' | 'server';
  readonly witnesses: readonly string[];
  /** The checkpoint this audit was checked against for consistency, if any. */
  readonly previous?: { readonly size: number; readonly seenAt: string };
  /** Key rotations followed from the key pinned by an earlier audit to today's, in order. */
  readonly rotations?: readonly KeyRotation[];
  readonly stats: LogStats;
  /** The dashboard's figures recomputed from the verified entries, when asked for. */
  readonly dashboard?: DashboardView;
  /** With the dashboard: its legal holds (case, reason, whether beyond policy) in the scope and range. */
  readonly holds?: readonly HeldDisclosure[];
  /** With the dashboard of the instance: its delayed owner notices and how each lapsed (else none). */
  readonly notices?: readonly DelayedNotice[];
}

/** The log is not what it claims to be. `problems` says exactly what is wrong, one item each (exit code 1). */
export class AuditFailure extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'AuditFailure';
  }
}

const HASH_SIZE = 32;

/**
 * Audits a C2SP tlog-tiles log: verifies the checkpoint's signature and required cosignatures, downloads every
 * tile and entry bundle, recomputes the tree from the entries and checks the tiles and the checkpoint agree with
 * it, validates every entry, and checks the log is consistent with the last checkpoint this store saw. Saves the
 * new checkpoint only if everything passes.
 *
 * Throws {@link AuditFailure} when the log is wrong, `HttpError` when it cannot be read.
 */
export async function audit(options: AuditOptions): Promise<AuditReport> {
  const client = new LogClient(options.url, options.fetch);
  const now = options.now ?? (() => new Date());
  const keySource = options.key === undefined ? 'server' : 'given';
  if (options.key === undefined) {
    options.onWarning?.(
      `no --key given: trusting the verifier key served by ${client.url('key')} itself (trust on first use). ` +
        'A server that lies to everyone can pass this audit; get the key from a source you trust and pass --key.',
    );
  }
  const key = options.key ?? (await client.key());
  const logVerifier = verifierFor(key, 'log');
  const origin = logVerifier.name;

  const state = await options.store.load(origin);
  // A changed key is accepted only by following log.key_rotated entries from the pinned one (below).
  const pinned = state !== undefined && state.key !== key ? state.key : undefined;

  const note = await client.checkpoint();
  const checkpoint = checkSignatures(note, key, logVerifier, options.witnesses ?? []);
  const previous = previousCheckpoint(state);
  if (previous !== undefined && checkpoint.size < previous.checkpoint.size) {
    fail(
      `log truncated: size ${checkpoint.size} < previously seen ${previous.checkpoint.size} (on ${previous.seenAt})`,
    );
  }

  const tiles = await downloadTiles(client, checkpoint.size, options);
  const reader = tileHashReader(checkpoint.size, tiles.reader);
  const problems = [...tiles.problems, ...(await checkTree(checkpoint, tiles))];
  if (problems.length > 0) throw new AuditFailure(problems);
  const boundaryProblems = await checkBoundaries(client, tiles.boundaries, options.concurrency ?? 8);
  if (boundaryProblems.length > 0) throw new AuditFailure(boundaryProblems);
  if (previous !== undefined) await checkConsistency(previous, checkpoint, reader);
  let rotations: KeyRotation[] = [];
  if (pinned !== undefined) {
    try {
      rotations = await followRotations({
        fetch: options.fetch,
        url: (path) => client.url(path),
        origin,
        pinned,
        key,
        rotations: tiles.rotations,
        reader,
        stateLocation: options.store.describe(origin),
      });
    } catch (err) {
      if (err instanceof RotationRefused) fail(err.message);
      throw err;
    }
  }

  await options.store.save(origin, { key, checkpoint: note, seenAt: now().toISOString() });
  options.onVerified?.(tiles.dashboard);
  return {
    origin,
    size: checkpoint.size,
    root: Buffer.from(checkpoint.rootHash).toString('base64'),
    key,
    keySource,
    witnesses: (options.witnesses ?? []).map((w) => verifierFor(w, 'witness').name),
    ...(previous && { previous: { size: previous.checkpoint.size, seenAt: previous.seenAt } }),
    ...(rotations.length > 0 && { rotations }),
    stats: tiles.stats.result(),
    ...(options.dashboard && {
      dashboard: tiles.dashboard.view(options.dashboard.scope, options.dashboard.range),
      holds: tiles.dashboard.holds(options.dashboard.scope, options.dashboard.range),
      notices:
        options.dashboard.scope.kind === 'instance' ? tiles.dashboard.notices(options.dashboard.range) : [],
    }),
  };
}

function fail(problem: string): never {
  throw new AuditFailure([problem]);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function verifierFor(vkey: string, role: 'log' | 'witness'): NoteVerifier {
  try {
    const { signatureType } = parseVerifierKey(vkey);
    return role === 'witness' && signatureType === SIGNATURE_TYPE_COSIGNATURE
      ? cosignatureVerifier(vkey)
      : ed25519Verifier(vkey);
  } catch (err) {
    return fail(`${role} key ${JSON.stringify(vkey)} is not a usable verifier key: ${message(err)}`);
  }
}

/** Checks the log signature, the origin and every required cosignature; returns the parsed checkpoint. */
function checkSignatures(
  note: string,
  key: string,
  logVerifier: NoteVerifier,
  witnesses: readonly string[],
): Checkpoint {
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(note).text);
  } catch (err) {
    return fail(`checkpoint is malformed: ${message(err)}`);
  }
  if (checkpoint.origin !== logVerifier.name) {
    fail(`checkpoint origin "${checkpoint.origin}" does not match the key name "${logVerifier.name}"`);
  }
  requireSignature(note, logVerifier, `checkpoint signature does not verify with key ${key}`);
  const witnessVerifiers = witnesses.map((w) => {
    const verifier = verifierFor(w, 'witness');
    requireSignature(note, verifier, `checkpoint has no valid cosignature from witness ${w}`);
    return verifier;
  });
  try {
    return verifyCheckpoint(note, checkpoint.origin, [logVerifier, ...witnessVerifiers]).checkpoint;
  } catch (err) {
    return fail(`checkpoint does not verify: ${message(err)}`);
  }
}

function requireSignature(note: string, verifier: NoteVerifier, problem: string): void {
  try {
    verifyNote(note, [verifier]);
  } catch (err) {
    const reason = message(err) === 'no verifiable signatures' ? 'no signature by that key' : message(err);
    fail(`${problem} (${reason})`);
  }
}

interface Previous {
  readonly checkpoint: Checkpoint;
  readonly seenAt: string;
}

function previousCheckpoint(state: AuditState | undefined): Previous | undefined {
  if (state?.checkpoint === undefined) return undefined;
  try {
    return {
      checkpoint: parseCheckpoint(parseNote(state.checkpoint).text),
      seenAt: state.seenAt ?? 'an earlier run',
    };
  } catch (err) {
    return fail(`the saved checkpoint is unreadable (${message(err)}); delete it to start over`);
  }
}

/** Everything downloaded for a tree, and what the entries said on the way. */
interface Downloaded {
  readonly tiles: Map<string, { tile: Tile; data: Uint8Array }>;
  readonly reader: TileReader;
  /** Leaf hashes recomputed from the entries, in order. */
  readonly leaves: Uint8Array[];
  readonly stats: StatsCounter;
  readonly dashboard: DashboardTotals;
  readonly problems: string[];
  /** Every `log.key_rotated` entry, in log order. */
  readonly rotations: LoggedRotation[];
  /** The boundary hash of every `policy.changed` entry that logs one. */
  readonly boundaries: { index: number; sha256: string }[];
}

const tileKey = (level: number, index: number) => `${level}/${index}`;

async function downloadTiles(client: LogClient, size: number, options: AuditOptions): Promise<Downloaded> {
  const hashTiles = tilesForSize(size);
  const bundles = hashTiles.filter((t) => t.level === 0);
  const total = hashTiles.length + bundles.length;
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);
  options.onProgress?.(0, total);

  const tiles = new Map<string, { tile: Tile; data: Uint8Array }>();
  const bundleEntries: Uint8Array[][] = [];
  const jobs: (() => Promise<void>)[] = [
    ...hashTiles.map((tile) => async () => {
      tiles.set(tileKey(tile.level, tile.index), { tile, data: await fetchChecked(() => client.tile(tile)) });
      progress();
    }),
    ...bundles.map((tile) => async () => {
      bundleEntries[tile.index] = await fetchChecked(() => client.entries(tile.index, tile.width));
      progress();
    }),
  ];
  await mapLimit(jobs, options.concurrency ?? 8, (job) => job());

  const stats = new StatsCounter();
  const dashboard = new DashboardTotals();
  const problems: string[] = [];
  const leaves: Uint8Array[] = [];
  const rotations: Downloaded['rotations'] = [];
  const boundaries: Downloaded['boundaries'] = [];
  let lastSeq = 0;
  for (const entry of bundleEntries.flat()) {
    const index = leaves.length;
    leaves.push(leafHash(entry));
    try {
      const decoded = decodeEntry(entry);
      if (decoded.seq <= lastSeq) {
        problems.push(
          `entry ${index}: seq ${decoded.seq} is not greater than the previous entry's seq ${lastSeq}`,
        );
      }
      // The log's first entry is written when the log starts, so on an instance that already had a history
      // older events (smaller seq) follow it; order is checked from the second entry on.
      lastSeq = index === 0 && decoded.type === 'instance.created' ? 0 : decoded.seq;
      stats.add(decoded);
      dashboard.add(decoded, index);
      if (decoded.type === 'log.key_rotated') rotations.push({ index, ...decoded.data });
      if (decoded.type === 'policy.changed' && decoded.data.boundarySha256 !== undefined)
        boundaries.push({ index, sha256: decoded.data.boundarySha256 });
    } catch (err) {
      problems.push(`entry ${index}: ${message(err)}`);
    }
  }
  const reader: TileReader = {
    readTiles: (wanted) =>
      Promise.resolve(
        wanted.map(({ level, index, width }) => {
          const found = tiles.get(tileKey(level, index));
          if (found?.tile.width !== width)
            throw new Error(`tile ${tilePath(level, index, width)} not downloaded`);
          return found.data;
        }),
      ),
  };
  return { tiles, reader, leaves, stats, dashboard, problems, rotations, boundaries };
}

/**
 * A `policy.changed` entry logs its boundary by hash only (a boundary may exceed an entry's size limit); the
 * log serves each boundary at `boundary/<sha256>` as the exact bytes hashed. Each must be there and hash to
 * what was logged, so anyone can recompute which area a policy governed from the log alone.
 */
async function checkBoundaries(
  client: LogClient,
  boundaries: Downloaded['boundaries'],
  concurrency: number,
): Promise<string[]> {
  const first = new Map<string, number>();
  for (const b of boundaries) if (!first.has(b.sha256)) first.set(b.sha256, b.index);
  const problems: string[] = [];
  await mapLimit([...first], concurrency, async ([sha256, index]) => {
    let body: Uint8Array;
    try {
      body = await client.boundary(sha256);
    } catch (err) {
      problems.push(`entry ${index} (policy.changed): its boundary is not served: ${message(err)}`);
      return;
    }
    const got = createHash('sha256').update(body).digest('hex');
    if (got !== sha256)
      problems.push(
        `entry ${index} (policy.changed): ${client.url(`boundary/${sha256}`)} hashes to ${got}, not the logged ${sha256}`,
      );
  });
  return problems.sort();
}

/** Malformed tiles and bundles are a property of the log, so they are audit failures, not network errors. */
async function fetchChecked<T>(get: () => Promise<T>): Promise<T> {
  try {
    return await get();
  } catch (err) {
    if (err instanceof LogFormatError) fail(err.message);
    throw err;
  }
}

/**
 * Checks every published hash against the tree recomputed from the entries, level by level, and both the
 * entries' root and the tiles' root against the checkpoint. Each mismatch is reported where it is.
 */
async function checkTree(checkpoint: Checkpoint, downloaded: Downloaded): Promise<string[]> {
  const problems: string[] = [];
  let expected = downloaded.leaves;
  // A hash above a reported mismatch is wrong as a consequence; report it only when everything under it is right.
  let dirtyBelow: boolean[] = [];
  for (let level = 0; expected.length > 0; level++) {
    const dirty = expected.map((_, i) =>
      dirtyBelow.slice(i * TILE_WIDTH, (i + 1) * TILE_WIDTH).includes(true),
    );
    for (let index = 0; index * TILE_WIDTH < expected.length; index++) {
      const found = downloaded.tiles.get(tileKey(level, index));
      if (found === undefined) continue;
      const path = tilePath(level, index, found.tile.width);
      for (let i = 0; i < found.tile.width; i++) {
        const position = index * TILE_WIDTH + i;
        const hash = found.data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
        if (Buffer.compare(hash, expected[position]!) === 0 || dirty[position]) continue;
        dirty[position] = true;
        problems.push(
          level === 0
            ? `entry ${position}: ${path} hash does not match the entry`
            : `${path}: hash ${i} does not match the tree recomputed from the entries`,
        );
      }
    }
    dirtyBelow = dirty;
    expected = parentLevel(expected);
  }
  if (Buffer.compare(rootFromLeafHashes(downloaded.leaves), checkpoint.rootHash) !== 0) {
    problems.push(
      `root recomputed from the entries does not match the checkpoint root for size ${checkpoint.size}`,
    );
  }
  const tileRoot = await readTreeRoot(checkpoint.size, tileHashReader(checkpoint.size, downloaded.reader));
  if (Buffer.compare(tileRoot, checkpoint.rootHash) !== 0) {
    problems.push(
      `root computed from the hash tiles does not match the checkpoint root for size ${checkpoint.size}`,
    );
  }
  return problems;
}

/** The hashes one tile level up: one per complete group of 256. */
function parentLevel(hashes: readonly Uint8Array[]): Uint8Array[] {
  const parents: Uint8Array[] = [];
  for (let i = 0; i + TILE_WIDTH <= hashes.length; i += TILE_WIDTH) {
    parents.push(rootFromLeafHashes(hashes.slice(i, i + TILE_WIDTH)));
  }
  return parents;
}

/**
 * Checks the verified tree extends the one last seen: the old root recomputed from today's tiles must be the
 * one signed then, and a consistency proof built from the tiles must verify between the two checkpoints.
 */
async function checkConsistency(
  previous: Previous,
  checkpoint: Checkpoint,
  reader: HashReader,
): Promise<void> {
  const old = previous.checkpoint;
  if (old.size === 0) return;
  const oldRoot = await readTreeRoot(old.size, reader);
  if (Buffer.compare(oldRoot, old.rootHash) !== 0) {
    fail(`fork: root for size ${old.size} differs from the one seen on ${previous.seenAt}`);
  }
  try {
    const proof = await consistencyProof(old.size, checkpoint.size, reader);
    verifyConsistency(old.size, checkpoint.size, proof, old.rootHash, checkpoint.rootHash);
  } catch (err) {
    fail(
      `fork: checkpoint of size ${checkpoint.size} is not consistent with the one of size ${old.size} ` +
        `seen on ${previous.seenAt} (${message(err)})`,
    );
  }
}
