/**
 * Disclosures (issue 8 §6–8) through the real API: an owner matched to a request shares a clip encrypted with
 * the real `age` CLI to the agency's recipients; it is logged before the agency can list or fetch it; the
 * owner can revoke until the first download; downloads are logged once per member per day; legal holds and
 * retention; nobody else reads anything.
 */
import { createHash } from 'node:crypto';
import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryForEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import {
  ageEncryptTo,
  clip,
  makeAgency,
  makeOwner,
  requestWorld,
  setAgencyKey,
  uploadDisclosure,
  type MemberKeys,
} from './support/disclosures.js';
import { eventsAfter, lastEventId, makeUser, type EventRow } from './support/factories.js';
import { ageDecrypt, pairHub } from './support/vault.js';

const DAY = 86_400_000;
const clock = testClock(new Date());
let t: TestApp;
let world: Awaited<ReturnType<typeof requestWorld>>;
let officer: TestUser;
let colleague: TestUser;

beforeAll(async () => {
  // The clock moves ~200 days (retention, holds); sessions must outlive that.
  t = await startTestApp({ clock, env: { SESSION_TTL_DAYS: '365' } });
  world = await requestWorld(t, clock.now());
  [officer, colleague] = world.members as [TestUser, TestUser];
  await t.services.transparency.sequenceNow();
});
afterAll(() => t.close());

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

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

function manifest(plaintext: Buffer, extra: Record<string, unknown> = {}) {
  const end = clock.now().getTime() - 45 * 3_600_000;
  return {
    plaintextSha256: sha256(plaintext),
    captureStart: new Date(end - 60_000).toISOString(),
    captureEnd: new Date(end).toISOString(),
    redactions: [{ kind: 'privacy_zone', zone: 'neighbour window' }],
    ...extra,
  };
}

/** Shares a fresh clip as the owner; returns its id, plaintext and ciphertext. */
async function share(owner = world.owner, keys: readonly MemberKeys[] = world.keys) {
  const plaintext = clip(70_000 + Math.floor(Math.random() * 1000));
  const ciphertext = await ageEncryptTo(
    plaintext,
    keys.map((k) => k.recipient),
  );
  const res = await uploadDisclosure(t, owner, world.request.id, ciphertext, manifest(plaintext));
  expect(res.statusCode, res.body).toBe(204);
  const id = res.headers['porchlight-disclosure-id'] as string;
  expect(id).toMatch(/^ds_[A-Za-z0-9_-]{22}$/);
  return { id, plaintext, ciphertext };
}

const agencyList = async (who: TestUser = officer) => {
  const res = await who.raw('GET', `/api/requests/${world.request.id}/disclosures`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: { id: string; status: string; logIndex: number | null; expiresAt: string }[] }>()
    .items;
};

