import { DEFAULT_POLICY } from '@porchlight/policy';
import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BOUNDARY } from '../src/demo.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser } from './support/factories.js';
import { auditLog, LOG_ORIGIN } from './support/transparency.js';

const DAY = 86_400_000;
const clock = testClock(new Date('2026-07-01T12:00:00Z'));
let t: TestApp;
let admin: TestUser;
let owner: TestUser;
let neighbour: TestUser;
let ownerEmail: string;

beforeAll(async () => {
  // The clock moves months ahead; sessions must outlive it.
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN, SESSION_TTL_DAYS: '365' }, clock });
  admin = await makeUser(t, { role: 'admin' });
  owner = await makeUser(t);
  neighbour = await makeUser(t);
  const res = await t.database.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [
    owner.id,
  ]);
  ownerEmail = res.rows[0]!.email;
  const published = await admin.raw('POST', '/api/admin/jurisdictions/portland-or/policies', {
    name: 'Portland, Oregon',
    policy: { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] },
    boundary: DEMO_BOUNDARY,
    reason: 'Adopted with a 90-day cap on delayed notice',
  });
  expect(published.statusCode, published.body).toBe(201);
});
afterAll(() => t.close());

const demand = (over: Record<string, unknown> = {}) => ({
  kind: 'warrant',
  authority: 'Multnomah County Circuit Court',
  docket: '26CR12345',
  date: '2026-06-30',
  scopeSummary: 'Vault clips of one account from 12–14 June 2026',
  documentSha256: 'a'.repeat(64),
  jurisdiction: 'portland-or',
  affectedAccount: ownerEmail,
  ...over,
});

interface Demand {
  id: string;
  noticeSentAt: string | null;
  noticeDueAt: string;
  produced: string | null;
}
interface Notices {
  items: { demand: string; kind: string; delayed: boolean; produced: string | null }[];
}

const notices = async (user: TestUser) => {
  const res = await user.raw('GET', '/api/legal-notices');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Notices>().items;
};

