import {
  acceptCosignatures,
  consistencyProof,
  cosignatureTimestamp,
  cosignatureVerifier,
  formatAddCheckpoint,
  formatSignatureLine,
  parseTreeSize,
  tileHashReader,
  TREE_SIZE_CONTENT_TYPE,
  type NoteVerifier,
} from '@porchlight/tlog';
import client from 'prom-client';
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import * as repo from './transparency.repository.js';

/** How long one add-checkpoint request may take before it counts as a failure. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Backoff after a failure doubles from the first delay up to the cap. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;
/** A 409 names the size the witness holds; more than a couple in a row means the log and witness disagree. */
const MAX_CONFLICTS = 3;

/** Where witness failures are reported (the app's pino logger fits). */
export interface WitnessLog {
  error(obj: object, msg: string): void;
}

/** What this process knows about one witness, for /metrics and the logs. */
export interface WitnessStatus {
  readonly name: string;
  readonly url: string;
  /** The largest checkpoint size it has cosigned for us, as far as this process knows. */
  readonly cosignedSize: number | undefined;
  /** Failed submissions (network errors, timeouts, refusals) since this process started. */
  readonly failures: number;
}

interface Witness extends WitnessStatus {
  readonly verifier: NoteVerifier;
  /** The size the witness last told us it holds; the next request proves consistency from there. */
  knownSize: number | undefined;
  cosignedSize: number | undefined;
  failures: number;
  retryMs: number;
  retry: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
}

/** A witness refused or failed in a way worth reporting; the submission is retried later. */
class WitnessError extends Error {}

/**
 * Collects c2sp.org/tlog-witness cosignatures for the log's newest checkpoint. Submission runs in the
 * background, one request at a time per witness, so sequencing never waits for a witness; failures back off
 * exponentially and are retried. Cosignatures are verified against the configured witness key before they are
 * stored; `/log/checkpoint` serves the newest checkpoint at once and appends them as they arrive.
 *
 * Storing a cosignature writes no outbox event: it is a statement about the log, not an accountability action,
 * and logging it would sign a new checkpoint that needs cosigning in turn, forever.
 */
export class LogWitnesses {
  readonly #witnesses: Witness[];
  /** Witnesses asked to submit since their current run started. */
  readonly #pending = new Set<Witness>();
  readonly #abort = new AbortController();
  #log: WitnessLog | undefined;
  #stopped = false;

