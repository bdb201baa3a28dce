import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useCrypto } from './crypto.js';
import { nodeCrypto } from './crypto-node.js';
import { leafHash } from './hash.js';
import { inclusionProof } from './proof.js';
import {
  appendLeaves,
  entriesPath,
  newTiles,
  parseEntriesPath,
  parseTilePath,
  type Tile,
  tileContents,
  tileHashReader,
  tilePath,
  type TileReader,
  tilesForSize,
} from './tiles.js';
import { MemoryTree, readTreeRoot } from './tree.js';

// Hundreds of thousands of hashes: on Node's native SHA-256, as the server runs them (crypto.test.ts shows the
// pure-JavaScript primitives give the same bytes).
useCrypto(nodeCrypto);

interface GoTilePath {
  path: string;
  H?: number;
  L?: number;
  N?: number;
  W?: number;
  invalid?: boolean;
}

const vectors = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../../shared/vectors/tlog/tile-path-vectors.json', import.meta.url)),
    'utf8',
  ),
) as {
  c2sp_tlog_tiles: {
    indexEncoding: { index: number; pathElements: string }[];
    treeSize70000: Record<string, number>;
    treeSize256: Record<string, number>;
  };
  go_sumdb_tiles_NOT_c2sp: { paths: GoTilePath[] };
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const leavesOf = (n: number) =>
  Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8, i >> 16)));

/** A tile store: what a log publishes, keyed by path, and a TileReader that fails on any other path. */
class TileStore implements TileReader {
  readonly files = new Map<string, Uint8Array>();
  readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]> {
    return Promise.resolve().then(() =>
      tiles.map((t) => {
        const data = this.files.get(tilePath(t.level, t.index, t.width));
        if (data === undefined) throw new Error(`missing ${tilePath(t.level, t.index, t.width)}`);
        return data;
      }),
    );
  }
}

async function publish(tree: MemoryTree, size: number): Promise<TileStore> {
  const store = new TileStore();
  for (const tile of tilesForSize(size))
    store.files.set(tilePath(tile.level, tile.index, tile.width), await tileContents(tile, tree));
  return store;
}

function summary(tiles: Tile[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tiles) {
    if (t.width === 256) out[`fullLevel${t.level}Tiles`] = (out[`fullLevel${t.level}Tiles`] ?? 0) + 1;
    else out[`partialLevel${t.level}Width`] = t.width;
  }
  return out;
}

describe('C2SP tile paths', () => {
  for (const { index, pathElements } of vectors.c2sp_tlog_tiles.indexEncoding) {
    it(`encodes index ${index} as ${pathElements}`, () => {
      expect(tilePath(0, index)).toBe(`tile/0/${pathElements}`);
      expect(tilePath(3, index, 7)).toBe(`tile/3/${pathElements}.p/7`);
      expect(entriesPath(index)).toBe(`tile/entries/${pathElements}`);
      expect(parseTilePath(`tile/2/${pathElements}.p/9`)).toEqual({ level: 2, index, width: 9 });
      expect(parseEntriesPath(`tile/entries/${pathElements}`)).toEqual({ index, width: 256 });
    });
  }

  it.each([
    [0, 'tile/0/000'],
    [999, 'tile/0/999'],
    [1000, 'tile/0/x001/000'],
    [1_000_000, 'tile/0/x001/x000/000'],
    [2 ** 53 - 1, 'tile/0/x009/x007/x199/x254/x740/991'],
  ])('encodes index %i as %s', (index, path) => {
    expect(tilePath(0, index)).toBe(path);
    expect(parseTilePath(path)).toEqual({ level: 0, index, width: 256 });
  });

  it('round-trips any tile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.maxSafeNat(),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          expect(parseTilePath(tilePath(level, index, width))).toEqual({ level, index, width });
          expect(parseEntriesPath(entriesPath(index, width))).toEqual({ index, width });
        },
      ),
    );
  });

  it.each([
    'tile/0/1234',
    'tile/0/x000/001',
    'tile/00/001',
    'tile/64/001',
    'tile/0/001.p/256',
    'tile/0/001.p/0',
    'tile/0/001.p/05',
    'tile/0/x001',
    'tile/entries/001',
    'tile/-1/001',
    'tile/0/x009/x007/x199/x254/x740/992',
  ])('rejects %s', (path) => {
    expect(() => parseTilePath(path)).toThrow('malformed tile path');
  });

  it('rejects impossible tiles', () => {
    expect(() => tilePath(64, 0)).toThrow('invalid tile level');
    expect(() => tilePath(0, -1)).toThrow('invalid tile index');
    expect(() => tilePath(0, 0, 0)).toThrow('invalid tile width');
    expect(() => entriesPath(0, 257)).toThrow('invalid tile width');
    expect(() => parseEntriesPath('tile/0/001')).toThrow('malformed entries path');
  });

  // golang.org/x/mod/sumdb/tlog paths are not C2SP paths: they carry the tile height H as an extra first
  // element ("tile/H/L/N"), name entry tiles "data" instead of "entries", and treat W = 2**H as a full tile
  // where C2SP (fixed height 8) needs ".p/W". Non-applicable, so not asserted: the H element and "data"
  // name of all eight, and the full-tile width of "tile/4/0/001", "tile/3/5/x123/x456/078" and
  // "tile/1/data/x003/x057/500". The N encoding is shared, so it is asserted for every vector.
  describe('golang.org/x/mod sumdb tile paths (N encoding only)', () => {
    for (const v of vectors.go_sumdb_tiles_NOT_c2sp.paths) {
      const [, , level, ...rest] = v.path.split('/');
      const c2sp = `tile/${level === 'data' ? 'entries' : level}/${rest.join('/')}`;
      if (v.invalid === true) {
        it(`rejects ${v.path} as ${c2sp}`, () => {
          expect(() => parseTilePath(c2sp)).toThrow('malformed tile path');
        });
      } else {
        it(`encodes N=${v.N} as in ${v.path}`, () => {
          const parsed = level === 'data' ? parseEntriesPath(c2sp) : parseTilePath(c2sp);
          expect(parsed.index).toBe(v.N);
          expect(
            level === 'data' ? entriesPath(v.N!, parsed.width) : tilePath(v.L!, v.N!, parsed.width),
          ).toBe(c2sp);
        });
      }
    }
  });
});