describe('sharing', () => {
  it('a matched owner shares age ciphertext; disclosure.created is logged with hashes and sizes, never the owner', async () => {
    const since = await lastEventId(t);
    const { id, plaintext, ciphertext } = await share();
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['disclosure.created']);
    expect(events[0]!.actor_id).toBeNull();
    const e = entry(events[0]!);
    expect(e.data).toEqual({
      disclosure: id,
      request: world.request.id,
      plaintextSha256: sha256(plaintext),
      ciphertextSha256: sha256(ciphertext),
      plaintextBytes: plaintext.length,
      ciphertextBytes: ciphertext.length,
      captureStart: expect.any(String) as unknown,
      captureEnd: expect.any(String) as unknown,
    });
    const mine = await world.owner.raw('GET', '/api/disclosures/mine');
    expect(mine.json()).toMatchObject({
      items: [{ id, requestId: world.request.id, status: 'shared', downloaded: false }],
    });
  });

  it('is not listed or downloadable until its entry is in a signed checkpoint', async () => {
    const { id, ciphertext, plaintext } = await share();
    expect((await agencyList()).map((d) => d.id)).not.toContain(id);
    const early = await officer.raw('GET', `/api/disclosures/${id}/ciphertext`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'not_yet_logged' });

    await t.services.transparency.sequenceNow();
    const listed = (await agencyList()).find((d) => d.id === id)!;
    expect(listed.logIndex).toEqual(expect.any(Number));
    expect(JSON.stringify(listed)).not.toMatch(/owner|camera/i);
    const got = await officer.raw('GET', `/api/disclosures/${id}/ciphertext`);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(ciphertext)).toBe(true);
    // Each member decrypts with their own identity, with the real age CLI.
    for (const k of world.keys)
      expect((await ageDecrypt(got.rawPayload, k.identity)).equals(plaintext)).toBe(true);
  });

  it('logs disclosure.accessed once per member per disclosure per day, before any byte; Range works', async () => {
    const { id, ciphertext } = await share();
    await t.services.transparency.sequenceNow();
    const since = await lastEventId(t);
    await officer.raw('GET', `/api/disclosures/${id}/ciphertext`);
    const part = await officer.raw('GET', `/api/disclosures/${id}/ciphertext`, undefined, {
      range: 'bytes=10-19',
    });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(ciphertext.subarray(10, 20))).toBe(true);
    await colleague.raw('GET', `/api/disclosures/${id}/ciphertext`);
    let accessed = (await eventsAfter(t, since)).filter((e) => e.type === 'disclosure.accessed');
    expect(accessed).toHaveLength(2);
    expect(entry(accessed[0]!).data).toEqual({ disclosure: id, agency: world.agencyId });
    clock.advance(DAY);
    await officer.raw('GET', `/api/disclosures/${id}/ciphertext`);
    accessed = (await eventsAfter(t, since)).filter((e) => e.type === 'disclosure.accessed');
    expect(accessed).toHaveLength(3);
  });

  it('refuses ciphertext not encrypted to the whole recipient set, and deletes it', async () => {
    const plaintext = clip(1000);
    const ciphertext = await ageEncryptTo(plaintext, [world.keys[0]!.recipient]);
    const res = await uploadDisclosure(t, world.owner, world.request.id, ciphertext, manifest(plaintext));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'wrong_recipients' });
    const notAge = await uploadDisclosure(
      t,
      world.owner,
      world.request.id,
      Buffer.alloc(500, 7),
      manifest(plaintext),
    );
    expect(notAge.statusCode).toBe(422);
    expect(notAge.json()).toMatchObject({ code: 'not_age_ciphertext' });
  });

  it('refuses a bad manifest, naming each field', async () => {
    const ciphertext = await ageEncryptTo(
      clip(100),
      world.keys.map((k) => k.recipient),
    );
    const res = await uploadDisclosure(t, world.owner, world.request.id, ciphertext, {
      plaintextSha256: 'nope',
      captureStart: 'yesterday',
      captureEnd: new Date().toISOString(),
      coarseCell: '8928308280fffff',
      redactions: [],
      owner: 'me',
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    for (const f of ['plaintextSha256', 'captureStart', 'coarseCell', 'owner'])
      expect(fields).toContain(`/headers/upload-metadata/manifest/${f}`);
  });

  it('checks each redaction item against its kind, naming the item and field; a redaction summary reaches the agency as stated', async () => {
    const plaintext = clip(300);
    const ciphertext = await ageEncryptTo(
      plaintext,
      world.keys.map((k) => k.recipient),
    );
    const summary = {
      version: 1,
      trimmed: { start: 0.5, end: 3.5 },
      blur: 'gaussian',
      regions: { face: 2, plate: 1, manual: 0 },
      placedBy: { detector: 2, frigate: 0, owner: 1 },
      frameBlurSeconds: 0,
      muted: true,
    };
    const disclosureCount = async () =>
      (await t.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM disclosures')).rows[0]!.n;
    const before = await disclosureCount();
    const bad = await uploadDisclosure(
      t,
      world.owner,
      world.request.id,
      ciphertext,
      manifest(plaintext, {
        redactions: [
          { kind: 'privacy_zone', zone: 'porch' },
          { kind: 'face_print', vector: [0.1, 0.2] },
          { kind: 'owner_redaction', summary: { ...summary, blur: 'smudge', regions: { face: -1 } } },
          { kind: 'privacy_zone', zone: 'porch', polygon: [[0, 0]] },
        ],
      }),
    );
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    const at = '/headers/upload-metadata/manifest/redactions';
    expect(fields).toContain(`${at}/1/kind`);
    expect(fields).toContain(`${at}/2/summary/blur`);
    expect(fields.some((f) => f.startsWith(`${at}/2/summary/regions`))).toBe(true);
    expect(fields.some((f) => f.startsWith(`${at}/3`))).toBe(true);
    expect(fields.some((f) => f.startsWith(`${at}/0`))).toBe(false);
    expect(await disclosureCount()).toBe(before);

    const redactions = [
      { kind: 'privacy_zone', zone: 'porch' },
      { kind: 'owner_redaction', summary },
    ];
    const ok = await uploadDisclosure(
      t,
      world.owner,
      world.request.id,
      ciphertext,
      manifest(plaintext, { redactions }),
    );
    expect(ok.statusCode, ok.body).toBe(204);
    const id = ok.headers['porchlight-disclosure-id'] as string;
    await t.services.transparency.sequenceNow();
    const listed = await officer.raw('GET', `/api/requests/${world.request.id}/disclosures`);
    const item = listed
      .json<{ items: { id: string; redactions: unknown[] }[] }>()
      .items.find((d) => d.id === id);
    expect(item?.redactions).toEqual(redactions);
  });

  it('only a matched owner of the request may share: not another resident, an agency member or a hub', async () => {
    const ciphertext = await ageEncryptTo(
      clip(100),
      world.keys.map((k) => k.recipient),
    );
    const m = manifest(clip(100));
    const stranger = await makeUser(t, { home: null });
    expect((await uploadDisclosure(t, stranger, world.request.id, ciphertext, m)).statusCode).toBe(404);
    expect((await uploadDisclosure(t, officer, world.request.id, ciphertext, m)).statusCode).toBe(404);
    const hub = await pairHub(world.owner);
    expect(
      (await uploadDisclosure(t, { token: hub.token }, world.request.id, ciphertext, m)).statusCode,
    ).toBe(403);
    // Signed out: no session (and so no CSRF token) — refused before anything is read.
    expect([401, 403]).toContain(
      (await uploadDisclosure(t, null, world.request.id, ciphertext, m)).statusCode,
    );
  });
});

describe('revoking', () => {
  it('the owner revokes before the first download: ciphertext gone, disclosure.revoked logged', async () => {
    const { id } = await share();
    await t.services.transparency.sequenceNow();
    const blobsBefore = await t.deps.blobs!.list();
    const since = await lastEventId(t);
    const res = await world.owner.raw('DELETE', `/api/disclosures/${id}`);
    expect(res.statusCode, res.body).toBe(204);
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['disclosure.revoked']);
    expect(entry(events[0]!).data).toEqual({ disclosure: id, request: world.request.id });
    expect((await t.deps.blobs!.list()).length).toBe(blobsBefore.length - 1);
    expect((await officer.raw('GET', `/api/disclosures/${id}/ciphertext`)).statusCode).toBe(404);
    expect((await agencyList()).find((d) => d.id === id)!.status).toBe('revoked');
  });

  it('cannot revoke after the agency downloaded it, nor someone else’s', async () => {
    const { id } = await share();
    await t.services.transparency.sequenceNow();
    const other = await makeUser(t);
    expect((await other.raw('DELETE', `/api/disclosures/${id}`)).statusCode).toBe(404);
    await officer.raw('GET', `/api/disclosures/${id}/ciphertext`, undefined, { range: 'bytes=0-0' });
    const res = await world.owner.raw('DELETE', `/api/disclosures/${id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'disclosure_downloaded' });
  });
});

describe('who reads what', () => {
  it('a resident (even the owner) cannot list or download; another agency cannot see them at all', async () => {
    const { id } = await share();
    await t.services.transparency.sequenceNow();
    for (const path of [
      `/api/requests/${world.request.id}/disclosures`,
      `/api/disclosures/${id}/ciphertext`,
    ]) {
      expect((await world.owner.raw('GET', path)).statusCode).toBe(403);
    }
    const { members } = await makeAgency(t, world.admin, world.jurisdiction, 1);
    await setAgencyKey(members[0]!);
    for (const path of [
      `/api/requests/${world.request.id}/disclosures`,
      `/api/disclosures/${id}/ciphertext`,
      `/api/requests/${world.request.id}/evidence`,
    ])
      expect((await members[0]!.raw('GET', path)).statusCode).toBe(404);
    const hold = await members[0]!.raw('POST', `/api/disclosures/${id}/hold`, {
      caseNumber: 'X-1',
      justification: 'Not our disclosure at all',
      until: new Date(clock.now().getTime() + 200 * DAY).toISOString(),
    });
    expect(hold.statusCode).toBe(404);
  });

  it('the owner’s other requests are untouched by a stranger; an owner not matched sees nothing of them', async () => {
    const other = await makeOwner(t);
    expect((await other.raw('GET', '/api/disclosures/mine')).json()).toEqual({ items: [] });
  });
});

describe('legal holds and retention', () => {
  it('a hold extends the copy (within the policy maximum, only later), logged and listed', async () => {
    const { id } = await share();
    await t.services.transparency.sequenceNow();
    const before = (await agencyList()).find((d) => d.id === id)!;
    const tooFar = await officer.raw('POST', `/api/disclosures/${id}/hold`, {
      caseNumber: 'PPB-1',
      justification: 'Trial scheduled; defence discovery pending',
      until: new Date(clock.now().getTime() + 400 * DAY).toISOString(),
    });
    expect(tooFar.statusCode).toBe(400);
    expect(tooFar.json()).toMatchObject({ errors: [{ field: '/body/until' }] });
    const earlier = await officer.raw('POST', `/api/disclosures/${id}/hold`, {
      caseNumber: 'PPB-1',
      justification: 'Trial scheduled; defence discovery pending',
      until: new Date(Date.parse(before.expiresAt) - DAY).toISOString(),
    });
    expect(earlier.statusCode).toBe(400);
    const since = await lastEventId(t);
    const until = new Date(clock.now().getTime() + 200 * DAY);
    const ok = await officer.raw('POST', `/api/disclosures/${id}/hold`, {
      caseNumber: 'PPB-1',
      justification: 'Trial scheduled; defence discovery pending',
      until: until.toISOString(),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ id, expiresAt: until.toISOString(), holds: [{ caseNumber: 'PPB-1' }] });
    const events = await eventsAfter(t, since);
    expect(events.map((e) => e.type)).toEqual(['disclosure.held']);
    expect(entry(events[0]!).data).toMatchObject({
      disclosure: id,
      request: world.request.id,
      caseNumber: 'PPB-1',
    });
    // The public request page (no account) shows the clip count and the hold, and nothing about who shared.
    const page = await t.app.inject({ method: 'GET', url: `/api/requests/${world.request.id}` });
    expect(page.statusCode, page.body).toBe(200);
    const body = page.json<{ disclosuresCount: number; holds: { caseNumber: string; until: string }[] }>();
    expect(body.disclosuresCount).toBeGreaterThanOrEqual(5);
    expect(body.holds).toEqual([
      {
        caseNumber: 'PPB-1',
        justification: 'Trial scheduled; defence discovery pending',
        until: `${until.toISOString().slice(0, 19)}Z`,
      },
    ]);
  });

  it('retention deletes expired copies (blob and row state) with disclosure.expired, once, across concurrent runs; held ones stay', async () => {
    const held = (await agencyList()).find(
      (d) => Date.parse(d.expiresAt) > clock.now().getTime() + 150 * DAY,
    )!;
    clock.advance(100 * DAY);
    const since = await lastEventId(t);
    const runs = await Promise.all([
      t.services.disclosures.runRetention(),
      t.services.disclosures.runRetention(),
      t.services.disclosures.runRetention(),
    ]);
    const expiredEvents = (await eventsAfter(t, since)).filter((e) => e.type === 'disclosure.expired');
    expect(runs.reduce((n, r) => n + r.expired, 0)).toBe(expiredEvents.length);
    expect(expiredEvents.length).toBeGreaterThan(0);
    expect(new Set(expiredEvents.map((e) => e.subject_id)).size).toBe(expiredEvents.length);
    for (const e of expiredEvents) expect(validateEntry(entry(e))).toEqual([]);
    const list = await agencyList();
    expect(list.find((d) => d.id === held.id)!.status).toBe('shared');
    expect(list.filter((d) => d.status === 'shared').map((d) => d.id)).toEqual([held.id]);
    // Only the held copy's ciphertext is left in the store (plus the owner's vault, which has none here).
    expect(await t.deps.blobs!.list()).toHaveLength(1);
    clock.advance(101 * DAY);
    await t.services.disclosures.runRetention();
    expect((await agencyList()).find((d) => d.id === held.id)!.status).toBe('expired');
    expect(await t.deps.blobs!.list()).toEqual([]);
  });

  it('a suspended agency can neither list, download nor hold', async () => {
    const sus = await world.admin.raw('POST', `/api/admin/agencies/${world.agencyId}/suspend`, {
      reason: 'Audit of request practices',
    });
    expect(sus.statusCode, sus.body).toBe(200);
    const [any] = (
      await t.services.disclosures.mine({ id: world.owner.id, role: 'resident', displayName: '' })
    ).items;
    for (const [method, path, body] of [
      ['GET', `/api/requests/${world.request.id}/disclosures`],
      ['GET', `/api/disclosures/${any!.id}/ciphertext`],
      ['GET', `/api/requests/${world.request.id}/evidence`],
      [
        'POST',
        `/api/disclosures/${any!.id}/hold`,
        {
          caseNumber: 'A',
          justification: 'Suspended but trying',
          until: new Date(clock.now().getTime() + DAY).toISOString(),
        },
      ],
    ] as const) {
      const res = await officer.raw(method, path, body);
      expect(res.statusCode, path).toBe(403);
      expect(res.json()).toMatchObject({ code: 'agency_suspended' });
    }
  });
});
