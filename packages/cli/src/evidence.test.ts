import { createHash, randomBytes } from 'node:crypto';
import {
  consistencyProof,
  ed25519Signer,
  ed25519Verifier,
  encodeEntry,
  ENTRY_SCHEMA,
  formatCheckpoint,
  formatProofDocument,
  generateSigner,
  inclusionProof,
  leafHash,
  MemoryTree,
  signNote,
} from '@porchlight/tlog';
import type { Entry } from '@porchlight/tlog';
import { describe, expect, it } from 'vitest';
import { verifyEvidence } from './evidence.js';
import { readTar, type TarEntry } from './tar.js';

const ORIGIN = 'porchlight.test/log';
const REQUEST = `rq_${randomBytes(16).toString('base64url')}`;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const T = '2026-11-20T12:00:00Z';

function disclosureEntry(seq: number, id: string, ciphertext: Uint8Array, plaintext: Uint8Array): Entry {
  return {
    schema: ENTRY_SCHEMA,
    seq,
    type: 'disclosure.created',
    time: T,
    data: {
      disclosure: id,
      request: REQUEST,
      plaintextSha256: sha256(plaintext),
      ciphertextSha256: sha256(ciphertext),
      plaintextBytes: plaintext.length,
      ciphertextBytes: ciphertext.length,
      captureStart: '2026-11-18T10:00:00Z',
      captureEnd: '2026-11-18T10:01:00Z',
    },
  };
}

/**
 * Which tree the disclosures' proofs lead to: the request proof's (`same`, as the server writes it); that
 * tree grown by two entries, with or without the consistency proof (`grown`, `grown-unproven`); a fork of it
 * of the same size (`fork`); or a fork grown by two entries, whose own consistency proof is included
 * (`fork-grown`).
 */
type DisclosureTree = 'same' | 'grown' | 'grown-unproven' | 'fork' | 'fork-grown';

