import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyRoot, leafHash, nodeHash } from './hash.js';

const vectors = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../../shared/vectors/tlog/rfc6962-8leaf-tree.json', import.meta.url)),
    'utf8',
  ),
) as {
  leafInputsHex: string[];
  nodeHashesByLevelHex: string[][];
  hasherVectors: {
    desc: string;
    want: string;
    leafInputHex?: string;
    leafInputAscii?: string;
    leftAscii?: string;
    rightAscii?: string;
  }[];
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

describe('RFC 6962 hasher (transparency-dev/merkle vectors)', () => {
  for (const v of vectors.hasherVectors) {
    it(v.desc, () => {
      let got: Uint8Array;
      if (v.leftAscii !== undefined && v.rightAscii !== undefined)
        got = nodeHash(ascii(v.leftAscii), ascii(v.rightAscii));
      else if (v.leafInputAscii !== undefined) got = leafHash(ascii(v.leafInputAscii));
      else if (v.leafInputHex !== undefined) got = leafHash(Buffer.from(v.leafInputHex, 'hex'));
      else got = emptyRoot();
      expect(hex(got)).toBe(v.want);
    });
  }

  it('hashes the eight test leaves to the level 0 node hashes', () => {
    expect(vectors.leafInputsHex.map((h) => hex(leafHash(Buffer.from(h, 'hex'))))).toEqual(
      vectors.nodeHashesByLevelHex[0],
    );
  });

  it('separates leaves from nodes (second-preimage resistance)', () => {
    const [a, b] = [leafHash(ascii('a')), leafHash(ascii('b'))];
    const joined = new Uint8Array([...a, ...b]);
    expect(hex(leafHash(joined))).not.toBe(hex(nodeHash(a, b)));
  });
});
