import { LEGAL_DEMAND_KINDS, LEGAL_PRODUCTIONS } from '@porchlight/policy';
import type { LegalDemandRow } from './legal.repository.js';

const iso = (d: Date | null) => d && d.toISOString();

/** A demand as admins see it. The affected account stays out: admins recorded it; the API need not repeat it. */
export function presentDemand(d: LegalDemandRow) {
  return {
    id: d.id,
    kind: d.kind,
    authority: d.authority,
    docket: d.docket,
    date: d.demand_date,
    scopeSummary: d.scope_summary,
    documentSha256: d.document_sha256,
    jurisdiction: d.jurisdiction,
    receivedAt: d.received_at.toISOString(),
    produced: d.produced,
    answeredAt: iso(d.answered_at),
    noticeDueAt: d.notice_due_at.toISOString(),
    noticeSentAt: iso(d.notice_sent_at),
  };
}

/** A demand as the affected owner is told of it. */
export function presentNotice(d: LegalDemandRow & { sent_at: Date }) {
  return {
    demand: d.id,
    kind: d.kind,
    authority: d.authority,
    docket: d.docket,
    date: d.demand_date,
    scopeSummary: d.scope_summary,
    documentSha256: d.document_sha256,
    receivedAt: d.received_at.toISOString(),
    produced: d.produced,
    delayed: d.notice_due_at > d.received_at,
    sentAt: d.sent_at.toISOString(),
  };
}

/** Counts by kind, by what was produced, and of delayed notices; every kind listed, zero or not. */
export function presentStats(rows: { kind: string; produced: string | null; delayed: number; n: number }[]) {
  const byKind = Object.fromEntries(LEGAL_DEMAND_KINDS.map((k) => [k, 0])) as Record<string, number>;
  const byProduced = Object.fromEntries(LEGAL_PRODUCTIONS.map((p) => [p, 0])) as Record<string, number>;
  let unanswered = 0;
  let delayed = 0;
  for (const r of rows) {
    byKind[r.kind] = (byKind[r.kind] ?? 0) + r.n;
    if (r.produced === null) unanswered += r.n;
    else byProduced[r.produced] = (byProduced[r.produced] ?? 0) + r.n;
    if (r.delayed) delayed += r.n;
  }
  const total = rows.reduce((n, r) => n + r.n, 0);
  return { total, byKind, byProduced, unanswered, noticesDelayed: delayed };
}
