import { DEFAULT_POLICY } from '@porchlight/policy';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_FIGURES,
  DASHBOARD_FIGURE_IDS,
  dashboardContributions,
  DashboardTotals,
  last30Days,
  NOT_COUNTED,
} from './dashboard.js';
import { annualReport, annualReportCsv, annualReportHtml } from './dashboard-report.js';
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
      cell: { '8828308281fffff': 1 },
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

describe('day ranges', () => {
  it('counts exactly the days asked for, across a month boundary, not whole months', () => {
    const totals = new DashboardTotals();
    // Agency 3: one request each on Oct 31, Nov 1, Nov 5 (two), Nov 29 and Nov 30.
    const days = ['2026-10-31', '2026-11-01', '2026-11-05', '2026-11-05', '2026-11-29', '2026-11-30'];
    days.forEach((d, i) => {
      totals.add(published(100 + i, 3, 'pdx', `${d}T23:59:59Z`));
    });
    const count = (from: string, to: string) =>
      figure(totals.view({ kind: 'agency', id: 3 }, { from, to }), 'requests.published')!.total;
    expect(count('2026-11-01', '2026-11-29')).toBe(4);
    expect(count('2026-10-31', '2026-10-31')).toBe(1);
    expect(count('2026-11-05', '2026-11-05')).toBe(2);
    // A month end mixed with a day end means the month's first or last day.
    expect(count('2026-10', '2026-11-01')).toBe(2);
    expect(count('2026-11-02', '2026-11')).toBe(4);
    // The last 30 days ending Nov 30 start Nov 1: Oct 31 is out.
    expect(last30Days('2026-11-30')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const { from, to } = last30Days('2026-11-30');
    const view = totals.view({ kind: 'agency', id: 3 }, { from, to });
    expect(figure(view, 'requests.published')).toMatchObject({ total: 5, byMonth: { '2026-11': 5 } });
    // The monthly counters are the daily ones summed.
    expect(totals.counters().find((c) => c.month === '2026-11' && c.breakdown === '')?.amount).toBe(5);
    expect(last30Days('2024-03-01')).toEqual({ from: '2024-02-01', to: '2024-03-01' });
  });
});

describe('annual report', () => {
  it('reports an agency’s year from its figures: use, sharing, retention, refusals and policy versions', () => {
    const totals = new DashboardTotals();
    const policy = (version: number, time: string) =>
      entry('policy.changed', time, {
        jurisdiction: 'pdx',
        name: 'Portland',
        version,
        sha256: sha,
        policy: { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['pdx'] },
        admin: 1,
        reason: `version ${version}`,
      });
    totals.add(policy(1, '2025-06-01T00:00:00Z'));
    totals.add(policy(2, '2026-03-01T00:00:00Z'));
    totals.add(policy(3, '2027-01-02T00:00:00Z'));
    totals.add(
      entry('agency.verified', '2025-07-01T00:00:00Z', {
        agency: 3,
        name: 'Portland Police',
        jurisdiction: 'pdx',
        admin: 1,
        reason: 'checked',
      }),
    );
    totals.add(published(1, 3, 'pdx', '2025-12-31T23:59:59Z'));
    totals.add(published(2, 3, 'pdx', '2026-01-01T00:00:00Z', true));
    totals.add(published(4, 3, 'pdx', '2026-05-01T00:00:00Z'));
    totals.add(published(5, 4, 'pdx', '2026-05-01T00:00:00Z'));
    totals.add(shared(1, 2, 1000, '2026-02-01T00:00:00Z'));
    totals.add(shared(2, 5, 5000, '2026-02-01T00:00:00Z'));
    totals.add(
      entry('legal.demand_received', '2026-04-01T00:00:00Z', {
        demand: 'ld_'.padEnd(25, 'A'),
        kind: 'subpoena',
        authority: 'Court',
        docket: 'D-1',
        date: '2026-04-01',
        scopeSummary: 'one account',
        documentSha256: sha,
        admin: 1,
      }),
    );
    const range = { from: '2026-01', to: '2026-12' };
    const report = annualReport({
      agency: { id: 3, ...totals.agency(3)! },
      year: '2026',
      agencyView: totals.view({ kind: 'agency', id: 3 }, range),
      instanceView: totals.view({ kind: 'instance' }, range),
      policyVersions: totals.policyVersions('pdx'),
      annotations: totals.annotations(3, '2026'),
      holds: totals.holds({ kind: 'agency', id: 3 }, range),
    });
    const row = (section: string, fig: string, breakdown = '') =>
      report.sections
        .find((x) => x.id === section)!
        .rows.find((r) => r.figure === fig && r.breakdown === breakdown)?.value;
    expect(report.agency).toEqual({ id: 3, name: 'Portland Police', jurisdiction: 'pdx' });
    expect(row('use', 'requests.published')).toBe(2);
    expect(row('use', 'requests.published', 'legal_basis=warrant')).toBe(2);
    expect(row('use', 'requests.exigent')).toBe(1);
    expect(row('use', 'disclosures.bytes')).toBe(1000);
    expect(row('sharing', 'legal.demands', 'kind=subpoena')).toBe(1);
    expect(report.sections.find((x) => x.id === 'sharing')!.text[0]).toMatch(
      /^None: Porchlight forbids re-sharing/,
    );
    // Version 1 was in force when 2026 began, version 2 came in 2026, version 3 only in 2027.
    expect(row('policy', 'policies.in_force')).toBe(2);
    expect(row('policy', 'policies.in_force', 'version=2')).toBe(1);
    expect(row('policy', 'policies.in_force', 'version=3')).toBeUndefined();
    const csv = annualReportCsv(report, 42).split('\r\n');
    expect(csv[0]).toBe('agency,year,checkpoint,section,figure,breakdown,label,value,author,time,text');
    expect(csv).toContain('3,2026,42,use,requests.published,,Footage requests published,2,,,');
    const html = annualReportHtml(report, { size: 42, root: null }, 'a test');
    expect(html).toContain('<h1>Annual surveillance report 2026: Portland Police</h1>');
    expect(html).not.toContain('<script');
  });

  it('shows what people entered in its section, latest first, all kept, with role and time; never a name', () => {
    const totals = new DashboardTotals();
    totals.add(
      entry('agency.verified', '2025-07-01T00:00:00Z', {
        agency: 3,
        name: 'Portland Police',
        jurisdiction: 'pdx',
        admin: 1,
        reason: 'checked',
      }),
    );
    const note = (time: string, section: 'breaches' | 'cost', text: string, agency = 3, year = '2026') =>
      entry('report.annotated', time, {
        agency,
        year,
        section,
        text,
        author: section === 'breaches' ? 'admin' : 'agency',
      });
    totals.add(note('2027-01-10T00:00:00Z', 'cost', 'First estimate: $1,200 of staff time'));
    totals.add(note('2027-01-11T00:00:00Z', 'breaches', 'None <b>known</b>'));
    totals.add(note('2027-01-12T00:00:00Z', 'cost', 'Corrected: $1,450 of staff time'));
    totals.add(note('2027-01-12T00:00:00Z', 'cost', 'Another agency’s cost', 4));
    totals.add(note('2027-01-12T00:00:00Z', 'cost', 'Another year’s cost', 3, '2025'));
    const cells = (n: number, list: string[]) => {
      const e = published(n, 3, 'pdx', '2026-03-01T00:00:00Z');
      return { ...e, data: { ...e.data, cells: list } } as Entry;
    };
    totals.add(cells(1, ['8828308281fffff', '8828308283fffff']));
    totals.add(cells(2, ['8828308283fffff']));
    totals.add(published(3, 3, 'pdx', '2025-03-01T00:00:00Z'));
    const range = { from: '2026-01', to: '2026-12' };
    const report = annualReport({
      agency: { id: 3, ...totals.agency(3)! },
      year: '2026',
      agencyView: totals.view({ kind: 'agency', id: 3 }, range),
      instanceView: totals.view({ kind: 'instance' }, range),
      policyVersions: totals.policyVersions('pdx'),
      annotations: totals.annotations(3, '2026'),
      holds: totals.holds({ kind: 'agency', id: 3 }, range),
    });
    const section = (id: string) => report.sections.find((x) => x.id === id)!;
    expect(section('cost').annotations).toEqual([
      {
        section: 'cost',
        text: 'Corrected: $1,450 of staff time',
        author: 'agency',
        time: '2027-01-12T00:00:00Z',
      },
      {
        section: 'cost',
        text: 'First estimate: $1,200 of staff time',
        author: 'agency',
        time: '2027-01-10T00:00:00Z',
      },
    ]);
    expect(section('breaches').annotations).toEqual([
      { section: 'breaches', text: 'None <b>known</b>', author: 'admin', time: '2027-01-11T00:00:00Z' },
    ]);
    expect(section('effectiveness').annotations).toEqual([]);
    expect(section('effectiveness').text).toContain('Nothing was entered for 2026.');
    expect(section('use').annotations).toEqual([]);
    // Each request counts once in every cell it covers; last year's request is not this year's.
    expect(section('where').rows.map((r) => [r.breakdown, r.value])).toEqual([
      ['cell=8828308281fffff', 1],
      ['cell=8828308283fffff', 2],
    ]);
    const csv = annualReportCsv(report, 9).split('\r\n');
    expect(csv).toContain(
      '3,2026,9,where,requests.published,cell=8828308283fffff,Requests covering cell 8828308283fffff,2,,,',
    );
    // What people wrote is in the CSV too: section, role, time and text, latest first, quoted where needed.
    expect(csv.filter((l) => l.includes(',report.annotated,'))).toEqual([
      '3,2026,9,breaches,report.annotated,,Breaches or unauthorised access,,admin,2027-01-11T00:00:00Z,None <b>known</b>',
      '3,2026,9,cost,report.annotated,,Cost,,agency,2027-01-12T00:00:00Z,"Corrected: $1,450 of staff time"',
      '3,2026,9,cost,report.annotated,,Cost,,agency,2027-01-10T00:00:00Z,"First estimate: $1,200 of staff time"',
    ]);
    // The dashboard counts the same cells in every scope and range, as the counters the server keeps.
    expect(
      totals.view({ kind: 'instance' }, { from: '2026-03-01', to: '2026-03-31' }).figures[0]!.breakdowns.cell,
    ).toEqual({ '8828308281fffff': 1, '8828308283fffff': 2 });
    // All years: the 2025 request covers 8828308281fffff too.
    expect(totals.view({ kind: 'agency', id: 3 }).figures[0]!.breakdowns.cell).toEqual({
      '8828308281fffff': 2,
      '8828308283fffff': 2,
    });
    const html = annualReportHtml(report, { size: 9, root: null }, 'a test');
    expect(html).toContain('None &lt;b&gt;known&lt;/b&gt;');
    expect(html).toContain('Latest entry, by the agency, logged 2027-01-12T00:00:00Z');
    expect(html.indexOf('Corrected: $1,450')).toBeLessThan(html.indexOf('First estimate'));
    expect(html).not.toContain('Another agency');
  });
});
