import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryForEvent, type OutboxEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makePost, makeUser } from './support/factories.js';
import { encodeMetadata, tus } from './support/vault.js';

const clock = testClock(new Date('2026-06-01T12:00:00.000Z'));
let t: TestApp;
let moderator: TestUser;
let otherModerator: TestUser;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestApp({ clock });
  moderator = await makeUser(t, { role: 'moderator', name: 'Mo Derator' });
  otherModerator = await makeUser(t, { role: 'moderator' });
  admin = await makeUser(t, { role: 'admin' });
  // A fresh PGlite database plus three staff accounts with second factors can take over a minute on a loaded
  // machine.
}, 180_000);
afterAll(() => t.close());

interface Suspension {
  id: string;
  rule: string;
  reason: string;
  since: string;
  until: string | null;
  appealed: boolean;
}
interface Problem {
  code: string;
  status: number;
  detail: string;
  suspension?: Suspension & { appeal: string };
}

const suspend = (by: TestUser, userId: number, body: Record<string, unknown>) =>
  by.raw('POST', `/api/moderation/users/${userId}/suspensions`, body);

/** Every write a suspension stops, against a post by someone else; each answer. */
async function tryEverything(user: TestUser, theirPost: string) {
  return {
    post: await user.raw('POST', '/api/posts', {
      category: 'community',
      title: 'A post while suspended',
      body: 'Should not appear',
    }),
    comment: await user.raw('POST', `/api/posts/${theirPost}/comments`, {
      body: 'A comment while suspended',
    }),
    react: await user.raw('PUT', `/api/posts/${theirPost}/reaction`, { kind: 'helpful' }),
    report: await user.raw('POST', `/api/posts/${theirPost}/reports`, { rule: 'spam' }),
  };
}

/** The log entry the sequencer would publish for an outbox event. */
async function entryOf(eventId: number) {
  const res = await t.database.db.query<{ id: number; type: string; actor_id: number; data: unknown }>(
    'SELECT id, type, actor_id, data FROM events WHERE id = $1',
    [eventId],
  );
  const row = res.rows[0]!;
  const event = {
    id: row.id,
    type: row.type,
    actorId: row.actor_id,
    data: row.data,
    time: '2026-06-01T12:00:00Z',
  } as OutboxEvent;
  return entryForEvent(event as Parameters<typeof entryForEvent>[0]);
}

