/**
 * Agency members' keys (issue 8 §2): set up like vault keys, replaced and retired with logged entries that name
 * the agency and the recipient only, and listed publicly with the log indices a browser checks them against.
 */
import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryForEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { addMember, makeAgency, memberKeys, setAgencyKey } from './support/disclosures.js';
import { eventsAfter, lastEventId, makeUser, type EventRow } from './support/factories.js';
import { publishPolicy } from './support/policies.js';

let t: TestApp;
let admin: TestUser;
let agencyId: number;
let officer: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t, { role: 'admin' });
  await publishPolicy(admin, 'keys-or');
  ({
    agencyId,
    members: [officer],
  } = (await makeAgency(t, admin, 'keys-or', 1)) as {
    agencyId: number;
    members: [TestUser];
  });
});
afterAll(() => t.close());

/** The outbox event as the log publishes it; it must be a valid entry. */
function entry(e: EventRow) {
  const en = entryForEvent({
    id: e.id,
    type: e.type,
    actorId: e.actor_id,
    data: e.data,
    time: '2026-11-20T12:00:00Z',
  } as never);
  expect(validateEntry(en)).toEqual([]);
  return en;
}

const recipients = async (id = agencyId) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/agencies/${id}/recipients` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{
    items: {
      recipient: string;
      addedLogIndex: number | null;
      removedLogIndex: number | null;
      current: boolean;
    }[];
  }>().items;
};

describe('agency keys', () => {
  it('are not there until set up; only agency members have them', async () => {
    const none = await officer.raw('GET', '/api/agency/keys');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: 'agency_keys_not_set_up' });
    const resident = await makeUser(t);
    expect((await resident.raw('GET', '/api/agency/keys')).statusCode).toBe(403);
    const k = await memberKeys();
    const put = await resident.raw('PUT', '/api/agency/keys', {
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
    });
    expect(put.statusCode).toBe(403);
  });

  it('set up: the recipient joins the public set, logged as agency.key_added with the agency and recipient only', async () => {
    const since = await lastEventId(t);
    const k = await setAgencyKey(officer);
    const got = await officer.raw('GET', '/api/agency/keys');
    expect(got.json()).toMatchObject({
      agencyId,
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
    });
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['agency.key_added']);
    const e = entry(events[0]!);
    expect(e).toMatchObject({ type: 'agency.key_added', data: { agency: agencyId, recipient: k.recipient } });
    expect(Object.keys(e.data).sort()).toEqual(['agency', 'recipient']);

    expect(await recipients()).toEqual([
      { recipient: k.recipient, addedLogIndex: null, removedLogIndex: null, current: true },
    ]);
    await t.services.transparency.sequenceNow();
    const [listed] = await recipients();
    expect(listed!.addedLogIndex).toEqual(expect.any(Number));
    const proof = await t.app.inject({ method: 'GET', url: `/log/proof/${listed!.addedLogIndex}` });
    expect(proof.statusCode).toBe(200);
    expect(proof.body).toContain('c2sp.org/tlog-proof@v1');
  });

  it('the same recipient again only replaces the wrapped copies (a passphrase change), with no entry', async () => {
    const current = (await officer.raw('GET', '/api/agency/keys')).json<{ recipient: string }>();
    const k = await memberKeys();
    const since = await lastEventId(t);
    const res = await officer.raw('PUT', '/api/agency/keys', {
      recipient: current.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ recipient: current.recipient, wrappedIdentity: k.wrappedIdentity });
    expect(await eventsAfter(t, since)).toEqual([]);
  });

  it('a new recipient replaces the old one: key_removed then key_added, and the history shows both', async () => {
    const old = (await recipients()).find((r) => r.current)!;
    const since = await lastEventId(t);
    const k = await setAgencyKey(officer);
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['agency.key_removed', 'agency.key_added']);
    expect(entry(events[0]!).data).toEqual({ agency: agencyId, recipient: old.recipient });
    await t.services.transparency.sequenceNow();
    const list = await recipients();
    expect(list.map((r) => [r.recipient, r.current])).toEqual([
      [old.recipient, false],
      [k.recipient, true],
    ]);
    expect(list[0]!.removedLogIndex).toEqual(expect.any(Number));
  });

  it.each([
    ['a recipient with a bad checksum', { recipient: 'age1' + 'q'.repeat(58) }, '/body/recipient'],
    ['an identity wrapped at a low scrypt work factor', 'weak', '/body/wrappedIdentity'],
    ['an identity that is not armored', { wrappedIdentity: 'not armor' }, '/body/wrappedIdentity'],
  ] as const)('refuses %s, naming the field', async (_label, change, field) => {
    const k = await memberKeys();
    const weak = change === 'weak' ? { wrappedIdentity: (await memberKeys(10)).wrappedIdentity } : change;
    const res = await officer.raw('PUT', '/api/agency/keys', {
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
      ...weak,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(field);
  });

  it('refuses a recipient already in a set (a member cannot pull another agency’s key into theirs)', async () => {
    const colleague = await addMember(t, admin, agencyId);
    const mine = (await officer.raw('GET', '/api/agency/keys')).json<{ recipient: string }>();
    const k = await memberKeys();
    const res = await colleague.raw('PUT', '/api/agency/keys', {
      recipient: mine.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'recipient_in_use' });
  });

  it('a member removed from the agency leaves the recipient set, logged', async () => {
    const leaving = await addMember(t, admin, agencyId);
    const k = await setAgencyKey(leaving);
    const since = await lastEventId(t);
    const res = await admin.raw('DELETE', `/api/admin/agencies/${agencyId}/members/${leaving.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toContain('agency.key_removed');
    const removed = events.find((e) => e.type === 'agency.key_removed')!;
    expect(entry(removed).data).toEqual({ agency: agencyId, recipient: k.recipient });
    expect((await recipients()).find((r) => r.recipient === k.recipient)!.current).toBe(false);
  });

  it('a suspended agency’s members cannot set keys', async () => {
    const { agencyId: other, members } = await makeAgency(t, admin, 'keys-or', 1);
    const sus = await admin.raw('POST', `/api/admin/agencies/${other}/suspend`, {
      reason: 'Under investigation',
    });
    expect(sus.statusCode, sus.body).toBe(200);
    const k = await memberKeys();
    const res = await members[0]!.raw('PUT', '/api/agency/keys', {
      recipient: k.recipient,
      wrappedIdentity: k.wrappedIdentity,
      recoveryWrappedIdentity: k.recoveryWrappedIdentity,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'agency_suspended' });
  });

  it('an unknown agency has no recipients (404), and the list names no member', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/agencies/999999/recipients' })).statusCode).toBe(
      404,
    );
    for (const item of await recipients())
      expect(Object.keys(item).sort()).toEqual(['addedLogIndex', 'current', 'recipient', 'removedLogIndex']);
  });
});
