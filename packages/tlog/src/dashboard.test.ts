import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_FIGURES,
  DASHBOARD_FIGURE_IDS,
  dashboardContributions,
  DashboardTotals,
  NOT_COUNTED,
} from './dashboard.js';
import { ENTRY_SCHEMA, ENTRY_TYPES, type Entry, type EntryData, type EntryType } from './entries.js';

let seq = 0;
const entry = <T extends EntryType>(type: T, time: string, data: EntryData[T]): Entry =>
  ({ schema: ENTRY_SCHEMA, seq: ++seq, type, time, data }) as Entry;

const rq = (n: number) => `rq_${String(n).padStart(22, 'A')}`;
const ds = (n: number) => `ds_${String(n).padStart(22, 'A')}`;
const sha = 'a'.repeat(64);

const published = (n: number, agency: number, jurisdiction: string, time: string, exigent = false) =>
  entry('request.published', time, {
    request: rq(n),
    agency,
    jurisdiction,
    caseNumber: `C-${n}`,
    category: 'burglary',
    legalBasis: n % 2 ? '' : 'warrant',
    narrative: 'a break-in',
    windowStart: time,
    windowEnd: time,
    responseDeadline: time,
    exigent,
    policyVersion: 1,
    policySha256: sha,
    cells: ['8828308281fffff'],
  });

const shared = (d: number, r: number, bytes: number, time: string) =>
  entry('disclosure.created', time, {
    disclosure: ds(d),
    request: rq(r),
    plaintextSha256: sha,
    ciphertextSha256: sha,
    plaintextBytes: bytes,
    ciphertextBytes: bytes + 200,
    captureStart: time,
    captureEnd: time,
  });

const figure = (view: ReturnType<DashboardTotals['view']>, id: string) =>
  view.figures.find((f) => f.id === id);

describe('dashboard figures', () => {
  it('counts every entry type or says why not, so a type added later cannot be forgotten', () => {
    const counted = new Set(DASHBOARD_FIGURE_IDS.map((id) => DASHBOARD_FIGURES[id].entryType));
    const forgotten = ENTRY_TYPES.filter((t) => !counted.has(t) && NOT_COUNTED[t] === undefined);
    expect(forgotten).toEqual([]);
    const both = ENTRY_TYPES.filter((t) => counted.has(t) && NOT_COUNTED[t] !== undefined);
    expect(both).toEqual([]);
  });

  it('lists exactly the uncounted types, with their reasons, in docs/log-entries.md', () => {
    const doc = readFileSync(new URL('../../../docs/log-entries.md', import.meta.url), 'utf8');
    const section = doc.split('## Not counted on the dashboard')[1]?.split('\n## ')[0] ?? '';
    const listed = [...section.matchAll(/^- `([a-z_.]+)`: (.+)$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(listed)).toEqual(NOT_COUNTED);
  });

  it('attributes disclosures and a request’s later events to the request’s agency and jurisdiction', () => {
    const totals = new DashboardTotals();
    for (const e of [
      published(1, 4, 'springfield', '2026-01-05T10:00:00Z', true),
      published(2, 5, 'shelbyville', '2026-02-05T10:00:00Z'),
      shared(1, 1, 1000, '2026-01-06T10:00:00Z'),
      shared(2, 1, 500, '2026-02-06T10:00:00Z'),
      shared(3, 2, 70, '2026-02-07T10:00:00Z'),
      entry('disclosure.accessed', '2026-02-08T10:00:00Z', { disclosure: ds(1), agency: 4 }),
      entry('request.justification_missed', '2026-01-08T10:00:00Z', { request: rq(1) }),
      entry('request.closed', '2026-03-01T10:00:00Z', { request: rq(2), agency: 5, reason: 'solved' }),
      entry('moderation.hidden', '2026-01-09T10:00:00Z', { post: 3, moderator: 2, reason: 'spam' }),
    ])
      totals.add(e);

    const agency4 = totals.view({ kind: 'agency', id: 4 });
    expect(figure(agency4, 'disclosures.shared')).toMatchObject({
      total: 2,
      byMonth: { '2026-01': 1, '2026-02': 1 },
    });
    expect(figure(agency4, 'disclosures.bytes')?.total).toBe(1500);
    expect(figure(agency4, 'disclosures.accessed')?.total).toBe(1);
    expect(figure(agency4, 'requests.exigent')?.total).toBe(1);
    expect(figure(agency4, 'requests.justification_missed')?.total).toBe(1);
    // Moderation names no agency: the agency's view does not show it at all.
    expect(figure(agency4, 'moderation.hidden')).toBeUndefined();

    const shelbyville = totals.view({ kind: 'jurisdiction', id: 'shelbyville' });
    expect(figure(shelbyville, 'disclosures.bytes')?.total).toBe(70);
    expect(figure(shelbyville, 'requests.closed')?.total).toBe(1);
    expect(figure(shelbyville, 'requests.published')?.breakdowns).toEqual({
      category: { burglary: 1 },
      legal_basis: { warrant: 1 },
    });

    const february = totals.view({ kind: 'instance' }, { from: '2026-02', to: '2026-02' });
    expect(figure(february, 'disclosures.shared')?.total).toBe(2);
    expect(figure(february, 'requests.published')?.breakdowns.legal_basis).toEqual({ warrant: 1 });
    expect(figure(february, 'moderation.hidden')?.total).toBe(0);
    expect(february).toMatchObject({ from: '2026-02', to: '2026-02', scope: { kind: 'instance', id: null } });
  });

  it('counts a refusal once in its total and once under each rule it broke', () => {
    const refused = entry('request.refused', '2026-04-01T00:00:00Z', {
      agency: 9,
      jurisdiction: 'springfield',
      policyVersion: 2,
      policySha256: sha,
      rules: ['area_too_large', 'window_too_long'],
      category: 'fraud',
      areaM2: 10,
      windowHours: 100,
    });
    const c = dashboardContributions(refused, () => undefined);
    expect(c.map((x) => x.breakdown).sort()).toEqual([
      '',
      'category=fraud',
      'rule=area_too_large',
      'rule=window_too_long',
    ]);
    expect(c.every((x) => x.agency === 9 && x.jurisdiction === 'springfield' && x.month === '2026-04')).toBe(
      true,
    );
  });

  it('splits appeals by outcome and role changes by the new role', () => {
    const totals = new DashboardTotals();
    totals.add(
      entry('appeal.decided', '2026-05-01T00:00:00Z', {
        post: 1,
        moderator: 2,
        outcome: 'upheld',
        reason: 'r',
      }),
    );
    totals.add(
      entry('appeal.decided', '2026-05-02T00:00:00Z', {
        post: 2,
        moderator: 2,
        outcome: 'overturned',
        reason: 'r',
      }),
    );
    totals.add(
      entry('appeal.decided', '2026-05-03T00:00:00Z', {
        post: 3,
        moderator: 2,
        outcome: 'overturned',
        reason: 'r',
      }),
    );
    totals.add(
      entry('role.changed', '2026-05-03T00:00:00Z', {
        admin: 1,
        from: 'resident',
        to: 'moderator',
        reason: 'r',
      }),
    );
    const view = totals.view({ kind: 'instance' });
    expect(figure(view, 'appeals.decided')?.breakdowns).toEqual({ outcome: { overturned: 2, upheld: 1 } });
    expect(figure(view, 'staff.role_changes')?.breakdowns).toEqual({ to: { moderator: 1 } });
  });
});