/** An archive as the server writes it, over a real signed log holding the request and two disclosures. */
async function archive(origin = ORIGIN, disclosureTree: DisclosureTree = 'same') {
  const signer = generateSigner(origin);
  const ids = [0, 1].map(() => `ds_${randomBytes(16).toString('base64url')}`);
  const clips = ids.map(() => ({ plaintext: randomBytes(300), ciphertext: randomBytes(400) }));
  const entries: Entry[] = [
    { schema: ENTRY_SCHEMA, seq: 1, type: 'appeal.filed', time: T, data: { post: 3 } },
    {
      schema: ENTRY_SCHEMA,
      seq: 2,
      type: 'request.published',
      time: T,
      data: {
        request: REQUEST,
        agency: 1,
        jurisdiction: 'portland-or',
        caseNumber: 'PPB-1',
        category: 'burglary',
        legalBasis: 'warrant',
        narrative: 'Residential burglary; looking for a vehicle seen leaving around 2 am.',
        windowStart: '2026-11-18T08:00:00Z',
        windowEnd: '2026-11-18T14:00:00Z',
        responseDeadline: '2026-11-27T12:00:00Z',
        exigent: false,
        policyVersion: 1,
        policySha256: 'a'.repeat(64),
        cells: ['8828308281fffff'],
      },
    },
    ...ids.map((id, i) => disclosureEntry(3 + i, id, clips[i]!.ciphertext, clips[i]!.plaintext)),
  ];
  const leaves = entries.map(encodeEntry);
  const signed = async (treeLeaves: readonly Uint8Array[]) => {
    const tree = new MemoryTree();
    tree.append(...treeLeaves.map(leafHash));
    const note = signNote(
      formatCheckpoint({ origin, size: tree.size, rootHash: await tree.root(), extensions: [] }),
      [ed25519Signer(signer.skey)],
    );
    return { tree, note };
  };
  const later = (seq: number): Uint8Array =>
    encodeEntry({ schema: ENTRY_SCHEMA, seq, type: 'appeal.filed', time: T, data: { post: seq } });
  const forked = [later(1), ...leaves.slice(1)];
  const main = await signed(leaves);
  const other = await signed(
    {
      same: leaves,
      grown: [...leaves, later(5), later(6)],
      'grown-unproven': [...leaves, later(5), later(6)],
      fork: forked,
      'fork-grown': [...forked, later(5), later(6)],
    }[disclosureTree],
  );
  const proof = async (index: number, { tree, note } = main) =>
    new TextEncoder().encode(
      formatProofDocument({
        extra: leaves[index]!,
        index,
        proof: await inclusionProof(index, tree.size, tree),
        checkpoint: note,
      }),
    );
  const text = (s: string) => new TextEncoder().encode(s);
  const files: TarEntry[] = [
    { name: `${REQUEST}/VERIFY.txt`, data: text('how to verify') },
    { name: `${REQUEST}/request.proof`, data: await proof(1) },
  ];
  for (const [i, id] of ids.entries()) {
    const c = clips[i]!;
    files.push(
      { name: `${REQUEST}/disclosures/${id}.age`, data: c.ciphertext },
      {
        name: `${REQUEST}/disclosures/${id}.json`,
        data: text(
          JSON.stringify({
            disclosure: id,
            requestId: REQUEST,
            plaintextSha256: sha256(c.plaintext),
            ciphertextSha256: sha256(c.ciphertext),
            captureStart: '2026-11-18T10:00:00.000Z',
            captureEnd: '2026-11-18T10:01:00.000Z',
            redactions: [],
          }),
        ),
      },
      { name: `${REQUEST}/disclosures/${id}.proof`, data: await proof(2 + i, other) },
    );
  }
  if (disclosureTree === 'grown' || disclosureTree === 'fork-grown') {
    const hashes = await consistencyProof(main.tree.size, other.tree.size, other.tree);
    files.push({
      name: `${REQUEST}/consistency/${main.tree.size}-${other.tree.size}.proof`,
      data: text(hashes.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')),
    });
  }
  files.push({
    name: `${REQUEST}/SHA256SUMS`,
    data: text(ids.map((id, i) => `${sha256(clips[i]!.ciphertext)}  disclosures/${id}.age\n`).join('')),
  });
  return { files, ids, log: ed25519Verifier(signer.vkey) };
}

const replace = (files: TarEntry[], name: string, data: Uint8Array | undefined) =>
  files.flatMap((f) => (f.name.endsWith(name) ? (data ? [{ ...f, data }] : []) : [f]));

describe('porchlight evidence verify', () => {
  it('accepts an archive whose every file matches its logged, signed entry', async () => {
    const { files, ids, log } = await archive();
    const { report, problems } = verifyEvidence(files, log);
    expect(problems).toEqual([]);
    expect(report).toMatchObject({ request: REQUEST, requestLogIndex: 1 });
    expect(report!.disclosures.map((d) => [d.id, d.logIndex])).toEqual([
      [ids[0], 2],
      [ids[1], 3],
    ]);
  });

  it('names a clip whose bytes are not the logged ones', async () => {
    const { files, ids, log } = await archive();
    const age = files.find((f) => f.name.endsWith(`${ids[0]}.age`))!;
    const tampered = age.data.slice();
    tampered[17]! ^= 1;
    const { problems } = verifyEvidence(replace(files, `${ids[0]}.age`, tampered), log);
    expect(problems).toEqual([expect.stringContaining(`disclosures/${ids[0]}.age: SHA-256`)]);
  });

  it('names a proof filed under the wrong disclosure, a manifest that lies, and a missing proof', async () => {
    const { files, ids, log } = await archive();
    const other = files.find((f) => f.name.endsWith(`${ids[1]}.proof`))!.data;
    const swapped = verifyEvidence(replace(files, `${ids[0]}.proof`, other), log).problems;
    expect(swapped).toEqual([expect.stringContaining(`disclosures/${ids[0]}.proof proves another entry`)]);

    const lie = new TextEncoder().encode(JSON.stringify({ plaintextSha256: 'b'.repeat(64) }));
    const lying = verifyEvidence(replace(files, `${ids[1]}.json`, lie), log).problems;
    expect(lying).toContainEqual(expect.stringContaining(`disclosures/${ids[1]}.json: plaintextSha256`));

    const missing = verifyEvidence(replace(files, 'request.proof', undefined), log);
    expect(missing.problems).toEqual(['request.proof is missing']);
    expect(missing.report).toBeUndefined();
  });

  it('refuses every proof when checked against another log key', async () => {
    const { files } = await archive();
    const impostor = ed25519Verifier(generateSigner(ORIGIN).vkey);
    const { problems } = verifyEvidence(files, impostor);
    expect(problems).toHaveLength(3);
    for (const p of problems) expect(p).toMatch(/checkpoint is not signed by the log key/);
  });
});

describe('porchlight evidence verify: one tree', () => {
  it('accepts disclosure proofs to a later checkpoint when the archive proves it extends the request’s', async () => {
    const { files, log } = await archive(ORIGIN, 'grown');
    const { report, problems } = verifyEvidence(files, log);
    expect(problems).toEqual([]);
    expect(report!.disclosures).toHaveLength(2);
  });

  it('refuses two checkpoints of different sizes without a consistency proof between them', async () => {
    const { files, log } = await archive(ORIGIN, 'grown-unproven');
    const { problems } = verifyEvidence(files, log);
    expect(problems).toEqual([
      expect.stringMatching(
        /^request\.proof \(tree size 4\) and disclosures\/.*consistency\/4-6\.proof.*is missing$/,
      ),
    ]);
  });

  it('refuses a tampered consistency proof', async () => {
    const { files, log } = await archive(ORIGIN, 'grown');
    const name = 'consistency/4-6.proof';
    const text = new TextDecoder().decode(files.find((f) => f.name.endsWith(name))!.data);
    const bad = Buffer.from(text.split('\n')[0]!, 'base64');
    bad[0]! ^= 1;
    const tampered = text.replace(text.split('\n')[0]!, bad.toString('base64'));
    const { problems } = verifyEvidence(replace(files, name, new TextEncoder().encode(tampered)), log);
    expect(problems).toEqual([
      expect.stringContaining(`${name}: request.proof's tree is not proven a prefix`),
    ]);
  });

  it('refuses a request and disclosures shown in two forks of the log, each proof valid on its own', async () => {
    const same = await archive(ORIGIN, 'fork');
    const sameSize = verifyEvidence(same.files, same.log).problems;
    expect(sameSize.length).toBeGreaterThan(0);
    for (const p of sameSize) expect(p).toMatch(/two different trees of size 4: the log forked/);

    // A forked log cannot prove its longer branch extends the tree the request was shown in.
    const grown = await archive(ORIGIN, 'fork-grown');
    const { problems } = verifyEvidence(grown.files, grown.log);
    expect(problems).toEqual([expect.stringContaining("request.proof's tree is not proven a prefix")]);
  });
});

describe('readTar', () => {
  it('reads what GNU tar would, and refuses a header whose checksum is wrong', () => {
    const header = new Uint8Array(512);
    const enc = new TextEncoder();
    header.set(enc.encode('a/b.txt'), 0);
    header.set(enc.encode('0000644\0'), 100);
    header.set(enc.encode('00000000005\0'), 124);
    header.set(enc.encode('        '), 148);
    header[156] = '0'.charCodeAt(0);
    header.set(enc.encode('ustar\0'), 257);
    const sum = header.reduce((n, b) => n + b, 0);
    header.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const body = new Uint8Array(512);
    body.set(enc.encode('hello'));
    const tar = new Uint8Array([...header, ...body, ...new Uint8Array(1024)]);
    expect(readTar(tar)).toEqual([{ name: 'a/b.txt', data: enc.encode('hello') }]);
    tar[0] = 'z'.charCodeAt(0);
    expect(() => readTar(tar)).toThrow(/checksum/);
  });
});
