import { canonicalBoundary, DEFAULT_POLICY, type Polygon } from '@porchlight/policy';
import {
  boundaryDigest,
  canonicalJson,
  ed25519Signer,
  encodeEntry,
  ENTRY_SCHEMA,
  formatCheckpoint,
  generateSigner,
  leafHash,
  MemoryTree,
  policyDigest,
  signNote,
  SIGNATURE_TYPE_COSIGNATURE,
} from '@porchlight/tlog';
import type { Entry } from '@porchlight/tlog';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit, AuditFailure } from './audit.js';
import type { AuditOptions } from './audit.js';
import { HttpError } from './fetch-log.js';
import { buildLog, edited, logKeys, makeEntries, memoryFetch, ORIGIN, utf8 } from './log-fixture.js';
import type { LogFiles, LogKeys } from './log-fixture.js';
import { memoryStateStore } from './state.js';
import type { StateStore } from './state.js';

const BASE = 'https://porchlight.test/log';

let keys: LogKeys;
let good: LogFiles;

beforeAll(async () => {
  keys = logKeys();
  good = await buildLog(makeEntries(600), { keys });
});

/** Audits whatever `serve()` returns at call time, so a test can change the log between runs. */
function auditor(serve: () => LogFiles, store: StateStore = memoryStateStore()) {
  return (options: Partial<AuditOptions> = {}) =>
    audit({ url: BASE, fetch: memoryFetch(BASE, serve), store, key: keys.vkey, ...options });
}

function flipBit(data: Uint8Array, at: number): Uint8Array {
  data[at] = data[at]! ^ 1;
  return data;
}

async function problems(run: Promise<unknown>): Promise<readonly string[]> {
  const err: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AuditFailure)) throw new Error(`expected an audit failure, got ${String(err)}`);
  return err.problems;
}

describe('audit of a good log', () => {
  it('passes and recomputes the statistics from the entries', async () => {
    const report = await auditor(() => good)();
    expect(report).toMatchObject({ origin: ORIGIN, size: 600, keySource: 'given', witnesses: [] });
    expect(report.previous).toBeUndefined();
    // 600 = 7 * 85 + 5: the first five types get one extra; 150 entries a month.
    expect(report.stats).toEqual({
      total: 600,
      byType: {
        'appeal.decided': 85,
        'appeal.filed': 86,
        'instance.created': 86,
        'log.key_rotated': 86,
        'moderation.hidden': 86,
        'moderation.restored': 86,
        'role.changed': 85,
      },
      byMonth: { '2026-01': 150, '2026-02': 150, '2026-03': 150, '2026-04': 150 },
    });
    const checkpoint = new TextDecoder().decode(good.get('checkpoint'));
    expect(checkpoint).toContain(`\n600\n${report.root}\n`);
  });

  it('downloads every tile and entry bundle, partial ones included', async () => {
    const fetch = memoryFetch(BASE, () => good);
    await audit({ url: BASE, fetch, store: memoryStateStore(), key: keys.vkey, concurrency: 3 });
    expect(fetch.requests.sort()).toEqual([
      'checkpoint',
      'tile/0/000',
      'tile/0/001',
      'tile/0/002.p/88',
      'tile/1/000.p/2',
      'tile/entries/000',
      'tile/entries/001',
      'tile/entries/002.p/88',
    ]);
  });

  it('accepts growth that extends the history it saw, and reports the consistency check', async () => {
    const grown = await buildLog(makeEntries(900), { keys });
    let serving = good;
    const run = auditor(() => serving);
    await run();
    serving = grown;
    const report = await run();
    expect(report.size).toBe(900);
    expect(report.previous?.size).toBe(600);
  });

  it('falls back to the full tile when a partial one is gone, as tlog-tiles allows', async () => {
    const grown = await buildLog(makeEntries(800), { keys });
    const small = await buildLog(makeEntries(600), { keys });
    // The grown log published the full tile/0/002 and dropped the partial ones; its level-1 tile is still partial.
    const files = new Map(grown)
      .set('checkpoint', small.get('checkpoint')!)
      .set('tile/1/000.p/2', small.get('tile/1/000.p/2')!);
    expect(files.has('tile/0/002.p/88')).toBe(false);
    expect(files.has('tile/entries/002.p/88')).toBe(false);
    await expect(auditor(() => files)()).resolves.toMatchObject({ size: 600 });
  });

  it('audits an empty log', async () => {
    const empty = await buildLog([], { keys });
    await expect(auditor(() => empty)()).resolves.toMatchObject({ size: 0, stats: { total: 0 } });
  });
});

