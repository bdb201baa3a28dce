import { HASH_SIZE } from './hash.js';
import {
  checkCount,
  CompactTree,
  type HashReader,
  type NodeId,
  readChecked,
  rootFromLeafHashes,
} from './tree.js';

/** Tree levels spanned by one tile (C2SP tlog-tiles fixes it at 8). */
export const TILE_HEIGHT = 8;

/** Hashes in a full tile: 2**{@link TILE_HEIGHT}. */
export const TILE_WIDTH = 256;

/**
 * A tile: `width` consecutive hashes at tree level `8 * level`, starting at hash `index * 256`.
 * Full tiles have width 256; partial tiles 1 to 255.
 */
export interface Tile {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** A tile with its contents: `width` concatenated 32-byte hashes. */
export interface TileData {
  readonly tile: Tile;
  readonly data: Uint8Array;
}

/** Reads tiles from wherever they are stored. Resolves to one content per tile, in order. */
export interface TileReader {
  readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]>;
}

const MAX_LEVEL = 63;

function checkTile(level: number, index: number, width: number): void {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) throw new Error('invalid tile level');
  checkCount(index, 'tile index');
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new Error('invalid tile width');
}

function encodePath(index: number, width: number): string {
  const group = (n: number) => String(n % 1000).padStart(3, '0');
  let n = group(index);
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000))
    n = `x${group(rest)}/${n}`;
  return width === TILE_WIDTH ? n : `${n}.p/${width}`;
}

const INDEX_PATTERN = /^((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/;

function decodePath(rest: string): { index: number; width: number } {
  const match = INDEX_PATTERN.exec(rest);
  if (match === null) throw new Error('malformed tile path');
  const index = Number(match[1]!.replaceAll(/[x/]/g, ''));
  const width = match[2] === undefined ? TILE_WIDTH : Number(match[2]);
  // Only the canonical spelling is accepted, so each tile has exactly one path.
  if (!Number.isSafeInteger(index) || width < 1 || width > TILE_WIDTH || encodePath(index, width) !== rest) {
    throw new Error('malformed tile path');
  }
  return { index, width };
}

/** Returns the C2SP path of a hash tile: `tile/<L>/<N>[.p/<W>]`, e.g. `tile/0/x001/x234/067.p/8`. */
export function tilePath(level: number, index: number, width: number = TILE_WIDTH): string {
  checkTile(level, index, width);
  return `tile/${level}/${encodePath(index, width)}`;
}

/** Returns the C2SP path of an entry bundle: `tile/entries/<N>[.p/<W>]`. */
export function entriesPath(index: number, width: number = TILE_WIDTH): string {
  checkTile(0, index, width);
  return `tile/entries/${encodePath(index, width)}`;
}

/** Parses a hash tile path made by {@link tilePath}; throws on anything else, including entry bundles. */
export function parseTilePath(path: string): Tile {
  const match = /^tile\/(0|[1-9]\d?)\/(.+)$/.exec(path);
  if (match === null) throw new Error('malformed tile path');
  const level = Number(match[1]);
  if (level > MAX_LEVEL) throw new Error('malformed tile path');
  return { level, ...decodePath(match[2]!) };
}

/** Parses an entry bundle path made by {@link entriesPath}. */
export function parseEntriesPath(path: string): { index: number; width: number } {
  if (!path.startsWith('tile/entries/')) throw new Error('malformed entries path');
  return decodePath(path.slice('tile/entries/'.length));
}

/** Number of hashes at tile level `level` (tree level 8 * level) in a tree of `size` leaves. */
function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / 2 ** (TILE_HEIGHT * level));
}

/**
 * Returns every tile of the tree of `size` leaves: all full tiles at every level, then the partial
 * tile of each level that has one. Ordered by level, then index.
 */
export function tilesForSize(size: number): Tile[] {
  return newTiles(0, size);
}

/**
 * Returns the tiles a log must publish when it grows from `oldSize` to `newSize` leaves: every tile
 * of the new tree that did not exist, with that width, in the old one.
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  checkCount(oldSize, 'tree size');
  checkCount(newSize, 'tree size');
  if (oldSize > newSize) throw new Error('tree cannot shrink');
  const tiles: Tile[] = [];
  for (let level = 0; hashesAtLevel(newSize, level) > 0; level++) {
    const before = hashesAtLevel(oldSize, level);
    const after = hashesAtLevel(newSize, level);
    // The tile holding hash `before` grew (or appeared); every tile after it is new.
    for (let index = Math.floor(before / TILE_WIDTH); index * TILE_WIDTH < after; index++) {
      const width = Math.min(TILE_WIDTH, after - index * TILE_WIDTH);
      const oldWidth = Math.max(0, Math.min(TILE_WIDTH, before - index * TILE_WIDTH));
      if (width > oldWidth) tiles.push({ level, index, width });
    }
  }
  return tiles;
}

/** The tree nodes stored in a tile, in order. */
function tileNodes(tile: Tile): NodeId[] {
  const first = tile.index * TILE_WIDTH;
  return Array.from({ length: tile.width }, (_, i) => ({
    level: tile.level * TILE_HEIGHT,
    index: first + i,
  }));
}

