import { describe, expect, it } from 'vitest';
import type { Deps } from '../../deps.js';
import { areaCellsCovering } from '../../geo/cells.js';
import { memoryBus, parseLiveMessage } from '../../infra/live/bus.js';
import { LiveService, type LiveEventName, type LiveSubscriber } from './live.service.js';

const PORTLAND = { lat: 45.5152, lng: -122.6784 };

function subscriber(userId: number, got: [number, LiveEventName, string][]): LiveSubscriber {
  return {
    home: PORTLAND,
    radiusM: 1_600,
    areaCells: areaCellsCovering(PORTLAND, 1_600),
    viewer: { id: userId, role: 'resident', displayName: `User ${userId}` },
    send: (event, data) => got.push([userId, event, data]),
    close: () => undefined,
  };
}

const REQUEST = 'rq_AAAAAAAAAAAAAAAAAAAAAA';

describe('the per-user live channel', () => {
  it('asks the preparer only about accounts with a stream open here, and sends each its own payload', async () => {
    const bus = memoryBus();
    const live = new LiveService({ live: bus } as unknown as Deps);
    const asked: number[][] = [];
    live.useUserMessages('inbox.request', (m, userIds) => {
      asked.push([...userIds].sort());
      return Promise.resolve(
        new Map([
          [2, `for 2 about ${m.requestId}`],
          [3, 'for 3'],
          [9, 'for 9, offline'],
        ]),
      );
    });
    const got: [number, LiveEventName, string][] = [];
    live.attach(subscriber(1, got));
    live.attach(subscriber(2, got));
    live.attach(subscriber(2, got));
    const detach3 = live.attach(subscriber(3, got));
    detach3();
    await bus.publish({ kind: 'inbox.request', requestId: REQUEST });
    await live.settled();
    expect(asked).toEqual([[1, 2]]);
    // Both of account 2's streams get it; account 3 left before it was sent; 9 was never here.
    expect(got).toEqual([
      [2, 'inbox', `for 2 about ${REQUEST}`],
      [2, 'inbox', `for 2 about ${REQUEST}`],
    ]);
  });

  it('does no work when nobody is connected, and a failing preparer does not stop later messages', async () => {
    const bus = memoryBus();
    const live = new LiveService({ live: bus } as unknown as Deps);
    let calls = 0;
    live.useUserMessages('inbox.request', () => {
      calls += 1;
      return calls === 1
        ? Promise.reject(new Error('database hiccup'))
        : Promise.resolve(new Map([[1, 'ok']]));
    });
    await bus.publish({ kind: 'inbox.request', requestId: REQUEST });
    await live.settled();
    expect(calls).toBe(0);
    const got: [number, LiveEventName, string][] = [];
    live.attach(subscriber(1, got));
    await bus.publish({ kind: 'inbox.request', requestId: REQUEST });
    await bus.publish({ kind: 'inbox.request', requestId: REQUEST });
    await live.settled();
    expect(calls).toBe(2);
    expect(got).toEqual([[1, 'inbox', 'ok']]);
  });
});

describe('inbox messages from other processes', () => {
  it('carry only a well-formed request id; anything else is dropped', () => {
    expect(parseLiveMessage(JSON.stringify({ kind: 'inbox.request', requestId: REQUEST }))).toEqual({
      kind: 'inbox.request',
      requestId: REQUEST,
    });
    for (const requestId of [undefined, 42, 'rq_short', `${REQUEST}x`, "rq_'; DROP TABLE--AAAAAAAAAA"]) {
      expect(parseLiveMessage(JSON.stringify({ kind: 'inbox.request', requestId }))).toBeUndefined();
    }
  });
});