describe('tampering', () => {
  it('catches an edited entry even though every tile is untouched', async () => {
    // A forged but valid entry 41 (same seq, type and time; another reason) in an otherwise untouched log.
    const forged = makeEntries(600, 1, 'forged reason')[41]!;
    const forgedBundle = (await buildLog(makeEntries(600).with(41, forged), { keys })).get(
      'tile/entries/000',
    )!;
    const files = new Map(good).set('tile/entries/000', forgedBundle);
    expect(await problems(auditor(() => files)())).toEqual([
      'entry 41: tile/0/000 hash does not match the entry',
      'root recomputed from the entries does not match the checkpoint root for size 600',
    ]);
  });

  it('catches an edited level-0 tile even though every entry is untouched', async () => {
    const files = edited(good, 'tile/0/001', (data) => flipBit(data, 3 * 32));
    expect(await problems(auditor(() => files)())).toEqual([
      'entry 259: tile/0/001 hash does not match the entry',
    ]);
  });

  it('catches an edited level-1 tile, and the tile root that no longer matches', async () => {
    const files = edited(good, 'tile/1/000.p/2', (data) => flipBit(data, 32));
    expect(await problems(auditor(() => files)())).toEqual([
      'tile/1/000.p/2: hash 1 does not match the tree recomputed from the entries',
      'root computed from the hash tiles does not match the checkpoint root for size 600',
    ]);
  });

  it('catches a truncated log and keeps the larger checkpoint it saw', async () => {
    const truncated = await buildLog(makeEntries(500), { keys });
    let serving = good;
    const run = auditor(() => serving);
    await run();
    serving = truncated;
    const [problem] = await problems(run());
    expect(problem).toMatch(/^log truncated: size 500 < previously seen 600 \(on \d{4}-\d\d-\d\dT/);
    serving = good;
    await expect(run()).resolves.toMatchObject({ previous: { size: 600 } });
  });

  it('catches a fork of the same size: a different history under the same key', async () => {
    const fork = await buildLog(makeEntries(600).with(10, makeEntries(600, 1, 'rewritten')[10]!), { keys });
    let serving = good;
    const run = auditor(() => serving, memoryStateStore());
    await run({ now: () => new Date('2026-05-01T10:00:00Z') });
    serving = fork;
    expect(await problems(run())).toEqual([
      'fork: root for size 600 differs from the one seen on 2026-05-01T10:00:00.000Z',
    ]);
  });

  it('catches a fork that has grown past the checkpoint it saw', async () => {
    const fork = await buildLog(makeEntries(900).with(598, makeEntries(900, 1, 'rewritten')[598]!), { keys });
    let serving = good;
    const run = auditor(() => serving);
    await run();
    serving = fork;
    const [problem] = await problems(run());
    expect(problem).toMatch(/^fork: root for size 600 differs from the one seen on /);
  });

  it('does not remember a checkpoint from a failed audit', async () => {
    const bad = edited(good, 'tile/0/000', (d) => d.fill(0, 0, 32));
    const store = memoryStateStore();
    await problems(auditor(() => bad, store)());
    expect(await store.load(ORIGIN)).toBeUndefined();
  });
});

describe('signatures and keys', () => {
  it('rejects a checkpoint signed by another key of the same name', async () => {
    const impostor = await buildLog(makeEntries(600), { keys: logKeys() });
    const [problem] = await problems(auditor(() => impostor)());
    expect(problem).toBe(
      `checkpoint signature does not verify with key ${keys.vkey} (no signature by that key)`,
    );
  });

  it('rejects a checkpoint whose signature bytes were altered', async () => {
    const note = new TextDecoder().decode(good.get('checkpoint'));
    const tampered = note.replace(/ (\S{10})(\S)(\S*)\n$/, (_, a: string, b: string, c: string) => {
      return ` ${a}${b === 'A' ? 'B' : 'A'}${c}\n`;
    });
    const files = new Map(good).set('checkpoint', utf8(tampered));
    const [problem] = await problems(auditor(() => files)());
    expect(problem).toBe(`checkpoint signature does not verify with key ${keys.vkey} (invalid signature)`);
  });

  it('rejects a checkpoint whose origin is not the key name', async () => {
    const other = generateSigner('elsewhere.test/log');
    const [problem] = await problems(auditor(() => good)({ key: other.vkey }));
    expect(problem).toBe(
      'checkpoint origin "porchlight.test/log" does not match the key name "elsewhere.test/log"',
    );
  });

  it('trusts the served key on first use with a warning, then fails when it changes', async () => {
    const warnings: string[] = [];
    let serving = good;
    const run = auditor(() => serving);
    const report = await run({ key: undefined, onWarning: (w) => warnings.push(w) });
    expect(report.keySource).toBe('server');
    expect(warnings.join()).toMatch(/trust on first use/);

    const rotated = logKeys();
    serving = await buildLog(makeEntries(700), { keys: rotated });
    const [problem] = await problems(run({ key: undefined }));
    expect(problem).toContain(
      `verifier key for ${ORIGIN} changed from ${keys.vkey} (trusted since an earlier audit) to ${rotated.vkey}`,
    );
    expect(problem).toContain(`no log.key_rotated entry from ${keys.vkey}: refusing the new key`);
  });

  it('requires a valid cosignature from every witness given', async () => {
    const witness = generateSigner('witness.test/board', SIGNATURE_TYPE_COSIGNATURE);
    const absent = generateSigner('witness.test/absent', SIGNATURE_TYPE_COSIGNATURE);
    const cosigned = await buildLog(makeEntries(600), { keys, witnesses: [witness.skey] });
    const run = auditor(() => cosigned);
    await expect(run({ witnesses: [witness.vkey] })).resolves.toMatchObject({
      witnesses: ['witness.test/board'],
    });
    const [problem] = await problems(run({ witnesses: [witness.vkey, absent.vkey] }));
    expect(problem).toBe(
      `checkpoint has no valid cosignature from witness ${absent.vkey} (no signature by that key)`,
    );
  });
});

describe('entries', () => {
  it('reports an entry that fails its schema, even in a well-formed tree', async () => {
    const entries: (ReturnType<typeof makeEntries>[number] | Uint8Array)[] = makeEntries(300);
    // Entry 5 is an appeal.decided; give it an empty reason.
    const bad = { ...makeEntries(300)[5]!, data: { post: 1, moderator: 7, outcome: 'upheld', reason: '' } };
    entries[5] = utf8(canonicalJson(bad));
    const files = await buildLog(entries, { keys });
    expect(await problems(auditor(() => files)())).toEqual([
      'entry 5: invalid entry: data.reason must be 1–2000 characters',
    ]);
  });

  it('reports a seq that does not increase', async () => {
    const entries = makeEntries(300);
    const files = await buildLog(entries.with(200, { ...entries[200]!, seq: 150 }), { keys });
    expect(await problems(auditor(() => files)())).toEqual([
      "entry 200: seq 150 is not greater than the previous entry's seq 200",
    ]);
  });

  it('reports an entry bundle with the wrong number of entries', async () => {
    const files = new Map(good).set(
      'tile/entries/002.p/88',
      (await buildLog(makeEntries(87), { keys })).get('tile/entries/000.p/87')!,
    );
    expect(await problems(auditor(() => files)())).toEqual([
      'tile/entries/002.p/88: has 87 entries, expected 88',
    ]);
  });

  it('checks entries are canonical JSON', async () => {
    const entry = makeEntries(1)[0]!;
    const spaced = utf8(JSON.stringify(JSON.parse(new TextDecoder().decode(encodeEntry(entry))), null, 1));
    const files = await buildLog([spaced], { keys });
    expect(await problems(auditor(() => files)())).toEqual(['entry 0: invalid entry: not in canonical form']);
  });
});

describe('network', () => {
  it('reports a missing tile as an HTTP error with its URL and status', async () => {
    const files = new Map(good);
    files.delete('tile/1/000.p/2');
    const err: unknown = await auditor(() => files)().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ url: `${BASE}/tile/1/000.p/2`, status: 404 });
  });
});