describe('tiles of a tree', () => {
  it('matches the spec example for a tree of 70,000', () => {
    expect(summary(tilesForSize(70_000))).toEqual(vectors.c2sp_tlog_tiles.treeSize70000);
  });

  it('matches the spec example for a tree of 256', () => {
    expect(summary(tilesForSize(256))).toEqual(vectors.c2sp_tlog_tiles.treeSize256);
  });

  it('has no tiles when empty', () => {
    expect(tilesForSize(0)).toEqual([]);
  });

  it('publishes only tiles that are new or grew', () => {
    expect(newTiles(255, 257)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 0, index: 1, width: 1 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(newTiles(257, 257)).toEqual([]);
    expect(() => newTiles(3, 2)).toThrow('tree cannot shrink');
  });

  it('new tiles are exactly the tiles of the new tree missing from the old one', () => {
    fc.assert(
      fc.property(fc.nat(300_000), fc.nat(300_000), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const old = new Set(tilesForSize(lo).map((t) => tilePath(t.level, t.index, t.width)));
        const want = tilesForSize(hi).filter((t) => !old.has(tilePath(t.level, t.index, t.width)));
        expect(newTiles(lo, hi)).toEqual(want);
      }),
    );
  });
});

describe('reading hashes from tiles', () => {
  it.each([1, 2, 255, 256, 257, 511, 513, 1000])('reads every node of a tree of %i leaves', async (size) => {
    const tree = new MemoryTree();
    tree.append(...leavesOf(size));
    const reader = tileHashReader(size, await publish(tree, size));
    const nodes = [];
    for (let level = 0; 2 ** level <= size; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= size; index++) nodes.push({ level, index });
    }
    const got = await reader.readHashes(nodes);
    expect(got.map(hex)).toEqual(nodes.map((n) => hex(tree.hash(n))));
    expect(hex(await readTreeRoot(size, reader))).toBe(hex(await tree.root()));
  });

  it.each([0, 1, 255, 256, 257, 65535, 65536, 65537])(
    'gives the same roots and proofs as the tree at %i leaves',
    async (size) => {
      const tree = new MemoryTree();
      tree.append(...leavesOf(size));
      const reader = tileHashReader(size, await publish(tree, size));
      expect(hex(await readTreeRoot(size, reader))).toBe(hex(await tree.root()));
      for (const index of new Set(
        [0, 1, 254, 255, 256, 257, 65534, 65535, 65536, size - 1].filter((i) => i >= 0 && i < size),
      )) {
        const [fromTiles, fromTree] = [
          await inclusionProof(index, size, reader),
          await inclusionProof(index, size, tree),
        ];
        expect(fromTiles.map(hex)).toEqual(fromTree.map(hex));
      }
    },
  );

  it('refuses nodes outside the tree and tiles of the wrong size', async () => {
    const tree = new MemoryTree();
    tree.append(...leavesOf(300));
    const store = await publish(tree, 300);
    await expect(tileHashReader(300, store).readHashes([{ level: 0, index: 300 }])).rejects.toThrow(
      'node not in tree',
    );
    await expect(tileHashReader(300, store).readHashes([{ level: 2, index: 75 }])).rejects.toThrow(
      'node not in tree',
    );
    const short = { readTiles: () => Promise.resolve([new Uint8Array(64)]) };
    await expect(tileHashReader(300, short).readHashes([{ level: 0, index: 0 }])).rejects.toThrow(
      'tile has wrong size',
    );
  });
});

describe('appending batches', () => {
  async function grow(batches: number[]): Promise<void> {
    const all = leavesOf(batches.reduce((a, b) => a + b, 0));
    const tree = new MemoryTree();
    const store = new TileStore();
    for (const batch of batches) {
      const oldSize = tree.size;
      const batchLeaves = all.slice(oldSize, oldSize + batch);
      const result = await appendLeaves(oldSize, batchLeaves, tileHashReader(oldSize, store));
      tree.append(...batchLeaves);
      expect(result.size).toBe(tree.size);
      expect(hex(result.root)).toBe(hex(await tree.root()));
      expect(result.tiles.map((t) => t.tile)).toEqual(newTiles(oldSize, tree.size));
      for (const { tile, data } of result.tiles)
        store.files.set(tilePath(tile.level, tile.index, tile.width), data);
      for (const tile of tilesForSize(tree.size)) {
        const path = tilePath(tile.level, tile.index, tile.width);
        expect(hex(store.files.get(path) ?? new Uint8Array())).toBe(hex(await tileContents(tile, tree)));
      }
    }
  }

  it('builds the same tiles as the whole tree, in any batches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 6 }), grow),
      { numRuns: 30 },
    );
  });

  it('crosses tile boundaries at 256 and 65536 leaves', async () => {
    await grow([255, 1, 1, 65278, 1, 1]);
  });

  it('builds a big tree in one batch', async () => {
    await grow([65537]);
  });
});