/** Returns the contents of `tile`: its hashes read from `reader`, concatenated. */
export async function tileContents(tile: Tile, reader: HashReader): Promise<Uint8Array> {
  checkTile(tile.level, tile.index, tile.width);
  return concat(await readChecked(reader, tileNodes(tile)));
}

function concat(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((hash, i) => {
    out.set(hash, i * HASH_SIZE);
  });
  return out;
}

/**
 * Returns a {@link HashReader} over the tiles of the tree of `size` leaves. A node at tree level
 * `l` comes from the tile at level `floor(l / 8)`; nodes between tile levels are rehashed from the
 * tile's hashes. Tiles are read in one batch per call and are not checked against a root: callers
 * that do not trust the store verify proofs against a signed checkpoint.
 */
export function tileHashReader(size: number, reader: TileReader): HashReader {
  checkCount(size, 'tree size');
  return {
    async readHashes(nodes) {
      const tiles = new Map<string, { tile: Tile; data?: Uint8Array }>();
      const plan = nodes.map(({ level, index }) => {
        checkCount(level, 'level');
        checkCount(index, 'index');
        if ((index + 1) * 2 ** level > size) throw new Error('node not in tree');
        const tileLevel = Math.floor(level / TILE_HEIGHT);
        const span = 2 ** (level - tileLevel * TILE_HEIGHT);
        const first = index * span;
        const tileIndex = Math.floor(first / TILE_WIDTH);
        const width = Math.min(TILE_WIDTH, hashesAtLevel(size, tileLevel) - tileIndex * TILE_WIDTH);
        const tile = { level: tileLevel, index: tileIndex, width };
        const key = `${tileLevel}/${tileIndex}`;
        if (!tiles.has(key)) tiles.set(key, { tile });
        return { key, offset: first - tileIndex * TILE_WIDTH, span };
      });
      const entries = [...tiles.values()];
      const data = await reader.readTiles(entries.map((e) => e.tile));
      if (data.length !== entries.length) throw new Error('tile reader returned wrong count');
      entries.forEach((entry, i) => {
        if (data[i]!.length !== entry.tile.width * HASH_SIZE) throw new Error('tile has wrong size');
        entry.data = data[i]!;
      });
      return plan.map(({ key, offset, span }) => {
        const tile = tiles.get(key)!.data!;
        const hashes = Array.from({ length: span }, (_, i) =>
          tile.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE),
        );
        return span === 1 ? hashes[0]!.slice() : rootFromLeafHashes(hashes);
      });
    },
  };
}

/** The outcome of appending a batch: the new tree head and the tiles to publish for it. */
export interface AppendResult {
  readonly size: number;
  readonly root: Uint8Array;
  readonly tiles: TileData[];
}

/**
 * Appends a batch of leaf hashes to the tree of `oldSize` leaves whose tiles `reader` reads, and
 * returns the new root and the contents of every tile that is new or grew ({@link newTiles}).
 * Reads only the old tree's border and the old hashes of partially filled tiles.
 */
export async function appendLeaves(
  oldSize: number,
  leaves: readonly Uint8Array[],
  reader: HashReader,
): Promise<AppendResult> {
  const tree = await CompactTree.load(oldSize, reader);
  const fresh = new Map<string, Uint8Array>();
  for (const leaf of leaves) {
    for (const node of tree.append(leaf)) {
      if (node.level % TILE_HEIGHT === 0) fresh.set(`${node.level}/${node.index}`, node.hash);
    }
  }
  const tiles = newTiles(oldSize, tree.size);
  const nodes = tiles.map(tileNodes);
  const old = nodes.flat().filter((n) => !fresh.has(`${n.level}/${n.index}`));
  const oldHashes = new Map<string, Uint8Array>();
  (await readChecked(reader, old)).forEach((hash, i) =>
    oldHashes.set(`${old[i]!.level}/${old[i]!.index}`, hash),
  );
  return {
    size: tree.size,
    root: tree.root(),
    tiles: tiles.map((tile, i) => ({
      tile,
      data: concat(
        nodes[i]!.map((n) => fresh.get(`${n.level}/${n.index}`) ?? oldHashes.get(`${n.level}/${n.index}`)!),
      ),
    })),
  };
}