describe('key rotation', () => {
  let next: LogKeys;
  let rotatedLog: LogFiles;
  let transitionNote: Uint8Array;
  // After the 600 entries `good` has, which an earlier audit saw under the old key.
  const ROTATION_AT = 650;

  /** A log whose entry ROTATION_AT announces `next`, with a transition checkpoint signed by `signers`. */
  async function rotatingLog(signers: string[], announced = next.vkey) {
    const entries: Entry[] = makeEntries(700);
    const { schema, seq, time } = entries[ROTATION_AT]!;
    entries[ROTATION_AT] = {
      schema,
      seq,
      time,
      type: 'log.key_rotated',
      data: { old: keys.vkey, new: announced },
    };
    const tree = new MemoryTree();
    tree.append(...entries.slice(0, ROTATION_AT + 1).map((e) => leafHash(encodeEntry(e))));
    const text = formatCheckpoint({
      origin: ORIGIN,
      size: ROTATION_AT + 1,
      rootHash: await tree.root(),
      extensions: [],
    });
    const files = await buildLog(entries, { keys: next });
    return {
      files,
      transition: utf8(
        signNote(
          text,
          signers.map((k) => ed25519Signer(k)),
        ),
      ),
    };
  }

  beforeAll(async () => {
    next = logKeys();
    ({ files: rotatedLog, transition: transitionNote } = await rotatingLog([keys.skey, next.skey]));
  });

  /** An auditor that saw the old log under the old key, now looking at `files`. */
  async function pinnedThen(files: LogFiles) {
    const store = memoryStateStore();
    let serving = good;
    const run = auditor(() => serving, store);
    await run();
    serving = files;
    return run;
  }

  it('follows a log.key_rotated entry whose transition checkpoint both keys signed, then trusts the new key', async () => {
    const files = new Map(rotatedLog).set(`checkpoints/${ROTATION_AT + 1}`, transitionNote);
    const run = await pinnedThen(files);
    const report = await run({ key: undefined });
    expect(report.rotations).toEqual([{ index: ROTATION_AT, from: keys.vkey, to: next.vkey }]);
    expect(report.key).toBe(next.vkey);
    // The new key is now the pinned one: no rotation to follow on the next run.
    expect((await run({ key: next.vkey })).rotations).toBeUndefined();
  });

  it('refuses the new key when the transition checkpoint is missing', async () => {
    const run = await pinnedThen(rotatedLog);
    expect(await problems(run({ key: next.vkey }))).toEqual([
      `log.key_rotated entry ${ROTATION_AT} (to ${next.vkey}) has no transition checkpoint at ${BASE}/checkpoints/${ROTATION_AT + 1}`,
    ]);
  });

  it('refuses the new key when only the new key signed the transition', async () => {
    const { files, transition } = await rotatingLog([next.skey]);
    const run = await pinnedThen(new Map(files).set(`checkpoints/${ROTATION_AT + 1}`, transition));
    const [problem] = await problems(run({ key: next.vkey }));
    expect(problem).toMatch(/transition checkpoint .* is not signed by the old key/);
    expect(problem).toContain(`refusing the new key ${next.vkey}`);
  });

  it('refuses the new key when the old key did not sign the new one in', async () => {
    const { files, transition } = await rotatingLog([keys.skey]);
    const run = await pinnedThen(new Map(files).set(`checkpoints/${ROTATION_AT + 1}`, transition));
    const [problem] = await problems(run({ key: next.vkey }));
    expect(problem).toMatch(/is not signed by the new key/);
  });

  it('refuses a transition checkpoint that is not part of the audited tree', async () => {
    // Signed by both keys, but for another history: the entry it covers differs.
    const other = await rotatingLog([keys.skey, next.skey]);
    const forkedEntries = makeEntries(ROTATION_AT + 1, 1, 'another history');
    const tree = new MemoryTree();
    tree.append(...forkedEntries.map((e) => leafHash(encodeEntry(e))));
    const text = formatCheckpoint({
      origin: ORIGIN,
      size: ROTATION_AT + 1,
      rootHash: await tree.root(),
      extensions: [],
    });
    const forged = utf8(signNote(text, [ed25519Signer(keys.skey), ed25519Signer(next.skey)]));
    const run = await pinnedThen(new Map(other.files).set(`checkpoints/${ROTATION_AT + 1}`, forged));
    const [problem] = await problems(run({ key: next.vkey }));
    expect(problem).toContain(`does not match the log's tree at size ${ROTATION_AT + 1}: a fork`);
  });
});