describe('legal demands', () => {
  it('records a demand and tells the owner at once when no order delays it; both logged', async () => {
    const since = await lastEventId(t);
    const res = await admin.raw('POST', '/api/legal-demands', demand());
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json<Demand>();
    expect(d.id).toMatch(/^ld_[A-Za-z0-9_-]{22}$/);
    expect(d.noticeSentAt).toBe('2026-07-01T12:00:00.000Z');
    expect((await eventsAfter(t, since)).map((e) => e.type)).toEqual([
      'legal.demand_received',
      'legal.notice_sent',
    ]);
    expect((await notices(owner)).map((n) => [n.demand, n.kind, n.delayed])).toEqual([
      [d.id, 'warrant', false],
    ]);
    // Nobody else is told, and there is no way to ask about another account's notices.
    expect(await notices(neighbour)).toEqual([]);
  });

  it('delays notice under a non-disclosure order until it lapses, then the job sends it (once, across runs)', async () => {
    const until = new Date(clock.now().getTime() + 30 * DAY).toISOString();
    const since = await lastEventId(t);
    const res = await admin.raw(
      'POST',
      '/api/legal-demands',
      demand({
        kind: 'subpoena',
        docket: '26-GJ-77',
        nonDisclosure: { until, reason: 'Court order 26-GJ-77-NDO' },
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json<Demand>();
    expect(d.noticeSentAt).toBeNull();
    expect((await eventsAfter(t, since)).map((e) => e.type)).toEqual([
      'legal.demand_received',
      'legal.notice_delayed',
    ]);
    expect((await notices(owner)).some((n) => n.demand === d.id)).toBe(false);

    clock.advance(29 * DAY);
    expect(await t.services.legal.sendDueNotices()).toBe(0);
    expect((await notices(owner)).some((n) => n.demand === d.id)).toBe(false);

    clock.advance(1 * DAY);
    // Two processes' jobs at once: exactly one notice and one entry.
    const sent = await Promise.all([t.services.legal.sendDueNotices(), t.services.legal.sendDueNotices()]);
    expect(sent[0] + sent[1]).toBe(1);
    expect(await t.services.legal.sendDueNotices()).toBe(0);
    expect((await notices(owner)).find((n) => n.demand === d.id)).toMatchObject({
      kind: 'subpoena',
      delayed: true,
    });
    const sentEvents = (await eventsAfter(t, since)).filter((e) => e.type === 'legal.notice_sent');
    expect(sentEvents.map((e) => e.subject_id)).toEqual([d.id]);
  });

  it('caps a non-disclosure order at the policy’s nonDisclosureMaxDays, however it is extended', async () => {
    const tooLong = new Date(clock.now().getTime() + 91 * DAY).toISOString();
    const since = await lastEventId(t);
    const refused = await admin.raw(
      'POST',
      '/api/legal-demands',
      demand({ nonDisclosure: { until: tooLong, reason: 'Asked for a year' } }),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      { field: '/body/nonDisclosure/until', message: expect.stringContaining('at most 90 days') as string },
    ]);
    expect(await eventsAfter(t, since)).toEqual([]);

    const d = (
      await admin.raw(
        'POST',
        '/api/legal-demands',
        demand({
          kind: 'court_order',
          nonDisclosure: {
            until: new Date(clock.now().getTime() + 10 * DAY).toISOString(),
            reason: 'Order 1',
          },
        }),
      )
    ).json<Demand>();
    clock.advance(5 * DAY);
    // An extension counts from when the demand was received, not from now.
    const extend = (days: number) =>
      admin.raw('POST', `/api/legal-demands/${d.id}/delay-notice`, {
        until: new Date(clock.now().getTime() + days * DAY).toISOString(),
        reason: 'Order extended by the court',
      });
    expect((await extend(86)).statusCode).toBe(400);
    const ok = await extend(85);
    expect(ok.statusCode, ok.body).toBe(200);
    clock.advance(86 * DAY);
    await t.services.legal.sendDueNotices();
    const late = await extend(10);
    expect(late.statusCode).toBe(409);
  });

  it('records an answer once, and refuses a second', async () => {
    const d = (await admin.raw('POST', '/api/legal-demands', demand({ kind: 'emergency' }))).json<Demand>();
    const since = await lastEventId(t);
    const res = await admin.raw('POST', `/api/legal-demands/${d.id}/answer`, { produced: 'ciphertext' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Demand>().produced).toBe('ciphertext');
    expect((await eventsAfter(t, since)).map((e) => e.type)).toEqual(['legal.demand_answered']);
    const again = await admin.raw('POST', `/api/legal-demands/${d.id}/answer`, { produced: 'none' });
    expect(again.statusCode).toBe(409);
    expect(
      (await admin.raw('POST', '/api/legal-demands/ld_AAAAAAAAAAAAAAAAAAAAAA/answer', { produced: 'none' }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses bad input by name: an unknown account, kind or jurisdiction, a malformed hash', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ affectedAccount: 'nobody@example.test' }, '/body/affectedAccount'],
      [{ kind: 'letter' }, '/body/kind'],
      [{ jurisdiction: 'atlantis' }, '/body/jurisdiction'],
      [{ documentSha256: 'ABC' }, '/body/documentSha256'],
    ];
    for (const [over, field] of cases) {
      const res = await admin.raw('POST', '/api/legal-demands', demand(over));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
    }
  });

  it('lets only admins record or list demands; notices need an account', async () => {
    expect((await owner.raw('POST', '/api/legal-demands', demand())).statusCode).toBe(403);
    expect((await owner.raw('GET', '/api/legal-demands')).statusCode).toBe(403);
    expect((await new TestUser(t.app).raw('GET', '/api/legal-notices')).statusCode).toBe(401);
    const list = await admin.raw('GET', '/api/legal-demands');
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain(ownerEmail);
  });

  it('publishes counts by kind and answer, matching the log, which never names the owner', async () => {
    const stats = await new TestUser(t.app).raw('GET', '/api/legal-demands/stats');
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toEqual({
      total: 4,
      byKind: { court_order: 1, emergency: 1, subpoena: 1, warrant: 1 },
      byProduced: { none: 0, ciphertext: 1, account_metadata: 0 },
      unanswered: 3,
      noticesDelayed: 2,
    });

    await t.services.transparency.sequenceNow();
    const log = await auditLog(t.app);
    const legal = log.entries.filter((e) => e.type.startsWith('legal.'));
    for (const e of legal) expect(validateEntry(e)).toEqual([]);
    const received = legal.filter((e) => e.type === 'legal.demand_received');
    expect(received).toHaveLength(4);
    expect(legal.filter((e) => e.type === 'legal.notice_sent')).toHaveLength(4);
    const text = JSON.stringify(legal);
    expect(text).not.toContain(ownerEmail);
    expect(text).not.toMatch(new RegExp(`"(owner|user|account)"`));
  });
});
