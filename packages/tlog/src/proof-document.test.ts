import { beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import { cosignatureSigner, cosignatureVerifier } from './cosignature.js';
import { leafHash } from './hash.js';
import { ed25519Signer, ed25519Verifier, signNote } from './note.js';
import { inclusionProof } from './proof.js';
import {
  formatProofDocument,
  parseProofDocument,
  PROOF_DOCUMENT_HEADER,
  verifyProofDocument,
} from './proof-document.js';
import { MemoryTree } from './tree.js';
import { generateSigner, SIGNATURE_TYPE_COSIGNATURE } from './vkey.js';

const ORIGIN = 'example.com/fancylog';
const log = generateSigner(ORIGIN);
const witness = generateSigner('witness1.example', SIGNATURE_TYPE_COSIGNATURE);
const utf8 = new TextEncoder();
const entries = Array.from({ length: 300 }, (_, i) => utf8.encode(`{"entry":${i}}`));

async function signedLog(size: number, signers = [ed25519Signer(log.skey)]) {
  const tree = new MemoryTree();
  tree.append(...entries.slice(0, size).map(leafHash));
  const text = formatCheckpoint({ origin: ORIGIN, size, rootHash: await tree.root(), extensions: [] });
  return { tree, checkpoint: signNote(text, signers) };
}

async function proofFor(index: number, size = 300, extra?: Uint8Array): Promise<string> {
  const { tree, checkpoint } = await signedLog(size);
  return formatProofDocument({
    index,
    proof: await inclusionProof(index, size, tree),
    checkpoint,
    ...(extra && { extra }),
  });
}

const policy = { log: [ed25519Verifier(log.vkey)] };

function failure(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the proof to be rejected');
}

describe('tlog-proof documents', () => {
  it('are laid out as c2sp.org/tlog-proof@v1 says: header, extra, index, hashes, blank line, checkpoint', async () => {
    const text = await proofFor(73, 300, utf8.encode('age-v1.2.1'));
    const lines = text.split('\n');
    expect(lines[0]).toBe(PROOF_DOCUMENT_HEADER);
    expect(lines[1]).toBe(`extra ${Buffer.from('age-v1.2.1').toString('base64')}`);
    expect(lines[2]).toBe('index 73');
    // 300 leaves: 9 levels, every hash a base64 SHA-256.
    const hashes = lines.slice(3, lines.indexOf(''));
    expect(hashes).toHaveLength(9);
    for (const h of hashes) expect(Buffer.from(h, 'base64')).toHaveLength(32);
    expect(text.slice(text.indexOf('\n\n') + 2)).toBe((await signedLog(300)).checkpoint);
    expect((await proofFor(0, 1)).startsWith(`${PROOF_DOCUMENT_HEADER}\nindex 0\n\n${ORIGIN}\n1\n`)).toBe(
      true,
    );
  });

  it('round-trip through parse and format', async () => {
    const text = await proofFor(255, 300, utf8.encode('x'));
    expect(formatProofDocument(parseProofDocument(text))).toBe(text);
  });

  it('verify for every leaf of trees of several sizes', async () => {
    for (const size of [1, 2, 3, 7, 8, 255, 256, 257, 300]) {
      for (const index of new Set([0, 1, size >> 1, size - 2, size - 1].filter((i) => i >= 0 && i < size))) {
        const verified = verifyProofDocument(await proofFor(index, size), entries[index]!, policy);
        expect(verified.index).toBe(index);
        expect(verified.checkpoint.size).toBe(size);
        expect(verified.signatures.map((s) => s.name)).toEqual([ORIGIN]);
      }
    }
  });

  it('require a cosignature from every witness in the policy', async () => {
    const { tree, checkpoint } = await signedLog(300, [
      ed25519Signer(log.skey),
      cosignatureSigner(witness.skey, { now: () => 1_790_000_000 }),
    ]);
    const text = formatProofDocument({ index: 5, proof: await inclusionProof(5, 300, tree), checkpoint });
    const witnesses = [cosignatureVerifier(witness.vkey)];
    expect(verifyProofDocument(text, entries[5]!, { ...policy, witnesses }).index).toBe(5);
    const unwitnessed = await proofFor(5);
    expect(failure(() => verifyProofDocument(unwitnessed, entries[5]!, { ...policy, witnesses }))).toMatch(
      /^checkpoint has no valid cosignature by witness witness1\.example/,
    );
  });
});

describe('tampered tlog-proof documents fail with the reason', () => {
  let text: string;
  beforeAll(async () => {
    text = await proofFor(100);
  });
  const verify = (doc: string, entry = entries[100]!) =>
    failure(() => verifyProofDocument(doc, entry, policy));

  it('another entry than the one proven', () => {
    expect(verify(text, entries[101])).toBe(
      'inclusion proof does not show this entry at index 100 in the tree of size 300: root mismatch',
    );
  });

  it('an edited index', () => {
    expect(verify(text.replace('index 100\n', 'index 101\n'))).toMatch(/^inclusion proof does not show/);
    expect(verify(text.replace('index 100\n', 'index 300\n'))).toBe(
      "index 300 is not in the checkpoint's tree of size 300",
    );
  });

  it('an edited proof hash', () => {
    const lines = text.split('\n');
    lines[3] = Buffer.alloc(32, 7).toString('base64');
    expect(verify(lines.join('\n'))).toMatch(/root mismatch$/);
  });

  it('a dropped proof hash', () => {
    const lines = text.split('\n');
    lines.splice(3, 1);
    expect(verify(lines.join('\n'))).toMatch(/wrong proof size$/);
  });

  it('a checkpoint with another tree size or root, so its signature no longer verifies', () => {
    expect(verify(text.replace(`${ORIGIN}\n300\n`, `${ORIGIN}\n301\n`))).toBe(
      'checkpoint is not signed by the log key: invalid signature',
    );
  });

  it('a checkpoint signed by another key of the same name', async () => {
    const other = generateSigner(ORIGIN);
    const { tree, checkpoint } = await signedLog(300, [ed25519Signer(other.skey)]);
    const forged = formatProofDocument({
      index: 100,
      proof: await inclusionProof(100, 300, tree),
      checkpoint,
    });
    expect(verify(forged)).toBe('checkpoint is not signed by the log key: no verifiable signatures');
  });

  it('a checkpoint for another origin', () => {
    const policyElsewhere = { log: policy.log, origin: 'example.com/otherlog' };
    expect(failure(() => verifyProofDocument(text, entries[100]!, policyElsewhere))).toBe(
      'checkpoint is not signed by the log key: unexpected checkpoint origin',
    );
  });

  it('malformed documents, each named', () => {
    const bad: [string, string][] = [
      [text.replace(PROOF_DOCUMENT_HEADER, 'c2sp.org/tlog-proof@v2'), 'proof document must start with'],
      [text.replace('index 100', 'index 0100'), 'index "0100" is not a decimal'],
      [text.replace('index 100', 'idx 100'), 'has no "index" line'],
      [text.replace('\n\n', '\n'), 'proof hash'],
      [text.split('\n\n')[0]!, 'no blank line'],
      [text.replace('index 100', 'extra !!\nindex 100'), 'extra data is not base64'],
      [text.replace(/— .*\n$/, ''), 'checkpoint is malformed'],
    ];
    for (const [doc, reason] of bad) expect(failure(() => parseProofDocument(doc))).toContain(reason);
  });
});
