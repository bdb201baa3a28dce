import type { Entry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makeUser } from './support/factories.js';
import { publishPolicy } from './support/policies.js';
import { auditLog, LOG_ORIGIN } from './support/transparency.js';

let t: TestApp;
let admin: TestUser;
let officer: TestUser;
let officerEmail: string;
const officerName = 'Officer Dana Whitlock';
const contact = 'records-unit@police.portland.example';
let agencyId: number;
let logStart: number;

beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  admin = await makeUser(t, { role: 'admin' });
  officer = await makeUser(t, { role: 'agency', name: officerName, home: null });
  officerEmail = (await officer.api.GET('/api/me')).data!.email;
  await publishPolicy(admin, 'portland-or', { name: 'Portland, Oregon' });
  await t.services.transparency.sequenceNow();
  logStart = (await auditLog(t.app)).checkpoint.size;
});
afterAll(() => t.close());

const register = (user: TestUser, body: Record<string, unknown>) =>
  user.raw('POST', '/api/admin/agencies', body);

const mine = (user: TestUser) => user.api.GET('/api/agencies/mine');

describe('registering an agency', () => {
  it('an admin registers a verified agency in a jurisdiction with a policy; one event is written', async () => {
    const since = await lastEventId(t);
    const res = await admin.api.POST('/api/admin/agencies', {
      body: {
        name: 'Portland Police Bureau',
        jurisdiction: 'portland-or',
        contact,
        reason: 'Verified by phone with the records unit',
      },
    });
    expect(res.response.status, JSON.stringify(res.error)).toBe(201);
    expect(res.data).toMatchObject({ name: 'Portland Police Bureau', status: 'verified', members: [] });
    agencyId = res.data!.id;
    expect((await eventsAfter(t, since)).map((e) => e.type)).toEqual(['agency.verified']);
  });

  it('refuses a second agency of the same name in the jurisdiction (409) and an unknown jurisdiction (400)', async () => {
    const since = await lastEventId(t);
    const dup = await register(admin, {
      name: 'portland police bureau',
      jurisdiction: 'portland-or',
      contact,
      reason: 'Again',
    });
    expect(dup.statusCode).toBe(409);
    const unknown = await register(admin, {
      name: 'Atlantis PD',
      jurisdiction: 'atlantis',
      contact,
      reason: 'Nowhere',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/body/jurisdiction');
    expect(await eventsAfter(t, since)).toEqual([]);
  });

  it('the public list shows name, jurisdiction and standing — no contact, no members', async () => {
    await admin.api.PUT('/api/admin/agencies/{id}/members/{userId}', {
      params: { path: { id: agencyId, userId: officer.id } },
    });
    const res = await new TestUser(t.app).raw('GET', '/api/agencies');
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: Record<string, unknown>[] }>().items;
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0]!).sort()).toEqual(['id', 'jurisdiction', 'name', 'status', 'verifiedAt']);
    expect(items[0]).toMatchObject({
      id: agencyId,
      name: 'Portland Police Bureau',
      jurisdiction: 'portland-or',
      status: 'verified',
    });
    for (const secret of [contact, officerEmail, officerName]) expect(res.body).not.toContain(secret);
  });
});

