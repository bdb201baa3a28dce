import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryForEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser, type EventRow } from './support/factories.js';
import { publishRequestPolicy } from './support/request-policy.js';
import { HOME, makeAgency, makeOwner, offsetMeters, square, validDraft } from './support/requests.js';

let t: TestApp;
let admin: TestUser;
let officer: TestUser;
let agencyId: number;
const clock = testClock(new Date('2026-11-20T12:00:00Z'));

type FootageRequest = { id: string; status: string; cells: string[]; justification: { state: string } };
type InboxItem = { request: FootageRequest; myCameras: { id: number; name: string }[] };

beforeAll(async () => {
  t = await startTestApp({ clock });
  admin = await makeUser(t, { role: 'admin' });
  await publishRequestPolicy(t, admin, 'portland-or');
  ({ agencyId, member: officer } = await makeAgency(t, admin, 'portland-or'));
});
afterAll(() => t.close());

/** An outbox event as the log would publish it: it must be a valid entry. */
function asEntry(e: EventRow) {
  const entry = entryForEvent({
    id: e.id,
    type: e.type,
    actorId: e.actor_id,
    data: e.data,
    time: '2026-11-20T12:00:00Z',
  } as never);
  expect(validateEntry(entry)).toEqual([]);
  return entry;
}

async function publish(draft = validDraft(clock.now())) {
  const res = await officer.raw('POST', '/api/requests', draft);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<FootageRequest>();
}

const inbox = async (user: TestUser) => {
  const res = await user.raw('GET', '/api/inbox');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: InboxItem[] }>().items;
};

describe('publishing', () => {
  it('publishes with an opaque id and one request.published entry carrying cells, never the polygon', async () => {
    const since = await lastEventId(t);
    const draft = validDraft(clock.now());
    const r = await publish(draft);
    expect(r.id).toMatch(/^rq_[A-Za-z0-9_-]{22}$/);
    expect(r.status).toBe('open');
    expect(r.cells.length).toBeGreaterThan(0);
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['request.published']);
    const entry = asEntry(events[0]!);
    expect(entry.data).toMatchObject({
      request: r.id,
      agency: agencyId,
      cells: r.cells,
      caseNumber: draft.caseNumber,
    });
    const text = JSON.stringify(entry);
    expect(text).not.toContain('coordinates');
    expect(text).not.toContain(String(draft.area.coordinates[0]![0]![0]));
    expect(text).not.toContain(draft.investigatorContact);
  });

  it('the public page and list show it without an account; an unknown id is 404', async () => {
    const r = await publish();
    const anon = await t.app.inject({ method: 'GET', url: `/api/requests/${r.id}` });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).toMatchObject({ id: r.id, status: 'open', disclosuresCount: 0, holds: [] });
    expect(anon.body).not.toContain('coordinates');
    const list = await t.app.inject({ method: 'GET', url: `/api/requests?agency=${agencyId}&status=open` });
    expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(r.id);
    const missing = await t.app.inject({ method: 'GET', url: '/api/requests/rq_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(missing.statusCode).toBe(404);
    const month = await t.app.inject({ method: 'GET', url: '/api/requests?month=2020-01' });
    expect(month.json<{ items: unknown[] }>().items).toEqual([]);
  });
});

describe('matching and the inbox', () => {
  it('reaches exactly the opted-in cameras inside the polygon, not the agency’s own members', async () => {
    const inside = await makeOwner(t, offsetMeters(HOME, 50, 50));
    const outside = await makeOwner(t, offsetMeters(HOME, 400, 0));
    const optedOut = await makeOwner(t, offsetMeters(HOME, -50, 20), false);
    const ownMember = await makeOwner(t, offsetMeters(HOME, 20, -60), true, officer);
    const r = await publish(validDraft(clock.now(), { area: square(HOME, 400) }));

    const items = await inbox(inside.owner);
    expect(items.map((i) => i.request.id)).toEqual([r.id]);
    expect(items[0]!.myCameras).toEqual([{ id: inside.camera.id, name: inside.camera.name }]);
    expect(await inbox(outside.owner)).toEqual([]);
    expect(await inbox(optedOut.owner)).toEqual([]);
    expect((await inbox(ownMember.owner)).map((i) => i.request.id)).not.toContain(r.id);
    expect((await inside.owner.raw('GET', '/api/inbox/count')).json()).toEqual({ count: 1 });

    // Another resident cannot open someone else's inbox item.
    expect((await outside.owner.raw('GET', `/api/inbox/${r.id}`)).statusCode).toBe(404);
    expect((await inside.owner.raw('GET', `/api/inbox/${r.id}`)).statusCode).toBe(200);
  });

  it('dismissing deletes the match row: nothing records the decline', async () => {
    const { owner } = await makeOwner(t, offsetMeters(HOME, 10, 10));
    const r = await publish(validDraft(clock.now(), { area: square(HOME, 300) }));
    const count = async () =>
      (
        await t.database.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM request_matches WHERE request_id = $1 AND owner_id = $2',
          [r.id, owner.id],
        )
      ).rows[0]!.n;
    expect(await count()).toBe(1);
    const since = await lastEventId(t);
    const res = await owner.raw('POST', `/api/inbox/${r.id}/dismiss`);
    expect(res.statusCode).toBe(204);
    expect(await count()).toBe(0);
    expect(await eventsAfter(t, since)).toEqual([]);
    expect((await owner.raw('POST', `/api/inbox/${r.id}/dismiss`)).statusCode).toBe(404);
    expect(await inbox(owner)).toEqual([]);
  });
});

