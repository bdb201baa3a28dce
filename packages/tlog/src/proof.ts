import { bytesEqual, HASH_SIZE, nodeHash } from './hash.js';
import { checkCount, foldRange, type HashReader, rangeNodes, readChecked } from './tree.js';

type Range = readonly [begin: number, end: number];

/** Largest power of two strictly below `n`, for n >= 2 (RFC 6962 §2.1's k). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The ranges whose hashes form PATH(index, D[begin:end]) (RFC 9162 §2.1.3.1), bottom up. */
function inclusionRanges(index: number, begin: number, end: number, out: Range[]): Range[] {
  if (end - begin <= 1) return out;
  const k = split(end - begin);
  if (index < begin + k) {
    inclusionRanges(index, begin, begin + k, out);
    out.push([begin + k, end]);
  } else {
    inclusionRanges(index, begin + k, end, out);
    out.push([begin, begin + k]);
  }
  return out;
}

/** The ranges whose hashes form SUBPROOF(size1, D[begin:end], whole) (RFC 9162 §2.1.4.1), bottom up. */
function consistencyRanges(size1: number, begin: number, end: number, whole: boolean, out: Range[]): Range[] {
  if (size1 === end) {
    if (!whole) out.push([begin, end]);
    return out;
  }
  const k = split(end - begin);
  if (size1 <= begin + k) {
    consistencyRanges(size1, begin, begin + k, whole, out);
    out.push([begin + k, end]);
  } else {
    consistencyRanges(size1, begin + k, end, false, out);
    out.push([begin, begin + k]);
  }
  return out;
}

/** Reads, in one batch, the nodes covering each range and folds them into the ranges' hashes. */
async function hashRanges(ranges: readonly Range[], reader: HashReader): Promise<Uint8Array[]> {
  const perRange = ranges.map(([begin, end]) => rangeNodes(begin, end));
  const hashes = await readChecked(reader, perRange.flat());
  let at = 0;
  return perRange.map((nodes) => foldRange(hashes.slice(at, (at += nodes.length))));
}

/**
 * Returns the inclusion proof of leaf `index` in the tree of `size` leaves, reading node hashes
 * from `reader`. The proof is ordered bottom up, as RFC 9162 §2.1.3.1 and {@link verifyInclusion} expect.
 */
export async function inclusionProof(index: number, size: number, reader: HashReader): Promise<Uint8Array[]> {
  checkCount(index, 'index');
  checkCount(size, 'tree size');
  if (index >= size) throw new Error('index out of range');
  return hashRanges(inclusionRanges(index, 0, size, []), reader);
}

/**
 * Returns the consistency proof between the trees of `size1` and `size2` leaves (RFC 9162 §2.1.4.1),
 * reading node hashes from `reader`. The proof is empty when the sizes are equal.
 */
export async function consistencyProof(
  size1: number,
  size2: number,
  reader: HashReader,
): Promise<Uint8Array[]> {
  checkCount(size1, 'tree size');
  checkCount(size2, 'tree size');
  if (size1 > size2) throw new Error('size1 greater than size2');
  if (size1 === 0) throw new Error('consistency proof from empty tree');
  if (size1 === size2) return [];
  return hashRanges(consistencyRanges(size1, 0, size2, true, []), reader);
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  for (const hash of proof) if (hash.length !== HASH_SIZE) throw new Error('invalid proof hash size');
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function onesCount(n: bigint): number {
  return n.toString(2).replaceAll('0', '').length;
}

/** Splits a proof for node `index` in a tree of `size` into its inner and border lengths. */
function decompose(index: bigint, size: bigint): [inner: number, border: number] {
  const inner = bitLength(index ^ (size - 1n));
  return [inner, onesCount(index >> BigInt(inner))];
}

function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  proof.forEach((h, i) => {
    seed = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(seed, h) : nodeHash(h, seed);
  });
  return seed;
}

function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  proof.forEach((h, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) seed = nodeHash(h, seed);
  });
  return seed;
}

function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  for (const h of proof) seed = nodeHash(h, seed);
  return seed;
}

/**
 * Verifies that `proof` shows the leaf with hash `leafHash` at `index` is in the tree of `size`
 * leaves with root `root` (RFC 9162 §2.1.3.2). Throws if it does not; returns nothing if it does.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkCount(index, 'index');
  checkCount(size, 'tree size');
  if (index >= size) throw new Error('index out of range');
  if (leafHash.length !== HASH_SIZE) throw new Error('invalid leaf hash size');
  checkProofHashes(proof);
  const [inner, border] = decompose(BigInt(index), BigInt(size));
  if (proof.length !== inner + border) throw new Error('wrong proof size');
  const computed = chainBorderRight(
    chainInner(leafHash, proof.slice(0, inner), BigInt(index)),
    proof.slice(inner),
  );
  if (!bytesEqual(computed, root)) throw new Error('root mismatch');
}

/**
 * Verifies that `proof` shows the tree of `size1` leaves with root `root1` is a prefix of the tree of
 * `size2` leaves with root `root2` (RFC 9162 §2.1.4.2). Throws if it does not.
 *
 * Equal sizes need an empty proof and equal roots. A proof from the empty tree proves nothing and is
 * rejected, as transparency-dev/merkle's probes require: callers treat size 0 as trivially consistent.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkCount(size1, 'tree size');
  checkCount(size2, 'tree size');
  if (size1 > size2) throw new Error('size1 greater than size2');
  if (size1 === 0) throw new Error('consistency proof from empty tree');
  if (size1 === size2) {
    if (proof.length !== 0) throw new Error('wrong proof size');
    if (!bytesEqual(root1, root2)) throw new Error('root mismatch');
    return;
  }
  if (proof.length === 0) throw new Error('wrong proof size');
  checkProofHashes(proof);

  const n1 = BigInt(size1);
  const [fullInner, border] = decompose(n1 - 1n, BigInt(size2));
  // The proof starts at the largest perfect subtree ending at size1, `shift` levels up.
  const shift = bitLength(n1 & -n1) - 1;
  const inner = fullInner - shift;
  // That subtree's hash is the first proof hash, unless it is the whole of tree 1.
  const seedIsRoot1 = n1 === 1n << BigInt(shift);
  const seed = seedIsRoot1 ? root1 : proof[0]!;
  const rest = seedIsRoot1 ? proof : proof.slice(1);
  if (rest.length !== inner + border) throw new Error('wrong proof size');

  const mask = (n1 - 1n) >> BigInt(shift);
  const innerProof = rest.slice(0, inner);
  const borderProof = rest.slice(inner);
  const hash1 = chainBorderRight(chainInnerRight(seed, innerProof, mask), borderProof);
  if (!bytesEqual(hash1, root1)) throw new Error('root mismatch');
  const hash2 = chainBorderRight(chainInner(seed, innerProof, mask), borderProof);
  if (!bytesEqual(hash2, root2)) throw new Error('root mismatch');
}
