import {
  appendLeaves,
  ed25519Signer,
  encodeEntryBundle,
  formatCheckpoint,
  formatProofDocument,
  inclusionProof,
  leafHash,
  parseCheckpoint,
  parseNote,
  readTreeRoot,
  signNote,
  tileHashReader,
  TILE_WIDTH,
  type Entry,
  type NoteSigner,
  type Tile,
} from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import { recordEntries as recordDashboardEntries } from '../dashboard/dashboard.repository.js';
import { encodeEventEntry, LOGGED_EVENT_TYPES, UnpublishableEventError } from './transparency.entries.js';
import { loadLogKey, LogKeyError, type KeyPair, type LogKey } from './transparency.keys.js';
import * as repo from './transparency.repository.js';
import { LogWitnesses } from './transparency.witnesses.js';

/** What a key rotation did: the keys, and the transition checkpoint (size) whose last entry announced it. */
export interface KeyRotation {
  old: string;
  new: string;
  /** Leaf index of the log.key_rotated entry. */
  index: number;
  size: number;
}

/** Most entries one sequencing transaction appends; a longer backlog is drained in several. */
export const SEQUENCE_BATCH = 5000;

/** How long a sequencer waits for in-flight writers before trying again at the next tick. */
const WATERMARK_LOCK_TIMEOUT_MS = 2000;

/** What one {@link TransparencyService.sequenceNow} did. */
export interface SequenceResult {
  /** Entries appended by this call. */
  appended: number;
  /** The log's size after the call as far as this process knows (0 when busy; another process may be ahead). */
  size: number;
  /** True when another process held the sequencer lock, so this one did nothing. */
  busy: boolean;
}

/** Where the background sequencer reports failures (the app's pino logger fits). */
export interface SequencerLog {
  error(obj: object, msg: string): void;
}

/** Whether `tile` lies within the tree of `size` leaves, at this width or wider. */
function tileInTree(tile: Tile, size: number): boolean {
  return tile.index * TILE_WIDTH + tile.width <= Math.floor(size / TILE_WIDTH ** tile.level);
}

/**
 * The public transparency log (G3). A sequencer publishes accountability events from the outbox as C2SP
 * tlog-tiles entries: entries, tiles and the signed checkpoint covering them are written in one transaction,
 * so a crash leaves either the previous log or the new one, never a checkpoint that the tiles cannot prove.
 * One process sequences at a time (an advisory lock); the others serve reads.
 */
export class TransparencyService {
  #key: LogKey | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  /** Collects witness cosignatures on new checkpoints in the background. */
  readonly witnesses: LogWitnesses;

  constructor(private readonly deps: Deps) {
    this.witnesses = new LogWitnesses(deps);
  }

