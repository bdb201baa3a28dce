import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_SIZE } from './bundle.js';

describe('entry bundles', () => {
  it('length-prefixes each entry with a big-endian uint16', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(0xaa), new Uint8Array(0), new Uint8Array(0x0102)]);
    expect([...bundle.subarray(0, 5)]).toEqual([0x00, 0x01, 0xaa, 0x00, 0x00]);
    expect([...bundle.subarray(5, 7)]).toEqual([0x01, 0x02]);
    expect(bundle.length).toBe(3 + 2 + 2 + 0x0102);
  });

  it.each([0, 1, 255, 256, MAX_ENTRY_SIZE])('round-trips an entry of %i bytes', (size) => {
    const entry = new Uint8Array(size).map((_, i) => i);
    const decoded = decodeEntryBundle(encodeEntryBundle([entry]));
    expect(decoded).toHaveLength(1);
    expect(Buffer.from(decoded[0]!).equals(entry)).toBe(true);
  });

  it('round-trips any entries', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }), (entries) => {
        expect(decodeEntryBundle(encodeEntryBundle(entries))).toEqual(entries);
      }),
    );
  });

  it('rejects an entry too large for its prefix', () => {
    expect(() => encodeEntryBundle([new Uint8Array(MAX_ENTRY_SIZE + 1)])).toThrow('entry too large');
  });

  it('rejects truncated bundles', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    for (let cut = 1; cut < bundle.length; cut++) {
      if (cut === 5) continue; // a whole first entry is a valid bundle
      expect(() => decodeEntryBundle(bundle.subarray(0, cut))).toThrow('truncated entry bundle');
    }
  });
});
