import { generateIdentity } from '@porchlight/age';
import { beforeEach, describe, expect, it } from 'vitest';
import { KeyTransparencyError } from './checkpoints';
import { verifyLoggedEntry } from './proofs';
import { verifyAgencyRecipients, type ListedRecipient } from './recipients';
import { TestLog } from './test-support/testLog';
import { memoryTrust, type TrustStore } from './trustStore';

const AGENCY = 7;

async function recipient(): Promise<string> {
  return (await generateIdentity()).recipient;
}

/** Other accountability entries, so the tree spans more than one tile and proofs have depth. */
function filler(log: TestLog, count: number): void {
  for (let i = 0; i < count; i++) log.append('appeal.filed', { post: i + 1 });
}

async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (err) {
    expect(err).toBeInstanceOf(KeyTransparencyError);
    return (err as Error).message;
  }
  throw new Error('expected the recipients to be refused');
}

describe('verifying an agency recipient set against the transparency log', () => {
  let log: TestLog;
  let trust: TrustStore;
  let alice: string;
  let bob: string;
  let listing: ListedRecipient[];

  beforeEach(async () => {
    log = new TestLog();
    trust = memoryTrust();
    [alice, bob] = [await recipient(), await recipient()];
    filler(log, 300);
    const a = log.append('agency.key_added', { agency: AGENCY, recipient: alice });
    filler(log, 20);
    const b = log.append('agency.key_added', { agency: AGENCY, recipient: bob });
    listing = [
      { recipient: alice, addedLogIndex: a, removedLogIndex: null },
      { recipient: bob, addedLogIndex: b, removedLogIndex: null },
    ];
  });

  const check = (items = listing, source = log) =>
    verifyAgencyRecipients({ agencyId: AGENCY, listing: items, log: source, trust });

  it('accepts keys proven in the log, pins the log key and remembers the checkpoint', async () => {
    const verified = await check();
    expect(verified.recipients).toEqual([alice, bob].sort());
    expect(verified.checkpointSize).toBe(log.tree.size);
    expect(trust.get()).toMatchObject({ key: log.signer.vkey, size: log.tree.size });
  });

  it('follows the log as it grows, proving each new checkpoint extends the last one seen', async () => {
    await check();
    filler(log, 700);
    const carol = await recipient();
    const c = log.append('agency.key_added', { agency: AGENCY, recipient: carol });
    const verified = await check([...listing, { recipient: carol, addedLogIndex: c, removedLogIndex: null }]);
    expect(verified.recipients).toContain(carol);
    expect(trust.get()?.size).toBe(log.tree.size);
  });

  it('leaves out a key listed as removed, and refuses when no key is left', async () => {
    const removed = log.append('agency.key_removed', { agency: AGENCY, recipient: bob });
    const items = [listing[0]!, { ...listing[1]!, removedLogIndex: removed }];
    expect((await check(items)).recipients).toEqual([alice]);
    const none = items.map((r) => ({ ...r, removedLogIndex: removed }));
    expect(await refusal(check(none))).toMatch(/no key in the transparency log/);
  });

  it('refuses an operator key listed under the log index of a real member key', async () => {
    const operator = await recipient();
    const swapped = [listing[0]!, { ...listing[1]!, recipient: operator }];
    expect(await refusal(check(swapped))).toMatch(/does not add this key to this agency/);
  });

  it('refuses a key that the log added to a different agency', async () => {
    const other = await recipient();
    const at = log.append('agency.key_added', { agency: AGENCY + 1, recipient: other });
    const items = [...listing, { recipient: other, addedLogIndex: at, removedLogIndex: null }];
    expect(await refusal(check(items))).toMatch(/does not add this key to this agency/);
  });

  it('refuses a key "proven" by an entry of another type or a log index that does not exist', async () => {
    const operator = await recipient();
    expect(
      await refusal(check([...listing, { recipient: operator, addedLogIndex: 3, removedLogIndex: null }])),
    ).toMatch(/log entry 3 says: that entry does not add this key/);
    expect(
      await refusal(
        check([...listing, { recipient: operator, addedLogIndex: 99_999, removedLogIndex: null }]),
      ),
    ).toMatch(/has no proof/);
  });

  it('refuses a forked log: the operator signs a rewritten history that adds its own key', async () => {
    await check();
    // The operator holds the log key, so it can sign anything; what it cannot do is make the fork
    // consistent with the checkpoint this browser already verified.
    const fork = new TestLog(log.origin);
    fork.signer = log.signer;
    fork.servedKey = log.servedKey;
    filler(fork, 330);
    const operator = await recipient();
    const at = fork.append('agency.key_added', { agency: AGENCY, recipient: operator });
    const items = [{ recipient: operator, addedLogIndex: at, removedLogIndex: null }];
    expect(await refusal(check(items, fork))).toMatch(/not consistent .* rewritten or forked/);
  });

  it('refuses when the log presents a different key than the one pinned on first use', async () => {
    await check();
    const impostor = new TestLog(log.origin);
    impostor.entries = log.entries;
    impostor.tree = log.tree;
    const operator = await recipient();
    impostor.append('agency.key_added', { agency: AGENCY, recipient: operator });
    expect(await refusal(check(listing, impostor))).toMatch(
      /different signing key than the one this browser pinned/,
    );
  });

  it('follows a log key rotation signed by the old key: sharing still works and the new key is pinned', async () => {
    await check();
    const at = await log.rotate();
    filler(log, 5);
    const carol = await recipient();
    const c = log.append('agency.key_added', { agency: AGENCY, recipient: carol });
    const verified = await check([...listing, { recipient: carol, addedLogIndex: c, removedLogIndex: null }]);
    expect(verified.recipients).toEqual([alice, bob, carol].sort());
    expect(trust.get()).toMatchObject({ key: log.signer.vkey, size: log.tree.size });
    expect(at).toBeLessThan(c);
    // Twice over: a second rotation is followed from the key pinned after the first.
    await log.rotate();
    await check();
    expect(trust.get()!.key).toBe(log.signer.vkey);
  });

  it('refuses a rotation the old key never signed, even though the entry is in the log', async () => {
    await check();
    const pinned = trust.get()!.key;
    await log.rotate({ oldKeySigns: false });
    expect(await refusal(check())).toMatch(
      /different signing key .* no transition checkpoint signed by both the old and the new key/s,
    );
    expect(trust.get()!.key).toBe(pinned);
  });

  it('refuses checkpoints not signed by the key the log presents', async () => {
    const impostor = new TestLog(log.origin);
    impostor.entries = log.entries;
    impostor.tree = log.tree;
    impostor.servedKey = log.signer.vkey;
    expect(await refusal(check(listing, impostor))).toMatch(/not signed by the pinned log key/);
  });

  it('refuses a key that is not sequenced yet, and leaves out one the server no longer counts', async () => {
    expect(
      await refusal(
        check([...listing, { ...listing[0]!, recipient: await recipient(), addedLogIndex: null }]),
      ),
    ).toMatch(/not in the transparency log yet/);
    expect((await check([listing[0]!, { ...listing[1]!, current: false }])).recipients).toEqual([alice]);
  });

  it('refuses a listing that is not an age recipient or names one key twice', async () => {
    expect(await refusal(check([{ ...listing[0]!, recipient: 'ssh-ed25519 AAAA' }]))).toMatch(
      /not an age X25519 recipient/,
    );
    expect(await refusal(check([listing[0]!, listing[0]!]))).toMatch(/listed twice/);
  });
});

describe('verifying that a request was published on the log', () => {
  it('accepts the request.published entry of that request, and refuses any other entry', async () => {
    const log = new TestLog();
    const trust = memoryTrust();
    filler(log, 40);
    const at = log.append('request.published', { request: 'rq_AAAAAAAAAAAAAAAAAAAAAA', agency: AGENCY });
    const check = (index: number, id: string) =>
      verifyLoggedEntry({
        log,
        trust,
        index,
        type: 'request.published',
        what: `the publication of request ${id}`,
        matches: (data) => data.request === id,
      });
    expect((await check(at, 'rq_AAAAAAAAAAAAAAAAAAAAAA')).checkpointSize).toBe(log.tree.size);
    expect(await refusal(check(at, 'rq_BBBBBBBBBBBBBBBBBBBBBB'))).toMatch(
      /Log entry 40 is not the publication of request rq_B/,
    );
    expect(await refusal(check(3, 'rq_AAAAAAAAAAAAAAAAAAAAAA'))).toMatch(/Log entry 3 is not/);
  });
});
