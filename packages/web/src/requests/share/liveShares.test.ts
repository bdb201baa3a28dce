import { describe, expect, it } from 'vitest';
import type { PreparedShare } from './disclosureUpload';
import {
  forgetInterruptedShares,
  interruptedShare,
  isSending,
  keepInterrupted,
  markSending,
  onSharesChanged,
  takeInterrupted,
} from './liveShares';

/** A prepared share that only counts how often its worker was stopped. */
function fakeShare() {
  const share = {
    released: 0,
    release: () => {
      share.released++;
    },
  };
  return share as unknown as PreparedShare & { released: number };
}

describe('the shares this page is sending or keeps after the connection gave up', () => {
  it('tells the unfinished-shares list about every change, and stops when unsubscribed', () => {
    let heard = 0;
    const stop = onSharesChanged(() => {
      heard++;
    });
    markSending('rq_1/cl_a', true);
    expect(isSending('rq_1/cl_a')).toBe(true);
    markSending('rq_1/cl_a', false);
    expect(isSending('rq_1/cl_a')).toBe(false);
    keepInterrupted('rq_1/cl_a', fakeShare());
    expect(heard).toBe(3);
    stop();
    markSending('rq_1/cl_b', true);
    markSending('rq_1/cl_b', false);
    expect(heard).toBe(3);
    takeInterrupted('rq_1/cl_a');
  });

  it('keeps one interrupted copy per request and clip, stopping the worker of one it replaces', () => {
    const older = fakeShare();
    const newer = fakeShare();
    keepInterrupted('rq_2/cl_a', older);
    keepInterrupted('rq_2/cl_a', newer);
    expect(older.released).toBe(1);
    expect(newer.released).toBe(0);
    expect(interruptedShare('rq_2/cl_a')).toBe(newer);
    // Keeping the same copy again (a resume that gave up again) does not stop it.
    keepInterrupted('rq_2/cl_a', newer);
    expect(newer.released).toBe(0);
    expect(takeInterrupted('rq_2/cl_a')).toBe(newer);
    expect(interruptedShare('rq_2/cl_a')).toBeUndefined();
    expect(takeInterrupted('rq_2/cl_a')).toBeUndefined();
  });

  it('forgets every kept copy at sign-out, stopping each worker, and says so to the list', () => {
    const a = fakeShare();
    const b = fakeShare();
    keepInterrupted('rq_3/cl_a', a);
    keepInterrupted('rq_4/cl_b', b);
    let heard = 0;
    const stop = onSharesChanged(() => {
      heard++;
    });
    forgetInterruptedShares();
    stop();
    expect([a.released, b.released]).toEqual([1, 1]);
    expect(interruptedShare('rq_3/cl_a')).toBeUndefined();
    expect(interruptedShare('rq_4/cl_b')).toBeUndefined();
    expect(heard).toBe(1);
  });
});
