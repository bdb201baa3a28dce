import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from './hash.js';
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from './proof.js';
import { MemoryTree } from './tree.js';

const testdata = fileURLToPath(
  new URL('../../../../shared/vectors/tlog/transparency-dev-merkle/testdata/', import.meta.url),
);

function probes<T>(dir: string): [string, T][] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.json') ? [join(d, e.name)] : [],
    );
  return walk(join(testdata, dir))
    .sort()
    .map((file) => [relative(testdata, file), JSON.parse(readFileSync(file, 'utf8')) as T]);
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const proofOf = (p: string[] | null) => (p ?? []).map(b64);

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

// Indexes are numbers up to 2**53. A probe index of 2**64 - 1 parses as an unsafe number, which the
// API rejects; those probes all want an error, which the test asserts rather than skips.
describe('transparency-dev/merkle inclusion probes', () => {
  const all = probes<InclusionProbe>('inclusion');
  it('loads every probe', () => {
    expect(all.length).toBe(98);
  });
  it.each(all)('%s', (_, p) => {
    const verify = () => {
      verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), proofOf(p.proof), b64(p.root));
    };
    if (p.wantErr) expect(verify).toThrow();
    else expect(verify).not.toThrow();
  });
});

describe('transparency-dev/merkle consistency probes', () => {
  const all = probes<ConsistencyProbe>('consistency');
  it('loads every probe', () => {
    expect(all.length).toBe(98);
  });
  it.each(all)('%s', (_, p) => {
    const verify = () => {
      verifyConsistency(p.size1, p.size2, proofOf(p.proof), b64(p.root1), b64(p.root2));
    };
    if (p.wantErr) expect(verify).toThrow();
    else expect(verify).not.toThrow();
  });
});

const vectors = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../../shared/vectors/tlog/rfc6962-8leaf-tree.json', import.meta.url)),
    'utf8',
  ),
) as { leafInputsHex: string[] };

function treeOf(leaves: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < leaves; i++) tree.append(leafHash(Uint8Array.of(i & 0xff, i >> 8)));
  return tree;
}

function flipped(proof: Uint8Array[], at: number, bit: number): Uint8Array[] {
  return proof.map((h, i) =>
    i === at ? h.map((byte, j) => (j === bit >> 3 ? byte ^ (1 << (bit & 7)) : byte)) : h,
  );
}

describe('proof generation', () => {
  it('reproduces every happy-path probe over the RFC 6962 8-leaf tree', async () => {
    const tree = new MemoryTree();
    tree.append(...vectors.leafInputsHex.map((h) => leafHash(Buffer.from(h, 'hex'))));
    const happy = probes<InclusionProbe>('inclusion').filter(([f, p]) => /^\w+\/\d\//.test(f) && !p.wantErr);
    expect(happy.length).toBeGreaterThan(0);
    for (const [, p] of happy) {
      const proof = await inclusionProof(p.leafIdx, p.treeSize, tree);
      expect(proof.map((h) => Buffer.from(h).toString('base64'))).toEqual(p.proof ?? []);
    }
    const consistent = probes<ConsistencyProbe>('consistency').filter(
      ([f, p]) => /^\w+\/\d\//.test(f) && !p.wantErr,
    );
    expect(consistent.length).toBeGreaterThan(0);
    for (const [, p] of consistent) {
      const proof = await consistencyProof(p.size1, p.size2, tree);
      expect(proof.map((h) => Buffer.from(h).toString('base64'))).toEqual(p.proof ?? []);
    }
  });

  it('proves every leaf of every tree up to 40 leaves', async () => {
    const tree = new MemoryTree();
    for (let size = 1; size <= 40; size++) {
      tree.append(leafHash(Uint8Array.of(size)));
      const root = await tree.root();
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(index, size, tree);
        verifyInclusion(index, size, tree.hash({ level: 0, index }), proof, root);
      }
    }
  });

  it('inclusion proofs verify, and any flipped bit fails them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 600 })
          .chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1), fc.nat())),
        async ([size, index, seed]) => {
          const tree = treeOf(size);
          const root = await tree.root();
          const leaf = tree.hash({ level: 0, index });
          const proof = await inclusionProof(index, size, tree);
          verifyInclusion(index, size, leaf, proof, root);
          const flip = seed % 256;
          if (proof.length > 0) {
            const bad = flipped(proof, seed % proof.length, flip);
            expect(() => {
              verifyInclusion(index, size, leaf, bad, root);
            }).toThrow('root mismatch');
          }
          expect(() => {
            verifyInclusion(index, size, flipped([leaf], 0, flip)[0]!, proof, root);
          }).toThrow();
          expect(() => {
            verifyInclusion(index, size, leaf, proof, flipped([root], 0, flip)[0]!);
          }).toThrow();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('consistency proofs verify, and any flipped bit fails them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 600 })
          .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2), fc.nat())),
        async ([size1, size2, seed]) => {
          const tree = treeOf(size2);
          const [root1, root2] = [await tree.root(size1), await tree.root(size2)];
          const proof = await consistencyProof(size1, size2, tree);
          verifyConsistency(size1, size2, proof, root1, root2);
          const flip = seed % 256;
          if (proof.length > 0) {
            expect(() => {
              verifyConsistency(size1, size2, flipped(proof, seed % proof.length, flip), root1, root2);
            }).toThrow('root mismatch');
          }
          expect(() => {
            verifyConsistency(size1, size2, proof, flipped([root1], 0, flip)[0]!, root2);
          }).toThrow();
          expect(() => {
            verifyConsistency(size1, size2, proof, root1, flipped([root2], 0, flip)[0]!);
          }).toThrow();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a proof for a different tree size', async () => {
    const [tree, bigger] = [treeOf(10), treeOf(11)];
    const proof = await inclusionProof(3, 10, tree);
    const leaf = tree.hash({ level: 0, index: 3 });
    const root11 = await bigger.root();
    expect(() => {
      verifyInclusion(3, 11, leaf, proof, root11);
    }).toThrow();
    verifyInclusion(3, 11, leaf, await inclusionProof(3, 11, bigger), root11);
  });

  it.each([
    [() => inclusionProof(5, 5, treeOf(5)), 'index out of range'],
    [() => inclusionProof(-1, 5, treeOf(5)), 'invalid index'],
    [() => inclusionProof(0, 2 ** 53, treeOf(5)), 'invalid tree size'],
    [() => consistencyProof(6, 5, treeOf(6)), 'size1 greater than size2'],
    [() => consistencyProof(0, 5, treeOf(5)), 'consistency proof from empty tree'],
    [() => inclusionProof(0, 6, treeOf(5)), 'node not in tree'],
  ])('refuses bad requests (%#)', async (call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});
