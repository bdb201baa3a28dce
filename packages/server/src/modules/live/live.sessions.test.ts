import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../policies.js';
import { SessionBatch } from './live.sessions.js';

const viewer = (id: number): Viewer => ({ id, role: 'resident', displayName: `R${id}` });

describe('live streams re-check their sessions in batches', () => {
  it('asks once for every check made in the same turn, a thousand sessions a query', async () => {
    const calls: string[][] = [];
    const batch = new SessionBatch((tokens) => {
      calls.push(tokens);
      // Even tokens are still signed in; odd ones have ended.
      return Promise.resolve(
        new Map(
          tokens
            .filter((t) => Number(t.slice(1)) % 2 === 0)
            .map((t) => [t, { viewer: viewer(Number(t.slice(1))) }]),
        ),
      );
    });
    const tokens = Array.from({ length: 2500 }, (_, i) => `t${i}`);
    // Two streams of one session ask twice: one lookup answers both.
    const answers = await Promise.all([...tokens, 't4'].map((t) => batch.check(t)));
    expect(calls.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(answers[4]).toEqual(viewer(4));
    expect(answers[5]).toBeUndefined();
    expect(answers[2500]).toEqual(viewer(4));
    // A later tick is a new batch.
    await batch.check('t8');
    expect(calls).toHaveLength(4);
  });

  it('answers no session without asking, and passes a database failure to every waiting check', async () => {
    let asked = 0;
    const batch = new SessionBatch(() => {
      asked++;
      return Promise.reject(new Error('connection lost'));
    });
    expect(await batch.check(undefined)).toBeUndefined();
    expect(asked).toBe(0);
    const results = await Promise.allSettled([batch.check('a'), batch.check('b')]);
    expect(asked).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
