import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './state.js';

/**
 * Where a clip is in the pipeline. Each stage's output is on disk before the journal says so, so after a crash
 * the clip resumes from its last recorded stage: `queued` → `fetched` (plaintext video in the work dir) →
 * `zoned` (privacy zones burned in) → `encrypted` (age file; plaintext deleted) → `uploading` (tus URL known)
 * → `done`. `failed` clips are kept with their error and not retried.
 */
export type ClipStage = 'queued' | 'fetched' | 'zoned' | 'encrypted' | 'uploading' | 'done' | 'failed';

/** One clip the hub has seen, keyed by its stable `ref` (also the server's `clientRef`). */
export interface ClipRecord {
  ref: string;
  /** Which source produced it (`frigate`, `folder`, `rtsp`, `homeassistant`, `upload`). */
  source: string;
  cameraId: string;
  startedAt: string;
  endedAt: string;
  stage: ClipStage;
  /** Source-specific facts needed to fetch the clip again after a restart (Frigate review id, RTSP URL…). */
  fetch?: Record<string, string | number>;
  /** The current plaintext video; deleted after encryption when `ownsInput`. */
  input?: string;
  /** False for a watched folder's own files, which the hub must never delete. */
  ownsInput: boolean;
  cipherPath?: string;
  uploadUrl?: string;
  clipId?: string;
  /** The server already held this clip (same clientRef) when the upload finished: nothing was stored twice. */
  duplicate?: boolean;
  /** Failed attempts (network errors, 5xx answers): they set the retry backoff, nothing else. */
  attempts: number;
  /**
   * Times the source said "not ready yet" (Frigate still writing the last segment) since its recording last
   * grew — counted apart from `attempts`, so network trouble never makes a clip partial sooner.
   */
  waits?: number;
  /** How far (Unix seconds) the source's recording reached at the last "not ready" answer. */
  reach?: number;
  /** The pipeline's `afterZones` step (auto-blur) has run on this clip; it is not run again. */
  afterZonesDone?: boolean;
  error?: string;
  /** Something the owner should know about a clip that was still uploaded (e.g. it is partial). */
  note?: string;
  updatedAt: string;
}

const KEEP_DONE_MS = 14 * 24 * 3600 * 1000;

/**
 * The hub's persistent journal (`journal.json` in the state dir). Every change is written atomically and
 * fsynced before the call resolves; writes are serialised so concurrent sources cannot interleave them.
 */
export class Journal {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly records: Map<string, ClipRecord>,
  ) {}

  /** Opens the journal in `stateDir`, starting empty when there is none. */
  static async open(stateDir: string): Promise<Journal> {
    const file = path.join(stateDir, 'journal.json');
    let records: ClipRecord[] = [];
    try {
      records = (JSON.parse(await readFile(file, 'utf8')) as { clips: ClipRecord[] }).clips;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new Journal(file, new Map(records.map((r) => [r.ref, r])));
  }

  get(ref: string): ClipRecord | undefined {
    return this.records.get(ref);
  }

  /** Every clip, oldest update first. */
  all(): ClipRecord[] {
    return [...this.records.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  }

  /** Clips that still have work to do. */
  unfinished(): ClipRecord[] {
    return this.all().filter((r) => r.stage !== 'done' && r.stage !== 'failed');
  }

  /**
   * Unfinished clips journalled under an old numeric camera id (before Porchlight named cameras ca_…) get the
   * id `resolve` finds for them; those it cannot place are failed with a message saying why, never uploaded
   * to a guessed camera. Done once, at start; written durably before any clip resumes.
   */
  async renameLegacyCameras(resolve: (r: ClipRecord) => string | undefined): Promise<void> {
    const legacy = this.unfinished().filter((r) => /^\d+$/.test(r.cameraId));
    for (const r of legacy) {
      const cameraId = resolve(r);
      this.records.set(
        r.ref,
        cameraId
          ? { ...r, cameraId, updatedAt: new Date().toISOString() }
          : {
              ...r,
              stage: 'failed',
              error:
                `queued under the old camera id ${r.cameraId}, which the config no longer names; ` +
                'upload it again with `porchlight-hub upload --camera ca_…`',
              updatedAt: new Date().toISOString(),
            },
      );
    }
    if (legacy.length > 0) await this.flush();
  }

  /** Records a clip (new or changed) and waits until it is durable. */
  async put(record: ClipRecord): Promise<void> {
    this.records.set(record.ref, { ...record, updatedAt: new Date().toISOString() });
    await this.flush();
  }

  private flush(): Promise<void> {
    const cutoff = new Date(Date.now() - KEEP_DONE_MS).toISOString();
    const next = this.writing.then(async () => {
      // Settled clips are remembered for two weeks so a source replaying old reviews does not re-ingest them.
      for (const [ref, r] of this.records) {
        if ((r.stage === 'done' || r.stage === 'failed') && r.updatedAt < cutoff) this.records.delete(ref);
      }
      await writeFileAtomic(this.file, JSON.stringify({ clips: [...this.records.values()] }, null, 1) + '\n');
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
