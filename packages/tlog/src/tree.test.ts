import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useCrypto } from './crypto.js';
import { nodeCrypto } from './crypto-node.js';
import { emptyRoot, leafHash, nodeHash } from './hash.js';
import { CompactTree, MemoryTree, readTreeRoot, rootFromLeafHashes } from './tree.js';

// Hundreds of thousands of hashes: on Node's native SHA-256, as the server runs them (crypto.test.ts shows the
// pure-JavaScript primitives give the same bytes).
useCrypto(nodeCrypto);

const vectors = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../../shared/vectors/tlog/rfc6962-8leaf-tree.json', import.meta.url)),
    'utf8',
  ),
) as {
  leafInputsHex: string[];
  rootHashesBySizeHex: Record<string, string>;
  nodeHashesByLevelHex: string[][];
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const leaves = vectors.leafInputsHex.map((h) => leafHash(Buffer.from(h, 'hex')));

/** MTH straight from RFC 6962 §2.1, as the reference the fast paths must agree with. */
function mth(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

const leavesOf = (n: number, salt = 0) =>
  Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(salt, i & 0xff, (i >> 8) & 0xff, i >> 16)));

describe('tree heads (RFC 6962 8-leaf vectors)', () => {
  for (const [size, root] of Object.entries(vectors.rootHashesBySizeHex)) {
    it(`root of the first ${size} leaves`, async () => {
      const n = Number(size);
      expect(hex(rootFromLeafHashes(leaves.slice(0, n)))).toBe(root);
      const tree = new MemoryTree();
      tree.append(...leaves);
      expect(hex(await tree.root(n))).toBe(root);
      expect(hex(mth(leaves.slice(0, n)))).toBe(root);
    });
  }

  it('stores every node hash of the 8-leaf tree', () => {
    const tree = new MemoryTree();
    tree.append(...leaves);
    vectors.nodeHashesByLevelHex.forEach((level, l) => {
      level.forEach((want, index) => {
        expect(hex(tree.hash({ level: l, index }))).toBe(want);
      });
    });
    expect(() => tree.hash({ level: 4, index: 0 })).toThrow('node not in tree');
  });
});

describe('CompactTree', () => {
  it('matches the from-scratch root after every append, in any batches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }),
        fc.nat(255),
        (batches, salt) => {
          const all = leavesOf(
            batches.reduce((a, b) => a + b, 0),
            salt,
          );
          const tree = CompactTree.empty();
          let at = 0;
          for (const batch of batches) {
            for (const leaf of all.slice(at, at + batch)) tree.append(leaf);
            at += batch;
            expect(tree.size).toBe(at);
            expect(hex(tree.root())).toBe(hex(mth(all.slice(0, at))));
          }
        },
      ),
    );
  });

  it('reports exactly the nodes each append completes', () => {
    const all = leavesOf(300);
    const tree = CompactTree.empty();
    const memory = new MemoryTree();
    memory.append(...all);
    for (const [i, leaf] of all.entries()) {
      const completed = tree.append(leaf);
      // Leaf i completes one node per trailing one bit of i, plus the leaf itself.
      expect(completed.length).toBe(1 + (i.toString(2).match(/1*$/)?.[0].length ?? 0));
      for (const node of completed) expect(hex(node.hash)).toBe(hex(memory.hash(node)));
    }
  });

  it('resumes from a stored tree and keeps agreeing with it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        async (size, more) => {
          const all = leavesOf(size + more);
          const memory = new MemoryTree();
          memory.append(...all.slice(0, size));
          const tree = await CompactTree.load(size, memory);
          expect(hex(tree.root())).toBe(hex(await readTreeRoot(size, memory)));
          for (const leaf of all.slice(size)) tree.append(leaf);
          expect(hex(tree.root())).toBe(hex(mth(all)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it.each([0, 1, 255, 256, 257, 65535, 65536, 65537])('computes the root of %i leaves', (size) => {
    const all = leavesOf(size);
    expect(hex(rootFromLeafHashes(all))).toBe(hex(mth(all)));
  });

  it('rejects leaf hashes of the wrong size', () => {
    expect(() => CompactTree.empty().append(new Uint8Array(31))).toThrow('invalid leaf hash size');
  });

  it('rejects a reader that breaks its contract', async () => {
    const short = { readHashes: () => Promise.resolve([]) };
    await expect(CompactTree.load(3, short)).rejects.toThrow('hash reader returned wrong count');
    const bad = { readHashes: () => Promise.resolve([new Uint8Array(1), new Uint8Array(1)]) };
    await expect(readTreeRoot(3, bad)).rejects.toThrow('hash reader returned bad hash');
  });
});
