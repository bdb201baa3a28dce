/** Largest entry an entry bundle can hold: its length prefix is a uint16. */
export const MAX_ENTRY_SIZE = 0xffff;

/** Encodes log entries as a C2SP entry bundle: each entry prefixed with its big-endian uint16 length. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) throw new Error('entry too large');
    total += 2 + entry.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const entry of entries) {
    out[at] = entry.length >> 8;
    out[at + 1] = entry.length & 0xff;
    out.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return out;
}

/** Decodes a C2SP entry bundle into its entries. Throws if the bundle is truncated. */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new Error('truncated entry bundle');
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) throw new Error('truncated entry bundle');
    entries.push(bundle.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