  constructor(
    private readonly deps: Deps,
    witnesses: Config['witnesses'] = deps.config.witnesses,
  ) {
    this.#witnesses = witnesses.map((w) => ({
      ...w,
      verifier: cosignatureVerifier(w.vkey),
      knownSize: undefined,
      cosignedSize: undefined,
      failures: 0,
      retryMs: FIRST_RETRY_MS,
      retry: undefined,
      running: undefined,
    }));
  }

  /** Reports failures to `log` from now on. */
  useLog(log: WitnessLog): void {
    this.#log = log;
  }

  /** Each configured witness's status. */
  status(): WitnessStatus[] {
    return this.#witnesses.map(({ name, url, cosignedSize, failures }) => ({
      name,
      url,
      cosignedSize,
      failures,
    }));
  }

  /**
   * Asks every witness that has not yet cosigned the newest checkpoint to do so. Returns at once; the work
   * happens in the background (see {@link settled}). A witness that is backing off after a failure is left to
   * its scheduled retry (which submits whatever is newest then), unless `retryNow`.
   */
  submitLatest(options: { retryNow?: boolean } = {}): void {
    if (this.#stopped) return;
    for (const witness of this.#witnesses) {
      if (witness.retry === undefined || options.retryNow) this.#kick(witness);
    }
  }

  /** Resolves when no submission is in flight (tests; shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const running = this.#witnesses.flatMap((w) => (w.running ? [w.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Cancels retries and in-flight requests and waits for them, so the database can close after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    for (const witness of this.#witnesses) clearTimeout(witness.retry);
    await this.settled();
  }

  #kick(witness: Witness): void {
    this.#pending.add(witness);
    if (witness.running) return;
    clearTimeout(witness.retry);
    witness.retry = undefined;
    witness.running = this.#run(witness).finally(() => {
      witness.running = undefined;
    });
  }

  async #run(witness: Witness): Promise<void> {
    // After stop(), a pending submission fails at once (its request is aborted) and ends the loop below.
    while (this.#pending.delete(witness)) {
      try {
        await this.#submit(witness);
        witness.retryMs = FIRST_RETRY_MS;
      } catch (err) {
        if (this.#stopped) return;
        witness.failures++;
        this.#log?.error(
          { err, witness: witness.name, url: witness.url },
          `witness ${witness.name} did not cosign; retrying in ${witness.retryMs / 1000} s`,
        );
        witness.retry = setTimeout(() => {
          witness.retry = undefined;
          this.#kick(witness);
        }, witness.retryMs);
        witness.retry.unref();
        witness.retryMs = Math.min(witness.retryMs * 2, MAX_RETRY_MS);
        return;
      }
    }
  }

  /** Gets `witness`'s cosignature on the newest checkpoint, unless it already gave one. */
  async #submit(witness: Witness): Promise<void> {
    const db = this.deps.db;
    const head = await repo.latestCheckpoint(db);
    if (!head || witness.cosignedSize === head.size) return;
    // After a restart (or when another process sequenced) the database knows where the witness stands.
    witness.cosignedSize ??= await repo.latestCosignedSize(db, witness.name);
    if (witness.cosignedSize === head.size) return;
    witness.knownSize ??= witness.cosignedSize;

    for (let conflicts = 0; ; conflicts++) {
      const oldSize = witness.knownSize ?? 0;
      if (oldSize > head.size) {
        throw new WitnessError(
          `witness ${witness.name} has cosigned size ${oldSize}, beyond this log's ${head.size}: ` +
            'it has seen a longer history of this log than this database holds',
        );
      }
      const reader = tileHashReader(head.size, { readTiles: (tiles) => repo.readTiles(db, tiles) });
      const proof =
        oldSize > 0 && oldSize < head.size ? await consistencyProof(oldSize, head.size, reader) : [];
      const res = await fetch(`${witness.url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: formatAddCheckpoint({ oldSize, proof, checkpoint: head.note }),
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      const body = new Uint8Array(await res.arrayBuffer());
      if (res.status === 200) {
        await this.#store(witness, head.size, head.note, body);
        return;
      }
      if (res.status !== 409) {
        const text = new TextDecoder().decode(body.subarray(0, 500)).trim();
        throw new WitnessError(`witness ${witness.name} answered ${res.status}: ${text}`);
      }
      if (!res.headers.get('content-type')?.startsWith(TREE_SIZE_CONTENT_TYPE)) {
        throw new WitnessError(
          `witness ${witness.name} answered 409 without a ${TREE_SIZE_CONTENT_TYPE} body`,
        );
      }
      const size = parseTreeSize(body);
      if (size === oldSize) {
        // Same size, refused: it holds a different root for that size. A fork, on one side or the other.
        throw new WitnessError(
          `witness ${witness.name} refuses checkpoint ${head.size}: it cosigned a different tree of size ${size}`,
        );
      }
      if (conflicts + 1 >= MAX_CONFLICTS) {
        throw new WitnessError(`witness ${witness.name} keeps changing its size (${oldSize} → ${size})`);
      }
      witness.knownSize = size;
    }
  }

  async #store(witness: Witness, size: number, note: string, body: Uint8Array): Promise<void> {
    let signatures;
    try {
      signatures = acceptCosignatures(note, body, witness.verifier);
    } catch (err) {
      throw new WitnessError(`witness ${witness.name} sent no valid cosignature: ${(err as Error).message}`);
    }
    await repo.insertCosignatures(
      this.deps.db,
      signatures.map((s) => ({
        size,
        witness: s.name,
        keyId: s.keyId,
        line: formatSignatureLine(s),
        cosignedAt: new Date(cosignatureTimestamp(s.signature) * 1000),
      })),
      this.deps.clock.now(),
    );
    witness.knownSize = size;
    witness.cosignedSize = size;
  }
}

/**
 * Exposes witness health on /metrics: `porchlight_log_witness_failures_total` and
 * `porchlight_log_witness_cosigned_size`, labelled by witness name.
 */
export function registerWitnessMetrics(registry: client.Registry, witnesses: LogWitnesses): void {
  new client.Counter({
    name: 'porchlight_log_witness_failures_total',
    help: 'Failed checkpoint submissions to a witness (network errors, timeouts, refusals)',
    labelNames: ['witness'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const w of witnesses.status()) this.inc({ witness: w.name }, w.failures);
    },
  });
  new client.Gauge({
    name: 'porchlight_log_witness_cosigned_size',
    help: 'Largest checkpoint size a witness has cosigned (-1: none yet)',
    labelNames: ['witness'] as const,
    registers: [registry],
    collect() {
      for (const w of witnesses.status()) this.set({ witness: w.name }, w.cosignedSize ?? -1);
    },
  });
}
