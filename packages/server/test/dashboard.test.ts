import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DASHBOARD_FIGURE_IDS, last30Days } from '@porchlight/tlog';
import { backfill } from '../src/infra/db/migrations/0022_dashboard.js';
import { backfill as rollupBackfill } from '../src/infra/db/migrations/0028_dashboard_rollup.js';
import { backfill as cellsBackfill } from '../src/infra/db/migrations/0032_dashboard_cells.js';
import { RecordsFold } from '../src/modules/dashboard/dashboard.records.js';
import { startTestApp, type TestApp } from './support/app.js';
import { ensureBuiltCli, porchlight } from './support/cli.js';
import {
  ageEncryptTo,
  clip,
  fileRequest,
  HOME,
  makeAgency,
  requestWorld,
  setAgencyKey,
  square,
  uploadDisclosure,
} from './support/disclosures.js';
import { makePost, makeUser, offsetMeters } from './support/factories.js';
import { publishPolicy } from './support/policies.js';
import { listen } from './support/sse.js';
import { startSmtpServer, type SmtpTestServer } from './support/smtp.js';
import { TestUser } from './support/client.js';
import { videoWithLocation } from './support/media.js';
import { uploadPostMedia } from './support/vault.js';
import { LOG_ORIGIN } from './support/transparency.js';

/*
 * The transparency dashboard against hundreds of real accountability events (requests filed, refused and
 * closed, clips shared and downloaded, moderation and appeals, agencies, policies, role changes), spread over
 * three months: the API's figures and `porchlight audit --stats`, which recomputes them from the verified log
 * alone, must agree exactly, and a tampered log must make the CLI refuse to print any.
 */

interface Figure {
  id: string;
  total: number;
  byMonth: Record<string, number>;
  breakdowns: Record<string, Record<string, number>>;
  entries: { href: string; exact: boolean };
}
interface Hold {
  entry: number;
  agency: number;
  disclosure: string;
  caseNumber: string;
  justification: string;
  until: string;
  beyondPolicy: boolean;
  href: string;
}
interface Notice {
  demand: string;
  until: string;
  sent: { entry: number; time: string } | null;
  lapse: string;
  href: string;
}
interface Dashboard {
  holds: Hold[];
  notices: Notice[];
  scope: { kind: string; id: string | null; name: string };
  from: string | null;
  to: string | null;
  checkpoint: { size: number; rootHash: string | null; href: string };
  figures: Figure[];
  recompute: string;
}

let t: TestApp;
let url: string;
let vkey: string;
let tmp: string;
let agencyA: number;
let agencyB: number;
let jurisdictionA: string;
let jurisdictionB: string;
const months: string[] = [];
const filed = { a: 0, b: 0, closedA: 0, elsewhereA: 0 };
let sharedBytes = 0;
let heldClip = '';
/** How far the app's clock runs ahead of real time: deadlines pass without the entries' months moving. */
let clockOffset = 0;
let smtp: SmtpTestServer;
const demands = { lapsed: '', delayed: '' };

const q = <R>(sql: string, params: unknown[] = []) => t.database.db.query<R>(sql, params);
const HOUR = 3_600_000;