describe('membership', () => {
  it('the member sees their agency as active, with a count but no names', async () => {
    const res = await mine(officer);
    expect(res.response.status, JSON.stringify(res.error)).toBe(200);
    expect(res.data).toMatchObject({
      id: agencyId,
      status: 'verified',
      active: true,
      memberCount: 1,
      contact,
    });
    expect(
      await t.services.agencies.requireActiveAgency({ id: officer.id, role: 'agency', displayName: '' }),
    ).toMatchObject({ agency: { id: agencyId, jurisdiction: 'portland-or' } });
  });

  it('an agency-role account not linked to an agency is told so; a resident is forbidden', async () => {
    const unlinked = await makeUser(t, { role: 'agency', home: null });
    expect((await mine(unlinked)).error).toMatchObject({ code: 'not_agency_member' });
    const resident = await makeUser(t);
    expect((await mine(resident)).error).toMatchObject({ code: 'forbidden' });
    expect((await mine(new TestUser(t.app))).response.status).toBe(401);
  });

  it('only agency-role accounts can be linked, each to one agency', async () => {
    const resident = await makeUser(t, { home: null });
    const res = await admin.raw('PUT', `/api/admin/agencies/${agencyId}/members/${resident.id}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/params/userId');
    const again = await admin.raw('PUT', `/api/admin/agencies/${agencyId}/members/${officer.id}`);
    expect(again.statusCode).toBe(409);
    expect((await admin.raw('PUT', `/api/admin/agencies/${agencyId}/members/999999`)).statusCode).toBe(404);
    expect((await admin.raw('PUT', `/api/admin/agencies/999999/members/${officer.id}`)).statusCode).toBe(404);
  });
});

describe('suspension', () => {
  it('a suspended agency’s members lose agency status until it is reinstated', async () => {
    const suspended = await admin.api.POST('/api/admin/agencies/{id}/suspend', {
      params: { path: { id: agencyId } },
      body: { reason: 'Filed requests outside its jurisdiction' },
    });
    expect(suspended.data).toMatchObject({ status: 'suspended' });
    expect((await mine(officer)).data).toMatchObject({
      status: 'suspended',
      active: false,
      statusReason: 'Filed requests outside its jurisdiction',
    });
    await expect(
      t.services.agencies.requireActiveAgency({ id: officer.id, role: 'agency', displayName: '' }),
    ).rejects.toMatchObject({ code: 'agency_suspended', status: 403 });
    const publicList = await new TestUser(t.app).api.GET('/api/agencies');
    expect(publicList.data!.items[0]).toMatchObject({ status: 'suspended' });

    const twice = await admin.raw('POST', `/api/admin/agencies/${agencyId}/suspend`, { reason: 'Again' });
    expect(twice.statusCode).toBe(409);

    const back = await admin.api.POST('/api/admin/agencies/{id}/reinstate', {
      params: { path: { id: agencyId } },
      body: { reason: 'Audit found the requests were in scope' },
    });
    expect(back.data).toMatchObject({ status: 'verified' });
    expect((await mine(officer)).data).toMatchObject({ active: true });
  });

  it('a member removed from the agency is no longer one', async () => {
    const res = await admin.api.DELETE('/api/admin/agencies/{id}/members/{userId}', {
      params: { path: { id: agencyId, userId: officer.id } },
    });
    expect(res.data!.members).toEqual([]);
    expect((await mine(officer)).error).toMatchObject({ code: 'not_agency_member' });
    const again = await admin.raw('DELETE', `/api/admin/agencies/${agencyId}/members/${officer.id}`);
    expect(again.statusCode).toBe(404);
  });
});

describe('who may manage agencies', () => {
  it.each(['resident', 'agency', 'moderator'] as const)(
    'a %s can do none of it, and nothing is written',
    async (role) => {
      const user = await makeUser(t, { role, home: null });
      const since = await lastEventId(t);
      const attempts = [
        register(user, { name: 'Shadow PD', jurisdiction: 'portland-or', contact, reason: 'Trust me' }),
        user.raw('POST', `/api/admin/agencies/${agencyId}/suspend`, { reason: 'Because' }),
        user.raw('POST', `/api/admin/agencies/${agencyId}/reinstate`, { reason: 'Because' }),
        user.raw('PUT', `/api/admin/agencies/${agencyId}/members/${user.id}`),
        user.raw('DELETE', `/api/admin/agencies/${agencyId}/members/${officer.id}`),
        user.raw('GET', '/api/admin/agencies'),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ code: 'forbidden' });
      }
      expect(await eventsAfter(t, since)).toEqual([]);
    },
  );

  it('the admin list shows contact and member accounts', async () => {
    await admin.api.PUT('/api/admin/agencies/{id}/members/{userId}', {
      params: { path: { id: agencyId, userId: officer.id } },
    });
    const res = await admin.api.GET('/api/admin/agencies');
    expect(res.data!.items[0]).toMatchObject({
      contact,
      members: [{ id: officer.id, displayName: officerName, email: officerEmail }],
    });
  });
});

describe('the log', () => {
  let entries: Entry[];
  let raw: string;

  beforeAll(async () => {
    await t.services.transparency.sequenceNow();
    const log = await auditLog(t.app);
    entries = log.entries.slice(logStart);
    raw = new TextDecoder().decode(Buffer.concat(log.raw.slice(logStart)));
  });

  it('has exactly one entry per change, in order, by agency name and jurisdiction', () => {
    const agency = {
      agency: agencyId,
      name: 'Portland Police Bureau',
      jurisdiction: 'portland-or',
      admin: admin.id,
    };
    expect(entries.map((e) => [e.type, e.data])).toEqual([
      ['agency.verified', { ...agency, reason: 'Verified by phone with the records unit' }],
      ['agency.member_added', { agency: agencyId, admin: admin.id }],
      ['agency.suspended', { ...agency, reason: 'Filed requests outside its jurisdiction' }],
      ['agency.reinstated', { ...agency, reason: 'Audit found the requests were in scope' }],
      ['agency.member_removed', { agency: agencyId, admin: admin.id }],
      ['agency.member_added', { agency: agencyId, admin: admin.id }],
    ]);
  });

  it('never names a member or the agency’s contact', () => {
    for (const secret of [officerEmail, officerName, contact]) expect(raw).not.toContain(secret);
    for (const e of entries.filter((x) => x.type.startsWith('agency.')))
      expect(Object.values(e.data)).not.toContain(officer.id);
  });
});