describe('a moderator suspends an account', () => {
  it('lets it read but not post, comment, react or report, says why and until when, and ends on time by itself', async () => {
    const resident = await makeUser(t, { name: 'Rex Resident' });
    const neighbour = await makeUser(t);
    const theirs = await makePost(neighbour, { title: 'Lost ginger cat' });
    const offending = await makePost(resident, { title: 'Rant about the neighbours' });
    const before = await lastEventId(t);

    const res = await suspend(moderator, resident.id, {
      rule: 'harassment',
      reason: '  Repeated insults towards neighbours  ',
      days: 3,
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json<Suspension>();
    expect(s).toMatchObject({
      rule: 'harassment',
      reason: 'Repeated insults towards neighbours',
      since: '2026-06-01T12:00:00.000Z',
      until: '2026-06-04T12:00:00.000Z',
      appealed: false,
    });
    expect(s.id).toMatch(/^su_[A-Za-z0-9_-]{22}$/);

    // The account sees its suspension (the web app's banner reads this).
    const mine = await resident.raw('GET', '/api/me/suspension');
    expect(mine.json()).toEqual({ suspension: s });
    // Others have none.
    expect((await neighbour.raw('GET', '/api/me/suspension')).json()).toEqual({ suspension: null });

    const attempts = await tryEverything(resident, theirs.id);
    for (const [what, r] of Object.entries(attempts)) {
      expect(r.statusCode, `${what}: ${r.body}`).toBe(403);
      expect(r.headers['content-type']).toContain('application/problem+json');
      const p = r.json<Problem>();
      expect(p.code).toBe('account_suspended');
      expect(p.detail).toContain('until 2026-06-04T12:00:00Z');
      expect(p.detail).toContain('harassment');
      expect(p.detail).toContain('Repeated insults towards neighbours');
      expect(p.suspension).toMatchObject({ id: s.id, until: s.until, appeal: '/account#suspension' });
    }
    // Editing their own post is a write too.
    const edit = await resident.raw('PATCH', `/api/posts/${offending.id}`, {
      title: 'Edited while suspended',
    });
    expect(edit.statusCode).toBe(403);
    // Reading still works.
    expect((await resident.raw('GET', '/api/feed')).statusCode).toBe(200);
    expect((await resident.raw('GET', `/api/posts/${theirs.id}`)).statusCode).toBe(200);

    // Only the suspension was written: its one event, and nothing of the refused attempts.
    const events = await eventsAfter(t, before);
    expect(events.map((e) => e.type)).toEqual(['account.suspended']);

    // Its public log entry names the suspension, the moderator, the rule, the reason and the end: never the account.
    const entry = await entryOf(events[0]!.id);
    expect(validateEntry(entry)).toEqual([]);
    expect(entry).toMatchObject({
      type: 'account.suspended',
      data: {
        suspension: s.id,
        moderator: moderator.id,
        rule: 'harassment',
        reason: 'Repeated insults towards neighbours',
        until: '2026-06-04T12:00:00Z',
      },
    });
    expect(Object.keys(entry.data).sort()).toEqual(['moderator', 'reason', 'rule', 'suspension', 'until']);
    const published = JSON.stringify(entry);
    expect(published).not.toContain('Rex Resident');
    expect(published).not.toContain(offending.id);
    expect(published).not.toMatch(new RegExp(`:${resident.id}[,}]`));

    // One second before the end it still holds; at the end it is over, with no job or timer having run.
    clock.set(new Date('2026-06-04T11:59:59.000Z'));
    expect((await tryEverything(resident, theirs.id)).post.statusCode).toBe(403);
    clock.set(new Date('2026-06-04T12:00:00.000Z'));
    const after = await tryEverything(resident, theirs.id);
    expect(after.post.statusCode, after.post.body).toBe(201);
    expect(after.comment.statusCode).toBe(201);
    expect(after.react.statusCode).toBe(200);
    expect(after.report.statusCode).toBe(201);
    expect((await resident.raw('GET', '/api/me/suspension')).json()).toEqual({ suspension: null });
    clock.set(new Date('2026-06-01T12:00:00.000Z'));
  });

  it('lasts until lifted when no duration is given; another moderator lifts it, on the log', async () => {
    const resident = await makeUser(t);
    const res = await suspend(moderator, resident.id, { rule: 'spam', reason: 'Advertising in every post' });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json<Suspension>();
    expect(s.until).toBeNull();
    const refused = await resident.raw('POST', '/api/posts', {
      category: 'community',
      title: 'Cheap gutters',
      body: 'Call now',
    });
    expect(refused.json<Problem>().detail).toContain('until a moderator lifts it');
    const suspendedEvent = (await eventsAfter(t, 0)).filter((e) => e.type === 'account.suspended').at(-1)!;
    const suspendedEntry = await entryOf(suspendedEvent.id);
    expect(validateEntry(suspendedEntry)).toEqual([]);
    expect(suspendedEntry.data).not.toHaveProperty('until');

    // A second suspension while one is in force is refused.
    const again = await suspend(otherModerator, resident.id, { rule: 'spam', reason: 'More adverts' });
    expect(again.statusCode).toBe(409);

    const before = await lastEventId(t);
    const lift = await otherModerator.raw('POST', `/api/moderation/suspensions/${s.id}/lift`, {
      reason: 'Agreed to stop advertising',
    });
    expect(lift.statusCode, lift.body).toBe(200);
    const events = await eventsAfter(t, before);
    expect(events.map((e) => e.type)).toEqual(['account.suspension_lifted']);
    const entry = await entryOf(events[0]!.id);
    expect(validateEntry(entry)).toEqual([]);
    expect(entry.data).toEqual({
      suspension: s.id,
      moderator: otherModerator.id,
      reason: 'Agreed to stop advertising',
    });
    const posted = await resident.raw('POST', '/api/posts', {
      category: 'community',
      title: 'Thanks neighbours',
      body: 'Sorry about the adverts',
    });
    expect(posted.statusCode).toBe(201);
    const twice = await moderator.raw('POST', `/api/moderation/suspensions/${s.id}/lift`, {
      reason: 'again',
    });
    expect(twice.statusCode).toBe(409);
  });

  it('refuses a suspended account’s photo and video uploads, new or half-sent, with the same problem', async () => {
    const resident = await makeUser(t);
    const create = () =>
      tus(t.app, { user: resident }, 'POST', '/api/media/uploads', {
        'upload-length': '2048',
        'upload-metadata': encodeMetadata({ filetype: 'image/jpeg', filename: 'IMG_0002' }),
      });
    const started = await create();
    expect(started.statusCode, started.body).toBe(201);
    const s = (
      await suspend(moderator, resident.id, { rule: 'spam', reason: 'Photos of flyers for a shop', days: 2 })
    ).json<Suspension>();

    const fresh = await create();
    const resumed = await tus(
      t.app,
      { user: resident },
      'PATCH',
      started.headers.location!,
      { 'upload-offset': '0' },
      Buffer.alloc(1024, 1),
    );
    for (const [what, r] of Object.entries({ fresh, resumed })) {
      expect(r.statusCode, `${what}: ${r.body}`).toBe(403);
      expect(r.headers['content-type']).toContain('application/problem+json');
      const p = r.json<Problem>();
      expect(p.code).toBe('account_suspended');
      expect(p.detail).toContain('Photos of flyers for a shop');
      expect(p.suspension).toMatchObject({ id: s.id, appeal: '/account#suspension' });
    }
    // No byte of the half-sent upload was kept, and no new upload was opened.
    const stored = await t.database.db.query<{ n: number; sent: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(p.size), 0)::int AS sent
         FROM media_uploads u LEFT JOIN media_upload_parts p ON p.upload_id = u.id WHERE u.owner_id = $1`,
      [resident.id],
    );
    expect(stored.rows[0]).toEqual({ n: 1, sent: 0 });

    // Lifted, the account uploads again.
    const lift = await moderator.raw('POST', `/api/moderation/suspensions/${s.id}/lift`, {
      reason: 'The shop is a neighbour’s',
    });
    expect(lift.statusCode, lift.body).toBe(200);
    expect((await create()).statusCode).toBe(201);
  });

  it('takes one appeal from the suspended account and shows it to moderators first', async () => {
    const resident = await makeUser(t, { name: 'Appealing Anna' });
    const s = (
      await suspend(moderator, resident.id, { rule: 'misleading', reason: 'Invented a break-in', days: 7 })
    ).json<Suspension>();
    const short = await resident.raw('POST', '/api/me/suspension/appeal', { statement: 'no' });
    expect(short.statusCode).toBe(400);
    const appeal = await resident.raw('POST', '/api/me/suspension/appeal', {
      statement: 'The break-in really happened; here is the police report number.',
    });
    expect(appeal.statusCode, appeal.body).toBe(200);
    expect(appeal.json<{ suspension: Suspension }>().suspension.appealed).toBe(true);
    const twice = await resident.raw('POST', '/api/me/suspension/appeal', {
      statement: 'Please look again at my appeal, it is urgent.',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<Problem>().code).toBe('appeal_exists');

    const list = await otherModerator.raw('GET', '/api/moderation/suspensions');
    expect(list.statusCode).toBe(200);
    const first = list.json<{ items: (Suspension & { user: { id: number }; appeal: string | null })[] }>()
      .items[0]!;
    expect(first).toMatchObject({
      id: s.id,
      user: { id: resident.id },
      appeal: 'The break-in really happened; here is the police report number.',
    });
    const ofUser = await moderator.raw('GET', `/api/moderation/users/${resident.id}/suspension`);
    expect(ofUser.json<{ suspension: Suspension }>().suspension.id).toBe(s.id);
    // Someone not suspended has nothing to appeal.
    const free = await makeUser(t);
    const nothing = await free.raw('POST', '/api/me/suspension/appeal', {
      statement: 'I would like to appeal something.',
    });
    expect(nothing.statusCode).toBe(409);
  });

  it('is for moderators and admins only, and a moderator cannot suspend staff', async () => {
    const resident = await makeUser(t);
    const neighbour = await makeUser(t);
    const body = { rule: 'harassment', reason: 'Threats', days: 1 };
    const byResident = await suspend(neighbour, resident.id, body);
    expect(byResident.statusCode).toBe(403);
    expect((await neighbour.raw('GET', '/api/moderation/suspensions')).statusCode).toBe(403);
    expect((await neighbour.raw('GET', `/api/moderation/users/${resident.id}/suspension`)).statusCode).toBe(
      403,
    );

    const modOnMod = await suspend(moderator, otherModerator.id, body);
    expect(modOnMod.statusCode).toBe(403);
    expect(modOnMod.json<Problem>().detail).toContain('cannot suspend staff');
    expect((await suspend(moderator, admin.id, body)).statusCode).toBe(403);
    expect((await suspend(moderator, moderator.id, body)).statusCode).toBe(403);
    // An admin may suspend a moderator, never another admin.
    const otherAdmin = await makeUser(t, { role: 'admin' });
    expect((await suspend(admin, otherAdmin.id, body)).statusCode).toBe(403);
    const adminOnMod = await suspend(admin, otherModerator.id, body);
    expect(adminOnMod.statusCode, adminOnMod.body).toBe(201);
    // The suspended moderator cannot lift their own suspension.
    const own = await otherModerator.raw(
      'POST',
      `/api/moderation/suspensions/${adminOnMod.json<Suspension>().id}/lift`,
      { reason: 'I disagree' },
    );
    expect(own.statusCode).toBe(403);

    // Bad input is a 400 naming the field; an unknown account is a 404.
    for (const bad of [
      { ...body, days: 0 },
      { ...body, days: 366 },
      { ...body, days: 'week' },
      { ...body, rule: 'rudeness' },
      { ...body, reason: '   ' },
      { rule: 'spam' },
    ]) {
      const r = await suspend(moderator, resident.id, bad);
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await suspend(moderator, 999_999_999, body)).statusCode).toBe(404);
    expect(
      (
        await moderator.raw('POST', '/api/moderation/suspensions/su_AAAAAAAAAAAAAAAAAAAAAA/lift', {
          reason: 'x y z',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('of two moderators suspending the same account at once, exactly one succeeds', async () => {
    const resident = await makeUser(t);
    const [a, b] = await Promise.all([
      suspend(moderator, resident.id, { rule: 'spam', reason: 'Adverts', days: 2 }),
      suspend(otherModerator, resident.id, { rule: 'spam', reason: 'Adverts again', days: 5 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const rows = await t.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM suspensions WHERE user_id = $1',
      [resident.id],
    );
    expect(rows.rows[0]!.n).toBe(1);
  });
});
