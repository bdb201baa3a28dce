import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, constantTimeEqual, decodeBase64, encodeBase64, fromUtf8, utf8 } from './bytes.js';
import { AgeError } from './errors.js';

/** A recipient stanza: `-> type arg…` followed by its base64 body. */
export interface Stanza {
  type: string;
  args: string[];
  body: Uint8Array;
}

/** A parsed age header. `macInput` is every header byte the MAC covers (up to and including `---`). */
export interface Header {
  stanzas: Stanza[];
  mac: Uint8Array;
  macInput: Uint8Array;
  length: number;
}

const VERSION_LINE = 'age-encryption.org/v1';
/** Headers are a few hundred bytes per recipient; the cap bounds what a stream buffers before the payload. */
export const MAX_HEADER_SIZE = 1024 * 1024;
const BODY_COLUMNS = 64;
const NEWLINE = 0x0a;
const HEADER_INFO = utf8('header');

function isArgument(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Line reader over bytes that may end mid-header; `undefined` means more bytes are needed. */
class Lines {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  next(): string | undefined {
    const end = this.bytes.indexOf(NEWLINE, this.offset);
    if (end === -1) return undefined;
    const line = this.bytes.subarray(this.offset, end);
    for (const c of line) if (c < 0x20 || c > 0x7e) throw new AgeError('malformed header');
    this.offset = end + 1;
    return fromUtf8(line);
  }
}

function checkPrefix(bytes: Uint8Array): void {
  const expected = utf8(VERSION_LINE + '\n');
  const n = Math.min(bytes.length, expected.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== expected[i]) throw new AgeError('not an age v1 file');
}

/**
 * Parses an age v1 header from the start of `bytes`. Returns `null` when `bytes` ends before the MAC line (the
 * caller should read more); throws {@link AgeError} as soon as the bytes cannot be an age header.
 */
export function parseHeaderBytes(bytes: Uint8Array): Header | null {
  checkPrefix(bytes);
  const header = parseLines(new Lines(bytes), bytes);
  if (header === null && bytes.length > MAX_HEADER_SIZE) throw new AgeError('header too large');
  return header;
}

function parseLines(lines: Lines, bytes: Uint8Array): Header | null {
  if (lines.next() === undefined) return null;
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = lines.offset;
    const line = lines.next();
    if (line === undefined) return null;
    if (line.startsWith('-> ')) {
      const [type, ...args] = line.slice(3).split(' ');
      if (type === undefined || !isArgument(type) || !args.every(isArgument))
        throw new AgeError('malformed stanza');
      const body = readBody(lines);
      if (body === null) return null;
      stanzas.push({ type, args, body });
    } else if (line.startsWith('--- ')) {
      if (stanzas.length === 0) throw new AgeError('no recipient stanzas');
      const encoded = line.slice(4);
      if (encoded.length !== 43) throw new AgeError('malformed header mac');
      const mac = decodeBase64(encoded);
      return { stanzas, mac, macInput: bytes.subarray(0, start + 3), length: lines.offset };
    } else {
      throw new AgeError('malformed header');
    }
  }
}

function readBody(lines: Lines): Uint8Array | null {
  let encoded = '';
  for (;;) {
    const line = lines.next();
    if (line === undefined) return null;
    if (line.length > BODY_COLUMNS) throw new AgeError('malformed stanza body');
    encoded += line;
    if (line.length < BODY_COLUMNS) return decodeBase64(encoded);
  }
}

function encodeStanza(stanza: Stanza): string {
  let out = `-> ${[stanza.type, ...stanza.args].join(' ')}\n`;
  const body = encodeBase64(stanza.body);
  for (let i = 0; i <= body.length; i += BODY_COLUMNS) out += body.slice(i, i + BODY_COLUMNS) + '\n';
  return out;
}

function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  return hmac(sha256, hkdf(sha256, fileKey, new Uint8Array(0), HEADER_INFO, 32), macInput);
}

/** Serialises a header for `stanzas` with its MAC under `fileKey`. */
export function encodeHeader(stanzas: Stanza[], fileKey: Uint8Array): Uint8Array {
  const macInput = utf8(`${VERSION_LINE}\n${stanzas.map(encodeStanza).join('')}---`);
  return concat(macInput, utf8(` ${encodeBase64(headerMac(fileKey, macInput))}\n`));
}

/** Throws unless the header MAC verifies under `fileKey` (compared in constant time). */
export function verifyHeaderMac(header: Header, fileKey: Uint8Array): void {
  if (!constantTimeEqual(headerMac(fileKey, header.macInput), header.mac))
    throw new AgeError('header mac mismatch');
}