async function dashboard(query: string): Promise<Dashboard> {
  const res = await t.app.inject({ method: 'GET', url: `/api/dashboard${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Dashboard>();
}

async function cliStats(...args: string[]) {
  const dir = await fs.mkdtemp(path.join(tmp, 'state-'));
  return porchlight('audit', url, '--key', vkey, '--state-dir', dir, '--stats', '--json', ...args);
}

/** The figures without the API's links: what the CLI recomputes. */
const numbers = (figures: readonly Figure[]) => figures.map(({ entries: _links, ...f }) => f);
const figure = (d: Dashboard, id: string) => d.figures.find((f) => f.id === id)!;

/** Moves the outbox events written after `afterId` back `monthsAgo` months, as if they had happened then. */
async function backdate(afterId: number, monthsAgo: number): Promise<void> {
  await q(`UPDATE events SET created_at = created_at - make_interval(months => $2) WHERE id > $1`, [
    afterId,
    monthsAgo,
  ]);
}
const lastEvent = async () =>
  (await q<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM events')).rows[0]!.id;

async function moderate(mod: TestUser, author: TestUser, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const post = await makePost(author, { category: 'safety' });
    const hide = await mod.api.POST('/api/moderation/posts/{id}/decisions', {
      params: { path: { id: post.id } },
      body: { action: 'hide', reason: 'Names a private person' },
    });
    expect(hide.response.status).toBeLessThan(300);
    if (i % 2 === 0) {
      const restore = await mod.api.POST('/api/moderation/posts/{id}/decisions', {
        params: { path: { id: post.id } },
        body: { action: 'restore', reason: 'Looked again: it names nobody' },
      });
      expect(restore.response.status).toBeLessThan(300);
    }
  }
}

/** A request of agency A away from HOME, so its cells are counted apart from the others'. */
const ELSEWHERE = offsetMeters(HOME, 2_000, 1_500);
async function fileElsewhere(officer: TestUser): Promise<void> {
  const now = Date.now();
  const res = await officer.raw('POST', '/api/requests', {
    caseNumber: 'PPB-2',
    offenseCategory: 'burglary',
    legalBasis: 'warrant',
    investigatorName: 'Det. Alex Rivera',
    investigatorContact: 'arivera@police.portland.example',
    narrative: 'Car break-in; looking for a person seen trying door handles around midnight.',
    area: square(ELSEWHERE, 300),
    windowStart: new Date(now - 48 * HOUR).toISOString(),
    windowEnd: new Date(now - 42 * HOUR).toISOString(),
    exigent: false,
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** The cells' counts as a dashboard figure's `cell` breakdown has them. */
const cellsOf = (d: Dashboard) => figure(d, 'requests.published').breakdowns.cell!;

async function refuse(officer: TestUser): Promise<void> {
  const now = Date.now();
  const res = await officer.raw('POST', '/api/requests', {
    caseNumber: 'PPB-1',
    offenseCategory: 'burglary',
    legalBasis: 'warrant',
    investigatorName: 'Det. Alex Rivera',
    investigatorContact: 'arivera@police.portland.example',
    narrative: 'Residential burglary; looking for a vehicle seen leaving around 2 am.',
    area: square(HOME, 20_000),
    windowStart: new Date(now - 48 * HOUR).toISOString(),
    windowEnd: new Date(now - 42 * HOUR).toISOString(),
    exigent: false,
  });
  expect(res.statusCode, res.body).toBe(422);
}

/** An exigent request of `officer` near HOME. */
async function fileExigent(officer: TestUser): Promise<string> {
  const now = Date.now();
  const res = await officer.raw('POST', '/api/requests', {
    caseNumber: `PPB-X${Math.floor(Math.random() * 1e8)}`,
    offenseCategory: 'burglary',
    legalBasis: 'exigent_circumstances',
    investigatorName: 'Det. Alex Rivera',
    investigatorContact: 'arivera@police.portland.example',
    narrative: 'A child was reported missing around 01:40; looking for the direction of travel.',
    area: square(HOME, 500),
    windowStart: new Date(now - 8 * HOUR).toISOString(),
    windowEnd: new Date(now - 2 * HOUR).toISOString(),
    exigent: true,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

/**
 * The events the figures above leave at zero, each through the API or the service that does it in
 * production: exigent requests justified and missed, a revoked share, a dismissed report, an appeal decided,
 * an account suspended and lifted, an agency suspended and reinstated, a member removed, and (the app's clock
 * moved past every deadline) requests expired and a share deleted at retention.
 */
async function seedTheRest(
  world: Awaited<ReturnType<typeof requestWorld>>,
  officerA: TestUser,
  officerB: TestUser,
  mod: TestUser,
  author: TestUser,
): Promise<void> {
  const admin = world.admin;
  const ok = <R extends { statusCode: number; body: string }>(res: R): R => {
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res;
  };
  const justified = await fileExigent(officerA);
  await fileExigent(officerB);
  filed.a++;
  filed.b++;
  ok(
    await officerA.raw('POST', `/api/requests/${justified}/justification`, {
      text: 'A child was reported missing at 01:40; footage may show the direction of travel.',
    }),
  );

  // A share the owner revokes before the agency downloads it.
  const plaintext = clip(50_000);
  const end = Date.now() - 45 * HOUR;
  const upload = await uploadDisclosure(
    t,
    world.owner,
    world.request.id,
    await ageEncryptTo(
      plaintext,
      world.keys.map((k) => k.recipient),
    ),
    {
      plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
      captureStart: new Date(end - 60_000).toISOString(),
      captureEnd: new Date(end).toISOString(),
      redactions: [],
    },
  );
  expect(upload.statusCode, upload.body).toBe(204);
  sharedBytes += 50_000;
  const [latest] = (await q<{ id: string }>('SELECT id FROM disclosures ORDER BY created_at DESC LIMIT 1'))
    .rows;
  ok(await world.owner.raw('DELETE', `/api/disclosures/${latest!.id}`));

  // A report dismissed; a hidden post appealed and the appeal decided by another moderator.
  const reporter = await makeUser(t);
  const reported = await makePost(author, { category: 'safety' });
  ok(await reporter.raw('POST', `/api/posts/${reported.id}/reports`, { rule: 'spam', reason: 'An advert' }));
  ok(
    await mod.raw('POST', `/api/moderation/posts/${reported.id}/decisions`, {
      action: 'dismiss',
      reason: 'It is a real incident, not an advert',
    }),
  );
  const hidden = await makePost(author, { category: 'safety' });
  ok(
    await mod.raw('POST', `/api/moderation/posts/${hidden.id}/decisions`, {
      action: 'hide',
      reason: 'Names a private person',
    }),
  );
  ok(
    await author.raw('POST', `/api/posts/${hidden.id}/appeal`, {
      statement: 'It names nobody; please look again',
    }),
  );
  const pending = ok(await admin.raw('GET', '/api/moderation/appeals')).json<{ items: { id: number }[] }>();
  ok(
    await admin.raw('POST', `/api/moderation/appeals/${pending.items[0]!.id}/decision`, {
      outcome: 'upheld',
      reason: 'The post names a private person',
    }),
  );

  // An account suspended, then lifted early.
  const spammer = await makeUser(t);
  const suspension = ok(
    await mod.raw('POST', `/api/moderation/users/${spammer.id}/suspensions`, {
      rule: 'spam',
      reason: 'Posted adverts',
      days: 7,
    }),
  ).json<{ id: number }>();
  ok(
    await admin.raw('POST', `/api/moderation/suspensions/${suspension.id}/lift`, {
      reason: 'The adverts were a neighbour’s yard sale',
    }),
  );

  // Agency B suspended and reinstated; a member leaves agency A.
  ok(await admin.raw('POST', `/api/admin/agencies/${agencyB}/suspend`, { reason: 'Audit pending' }));
  ok(await admin.raw('POST', `/api/admin/agencies/${agencyB}/reinstate`, { reason: 'Audit passed' }));
  ok(await admin.raw('DELETE', `/api/admin/agencies/${world.agencyId}/members/${world.members[1]!.id}`));

  // A bystander in a resident's video asks for a blur; the resident answers.
  const video = await videoWithLocation(path.join(tmp, 'street.mp4'), { seconds: 3, format: 'mp4' });
  const mediaId = await uploadPostMedia(t.app, author, video, {
    filetype: 'video/mp4',
    filename: 'street.mp4',
  });
  const post = ok(
    await author.raw('POST', '/api/posts', {
      category: 'community',
      title: 'Fox on the street',
      body: 'Filmed from the porch.',
      media: [mediaId],
    }),
  ).json<{ id: string }>();
  const quiet = { info() {}, warn() {}, error() {} } as never;
  await t.services.jobs.runDue(quiet);
  const email = `walker-${Math.random().toString(36).slice(2, 8)}@example.org`;
  const visitor = await new TestUser(t.app).begin();
  ok(
    await visitor.raw('POST', `/api/posts/${post.id}/bystander-requests`, {
      kind: 'blur',
      startSeconds: 0.5,
      endSeconds: 2,
      description: 'The person in the red coat walking past the gate',
      email,
    }),
  );
  const mail = await smtp.waitFor((m) => m.to.includes(email) && /Confirm your request/.test(m.subject));
  const token = /\/bystander\/confirm#token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
  ok(await (await new TestUser(t.app).begin()).raw('POST', '/api/bystander-requests/confirm', { token }));
  const asked = ok(await author.raw('GET', '/api/me/bystander-requests')).json<{ items: { id: string }[] }>();
  ok(
    await author.raw('POST', `/api/me/bystander-requests/${asked.items[0]!.id}/answer`, {
      outcome: 'declined',
      reason: 'You are not identifiable: the clip is too dark',
    }),
  );

  // Time passes (the app's clock only): open requests reach their deadline, the unjustified exigent request
  // misses its justification, the unheld share reaches its retention.
  clockOffset = 120 * 24 * HOUR;
  try {
    const expiry = await t.services.requests.runExpiry();
    expect(expiry.expired).toBeGreaterThan(0);
    expect(expiry.justificationsMissed).toBe(1);
    expect((await t.services.disclosures.runRetention()).expired).toBe(1);
  } finally {
    clockOffset = 0;
  }
}

beforeAll(async () => {
  await ensureBuiltCli();
  smtp = await startSmtpServer();
  t = await startTestApp({
    env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, SMTP_URL: smtp.url },
    clock: { now: () => new Date(Date.now() + clockOffset) },
  });
  url = `${await listen(t.app)}/log`;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-dashboard-test-'));
  const log = t.services.transparency;
  await log.sequenceNow();

  // Two jurisdictions and agencies, then three months of requests, refusals, closures, moderation and role
  // changes (each month's outbox events backdated before they are sequenced).
  let mark = await lastEvent();
  const world = await requestWorld(t, new Date());
  filed.a++;
  ({ agencyId: agencyA, jurisdiction: jurisdictionA } = world);
  jurisdictionB = `jb${Math.random().toString(36).slice(2, 8)}`;
  await publishPolicy(world.admin, jurisdictionB);
  const b = await makeAgency(t, world.admin, jurisdictionB, 1);
  agencyB = b.agencyId;
  await setAgencyKey(b.members[0]!);
  const mod = await makeUser(t, { role: 'moderator' });
  const author = await makeUser(t);
  const officerA = world.members[0]!;
  const officerB = b.members[0]!;
  for (const monthsAgo of [2, 1, 0]) {
    for (let i = 0; i < 15; i++) {
      const r = await fileRequest(officerA, new Date());
      filed.a++;
      if (i % 3 === 0) {
        const closed = await officerA.raw('POST', `/api/requests/${r.id}/close`, {
          reason: 'Suspect identified',
        });
        expect(closed.statusCode, closed.body).toBe(200);
        filed.closedA++;
      }
    }
    for (let i = 0; i < 15; i++) {
      await fileRequest(officerB, new Date());
      filed.b++;
    }
    await fileElsewhere(officerA);
    filed.a++;
    filed.elsewhereA++;
    for (let i = 0; i < 3; i++) await refuse(officerA);
    await moderate(mod, author, 30);
    const role = await world.admin.api.PUT('/api/admin/users/{id}/role', {
      params: { path: { id: (await makeUser(t)).id } },
      body: { role: 'moderator', reason: 'Volunteered to moderate' },
    });
    expect(role.response.status).toBeLessThan(300);
    await backdate(mark, monthsAgo);
    mark = await lastEvent();
    await log.sequenceNow();
  }

  // This month: two clips shared with agency A (its first request is logged by now), one downloaded.
  for (const size of [70_000, 90_000]) {
    const plaintext = clip(size);
    const end = Date.now() - 45 * HOUR;
    const ciphertext = await ageEncryptTo(
      plaintext,
      world.keys.map((k) => k.recipient),
    );
    const res = await uploadDisclosure(t, world.owner, world.request.id, ciphertext, {
      plaintextSha256: createHash('sha256').update(plaintext).digest('hex'),
      captureStart: new Date(end - 60_000).toISOString(),
      captureEnd: new Date(end).toISOString(),
      redactions: [],
    });
    expect(res.statusCode, res.body).toBe(204);
    sharedBytes += size;
  }
  await log.sequenceNow();
  const [first] = (await q<{ id: string }>('SELECT id FROM disclosures ORDER BY created_at LIMIT 1')).rows;
  const got = await officerA.raw('GET', `/api/disclosures/${first!.id}/ciphertext`);
  expect(got.statusCode, got.body).toBe(200);
  // A legal hold on that clip, and three legal demands: one told at once, one whose short non-disclosure
  // order lapses and the notice job then sends, one still under order.
  const hold = await officerA.raw('POST', `/api/disclosures/${first!.id}/hold`, {
    caseNumber: 'PPB-HOLD-7',
    justification: 'Trial set for spring; defence discovery pending',
    until: new Date(Date.now() + 200 * 24 * HOUR).toISOString(),
  });
  expect(hold.statusCode, hold.body).toBe(200);
  heldClip = first!.id;
  const [{ email }] = (await q<{ email: string }>('SELECT email FROM users WHERE id = $1', [author.id]))
    .rows as [{ email: string }];
  const demand = async (docket: string, nonDisclosure?: { until: string; reason: string }) => {
    const res = await world.admin.raw('POST', '/api/legal-demands', {
      kind: 'subpoena',
      authority: 'Multnomah County Circuit Court',
      docket,
      date: new Date().toISOString().slice(0, 10),
      scopeSummary: 'Account records of one author',
      documentSha256: 'b'.repeat(64),
      jurisdiction: jurisdictionA,
      affectedAccount: email,
      ...(nonDisclosure && { nonDisclosure }),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  await demand('26-CV-1');
  const lapsing = new Date(Math.ceil((Date.now() + 2_000) / 1000) * 1000);
  demands.lapsed = await demand('26-GJ-2', { until: lapsing.toISOString(), reason: 'Order 26-GJ-2-NDO' });
  demands.delayed = await demand('26-GJ-3', {
    until: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
    reason: 'Order 26-GJ-3-NDO',
  });
  await new Promise((resolve) => setTimeout(resolve, lapsing.getTime() - Date.now() + 500));
  await t.services.legal.sendDueNotices();
  const answered = await world.admin.raw('POST', `/api/legal-demands/${demands.lapsed}/answer`, {
    produced: 'account_metadata',
  });
  expect(answered.statusCode, answered.body).toBe(200);
  // What people write into agency A's annual report: logged annotations the report and the CLI both show.
  const year = new Date().toISOString().slice(0, 4);
  for (const [who, section, text] of [
    [officerA, 'cost', 'About 40 hours of staff time'],
    [world.admin, 'breaches', 'No unauthorised access found'],
    [officerA, 'cost', 'Corrected: about 55 hours of staff time'],
  ] as const) {
    const res = await who.raw('POST', `/api/dashboard/agencies/${agencyA}/report/${year}/annotations`, {
      section,
      text,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  await log.sequenceNow();
  await seedTheRest(world, officerA, officerB, mod, author);
  await log.sequenceNow();
  const res = await q<{ m: string }>(
    `SELECT DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM events ORDER BY m`,
  );
  months.push(...res.rows.map((r) => r.m));
  vkey = (await t.app.inject({ method: 'GET', url: '/log/key' })).body;
}, 600_000);

afterAll(async () => {
  await t.close();
  await smtp.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('transparency dashboard', () => {
  it('counts what happened, per agency and jurisdiction, at the latest checkpoint', async () => {
    const all = await dashboard('');
    const size = (await q<{ size: number }>('SELECT max(size)::int AS size FROM log_checkpoints')).rows[0]!
      .size;
    expect(size).toBeGreaterThan(250);
    // Every figure the dashboard publishes counts something here, so the agreement below covers all of them.
    expect(DASHBOARD_FIGURE_IDS.filter((id) => !figureTypes(all).includes(id))).toEqual([]);
    expect(figure(all, 'bystander.answered').breakdowns).toEqual({
      outcome: { declined: 1 },
      kind: { blur: 1 },
    });
    expect(all.checkpoint.size).toBe(size);
    expect(figure(all, 'requests.published').total).toBe(filed.a + filed.b);
    expect(figure(all, 'requests.refused').total).toBe(9);
    expect(figure(all, 'requests.refused').breakdowns.rule!.area_too_large).toBe(9);
    expect(figure(all, 'moderation.hidden').total).toBe(91);
    expect(figure(all, 'moderation.restored').total).toBe(45);
    expect(figure(all, 'staff.role_changes').breakdowns.to).toEqual({ moderator: 3 });

    const a = await dashboard(`?scope=agency&id=${agencyA}`);
    expect(a.scope).toMatchObject({ kind: 'agency', id: String(agencyA) });
    expect(figure(a, 'requests.published')).toMatchObject({
      total: filed.a,
      breakdowns: {
        category: { burglary: filed.a },
        legal_basis: { exigent_circumstances: 1, warrant: filed.a - 1 },
      },
    });
    // Where (G8): requests per H3 res-8 cell they cover, never a point; the requests filed elsewhere are
    // counted in their own cells, apart from the ones around HOME.
    const cells = cellsOf(a);
    expect(Object.keys(cells).every((c) => /^88[0-9a-f]{13}$/.test(c))).toBe(true);
    expect(Math.max(...Object.values(cells))).toBe(filed.a - filed.elsewhereA);
    expect(Object.values(cells)).toContain(filed.elsewhereA);
    expect(
      Object.values(cells).every((n) => n === filed.elsewhereA || n === filed.a - filed.elsewhereA),
    ).toBe(true);
    const cellsAll = cellsOf(all);
    for (const [cell, n] of Object.entries(cells)) expect(cellsAll[cell]).toBeGreaterThanOrEqual(n);
    expect(figure(a, 'requests.closed').total).toBe(filed.closedA);
    expect(figure(a, 'disclosures.shared').total).toBe(3);
    expect(figure(a, 'disclosures.bytes').total).toBe(sharedBytes);
    expect(figure(a, 'disclosures.accessed').total).toBe(1);
    expect(figure(a, 'requests.exigent').total).toBe(1);
    expect(figure(a, 'requests.justified').total).toBe(1);
    expect(figure(a, 'requests.justification_missed').total).toBe(0);
    expect(figure(a, 'disclosures.revoked').total).toBe(1);
    expect(figure(a, 'disclosures.expired').total).toBe(1);
    expect(figure(a, 'agencies.members_removed').total).toBe(1);
    expect(figure(all, 'requests.justification_missed').total).toBe(1);
    expect(figure(all, 'appeals.decided').breakdowns.outcome).toEqual({ upheld: 1 });
    expect(figure(all, 'moderation.suspensions').breakdowns.rule).toEqual({ spam: 1 });
    // Moderation names no agency, so an agency's dashboard does not claim any.
    expect(a.figures.some((f) => f.id.startsWith('moderation.'))).toBe(false);

    const bj = await dashboard(`?scope=jurisdiction&id=${jurisdictionB}`);
    expect(figure(bj, 'requests.published').total).toBe(filed.b);
    expect(figure(bj, 'disclosures.shared').total).toBe(0);
    expect(figure(bj, 'policies.versions').total).toBe(1);
    expect(Math.max(...Object.values(cellsOf(bj)))).toBe(filed.b);

    expect(months).toHaveLength(3);
    const one = await dashboard(`?scope=agency&id=${agencyA}&from=${months[1]}&to=${months[1]}`);
    expect(figure(one, 'requests.published')).toMatchObject({ total: 16, byMonth: { [months[1]!]: 16 } });
    // The month's cells: its one request elsewhere counts once in its cells.
    expect(Object.values(cellsOf(one)).sort((x, y) => x - y)[0]).toBe(1);
    expect(Math.max(...Object.values(cellsOf(one)))).toBe(15);
    expect(figure(one, 'requests.published').entries).toEqual({
      href: `/transparency?type=request.published&from=${months[1]}-01T00%3A00%3A00Z&to=${nextMonth(months[1]!)}-01T00%3A00%3A00Z&q=%22agency%22%3A${agencyA}%2C`,
      exact: true,
    });
    expect(figure(one, 'disclosures.shared').entries.exact).toBe(false);
  });

  it('links each figure to entries the public search really returns', async () => {
    const one = await dashboard(`?scope=agency&id=${agencyA}&from=${months[2]}&to=${months[2]}`);
    const f = figure(one, 'requests.closed');
    const search = new URLSearchParams(f.entries.href.split('?')[1]);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/transparency/entries?${search.toString()}&limit=100`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ items: unknown[] }>().items).toHaveLength(f.total);
    expect(f.total).toBeGreaterThan(0);
  });

  it('lists each legal hold with its case and reason, and each delayed notice with how it lapsed', async () => {
    const all = await dashboard('');
    expect(all.holds).toHaveLength(1);
    expect(all.holds[0]).toMatchObject({
      agency: agencyA,
      disclosure: heldClip,
      caseNumber: 'PPB-HOLD-7',
      justification: 'Trial set for spring; defence discovery pending',
      beyondPolicy: false,
    });
    // The link finds exactly the hold's entry in the public search.
    const search = new URLSearchParams(all.holds[0]!.href.split('?')[1]);
    const found = await t.app.inject({
      method: 'GET',
      url: `/api/transparency/entries?${search.toString()}`,
    });
    expect(found.json<{ items: { index: number }[] }>().items.map((i) => i.index)).toEqual([
      all.holds[0]!.entry,
    ]);
    expect((await dashboard(`?scope=agency&id=${agencyB}`)).holds).toEqual([]);
    expect((await dashboard(`?scope=jurisdiction&id=${jurisdictionA}`)).holds).toEqual(all.holds);
    // The demand told at once is no delayed notice; the lapsed one was sent on time, the other waits.
    expect(all.notices.map((n) => [n.demand, n.lapse, n.sent !== null])).toEqual([
      [demands.lapsed, 'sent_on_time', true],
      [demands.delayed, 'not_sent', false],
    ]);
    expect((await dashboard(`?scope=agency&id=${agencyA}`)).notices).toEqual([]);
  });

  it('keeps the lists’ fold between checkpoints: adding only the new entries lists what a fold anew lists', async () => {
    const size = (await dashboard('')).checkpoint.size;
    const held = await q<{ index: string }>(
      `SELECT index FROM log_entries WHERE type = 'disclosure.held' ORDER BY index`,
    );
    // A kept fold from just before the hold, then the checkpoint that adds it.
    const before = Number(held.rows[0]!.index);
    const list = (r: Awaited<ReturnType<RecordsFold['at']>>) =>
      JSON.stringify({ holds: r.holds({ kind: 'instance' }), notices: r.notices() });
    const kept = new RecordsFold(t.database.db);
    const early = list(await kept.at(before));
    expect((JSON.parse(early) as { holds: unknown[] }).holds).toEqual([]);
    const grown = list(await kept.at(size));
    expect(grown).toBe(list(await new RecordsFold(t.database.db).at(size)));
    expect((JSON.parse(grown) as { holds: unknown[] }).holds).toHaveLength(1);
    // Asked for an older checkpoint than the kept one (a race with the sequencer), it folds anew.
    expect(list(await kept.at(before))).toBe(early);
    expect(list(await kept.at(size))).toBe(grown);
  });

  it('equals what `porchlight audit --stats` recomputes from the verified log, for every scope', async () => {
    for (const [query, args] of [
      ['', []],
      [`?scope=agency&id=${agencyA}`, ['--scope', 'agency', '--id', String(agencyA)]],
      [
        `?scope=agency&id=${agencyB}&from=${months[0]}&to=${months[1]}`,
        ['--scope', 'agency', '--id', String(agencyB), '--from', months[0]!, '--to', months[1]!],
      ],
      [
        `?scope=jurisdiction&id=${jurisdictionA}&from=${months[1]}`,
        ['--scope', 'jurisdiction', '--id', jurisdictionA, '--from', months[1]!],
      ],
    ] as const) {
      const api = await dashboard(query);
      const cli = await cliStats(...args);
      expect(cli.code, cli.stderr).toBe(0);
      const report = JSON.parse(cli.stdout) as {
        size: number;
        root: string;
        dashboard: { scope: unknown; from: unknown; to: unknown; figures: unknown };
        holds: unknown;
        notices: unknown;
      };
      expect(report.size).toBe(api.checkpoint.size);
      expect(report.root).toBe(api.checkpoint.rootHash);
      expect(report.dashboard.figures).toEqual(numbers(api.figures));
      // The lists too: the same holds and delayed notices, folded from the verified entries.
      expect(report.holds).toEqual(api.holds.map(({ href: _link, ...h }) => h));
      expect(report.notices).toEqual(api.notices.map(({ href: _link, ...n }) => n));
      // …cells included: the CLI counts the same cells from the verified entries.
      expect(Object.keys(cellsOf(api)).length).toBeGreaterThan(1);
      expect(
        (report.dashboard.figures as Figure[]).find((f) => f.id === 'requests.published')!.breakdowns.cell,
      ).toEqual(cellsOf(api));
      expect(report.dashboard.scope).toEqual({ kind: api.scope.kind, id: api.scope.id });
      expect([report.dashboard.from, report.dashboard.to]).toEqual([api.from, api.to]);
    }
  }, 180_000);

  it('serves the same numbers as CSV', async () => {
    const json = await dashboard(`?scope=agency&id=${agencyA}`);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/dashboard?scope=agency&id=${agencyA}&format=csv`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = res.body
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual([
      'scope',
      'id',
      'from',
      'to',
      'checkpoint_size',
      'figure',
      'label',
      'unit',
      'dimension',
      'key',
      'value',
    ]);
    const totals: Record<string, number> = Object.fromEntries(
      rows.filter((r) => r[8] === 'total').map((r) => [r[5]!, Number(r[10])]),
    );
    expect(totals).toEqual(Object.fromEntries(json.figures.map((f) => [f.id, f.total])));
    expect(rows.slice(1).every((r) => r[4] === String(json.checkpoint.size))).toBe(true);
    // The cells are in the download too, one row each.
    const cells = rows.filter((r) => r[5] === 'requests.published' && r[8] === 'cell');
    expect(Object.fromEntries(cells.map((r) => [r[9]!, Number(r[10])]))).toEqual(cellsOf(json));
    expect(cells.length).toBeGreaterThan(1);
  });

  it('rebuilds the same counters from the entries (the migration’s backfill)', async () => {
    const before = await dashboard(`?scope=jurisdiction&id=${jurisdictionA}`);
    const all = await dashboard('');
    const today = new Date().toISOString().slice(0, 10);
    const { from, to } = last30Days(today);
    const recent = await dashboard(`?scope=agency&id=${agencyA}&from=${from}&to=${to}`);
    const tables = [
      'dashboard_counters',
      'dashboard_attributions',
      'dashboard_instance_counters',
      'dashboard_daily_counters',
      'dashboard_instance_daily',
    ];
    const dump = async () =>
      Promise.all(
        tables.map(async (table) =>
          (await q<Record<string, unknown>>(`SELECT * FROM ${table}`)).rows
            .map((r) => JSON.stringify(r))
            .sort(),
        ),
      );
    const kept = await dump();
    await t.database.db.transaction(async (tx) => {
      for (const table of tables) await tx.query(`DELETE FROM ${table}`);
      await backfill(tx);
      await rollupBackfill(tx);
      // Migration 32 counts the cells of requests already logged; run after 22 and 28 it counts each once.
      await cellsBackfill(tx);
    });
    // The sequencer's one-statement updates left exactly what the backfills rebuild from the entries.
    expect(await dump()).toEqual(kept);
    expect(await dashboard(`?scope=jurisdiction&id=${jurisdictionA}`)).toEqual(before);
    expect(await dashboard('')).toEqual(all);
    expect(await dashboard(`?scope=agency&id=${agencyA}&from=${from}&to=${to}`)).toEqual(recent);
  });

  it('answers bad parameters with a problem naming the parameter', async () => {
    for (const [query, field] of [
      ['?scope=agency', '/querystring/id'],
      ['?scope=agency&id=abc', '/querystring/id'],
      ['?id=3', '/querystring/id'],
      ['?scope=jurisdiction&id=Not%20a%20slug', '/querystring/id'],
      ['?from=2026-13', '/querystring/from'],
      ['?from=2026-05&to=2026-04', '/querystring/to'],
      ['?from=2026-02-30', '/querystring/from'],
      ['?from=2026-05-02&to=2026-05-01', '/querystring/to'],
      ['?from=2026-05-01&to=2026-04', '/querystring/to'],
      ['?scope=county', '/querystring/scope'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: `/api/dashboard${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(
        res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field),
        query,
      ).toContain(field);
    }
    const missing = await t.app.inject({ method: 'GET', url: '/api/dashboard?scope=agency&id=999999' });
    expect(missing.statusCode).toBe(404);
  });

  it('counts exact day ranges, such as the last 30 days, as the log’s entries do, and as the CLI does', async () => {
    // The log's own count of agency A's published requests per UTC day.
    const perDay = new Map<string, number>();
    const res = await q<{ data: Uint8Array }>(
      `SELECT data FROM log_entries WHERE type = 'request.published' ORDER BY index`,
    );
    for (const row of res.rows) {
      const e = JSON.parse(Buffer.from(row.data).toString('utf8')) as {
        time: string;
        data: { agency: number };
      };
      if (e.data.agency !== agencyA) continue;
      const day = e.time.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    expect(perDay.size).toBeGreaterThanOrEqual(3);
    for (const [day, n] of perDay) {
      const one = await dashboard(`?scope=agency&id=${agencyA}&from=${day}&to=${day}`);
      expect(figure(one, 'requests.published').total, day).toBe(n);
    }
    const today = new Date().toISOString().slice(0, 10);
    const { from, to } = last30Days(today);
    const expected = [...perDay].filter(([d]) => d >= from && d <= to).reduce((sum, [, n]) => sum + n, 0);
    const recent = await dashboard(`?scope=agency&id=${agencyA}&from=${from}&to=${to}`);
    expect(figure(recent, 'requests.published').total).toBe(expected);
    // Two months ago is outside the last 30 days, so the window is not the whole log.
    expect(expected).toBeLessThan(filed.a);
    const cli = await cliStats('--scope', 'agency', '--id', String(agencyA), '--from', from, '--to', to);
    expect(cli.code, cli.stderr).toBe(0);
    const out = JSON.parse(cli.stdout) as { dashboard: { figures: unknown } };
    expect(out.dashboard.figures).toEqual(numbers(recent.figures));
    // The instance's last 30 days (its daily rollup) equal the CLI's too.
    const instance = await dashboard(`?from=${from}&to=${to}`);
    const cliInstance = await cliStats('--from', from, '--to', to);
    expect((JSON.parse(cliInstance.stdout) as { dashboard: { figures: unknown } }).dashboard.figures).toEqual(
      numbers(instance.figures),
    );
  });

  it('publishes the annual report as JSON and CSV, equal to what `porchlight report` recomputes, and prints a PDF', async () => {
    const year = new Date().toISOString().slice(0, 4);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/dashboard/agencies/${agencyA}/report/${year}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const api = res.json<{
      agency: { id: number; name: string; jurisdiction: string };
      year: string;
      sections: {
        id: string;
        text: string[];
        rows: { figure: string; breakdown: string; value: number }[];
        annotations: { text: string; author: string; time: string }[];
      }[];
      checkpoint: { size: number; rootHash: string };
      recompute: string;
    }>();
    expect(api.agency).toMatchObject({ id: agencyA, jurisdiction: jurisdictionA });
    const row = (section: string, fig: string, breakdown = '') =>
      api.sections
        .find((x) => x.id === section)!
        .rows.find((r) => r.figure === fig && r.breakdown === breakdown)?.value;
    const yearView = await dashboard(`?scope=agency&id=${agencyA}&from=${year}-01&to=${year}-12`);
    expect(row('use', 'requests.published')).toBe(figure(yearView, 'requests.published').total);
    expect(row('use', 'requests.published')).toBeGreaterThan(0);
    expect(row('use', 'disclosures.bytes')).toBe(figure(yearView, 'disclosures.bytes').total);
    expect(row('audit', 'requests.refused', 'rule=area_too_large')).toBe(
      figure(yearView, 'requests.refused').breakdowns.rule!.area_too_large,
    );
    expect(row('policy', 'policies.in_force')).toBe(1);
    // Where: the year's requests per H3 res-8 cell; every request covers at least one cell.
    const where = api.sections.find((x) => x.id === 'where')!.rows;
    expect(where.length).toBeGreaterThan(0);
    expect(
      where.every((r) => r.figure === 'requests.published' && /^cell=88[0-9a-f]{13}$/.test(r.breakdown)),
    ).toBe(true);
    expect(Object.fromEntries(where.map((r) => [r.breakdown.slice('cell='.length), r.value]))).toEqual(
      cellsOf(yearView),
    );
    // What people wrote, latest first, with their role.
    const cost = api.sections.find((x) => x.id === 'cost')!.annotations;
    expect(cost.map((n) => [n.text, n.author])).toEqual([
      ['Corrected: about 55 hours of staff time', 'agency'],
      ['About 40 hours of staff time', 'agency'],
    ]);
    expect(api.sections.find((x) => x.id === 'breaches')!.annotations).toMatchObject([
      { text: 'No unauthorised access found', author: 'admin' },
    ]);
    expect(api.sections.find((x) => x.id === 'sharing')!.text[0]).toMatch(
      /^None: Porchlight forbids re-sharing/,
    );
    expect(api.recompute).toBe(
      `npx porchlight report ${t.deps.config.publicUrl}/log --agency ${agencyA} --year ${year}`,
    );

    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/dashboard/agencies/${agencyA}/report/${year}?format=csv`,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('agency,year,checkpoint,section,figure,breakdown,label,value,author,time,text');
    expect(lines.length - 1).toBe(api.sections.reduce((n, x) => n + x.rows.length + x.annotations.length, 0));
    const at = `${agencyA},${year},${api.checkpoint.size}`;
    expect(lines).toContain(
      `${at},use,requests.published,,Footage requests published,${row('use', 'requests.published')},,,`,
    );
    // What people wrote, in the CSV as in the report: section, role, time and text, latest first.
    const notes = (section: string) => api.sections.find((x) => x.id === section)!.annotations;
    expect(lines.filter((l) => l.includes(',report.annotated,'))).toEqual([
      ...notes('breaches').map(
        (n) => `${at},breaches,report.annotated,,Breaches or unauthorised access,,admin,${n.time},${n.text}`,
      ),
      ...notes('cost').map((n) => `${at},cost,report.annotated,,Cost,,agency,${n.time},${n.text}`),
    ]);
    expect(notes('cost')).toHaveLength(2);

    const dir = await fs.mkdtemp(path.join(tmp, 'report-'));
    const pdf = path.join(dir, 'report.pdf');
    const cli = await porchlight(
      'report',
      url,
      '--agency',
      String(agencyA),
      '--year',
      year,
      '--key',
      vkey,
      '--state-dir',
      path.join(dir, 'state'),
      '--json',
      '--pdf',
      pdf,
      '--csv',
      path.join(dir, 'report.csv'),
    );
    expect(cli.code, cli.stderr).toBe(0);
    const recomputed = JSON.parse(cli.stdout) as {
      size: number;
      root: string;
      agency: unknown;
      sections: unknown;
    };
    expect(recomputed.size).toBe(api.checkpoint.size);
    expect(recomputed.root).toBe(api.checkpoint.rootHash);
    expect(recomputed.agency).toEqual(api.agency);
    expect(recomputed.sections).toEqual(api.sections);
    // The CLI's CSV, annotations and cells included, is the API's byte for byte.
    expect(await fs.readFile(path.join(dir, 'report.csv'), 'utf8')).toBe(csv.body);
    // A real PDF that pdftotext reads, with the agency, the year and its numbers in it.
    const text = (await promisify(execFile)('pdftotext', ['-layout', pdf, '-'])).stdout;
    expect(text).toContain(`Annual surveillance report ${year}: ${api.agency.name}`);
    expect(text).toContain('None: Porchlight forbids re-sharing');
    expect(text).toMatch(new RegExp(`Footage requests published\\s+${row('use', 'requests.published')}\\b`));
    expect(text).toMatch(new RegExp(`Requests refused by policy\\s+${row('audit', 'requests.refused')}\\b`));
    expect(text).toContain(`checkpoint ${api.checkpoint.size}`);
    expect(text).toContain('Corrected: about 55 hours of staff time');
    expect(text).toMatch(/Latest entry, by the agency, logged \d{4}-/);
  }, 180_000);

  it('answers a bad report address with a problem, and an unknown agency with 404, in the API and the CLI', async () => {
    for (const [u, field] of [
      [`/api/dashboard/agencies/${agencyA}/report/26`, '/params/year'],
      [`/api/dashboard/agencies/abc/report/2026`, '/params/id'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: u });
      expect(res.statusCode, u).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
    }
    const missing = await t.app.inject({ method: 'GET', url: '/api/dashboard/agencies/999999/report/2026' });
    expect(missing.statusCode).toBe(404);
    const dir = await fs.mkdtemp(path.join(tmp, 'report-'));
    const none = await porchlight(
      'report',
      url,
      '--agency',
      '999999',
      '--year',
      '2026',
      '--key',
      vkey,
      '--state-dir',
      dir,
    );
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('no entry names agency 999999');
    const bad = await porchlight('report', url, '--agency', String(agencyA), '--year', '26');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--year must be a year YYYY');
  });

  it('refuses to print figures from a tampered log', async () => {
    const saved = await q<{ index: number; data: Uint8Array }>(
      `SELECT index, data FROM log_entries WHERE type = 'request.published' ORDER BY index LIMIT 1`,
    );
    const row = saved.rows[0]!;
    const edited = Buffer.from(row.data)
      .toString('utf8')
      .replace('"category":"burglary"', '"category":"homicide"');
    try {
      await q('UPDATE log_entries SET data = convert_to($2, $3) WHERE index = $1', [
        row.index,
        edited,
        'UTF8',
      ]);
      const year = new Date().toISOString().slice(0, 4);
      const dir = await fs.mkdtemp(path.join(tmp, 'report-'));
      const report = await porchlight(
        'report',
        url,
        '--agency',
        String(agencyA),
        '--year',
        year,
        '--key',
        vkey,
        '--state-dir',
        dir,
        '--pdf',
        path.join(dir, 'r.pdf'),
      );
      expect(report.code).toBe(1);
      expect(report.stdout).toBe('');
      await expect(fs.stat(path.join(dir, 'r.pdf'))).rejects.toThrow();
      const cli = await cliStats();
      expect(cli.code).toBe(1);
      const failed = JSON.parse(cli.stdout) as { ok: boolean; problems: string[]; dashboard?: unknown };
      expect(failed.ok).toBe(false);
      expect(failed.dashboard).toBeUndefined();
      expect(failed.problems.join('\n')).toContain(`entry ${row.index}`);
    } finally {
      await q('UPDATE log_entries SET data = $2 WHERE index = $1', [row.index, row.data]);
    }
    expect((await cliStats()).code).toBe(0);
  }, 180_000);
});

/** The entry types behind the figures that counted something. */
const figureTypes = (d: Dashboard) => d.figures.filter((f) => f.total > 0).map((f) => f.id);

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
