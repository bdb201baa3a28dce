import { base64 } from '@scure/base';
import { AgeError } from './errors.js';

const BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const END = '-----END AGE ENCRYPTED FILE-----';
const COLUMNS = 64;

/** ASCII armor (strict PEM, padded base64 in 64-column lines) of an age file. */
export function armor(bytes: Uint8Array): string {
  const encoded = base64.encode(bytes);
  const lines = [BEGIN];
  for (let i = 0; i < encoded.length; i += COLUMNS) lines.push(encoded.slice(i, i + COLUMNS));
  lines.push(END);
  return lines.join('\n') + '\n';
}

/**
 * Bytes of an armored age file. Surrounding whitespace is ignored (as age does); inside, only the canonical
 * encoding is accepted: full 64-column lines, a shorter final line, canonical padding, LF or CRLF line ends.
 */
export function dearmor(text: string): Uint8Array {
  const lines = text.trim().split(/\r?\n/);
  if (lines.length < 3 || lines[0] !== BEGIN || lines[lines.length - 1] !== END)
    throw new AgeError('invalid armor');
  const body = lines.slice(1, -1);
  body.forEach((line, i) => {
    const final = i === body.length - 1;
    if (final ? line.length === 0 || line.length > COLUMNS : line.length !== COLUMNS)
      throw new AgeError('invalid armor');
  });
  const encoded = body.join('');
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(encoded);
  } catch {
    throw new AgeError('invalid armor');
  }
  if (base64.encode(bytes) !== encoded) throw new AgeError('invalid armor');
  return bytes;
}
