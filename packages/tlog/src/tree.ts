import { emptyRoot, HASH_SIZE, nodeHash } from './hash.js';

/**
 * A node of the Merkle tree: the root of the perfect subtree over leaves
 * `[index * 2**level, (index + 1) * 2**level)`. Level 0 nodes are leaf hashes.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A node together with its hash. */
export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * Reads stored node hashes. Only nodes of complete subtrees are ever requested.
 *
 * Contract: resolves to exactly one {@link HASH_SIZE}-byte hash per requested node, in order,
 * or rejects. Requests are batched so a store can fetch them (or their tiles) in one round trip.
 */
export interface HashReader {
  readHashes(nodes: readonly NodeId[]): Promise<Uint8Array[]>;
}

/** Throws unless `n` is a non-negative safe integer; tree sizes and indexes above 2**53 are unsupported. */
export function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid ${what}`);
}

/**
 * Returns the perfect subtrees covering leaves `[begin, end)`, left to right, largest first when
 * `begin` is aligned. Folding their hashes right to left gives MTH(D[begin:end]) whenever `begin`
 * is a multiple of the largest power of two below `end - begin`, which is how proofs use it.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  while (begin < end) {
    let level = 0;
    while (begin % 2 ** (level + 1) === 0 && begin + 2 ** (level + 1) <= end) level++;
    nodes.push({ level, index: begin / 2 ** level });
    begin += 2 ** level;
  }
  return nodes;
}

/** Folds the hashes of {@link rangeNodes} into the hash of the range they cover. */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** Reads `nodes` through `reader`, checking that it kept its side of the {@link HashReader} contract. */
export async function readChecked(reader: HashReader, nodes: readonly NodeId[]): Promise<Uint8Array[]> {
  if (nodes.length === 0) return [];
  const hashes = await reader.readHashes(nodes);
  if (hashes.length !== nodes.length) throw new Error('hash reader returned wrong count');
  for (const hash of hashes) if (hash.length !== HASH_SIZE) throw new Error('hash reader returned bad hash');
  return hashes;
}

/**
 * The right border of a Merkle tree: one hash per perfect subtree of the tree's size. Enough to
 * append leaves and compute the root without the rest of the tree, which is all a sequencer needs.
 */
export class CompactTree {
  #size: number;
  readonly #border: Uint8Array[];

  private constructor(size: number, border: Uint8Array[]) {
    this.#size = size;
    this.#border = border;
  }

  /** Returns the compact form of the empty tree. */
  static empty(): CompactTree {
    return new CompactTree(0, []);
  }

  /** Loads the compact form of the tree of `size` leaves, reading its border nodes from `reader`. */
  static async load(size: number, reader: HashReader): Promise<CompactTree> {
    checkCount(size, 'tree size');
    return new CompactTree(size, await readChecked(reader, rangeNodes(0, size)));
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash and returns every node completed by it: the leaf itself (level 0) and
   * each parent that became complete, bottom up.
   */
  append(leaf: Uint8Array): StoredNode[] {
    if (leaf.length !== HASH_SIZE) throw new Error('invalid leaf hash size');
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new Error('tree is full');
    let hash = leaf;
    let index = this.#size;
    let level = 0;
    const completed: StoredNode[] = [{ level, index, hash }];
    while (index % 2 === 1) {
      hash = nodeHash(this.#border.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      completed.push({ level, index, hash });
    }
    this.#border.push(hash);
    this.#size++;
    return completed;
  }

  /** Returns the Merkle tree hash of all leaves appended so far. */
  root(): Uint8Array {
    return foldRange(this.#border);
  }
}

/** Returns MTH of the given leaf hashes (RFC 6962 §2.1), in linear time. */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Uint8Array {
  const tree = CompactTree.empty();
  for (const leaf of leaves) tree.append(leaf);
  return tree.root();
}

/** Returns the root of the tree of `size` leaves, reading its border nodes from `reader`. */
export async function readTreeRoot(size: number, reader: HashReader): Promise<Uint8Array> {
  checkCount(size, 'tree size');
  return foldRange(await readChecked(reader, rangeNodes(0, size)));
}

/**
 * An in-memory tree storing every complete node. A {@link HashReader} for tests, tools and logs small
 * enough to hold in memory; real logs read from tiles instead.
 */
export class MemoryTree implements HashReader {
  readonly #levels: Uint8Array[][] = [];
  readonly #compact = CompactTree.empty();

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#compact.size;
  }

  /** Appends leaf hashes. */
  append(...leaves: Uint8Array[]): void {
    for (const leaf of leaves) {
      for (const node of this.#compact.append(leaf)) (this.#levels[node.level] ??= []).push(node.hash);
    }
  }

  /** Returns the root of the tree of the first `size` leaves (default: all). */
  root(size = this.size): Promise<Uint8Array> {
    return readTreeRoot(size, this);
  }

  /** Returns the hash of a complete node, or throws if the node is not (yet) complete. */
  hash(node: NodeId): Uint8Array {
    const hash = this.#levels[node.level]?.[node.index];
    if (hash === undefined) throw new Error('node not in tree');
    return hash;
  }

  readHashes(nodes: readonly NodeId[]): Promise<Uint8Array[]> {
    return Promise.resolve().then(() => nodes.map((node) => this.hash(node)));
  }
}
