import { parseHeaderBytes } from './header.js';

/**
 * Checks that `bytes` begin with a well-formed age v1 header. Returns `null` when `bytes` ends before the header
 * does (read more), the header's length and its stanzas' types and arguments otherwise; throws {@link AgeError} when the bytes
 * cannot be an age file. The MAC is not checked: that needs a key.
 */
export function parseHeader(bytes: Uint8Array): {
  headerLength: number;
  stanzaTypes: string[];
  stanzas: { type: string; args: string[] }[];
} | null {
  const header = parseHeaderBytes(bytes);
  return (
    header && {
      headerLength: header.length,
      stanzaTypes: header.stanzas.map((s) => s.type),
      stanzas: header.stanzas.map(({ type, args }) => ({ type, args })),
    }
  );
}
