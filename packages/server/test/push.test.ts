import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { HOME, makePost, makeUser, offsetMeters } from './support/factories.js';
import { startPushService, type PushTestService, type TestSubscription } from './support/push.js';
import { publishRequestPolicy } from './support/request-policy.js';
import { makeAgency, makeOwner, square, validDraft } from './support/requests.js';

interface PushPayload {
  title: string;
  body: string;
  url: string;
  tag: string;
}

let t: TestApp;
let pushService: PushTestService;
const clock = testClock(new Date('2026-12-03T12:00:00Z'));

beforeAll(async () => {
  pushService = await startPushService();
  // The local push service listens on 127.0.0.1, which production refuses (see "endpoints" below).
  t = await startTestApp({ clock, env: { PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true' } });
});
afterAll(async () => {
  await t.close();
  await pushService.close();
});

const runJobs = () => t.services.jobs.runDue(t.app.log);

async function alertSettings(user: TestUser, patch: Record<string, unknown> = {}) {
  const res = await user.raw('PUT', '/api/alerts/settings', {
    categories: ['crime', 'safety'],
    radiusM: 1000,
    quietHours: null,
    timeZone: 'UTC',
    channels: { inApp: true, push: true, email: 'off' },
    ...patch,
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function subscribe(user: TestUser, label = 'Chromium on Linux'): Promise<TestSubscription> {
  const sub = pushService.subscribe();
  const res = await user.raw('POST', '/api/push/subscriptions', { ...sub, label });
  expect(res.statusCode, res.body).toBe(201);
  return sub;
}

const pushesTo = (sub: TestSubscription) =>
  pushService.received
    .filter((p) => sub.endpoint.endsWith(p.subscription))
    .map((p) => p.message as PushPayload);

describe('a nearby post reaches a subscribed device', () => {
  it('delivers an RFC 8291-encrypted push, signed with VAPID, that the device decrypts', async () => {
    const resident = await makeUser(t);
    await alertSettings(resident);
    const sub = await subscribe(resident);
    const neighbour = await makeUser(t, { home: offsetMeters(HOME, 300, 200) });
    const post = await makePost(neighbour, { category: 'crime', title: 'Car window smashed on Oak St' });
    await runJobs();

    const push = await pushService.waitFor((p) => sub.endpoint.endsWith(p.subscription));
    expect(push.message).toEqual({
      title: 'Crime near you',
      body: 'Car window smashed on Oak St',
      url: `/posts/${post.id}`,
      tag: `post-${post.id}`,
    });
    // Ciphertext on the wire: the push service never saw the title.
    expect(push.body.includes(Buffer.from('Car window'))).toBe(false);
    const key = await resident.raw('GET', '/api/push/key');
    expect(push.vapid.publicKey).toBe(key.json<{ publicKey: string }>().publicKey);
    expect(push.vapid.aud).toBe(pushService.url);
    expect(push.vapid.sub).toMatch(/^mailto:/);
    expect(push.ttl).toBeGreaterThan(0);
    // The author is not alerted about their own post.
    const authorSub = await subscribe(neighbour);
    await alertSettings(neighbour);
    await makePost(neighbour, { category: 'crime', title: 'Second report' });
    await runJobs();
    expect(pushesTo(authorSub)).toEqual([]);
  });

  it('leaves out other categories, posts beyond the alert radius, and accounts with push off', async () => {
    const resident = await makeUser(t);
    await alertSettings(resident, { categories: ['safety'], radiusM: 500 });
    const sub = await subscribe(resident);
    const pushOff = await makeUser(t);
    await alertSettings(pushOff, { channels: { inApp: true, push: false, email: 'off' } });
    const offSub = await subscribe(pushOff);

    const near = await makeUser(t, { home: offsetMeters(HOME, 100, 0) });
    await makePost(near, { category: 'community', title: 'Bake sale' });
    const far = offsetMeters(HOME, 1500, 0);
    await makePost(near, { category: 'safety', title: 'Flooding on the far side', location: far });
    await makePost(near, { category: 'safety', title: 'Ice on the bridge' });
    await runJobs();

    expect(pushesTo(sub).map((m) => m.body)).toEqual(['Ice on the bridge']);
    expect(pushesTo(offSub)).toEqual([]);
  });
});

describe('devices', () => {
  it('lists and removes my devices without showing the endpoint’s secret path; others cannot remove them', async () => {
    const user = await makeUser(t);
    await subscribe(user, 'Firefox on Android');
    const list = await user.raw('GET', '/api/push/subscriptions');
    const [device] = list.json<{ items: { id: string; label: string; endpointHost: string }[] }>().items;
    expect(device).toMatchObject({
      label: 'Firefox on Android',
      endpointHost: new URL(pushService.url).host,
    });
    expect(list.body).not.toContain('/push/');
    const other = await makeUser(t);
    expect((await other.raw('DELETE', `/api/push/subscriptions/${device!.id}`)).statusCode).toBe(404);
    expect((await user.raw('DELETE', `/api/push/subscriptions/${device!.id}`)).statusCode).toBe(204);
    expect((await user.raw('GET', '/api/push/subscriptions')).json()).toEqual({ items: [] });
  });

  it('forgets a device the push service says is gone (410)', async () => {
    const user = await makeUser(t);
    await alertSettings(user);
    const sub = await subscribe(user);
    pushService.expire(sub);
    const poster = await makeUser(t);
    await makePost(poster, { category: 'crime', title: 'Bike stolen from rack' });
    await runJobs();
    expect((await user.raw('GET', '/api/push/subscriptions')).json()).toEqual({ items: [] });
  });

  it('refuses keys that are not a P-256 point and a 16-byte secret', async () => {
    const user = await makeUser(t);
    const sub = pushService.subscribe();
    const short = await user.raw('POST', '/api/push/subscriptions', {
      ...sub,
      keys: { ...sub.keys, auth: Buffer.alloc(12).toString('base64url') + 'AAAAAAAAAA' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('/body/keys/auth');
  });
});

describe('quiet hours', () => {
  it('hold pushes back and send one summary when they end', async () => {
    clock.set(new Date('2026-12-03T23:30:00Z'));
    try {
      // Across town, so other tests' posts are not near enough to be in the summary.
      const acrossTown = offsetMeters(HOME, 0, 6000);
      const sleeper = await makeUser(t, { home: acrossTown });
      await alertSettings(sleeper, { quietHours: { start: '22:00', end: '07:00' } });
      const sub = await subscribe(sleeper);
      const poster = await makeUser(t, { home: acrossTown });
      await makePost(poster, { category: 'crime', title: 'Break-in on Birch' });
      await makePost(poster, { category: 'safety', title: 'Gas leak reported' });
      await runJobs();
      expect(pushesTo(sub)).toEqual([]);

      clock.set(new Date('2026-12-04T07:00:30Z'));
      await runJobs();
      const [summary] = pushesTo(sub);
      expect(summary).toMatchObject({ title: 'While you were away: 2 alerts', url: '/notifications' });
      expect(summary!.body).toContain('Break-in on Birch');
      expect(pushesTo(sub)).toHaveLength(1);
    } finally {
      clock.set(new Date('2026-12-03T12:00:00Z'));
    }
  });
});

describe('footage requests (G7)', () => {
  it('the owner’s device hears of a request that reached their camera, in words that name no case or agency', async () => {
    const admin = await makeUser(t, { role: 'admin' });
    await publishRequestPolicy(t, admin, 'portland-or');
    const { member: officer } = await makeAgency(t, admin, 'portland-or');
    const { owner } = await makeOwner(t, offsetMeters(HOME, 20, 20));
    await alertSettings(owner, { categories: [] });
    const ownerSub = await subscribe(owner);
    const officerSub = await subscribe(officer);

    const draft = validDraft(clock.now(), { area: square(HOME, 400) });
    const res = await officer.raw('POST', '/api/requests', draft);
    expect(res.statusCode, res.body).toBe(201);
    const requestId = res.json<{ id: string }>().id;
    await runJobs();

    expect(pushesTo(ownerSub)).toEqual([
      {
        title: 'A footage request reached one of your cameras',
        body: 'Open your inbox to review it. Nothing is shared unless you choose to share it.',
        url: `/inbox/${requestId}`,
        tag: `request-${requestId}`,
      },
    ]);
    expect(JSON.stringify(pushesTo(ownerSub))).not.toContain(draft.caseNumber);
    expect(pushesTo(officerSub)).toEqual([]);
    // No notification row records that this owner was reached; the inbox is the only record.
    const rows = await t.database.db.query('SELECT 1 FROM notifications WHERE user_id = $1', [owner.id]);
    expect(rows.rowCount).toBe(0);
  });
});

describe('endpoints', () => {
  it('by default refuses endpoints the server must not POST to: http, loopback, private networks', async () => {
    const strict = await startTestApp();
    try {
      const user = await makeUser(strict);
      const sub = pushService.subscribe();
      for (const endpoint of [
        sub.endpoint,
        'https://127.0.0.1/push/x',
        'https://10.0.0.5/push/x',
        'https://[::1]/push/x',
        'https://metadata.internal/push/x',
        'https://169.254.169.254/latest/meta-data',
      ]) {
        const res = await user.raw('POST', '/api/push/subscriptions', { ...sub, endpoint });
        expect(res.statusCode, endpoint).toBe(400);
        expect(res.body, endpoint).toContain('/body/endpoint');
      }
      const ok = await user.raw('POST', '/api/push/subscriptions', {
        ...sub,
        endpoint: 'https://updates.push.services.mozilla.com/wpush/v2/gAAAAA',
      });
      expect(ok.statusCode, ok.body).toBe(201);
    } finally {
      await strict.close();
    }
  });
});