describe('closing, justification and expiry', () => {
  it('the agency closes its request: logged with the reason, matches deleted, never reopened', async () => {
    const { owner } = await makeOwner(t, offsetMeters(HOME, -30, -30));
    const r = await publish(validDraft(clock.now(), { area: square(HOME, 300) }));
    expect((await inbox(owner)).map((i) => i.request.id)).toContain(r.id);
    const since = await lastEventId(t);
    const res = await officer.raw('POST', `/api/requests/${r.id}/close`, { reason: 'Suspect identified' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'closed', closedReason: 'Suspect identified' });
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['request.closed']);
    expect(asEntry(events[0]!).data).toEqual({
      request: r.id,
      agency: agencyId,
      reason: 'Suspect identified',
    });
    const left = await t.database.db.query('SELECT 1 FROM request_matches WHERE request_id = $1', [r.id]);
    expect(left.rowCount).toBe(0);
    expect((await inbox(owner)).map((i) => i.request.id)).not.toContain(r.id);
    expect((await officer.raw('POST', `/api/requests/${r.id}/close`, { reason: 'Again' })).statusCode).toBe(
      409,
    );
  });

  it('another agency cannot close or justify it; a resident is forbidden', async () => {
    const r = await publish();
    const other = await makeAgency(t, admin, 'portland-or', `Multnomah Sheriff ${Math.random()}`);
    expect(
      (await other.member.raw('POST', `/api/requests/${r.id}/close`, { reason: 'Not ours' })).statusCode,
    ).toBe(403);
    const resident = await makeUser(t);
    expect(
      (await resident.raw('POST', `/api/requests/${r.id}/close`, { reason: 'Not ours' })).statusCode,
    ).toBe(403);
  });

  it('an exigent request shows "justification due" until justified; a missed deadline is logged', async () => {
    const justified = await publish(
      validDraft(clock.now(), { exigent: true, legalBasis: 'exigent_circumstances' }),
    );
    const missed = await publish(
      validDraft(clock.now(), { exigent: true, legalBasis: 'exigent_circumstances' }),
    );
    expect(justified.justification.state).toBe('due');
    const text = 'A child was reported missing at 01:40; footage may show the direction of travel.';
    const since = await lastEventId(t);
    const res = await officer.raw('POST', `/api/requests/${justified.id}/justification`, { text });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ justification: { state: 'given', text } });
    clock.advance(49 * 3_600_000);
    await t.services.requests.runExpiry();
    const events = await eventsAfter(t, since);
    expect(events.map((e) => [e.type, e.subject_id])).toEqual([
      ['request.justified', justified.id],
      ['request.justification_missed', missed.id],
    ]);
    for (const e of events) asEntry(e);
    const page = await t.app.inject({ method: 'GET', url: `/api/requests/${missed.id}` });
    expect(page.json()).toMatchObject({ justification: { state: 'missed' } });
  });

  it('expires open requests at the response deadline: logged once, matches deleted', async () => {
    const { owner } = await makeOwner(t, offsetMeters(HOME, 5, -5));
    const r = await publish(validDraft(clock.now(), { area: square(HOME, 300) }));
    const since = await lastEventId(t);
    clock.advance(6 * 86_400_000);
    await t.services.requests.runExpiry();
    expect((await t.app.inject({ method: 'GET', url: `/api/requests/${r.id}` })).json()).toMatchObject({
      status: 'open',
    });
    clock.advance(2 * 86_400_000);
    await t.services.requests.runExpiry();
    await t.services.requests.runExpiry();
    expect((await t.app.inject({ method: 'GET', url: `/api/requests/${r.id}` })).json()).toMatchObject({
      status: 'expired',
    });
    const expired = (await eventsAfter(t, since)).filter(
      (e) => e.type === 'request.expired' && e.subject_id === r.id,
    );
    expect(expired).toHaveLength(1);
    expect(asEntry(expired[0]!).data).toEqual({ request: r.id });
    expect(await inbox(owner)).toEqual([]);
    const left = await t.database.db.query('SELECT 1 FROM request_matches WHERE request_id = $1', [r.id]);
    expect(left.rowCount).toBe(0);
  });
});

describe('a suspended agency', () => {
  it('cannot check, file, close or justify requests', async () => {
    const { agencyId: id, member } = await makeAgency(
      t,
      admin,
      'portland-or',
      `Suspended PD ${Math.random()}`,
    );
    const res = await member.raw('POST', '/api/requests', validDraft(clock.now()));
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json<FootageRequest>();
    const suspend = await admin.raw('POST', `/api/admin/agencies/${id}/suspend`, { reason: 'Audit pending' });
    expect(suspend.statusCode, suspend.body).toBe(200);
    const since = await lastEventId(t);
    for (const [method, url, body] of [
      ['POST', '/api/requests/check', validDraft(clock.now())],
      ['POST', '/api/requests', validDraft(clock.now())],
      ['POST', `/api/requests/${r.id}/close`, { reason: 'Closing anyway' }],
      ['POST', `/api/requests/${r.id}/justification`, { text: 'x'.repeat(40) }],
    ] as const) {
      const out = await member.raw(method, url, body);
      expect(out.statusCode, url).toBe(403);
      expect(out.json()).toMatchObject({ code: 'agency_suspended' });
    }
    expect(await eventsAfter(t, since)).toEqual([]);
  });
});
