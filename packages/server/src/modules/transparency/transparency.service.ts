import {
  appendLeaves,
  ed25519Signer,
  encodeEntryBundle,
  formatCheckpoint,
  generateSigner,
  leafHash,
  readTreeRoot,
  signNote,
  tileHashReader,
  TILE_WIDTH,
  type NoteSigner,
  type Tile,
} from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Queryable } from '../../infra/db/index.js';
import { encodeEventEntry, LOGGED_EVENT_TYPES, UnpublishableEventError } from './transparency.entries.js';
import * as repo from './transparency.repository.js';

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
  #key: { origin: string; vkey: string; signer: NoteSigner } | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: Deps) {}

  /**
   * Publishes every settled, unpublished accountability event, creating the log key and the
   * `instance.created` entry on first use. Calls within one process run one after another; with several
   * processes, a call that finds another sequencing returns `busy`. Throws an {@link UnpublishableEventError}
   * (after publishing what precedes it) when an event cannot become a valid entry.
   */
  sequenceNow(): Promise<SequenceResult> {
    const run = this.#running.then(() => this.#drain());
    this.#running = run.catch(() => undefined);
    return run;
  }

  /** Runs the sequencer now and then every `config.logIntervalMs` until {@link stop}. */
  start(log: SequencerLog): void {
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
  }

  /** The latest signed checkpoint note. */
  async checkpoint(): Promise<string> {
    const head = await repo.latestCheckpoint(this.deps.db);
    if (!head) throw notFound('checkpoint');
    return head.note;
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

  /** The entry bundle at `index` with `width` entries; not found beyond the current tree. */
  async entryBundle(index: number, width: number): Promise<Uint8Array> {
    const head = await repo.latestCheckpoint(this.deps.db);
    if (!head || !tileInTree({ level: 0, index, width }, head.size)) throw notFound('entry bundle');
    const entries = await repo.readEntries(this.deps.db, index * TILE_WIDTH, width);
    if (entries.length !== width) throw new Error(`log entries ${index * TILE_WIDTH}+${width} are missing`);
    return encodeEntryBundle(entries);
  }

  async #drain(): Promise<SequenceResult> {
    const key = await this.#ensureKey();
    let appended = 0;
    for (;;) {
      const watermark = await repo.settledEventWatermark(this.deps.db, WATERMARK_LOCK_TIMEOUT_MS);
      const step = await this.deps.db.transaction((tx) => this.#step(tx, key, watermark));
      appended += step.appended;
      if (step.blocked) throw step.blocked;
      if (!step.more) return { appended, size: step.size, busy: step.busy };
    }
  }

  /** One sequencing transaction; see the class comment. */
  async #step(
    tx: Queryable,
    key: { origin: string; signer: NoteSigner },
    watermark: number,
  ): Promise<SequenceResult & { more: boolean; blocked?: UnpublishableEventError }> {
    if (!(await repo.tryLockSequencer(tx))) return { appended: 0, size: 0, busy: true, more: false };
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
      note: signNote(text, [key.signer]),
      createdAt: this.deps.clock.now(),
    });
    // A full batch, or a step that only started the log, leaves more to publish.
    const more = !blocked && (entries.length === SEQUENCE_BATCH || first !== undefined);
    return { appended: entries.length, size: next.size, busy: false, more, ...(blocked && { blocked }) };
  }

  /**
   * Loads the signing key, creating it and the log's first event on the instance's first start. Under the
   * sequencer lock, so two processes starting together create one key.
   */
  async #ensureKey(): Promise<{ origin: string; vkey: string; signer: NoteSigner }> {
    if (this.#key) return this.#key;
    const origin = this.deps.config.logOrigin;
    const row = await this.deps.db.transaction(async (tx) => {
      await repo.lockSequencer(tx);
      const existing = await repo.findActiveKey(tx);
      if (existing) return existing;
      const { skey, vkey } = generateSigner(origin);
      const createdAt = this.deps.clock.now();
      await repo.insertKey(tx, { origin, skey, vkey, createdAt });
      await repo.insertInstanceCreatedEvent(tx, { origin, key: vkey, createdAt });
      return { origin, skey, vkey };
    });
    // A log's origin is its identity: verifiers pin it, so it cannot silently change with the configuration.
    if (row.origin !== origin) {
      throw new Error(`PORCHLIGHT_LOG_ORIGIN is "${origin}" but this instance's log is "${row.origin}"`);
    }
    this.#key = { origin, vkey: row.vkey, signer: ed25519Signer(row.skey) };
    return this.#key;
  }
}