describe('a log started on an instance with history', () => {
  it('accepts older events after instance.created, and checks order from the second entry on', async () => {
    const history = makeEntries(10, 1);
    const created = {
      ...makeEntries(1, 11)[0]!,
      type: 'instance.created',
      data: { origin: ORIGIN, key: keys.vkey },
    } as Entry;
    const files = await buildLog([created, ...history], { keys });
    expect((await auditor(() => files)()).size).toBe(11);
    const swapped = await buildLog([created, history[1]!, history[0]!, ...history.slice(2)], { keys });
    expect(await problems(auditor(() => swapped)())).toEqual([
      "entry 2: seq 1 is not greater than the previous entry's seq 2",
    ]);
  });
});

describe('boundaries of policy.changed entries', () => {
  const boundary: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [-122.7, 45.5],
        [-122.6, 45.5],
        [-122.6, 45.6],
        [-122.7, 45.5],
      ],
    ],
  };
  const sha = boundaryDigest(boundary);
  const policy = { ...DEFAULT_POLICY, eligibleAgencyJurisdictions: ['portland-or'] };
  const changed: Entry = {
    schema: ENTRY_SCHEMA,
    seq: 21,
    type: 'policy.changed',
    time: '2026-05-01T12:00:00Z',
    data: {
      jurisdiction: 'portland-or',
      name: 'Portland, Oregon',
      version: 1,
      sha256: policyDigest(policy),
      policy,
      boundarySha256: sha,
      admin: 1,
      reason: 'Adopted by council',
    },
  };
  let log: LogFiles;
  beforeAll(async () => {
    log = await buildLog([...makeEntries(20), changed], { keys });
  });

  it('passes when the log serves each logged boundary as the bytes that hash to it', async () => {
    const served = new Map(log).set(`boundary/${sha}`, utf8(canonicalBoundary(boundary)));
    const fetch = memoryFetch(BASE, () => served);
    await audit({ url: BASE, fetch, store: memoryStateStore(), key: keys.vkey });
    expect(fetch.requests).toContain(`boundary/${sha}`);
  });

  it('fails, naming the entry, when a boundary is missing or is not the one logged', async () => {
    expect(await problems(auditor(() => log)())).toEqual([
      expect.stringMatching(/^entry 20 \(policy\.changed\): its boundary is not served: .*404/),
    ]);
    const moved: Polygon = {
      type: 'Polygon',
      coordinates: [boundary.coordinates[0]!.map(([x, y]) => [x + 0.01, y] as [number, number])],
    };
    const swapped = new Map(log).set(`boundary/${sha}`, utf8(canonicalBoundary(moved)));
    expect(await problems(auditor(() => swapped)())).toEqual([
      expect.stringContaining(`entry 20 (policy.changed): ${BASE}/boundary/${sha} hashes to`),
    ]);
  });
});
