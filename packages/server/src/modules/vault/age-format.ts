/**
 * Syntax checks for the age v1 format (https://age-encryption.org/v1). The server never decrypts anything; it
 * only refuses what cannot be age: a recipient that is not an `age1…` X25519 key, a wrapped identity that is not
 * an armored file with a single scrypt stanza, an upload whose header is not an age header.
 */

const INTRO = 'age-encryption.org/v1\n';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const B64_UNPADDED = /^[A-Za-z0-9+/]*$/;

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** Whether `s` is an age X25519 recipient: lowercase bech32 (BIP 173) `age1…` carrying 32 bytes. */
export function isRecipient(s: string): boolean {
  if (s.length !== 62 || !s.startsWith('age1')) return false;
  const data: number[] = [];
  for (const c of s.slice(4)) {
    const v = BECH32.indexOf(c);
    if (v === -1) return false;
    data.push(v);
  }
  const hrp = [0x61, 0x67, 0x65]; // "age"
  const expanded = [...hrp.map((c) => c >> 5), 0, ...hrp.map((c) => c & 31)];
  if (polymod([...expanded, ...data]) !== 1) return false;
  // 52 five-bit groups hold 260 bits: 256 of key and 4 of zero padding.
  return (data[51]! & 0b1111) === 0;
}

export interface Stanza {
  type: string;
  args: string[];
}

export type HeaderParse =
  { ok: true; headerLength: number; stanzas: Stanza[] } | { ok: false; reason: string; incomplete?: boolean };

/**
 * Parses an age header from the start of `bytes`. `incomplete` means more bytes could still make it valid;
 * any other failure is final. The MAC is not (cannot be) verified without the file key.
 */
export function parseHeader(bytes: Uint8Array): HeaderParse {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const need = (reason: string): HeaderParse => ({ ok: false, reason, incomplete: true });
  if (!text.startsWith(INTRO)) {
    return INTRO.startsWith(text) ? need('too short') : { ok: false, reason: 'no age v1 header line' };
  }
  let pos = INTRO.length;
  const stanzas: Stanza[] = [];
  const line = (): string | undefined => {
    const end = text.indexOf('\n', pos);
    if (end === -1) return undefined;
    const l = text.slice(pos, end);
    pos = end + 1;
    return l;
  };
  for (;;) {
    const l = line();
    if (l === undefined) return need('header not finished');
    if (l.startsWith('--- ')) {
      const mac = l.slice(4);
      if (mac.length !== 43 || !B64_UNPADDED.test(mac)) return { ok: false, reason: 'bad header mac' };
      if (stanzas.length === 0) return { ok: false, reason: 'no recipient stanza' };
      return { ok: true, headerLength: pos, stanzas };
    }
    if (!l.startsWith('-> ')) return { ok: false, reason: 'bad stanza line' };
    const [type, ...args] = l.slice(3).split(' ');
    if (!type || [type, ...args].some((a) => a === '' || !/^[\x21-\x7e]+$/.test(a))) {
      return { ok: false, reason: 'bad stanza arguments' };
    }
    // The body is base64 in 64-column lines; a line shorter than 64 (maybe empty) ends it.
    for (;;) {
      const b = line();
      if (b === undefined) return need('stanza body not finished');
      if (b.length > 64 || !B64_UNPADDED.test(b)) return { ok: false, reason: 'bad stanza body' };
      if (b.length < 64) break;
    }
    stanzas.push({ type, args });
    if (stanzas.length > 64) return { ok: false, reason: 'too many stanzas' };
  }
}

const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';

/** Decodes ASCII armor (age's strict PEM: 64-column padded base64). Returns undefined when it is not armor. */
export function dearmor(armored: string): Uint8Array | undefined {
  const lines = armored.trim().split(/\r?\n/);
  if (lines.length < 3 || lines[0] !== ARMOR_BEGIN || lines.at(-1) !== ARMOR_END) return undefined;
  const body = lines.slice(1, -1);
  for (const [i, l] of body.entries()) {
    const last = i === body.length - 1;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(l) || (last ? l.length === 0 || l.length > 64 : l.length !== 64)) {
      return undefined;
    }
  }
  const b64 = body.join('');
  if (b64.length % 4 !== 0) return undefined;
  return Buffer.from(b64, 'base64');
}

/**
 * Why `armored` is not a passphrase-wrapped identity, or undefined when it is one: an armored age file whose
 * only stanza is `scrypt` (salt, work factor), followed by a payload.
 */
export function wrappedIdentityProblem(armored: string): string | undefined {
  const bytes = dearmor(armored);
  if (!bytes) return 'is not an ASCII-armored age file';
  const header = parseHeader(bytes);
  if (!header.ok) return `is not an age file (${header.reason})`;
  const [stanza, ...rest] = header.stanzas;
  if (rest.length > 0 || stanza?.type !== 'scrypt') return 'must have exactly one stanza, of type scrypt';
  const [salt, logN] = stanza.args;
  if (stanza.args.length !== 2 || salt?.length !== 22 || !/^[1-9][0-9]?$/.test(logN ?? '')) {
    return 'has a malformed scrypt stanza';
  }
  // A payload is a 16-byte nonce and at least one 16-byte tag; an identity adds ~74 bytes of plaintext.
  if (bytes.length - header.headerLength < 32) return 'has no encrypted payload';
  return undefined;
}
