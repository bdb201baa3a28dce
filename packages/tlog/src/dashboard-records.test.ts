import { DEFAULT_POLICY } from '@porchlight/policy';
import { describe, expect, it } from 'vitest';
import { DashboardTotals } from './dashboard.js';
import { annualReport } from './dashboard-report.js';
import { ENTRY_SCHEMA, type Entry, type EntryData, type EntryType } from './entries.js';

let seq = 0;
const entry = <T extends EntryType>(type: T, time: string, data: EntryData[T]): Entry =>
  ({ schema: ENTRY_SCHEMA, seq: ++seq, type, time, data }) as Entry;

const rq = (n: number) => `rq_${String(n).padStart(22, 'A')}`;
const ds = (n: number) => `ds_${String(n).padStart(22, 'A')}`;
const ld = (n: number) => `ld_${String(n).padStart(22, 'A')}`;
const sha = 'a'.repeat(64);

const policy = (jurisdiction: string, legalHoldMaxDays: number, time: string) =>
  entry('policy.changed', time, {
    jurisdiction,
    name: jurisdiction,
    version: 1,
    sha256: sha,
    policy: { ...DEFAULT_POLICY, legalHoldMaxDays, eligibleAgencyJurisdictions: [jurisdiction] },
    admin: 1,
    reason: 'set',
  });

const published = (n: number, agency: number, jurisdiction: string, time: string) =>
  entry('request.published', time, {
    request: rq(n),
    agency,
    jurisdiction,
    caseNumber: `C-${n}`,
    category: 'burglary',
    legalBasis: 'warrant',
    narrative: 'a break-in',
    windowStart: time,
    windowEnd: time,
    responseDeadline: time,
    exigent: false,
    policyVersion: 1,
    policySha256: sha,
    cells: [],
  });

const held = (d: number, r: number, time: string, until: string) =>
  entry('disclosure.held', time, {
    disclosure: ds(d),
    request: rq(r),
    caseNumber: `CASE-${d}`,
    justification: `trial of case ${d}`,
    until,
  });

describe('dashboard lists', () => {
  it('lists each legal hold with case, reason, agency and entry, flagging one beyond the policy then in force', () => {
    const totals = new DashboardTotals();
    const log = [
      policy('pdx', 30, '2026-01-01T00:00:00Z'),
      policy('gre', 365, '2026-01-01T00:00:00Z'),
      published(1, 3, 'pdx', '2026-02-01T00:00:00Z'),
      published(2, 4, 'gre', '2026-02-01T00:00:00Z'),
      held(1, 1, '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z'),
      held(2, 1, '2026-03-02T00:00:00Z', '2026-04-02T00:00:01Z'),
      held(3, 2, '2026-04-01T00:00:00Z', '2026-12-01T00:00:00Z'),
      // The policy tightens: a later hold is measured against the new limit.
      policy('gre', 10, '2026-05-01T00:00:00Z'),
      held(4, 2, '2026-05-02T00:00:00Z', '2026-06-01T00:00:00Z'),
    ];
    for (const [i, e] of log.entries()) totals.add(e, i);

    const all = totals.holds({ kind: 'instance' });
    expect(all.map((h) => [h.entry, h.caseNumber, h.agency, h.jurisdiction, h.beyondPolicy])).toEqual([
      [4, 'CASE-1', 3, 'pdx', false],
      [5, 'CASE-2', 3, 'pdx', true],
      [6, 'CASE-3', 4, 'gre', false],
      [8, 'CASE-4', 4, 'gre', true],
    ]);
    expect(all[1]).toMatchObject({
      disclosure: ds(2),
      request: rq(1),
      justification: 'trial of case 2',
      until: '2026-04-02T00:00:01Z',
      policyLimit: '2026-04-01T00:00:00Z',
    });
    expect(totals.holds({ kind: 'agency', id: 4 }).map((h) => h.entry)).toEqual([6, 8]);
    expect(totals.holds({ kind: 'jurisdiction', id: 'pdx' }).map((h) => h.entry)).toEqual([4, 5]);
    expect(
      totals.holds({ kind: 'instance' }, { from: '2026-04', to: '2026-04' }).map((h) => h.entry),
    ).toEqual([6]);
    expect(totals.holds({ kind: 'instance' }, { from: '2026-03-02', to: '2026-04-01' })).toHaveLength(2);

    const report = annualReport({
      agency: { id: 4, name: 'Gresham Police', jurisdiction: 'gre', status: 'verified' },
      year: '2026',
      agencyView: totals.view({ kind: 'agency', id: 4 }, { from: '2026-01', to: '2026-12' }),
      instanceView: totals.view({ kind: 'instance' }, { from: '2026-01', to: '2026-12' }),
      policyVersions: totals.policyVersions('gre'),
      annotations: [],
      holds: totals.holds({ kind: 'agency', id: 4 }, { from: '2026-01', to: '2026-12' }),
    });
    const section = (id: string) => report.sections.find((s) => s.id === id)!;
    expect(section('retention').text.filter((t) => t.startsWith('Legal hold on clip'))).toHaveLength(2);
    expect(section('retention').text).toContain(
      `Legal hold on clip ${ds(3)} for case CASE-3, logged 2026-04-01 (entry 6), kept until 2026-12-01: trial of case 3`,
    );
    expect(section('audit').rows.find((r) => r.figure === 'holds.beyond_policy')?.value).toBe(1);
    expect(section('audit').text.filter((t) => t.startsWith('Hold beyond policy'))).toEqual([
      `Hold beyond policy: clip ${ds(4)}, case CASE-4 (entry 8), kept until 2026-06-01, policy allowed until 2026-05-12.`,
    ]);
  });

  it('says how each delayed owner notice lapsed: on time, late, or not sent; an undelayed notice is not listed', () => {
    const totals = new DashboardTotals();
    const delayed = (d: number, time: string, until: string) =>
      entry('legal.notice_delayed', time, { demand: ld(d), until, admin: 1, reason: `order ${d}` });
    const sent = (d: number, time: string) => entry('legal.notice_sent', time, { demand: ld(d) });
    const log = [
      delayed(1, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
      delayed(2, '2026-01-02T00:00:00Z', '2026-02-01T00:00:00Z'),
      delayed(3, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      sent(4, '2026-01-05T00:00:00Z'),
      // Demand 2's order is extended; its notice is due at the extension's end.
      delayed(2, '2026-01-20T00:00:00Z', '2026-03-01T00:00:00Z'),
      sent(1, '2026-02-01T00:05:00Z'),
      sent(2, '2026-03-05T00:00:00Z'),
    ];
    for (const [i, e] of log.entries()) totals.add(e, i);
    const notices = totals.notices();
    expect(notices.map((n) => [n.demand, n.until, n.lapse, n.sent?.entry ?? null])).toEqual([
      [ld(1), '2026-02-01T00:00:00Z', 'sent_on_time', 5],
      [ld(2), '2026-03-01T00:00:00Z', 'sent_late', 6],
      [ld(3), '2026-04-01T00:00:00Z', 'not_sent', null],
    ]);
    expect(notices[1]!.delays.map((d) => d.entry)).toEqual([1, 4]);
    expect(totals.notices({ from: '2026-03', to: '2026-12' }).map((n) => n.demand)).toEqual([ld(3)]);
  });
});