  /**
   * Publishes every settled, unpublished accountability event, creating the log key and the
   * `instance.created` entry on first use. Calls within one process run one after another; with several
   * processes, a call that finds another sequencing returns `busy`. Throws an {@link UnpublishableEventError}
   * (after publishing what precedes it) when an event cannot become a valid entry.
   */
  sequenceNow(): Promise<SequenceResult> {
    const run = this.#running.then(() => this.#drain());
    this.#running = run.catch(() => undefined);
    // Whether or not this run signed anything, a witness may still lack the newest checkpoint (a failed
    // submission, a restart, another process sequenced). Never awaited: witnesses must not slow the log.
    void this.#running.then(() => {
      this.witnesses.submitLatest();
    });
    return run;
  }

  /** Runs the sequencer now and then every `config.logIntervalMs` until {@link stop}. */
  start(log: SequencerLog): void {
    this.witnesses.useLog(log);
    const tick = () => {
      this.sequenceNow().catch((err: unknown) => {
        log.error({ err }, 'transparency log sequencing failed');
      });
    };
    tick();
    this.#timer = setInterval(tick, this.deps.config.logIntervalMs);
    this.#timer.unref();
  }

  /** Stops the background sequencer and waits for a run in progress, so the database can close after. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.witnesses.stop();
  }

  /**
   * The latest signed checkpoint note, with every witness cosignature collected for it so far appended. It is
   * served as soon as it is signed; cosignature lines join it as the witnesses answer.
   */
  async checkpoint(): Promise<string> {
    const head = await repo.latestCheckpoint(this.deps.db);
    if (!head) throw notFound('checkpoint');
    return head.note + (await repo.cosignatureLines(this.deps.db, head.size)).join('');
  }

  /** The log's verifier key (C2SP vkey). */
  async verifierKey(): Promise<string> {
    const key = await repo.findActiveKey(this.deps.db);
    if (!key) throw notFound('log key');
    return key.vkey;
  }

  /** The contents of a hash tile of the current tree; not found beyond it. */
  async hashTile(tile: Tile): Promise<Uint8Array> {
    const head = await repo.latestCheckpoint(this.deps.db);
    if (!head || !tileInTree(tile, head.size)) throw notFound('tile');
    const [data] = await repo.readTiles(this.deps.db, [tile]);
    return data!;
  }

  /**
   * A c2sp.org/tlog-proof@v1 document proving entry `index` is in the tree of the checkpoint `/log/checkpoint`
   * serves now (or of `note`, a checkpoint this log signed earlier, so several proofs can share one tree).
   * Its extra data is the entry itself, so the document alone shows what was logged.
   */
  async proofDocument(index: number, note?: string): Promise<string> {
    note ??= await this.checkpoint();
    const { size } = parseCheckpoint(parseNote(note).text);
    if (index >= size) throw notFound(`log entry ${index} (the log has ${size})`);
    const db = this.deps.db;
    const reader = tileHashReader(size, { readTiles: (tiles) => repo.readTiles(db, tiles) });
    const [entry] = await repo.readEntries(db, index, 1);
    const proof = await inclusionProof(index, size, reader);
    return formatProofDocument({ ...(entry && { extra: entry }), index, proof, checkpoint: note });
  }

  /** The entry bundle at `index` with `width` entries; not found beyond the current tree. */
  async entryBundle(index: number, width: number): Promise<Uint8Array> {
    const head = await repo.latestCheckpoint(this.deps.db);
    if (!head || !tileInTree({ level: 0, index, width }, head.size)) throw notFound('entry bundle');
    const entries = await repo.readEntries(this.deps.db, index * TILE_WIDTH, width);
    if (entries.length !== width) throw new Error(`log entries ${index * TILE_WIDTH}+${width} are missing`);
    return encodeEntryBundle(entries);
  }

  async #drain(): Promise<SequenceResult> {
    let key = await this.#ensureKey();
    let appended = 0;
    for (;;) {
      const watermark = await repo.settledEventWatermark(this.deps.db, WATERMARK_LOCK_TIMEOUT_MS);
      const step = await this.deps.db.transaction((tx) => this.#step(tx, key, watermark));
      appended += step.appended;
      if (step.blocked) throw step.blocked;
      if (step.keyChanged) {
        // Rotated by another process (rotate-log-key): sign with the new key from now on, never the old one.
        this.#key = undefined;
        key = await this.#ensureKey();
        continue;
      }
      if (!step.more) return { appended, size: step.size, busy: step.busy };
    }
  }

  /** One sequencing transaction; see the class comment. */
  async #step(
    tx: Queryable,
    key: { origin: string; vkey: string; signer: NoteSigner; cosigners?: readonly NoteSigner[] },
    watermark: number,
  ): Promise<SequenceResult & { more: boolean; blocked?: UnpublishableEventError; keyChanged?: boolean }> {
    if (!(await repo.tryLockSequencer(tx))) return { appended: 0, size: 0, busy: true, more: false };
    if ((await repo.findActiveKey(tx))?.vkey !== key.vkey) {
      return { appended: 0, size: 0, busy: false, more: false, keyChanged: true };
    }
    const head = await repo.latestCheckpoint(tx);
    const size = head?.size ?? 0;
    // A log always begins by naming itself and its key, whatever the outbox held before it existed.
    const first = size === 0 ? await repo.instanceCreatedEvent(tx) : undefined;
    const events = first
      ? [first]
      : await repo.unpublishedEvents(tx, {
          after: await repo.publishedEventCursor(tx),
          upTo: watermark,
          types: LOGGED_EVENT_TYPES,
          limit: SEQUENCE_BATCH,
        });

    // An event that cannot be encoded stops the log at that point rather than being skipped: a log with a
    // silent hole would look complete. What precedes it is still published.
    const entries: { eventId: number; data: Uint8Array }[] = [];
    let blocked: UnpublishableEventError | undefined;
    for (const event of events) {
      try {
        entries.push({ eventId: event.id, data: encodeEventEntry(event) });
      } catch (err) {
        if (!(err instanceof UnpublishableEventError)) throw err;
        blocked = err;
        break;
      }
    }
    if (entries.length === 0)
      return { appended: 0, size, busy: false, more: false, ...(blocked && { blocked }) };

    const reader = tileHashReader(size, { readTiles: (tiles) => repo.readTiles(tx, tiles) });
    // The stored tiles must reproduce the last signed root before anything is signed on top of them.
    if (head && !Buffer.from(await readTreeRoot(size, reader)).equals(head.root)) {
      throw new Error(`log tiles do not match the checkpoint at size ${size}`);
    }
    const next = await appendLeaves(
      size,
      entries.map((e) => leafHash(e.data)),
      reader,
    );
    await repo.insertEntries(tx, size, entries);
    // The dashboard's counters move with the checkpoint that covers the entries they count.
    await recordDashboardEntries(
      tx,
      entries.map((e) => JSON.parse(Buffer.from(e.data).toString('utf8')) as Entry),
    );
    await repo.saveTiles(tx, next.tiles);
    const text = formatCheckpoint({
      origin: key.origin,
      size: next.size,
      rootHash: next.root,
      extensions: [],
    });
    await repo.insertCheckpoint(tx, {
      size: next.size,
      root: next.root,
      note: signNote(text, [key.signer, ...(key.cosigners ?? [])]),
      createdAt: this.deps.clock.now(),
    });
    // A full batch, or a step that only started the log, leaves more to publish.
    const more = !blocked && (entries.length === SEQUENCE_BATCH || first !== undefined);
    return { appended: entries.length, size: next.size, busy: false, more, ...(blocked && { blocked }) };
  }

  /** The signing key (see {@link loadLogKey}), loaded once and again after a rotation. */
  async #ensureKey(): Promise<LogKey> {
    this.#key ??= await loadLogKey(this.deps);
    return this.#key;
  }

  /**
   * Rotates the log's signing key. Publishes the backlog, then in one transaction appends a `log.key_rotated`
   * entry naming the old and the new key, and signs the checkpoint that ends with it with BOTH keys: whoever
   * trusts the old key can follow the log to the new one, and nobody holding only the new key could have
   * announced it. Later checkpoints are signed by the new key alone; the old key is retired and its private half
   * erased from the database.
   */
  async rotateKey(next: { pair: KeyPair; storeInDb: boolean }): Promise<KeyRotation> {
    await this.sequenceNow();
    const run = this.#running.then(async () => {
      const old = await this.#ensureKey();
      if (old.vkey === next.pair.vkey) throw new LogKeyError(`${old.vkey} is already the log's key`);
      const at = this.deps.clock.now();
      const rotation = await this.deps.db.transaction(async (tx) => {
        await repo.lockSequencer(tx);
        if ((await repo.findActiveKey(tx))?.vkey !== old.vkey) {
          throw new LogKeyError("the log's key changed while rotating; run the rotation again");
        }
        const eventId = await repo.insertKeyRotatedEvent(tx, {
          origin: old.origin,
          old: old.vkey,
          new: next.pair.vkey,
          createdAt: at,
        });
        // Everything before the rotation event must be settled, so the transition checkpoint ends with it.
        await repo.holdOutbox(tx);
        const signers = { ...old, cosigners: [ed25519Signer(next.pair.skey)] };
        let step;
        do {
          step = await this.#step(tx, signers, eventId);
          if (step.blocked) throw step.blocked;
        } while (step.more);
        if ((await repo.publishedEventCursor(tx)) !== eventId) {
          throw new Error('the key rotation entry did not end the transition checkpoint');
        }
        await repo.retireActiveKey(tx, at, step.size);
        await repo.insertKey(tx, {
          origin: old.origin,
          skey: next.storeInDb ? next.pair.skey : null,
          vkey: next.pair.vkey,
          createdAt: at,
        });
        return { old: old.vkey, new: next.pair.vkey, index: step.size - 1, size: step.size };
      });
      this.#key = undefined;
      return rotation;
    });
    this.#running = run.catch(() => undefined);
    return run;
  }

  /** Every verifier key the log has used, oldest first; the last is the active one. */
  async keyHistory(): Promise<string[]> {
    const keys = await repo.keyHistory(this.deps.db);
    if (keys.length === 0) throw notFound('log key');
    return keys;
  }

  /** The checkpoint the log signed at exactly `size` (a key rotation's transition checkpoint, say). */
  async checkpointAt(size: number): Promise<string> {
    const note = await repo.checkpointAt(this.deps.db, size);
    if (note === undefined) throw notFound(`checkpoint of size ${size}`);
    return note;
  }

  /** Log size, events waiting to be sequenced and seconds since the last checkpoint, for /metrics. */
  metrics(): Promise<repo.LogMetricsRow> {
    return repo.logMetrics(this.deps.db, LOGGED_EVENT_TYPES);
  }
}
