import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import { cosignatureSigner, cosignatureVerifier } from './cosignature.js';
import { emptyRoot, leafHash } from './hash.js';
import { ed25519Signer, ed25519Verifier, signNote } from './note.js';
import { consistencyProof } from './proof.js';
import { MemoryTree } from './tree.js';
import { generateSigner } from './vkey.js';
import {
  acceptCosignatures,
  cosignCheckpoint,
  decideAddCheckpoint,
  formatAddCheckpoint,
  formatTreeSize,
  parseAddCheckpoint,
  parseTreeSize,
  type WitnessedCheckpoint,
  type WitnessedLog,
} from './witness.js';

const ORIGIN = 'porchlight.test/log';
const logKey = generateSigner(ORIGIN);
const otherKey = generateSigner(ORIGIN);
const witnessKey = generateSigner('witness.test/w1', 0x04);
const logs: WitnessedLog[] = [{ origin: ORIGIN, verifiers: [ed25519Verifier(logKey.vkey)] }];

const tree = new MemoryTree();
tree.append(...Array.from({ length: 40 }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`))));
const forkTree = new MemoryTree();
forkTree.append(...Array.from({ length: 40 }, (_, i) => leafHash(new TextEncoder().encode(`forged ${i}`))));

async function signed(size: number, t = tree, skey = logKey.skey): Promise<string> {
  const text = formatCheckpoint({ origin: ORIGIN, size, rootHash: await t.root(size), extensions: [] });
  return signNote(text, [ed25519Signer(skey)]);
}

async function state(size: number, t = tree): Promise<WitnessedCheckpoint> {
  return { size, rootHash: await t.root(size) };
}

async function submit(oldSize: number, size: number, known?: WitnessedCheckpoint, t = tree) {
  const proof = oldSize > 0 && oldSize < size ? await consistencyProof(oldSize, size, t) : [];
  const body = formatAddCheckpoint({ oldSize, proof, checkpoint: await signed(size, t) });
  return decideAddCheckpoint(parseAddCheckpoint(body), logs, () => known);
}

describe('add-checkpoint request encoding', () => {
  it('matches the layout of the c2sp.org/tlog-witness example and round-trips', async () => {
    const proof = await consistencyProof(7, 20, tree);
    const checkpoint = await signed(20);
    const body = formatAddCheckpoint({ oldSize: 7, proof, checkpoint });
    const lines = body.split('\n');
    expect(lines[0]).toBe('old 7');
    expect(lines.slice(1, 1 + proof.length).every((l) => /^[A-Za-z0-9+/]{43}=$/.test(l))).toBe(true);
    expect(lines[1 + proof.length]).toBe('');
    expect(body.endsWith(checkpoint)).toBe(true);
    expect(parseAddCheckpoint(body)).toEqual({ oldSize: 7, proof, checkpoint });
    expect(parseAddCheckpoint(new TextEncoder().encode(body))).toEqual({ oldSize: 7, proof, checkpoint });
  });

  it('parses the spec example body (old size, four proof lines, a checkpoint with two signatures)', () => {
    const body =
      'old 20852014\n' +
      'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n' +
      'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n' +
      '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n' +
      '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n' +
      '\n' +
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
      '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
      '\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';
    const request = parseAddCheckpoint(body);
    expect(request.oldSize).toBe(20852014);
    expect(request.proof).toHaveLength(4);
    expect(request.checkpoint.startsWith('example.com/behind-the-sofa\n20852163\n')).toBe(true);
  });

  it.each([
    ['no old line', ''],
    ['a bad keyword', 'new 5\n\n'],
    ['a leading zero', 'old 05\n\n'],
    ['a negative size', 'old -1\n\n'],
    ['a size past 2^53', 'old 9007199254740993\n\n'],
    ['two spaces', 'old  5\n\n'],
    ['a proof line that is not base64', 'old 5\nnot base64!\n\n'],
    ['a proof line of 31 bytes', `old 5\n${Buffer.alloc(31).toString('base64')}\n\n`],
    ['no blank line', 'old 5\n'],
    ['64 proof lines', `old 5\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(64)}\n`],
  ])('rejects a body with %s', async (_what, head) => {
    const note = await signed(5);
    expect(() => parseAddCheckpoint(`${head}${head.endsWith('\n\n') ? note : ''}`)).toThrow();
  });

  it('rejects a body whose note or checkpoint is malformed', () => {
    expect(() => parseAddCheckpoint('old 0\n\nnot a note')).toThrow();
    const notCheckpoint = signNote('just\n', [ed25519Signer(logKey.skey)]);
    expect(() => parseAddCheckpoint(`old 0\n\n${notCheckpoint}`)).toThrow(/checkpoint/);
    expect(() => parseAddCheckpoint(Uint8Array.of(0x6f, 0x6c, 0x64, 0xff))).toThrow(/utf-8/);
  });

  it('accepts 63 proof lines, the most the spec allows', async () => {
    const body = `old 5\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(63)}\n${await signed(5)}`;
    expect(parseAddCheckpoint(body).proof).toHaveLength(63);
  });

  it('formats and parses the 409 tree size body', () => {
    expect(formatTreeSize(42)).toBe('42\n');
    expect(parseTreeSize('42\n')).toBe(42);
    for (const bad of ['42', '042\n', '\n', '-1\n', '4 2\n']) expect(() => parseTreeSize(bad)).toThrow();
  });
});

describe('the witness decision', () => {
  it('cosigns the first checkpoint of a log from old size 0 (trust on first use)', async () => {
    const decision = await submit(0, 10);
    expect(decision).toMatchObject({ kind: 'accept', origin: ORIGIN, next: await state(10) });
  });

  it('cosigns a consistent extension from the size it last cosigned', async () => {
    for (const [from, to] of [
      [10, 11],
      [10, 40],
      [1, 2],
      [7, 8],
      [16, 32],
    ] as const) {
      expect(await submit(from, to, await state(from)), `${from} → ${to}`).toMatchObject({
        kind: 'accept',
        next: await state(to),
      });
    }
  });

  it('re-cosigns the same checkpoint (same size, same root) with an empty proof', async () => {
    expect(await submit(10, 10, await state(10))).toMatchObject({ kind: 'accept', next: await state(10) });
  });

  it('answers 404 for a log it does not witness', () => {
    const stranger = generateSigner('elsewhere.test/log');
    const text = formatCheckpoint({
      origin: 'elsewhere.test/log',
      size: 1,
      rootHash: emptyRoot(),
      extensions: [],
    });
    const body = formatAddCheckpoint({
      oldSize: 0,
      proof: [],
      checkpoint: signNote(text, [ed25519Signer(stranger.skey)]),
    });
    expect(decideAddCheckpoint(parseAddCheckpoint(body), logs, () => undefined)).toMatchObject({
      kind: 'refuse',
      status: 404,
    });
  });

  it('answers 403 when no trusted log key signed, even if the key name matches', async () => {
    const body = formatAddCheckpoint({
      oldSize: 0,
      proof: [],
      checkpoint: await signed(10, tree, otherKey.skey),
    });
    expect(decideAddCheckpoint(parseAddCheckpoint(body), logs, () => undefined)).toMatchObject({
      kind: 'refuse',
      status: 403,
    });
    // A known key's signature line over different text does not verify either.
    const good = await signed(10);
    const tampered = good.replace('\n10\n', '\n11\n');
    const forged = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: tampered });
    expect(decideAddCheckpoint(parseAddCheckpoint(forged), logs, () => undefined)).toMatchObject({
      status: 403,
    });
  });

  it('ignores signatures from unknown keys next to a valid one', async () => {
    const text = formatCheckpoint({
      origin: ORIGIN,
      size: 10,
      rootHash: await tree.root(10),
      extensions: [],
    });
    const note = signNote(text, [ed25519Signer(otherKey.skey), ed25519Signer(logKey.skey)]);
    const body = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: note });
    expect(decideAddCheckpoint(parseAddCheckpoint(body), logs, () => undefined)).toMatchObject({
      kind: 'accept',
    });
  });

  it('answers 400 when the old size is above the checkpoint size', async () => {
    const body = formatAddCheckpoint({ oldSize: 11, proof: [], checkpoint: await signed(10) });
    expect(decideAddCheckpoint(parseAddCheckpoint(body), logs, () => undefined)).toMatchObject({
      status: 400,
    });
  });

  it('answers 409 with its known size when the old size is not the one it cosigned', async () => {
    expect(await submit(0, 20, await state(10))).toMatchObject({
      status: 409,
      knownSize: 10,
      evidence: false,
    });
    expect(await submit(5, 20, await state(10))).toMatchObject({ status: 409, knownSize: 10 });
    expect(await submit(5, 20, undefined)).toMatchObject({ status: 409, knownSize: 0 });
  });

  it('refuses a rollback: a smaller checkpoint than the one cosigned, whatever old size is claimed', async () => {
    expect(await submit(5, 5, await state(10))).toMatchObject({ status: 409, knownSize: 10, evidence: true });
    expect(await submit(10, 5, await state(10))).toMatchObject({ status: 400 });
  });

  it('refuses a fork at the same size (409) and a fork at a larger size (422), both as evidence', async () => {
    expect(await submit(10, 10, await state(10), forkTree)).toMatchObject({
      status: 409,
      knownSize: 10,
      evidence: true,
    });
    expect(await submit(10, 20, await state(10), forkTree)).toMatchObject({ status: 422, evidence: true });
  });

  it('answers 422 for a proof that does not verify, and for a non-empty proof where none is allowed', async () => {
    const checkpoint = await signed(20);
    const proof = await consistencyProof(10, 20, tree);
    const wrong = [...proof.slice(0, -1), new Uint8Array(32)];
    const decide = (oldSize: number, p: Uint8Array[], known?: WitnessedCheckpoint) =>
      decideAddCheckpoint(
        parseAddCheckpoint(formatAddCheckpoint({ oldSize, proof: p, checkpoint })),
        logs,
        () => known,
      );
    expect(decide(10, wrong, await state(10))).toMatchObject({ status: 422 });
    expect(decide(10, proof.slice(1), await state(10))).toMatchObject({ status: 422 });
    expect(decide(10, [], await state(10))).toMatchObject({ status: 422 });
    expect(decide(0, proof, undefined)).toMatchObject({ status: 422 });
    expect(decide(20, proof, await state(20))).toMatchObject({ status: 422 });
  });

  it('accepts exactly the consistent extensions (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (a, b, fork) => {
          const [from, to] = a <= b ? [a, b] : [b, a];
          const decision = await submit(from, to, await state(from), fork ? forkTree : tree);
          expect(decision.kind).toBe(fork ? 'refuse' : 'accept');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('cosignatures in the 200 response', () => {
  it('are cosignature/v1 lines a client can verify and move onto its checkpoint', async () => {
    const checkpoint = await signed(10);
    const text = checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);
    const body = cosignCheckpoint(text, [cosignatureSigner(witnessKey.skey, { now: () => 1_700_000_000 })]);
    expect(body).toMatch(/^\u2014 witness\.test\/w1 [A-Za-z0-9+/]+=*\n$/);
    const verifier = cosignatureVerifier(witnessKey.vkey);
    const [cosignature] = acceptCosignatures(checkpoint, body, verifier);
    expect(cosignature).toMatchObject({ name: 'witness.test/w1', keyId: verifier.keyId });
  });

  it('are refused when they are not by the expected witness, do not verify, or are not signature lines', async () => {
    const checkpoint = await signed(10);
    const other = await signed(11);
    const otherText = other.slice(0, other.indexOf('\n\n') + 1);
    const signer = cosignatureSigner(witnessKey.skey);
    const verifier = cosignatureVerifier(witnessKey.vkey);
    const impostor = generateSigner('witness.test/w1', 0x04);
    const text = checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1);
    expect(() => acceptCosignatures(checkpoint, cosignCheckpoint(otherText, [signer]), verifier)).toThrow(
      /verify/,
    );
    expect(() =>
      acceptCosignatures(checkpoint, cosignCheckpoint(text, [cosignatureSigner(impostor.skey)]), verifier),
    ).toThrow(/no cosignature/);
    expect(() => acceptCosignatures(checkpoint, '', verifier)).toThrow();
    expect(() => acceptCosignatures(checkpoint, 'ok\n', verifier)).toThrow();
  });
});
