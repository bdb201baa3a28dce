import { decodeEntry, leafHash } from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { invalid } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import * as pub from './transparency-public.repository.js';
import { findActiveKey, latestCheckpoint } from './transparency.repository.js';
import type { TransparencyService } from './transparency.service.js';

export interface EntryQueryInput {
  type?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** An RFC 3339 time as the entries spell theirs (UTC, to the second), so text comparison orders them. */
function entryTime(iso: string | undefined, field: string): string | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw invalid(`/querystring/${field}`, 'must be a date-time');
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * The transparency log for people rather than verifiers: a summary and a searchable list of entries. Public,
 * no account needed. Everything here is read from the same entries the C2SP resources under `/log/` serve,
 * and only entries covered by the latest checkpoint are listed, so each one shown can be proved.
 */
export class TransparencyPublicService {
  constructor(
    private readonly deps: Deps,
    private readonly log: TransparencyService,
  ) {}

  /** Size, checkpoint, keys, witnesses and counts by type. */
  async summary() {
    const db = this.deps.db;
    const [head, key] = await Promise.all([latestCheckpoint(db), findActiveKey(db)]);
    const size = head?.size ?? 0;
    const logUrl = `${this.deps.config.publicUrl}/log`;
    // The served checkpoint carries the witnesses' cosignatures as they arrive.
    const checkpoint = head ? await this.log.checkpoint() : null;
    return {
      origin: key?.origin ?? this.deps.config.logOrigin,
      logUrl,
      size,
      checkpoint,
      verifierKey: key?.vkey ?? null,
      witnesses: this.deps.config.witnesses.map((w) => ({ name: w.name, vkey: w.vkey, url: w.url })),
      counts: await pub.countByType(db, size),
      auditCommand: `npx porchlight audit ${logUrl}`,
    };
  }

  /** Entries newest first, filtered by type, text and time, in pages with opaque cursors. */
  async entries(query: EntryQueryInput) {
    const limit = query.limit ?? 20;
    const before = decodeCursor(query.cursor);
    const from = entryTime(query.from, 'from');
    const to = entryTime(query.to, 'to');
    const head = await latestCheckpoint(this.deps.db);
    const size = head?.size ?? 0;
    const rows = await pub.searchEntries(this.deps.db, {
      size,
      before,
      type: query.type,
      q: query.q,
      from,
      to,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => {
        const entry = decodeEntry(r.data);
        return {
          index: r.index,
          type: entry.type,
          time: entry.time,
          entry,
          leafHash: Buffer.from(leafHash(r.data)).toString('hex'),
          proof: `/log/proof/${r.index}`,
        };
      }),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.index) : null,
      size,
    };
  }
}
