import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { publishRequestPolicy } from './support/request-policy.js';
import { HOME, makeAgency, makeOwner, offsetMeters, square, validDraft } from './support/requests.js';
import { flushed, listen, openLive, type LiveStream } from './support/sse.js';

let t: TestApp;
let origin: string;
let officer: TestUser;
const streams: LiveStream[] = [];

beforeAll(async () => {
  t = await startTestApp();
  origin = await listen(t.app);
  const admin = await makeUser(t, { role: 'admin' });
  await publishRequestPolicy(t, admin, 'portland-or');
  ({ member: officer } = await makeAgency(t, admin, 'portland-or'));
});
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  await vi.waitFor(() => {
    expect(t.services.live.hub.subscriberCount).toBe(0);
  });
});
afterAll(() => t.close());

async function live(user: TestUser, app = origin): Promise<LiveStream> {
  const s = await openLive(app, user.jar);
  streams.push(s);
  return s;
}

type InboxEvent = { request: { id: string }; myCameras: { id: number; name: string }[] };

describe('the live inbox event', () => {
  it('reaches every open stream of a matched owner with their own cameras, and nobody else', async () => {
    const matched = await makeOwner(t, offsetMeters(HOME, 40, 40));
    const neighbour = await makeOwner(t, offsetMeters(HOME, 900, 0));
    const bystander = await makeUser(t);
    const [a, b, n, x] = [
      await live(matched.owner),
      await live(matched.owner),
      await live(neighbour.owner),
      await live(bystander),
    ];
    const res = await officer.raw(
      'POST',
      '/api/requests',
      validDraft(new Date(), { area: square(HOME, 400) }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ id: string }>().id;
    for (const s of [a, b]) {
      const e = await s.next<InboxEvent>('inbox', (d) => d.request.id === id);
      expect(e.json.myCameras).toEqual([{ id: matched.camera.id, name: matched.camera.name }]);
    }
    await flushed(t.deps.live, [
      [n, HOME],
      [x, HOME],
    ]);
    expect(n.received('inbox')).toEqual([]);
    expect(x.received('inbox')).toEqual([]);
  });

  it('reaches an owner connected to another API process (over the shared bus on PostgreSQL)', async () => {
    if (t.database.kind !== 'postgres') return;
    const other = await startTestApp({ database: t.database });
    try {
      const otherOrigin = await listen(other.app);
      const { owner } = await makeOwner(t, offsetMeters(HOME, -40, 10));
      const s = await live(owner, otherOrigin);
      const res = await officer.raw(
        'POST',
        '/api/requests',
        validDraft(new Date(), { area: square(HOME, 400) }),
      );
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json<{ id: string }>().id;
      await s.next<InboxEvent>('inbox', (d) => d.request.id === id);
      await s.close();
    } finally {
      await other.close();
    }
  });
});
