import type { Backend } from './backend.js';
import { concat, decodeBase64, encodeBase64, utf8 } from './bytes.js';
import { AgeError } from './errors.js';
import type { Stanza } from './header.js';

const SALT_LABEL = utf8('age-encryption.org/v1/scrypt');
const ZERO_NONCE = new Uint8Array(12);
/** age's default work factor: about a second on a laptop, 256 MiB of memory. */
export const DEFAULT_LOG_N = 18;
/** The highest work factor we accept when decrypting: 2^22 × 1 KiB = 4 GiB of memory, as in age. */
export const MAX_LOG_N = 22;

/** An `scrypt` stanza carrying `fileKey` under `passphrase`. */
export async function wrapScrypt(
  backend: Backend,
  fileKey: Uint8Array,
  passphrase: string,
  logN: number,
): Promise<Stanza> {
  if (!Number.isInteger(logN) || logN < 1 || logN > MAX_LOG_N)
    throw new AgeError('invalid scrypt work factor');
  const salt = backend.randomBytes(16);
  const key = await backend.scrypt(utf8(passphrase), concat(SALT_LABEL, salt), logN);
  return {
    type: 'scrypt',
    args: [encodeBase64(salt), String(logN)],
    body: backend.seal(key, ZERO_NONCE, fileKey),
  };
}

/** The file key from an `scrypt` stanza; throws `wrong passphrase` when it does not open. */
export async function unwrapScrypt(
  backend: Backend,
  stanza: Stanza,
  passphrase: string,
): Promise<Uint8Array> {
  const [saltArg, logNArg, ...rest] = stanza.args;
  if (saltArg === undefined || logNArg === undefined || rest.length > 0)
    throw new AgeError('invalid scrypt stanza');
  const salt = decodeBase64(saltArg);
  if (salt.length !== 16 || stanza.body.length !== 32) throw new AgeError('invalid scrypt stanza');
  if (!/^[1-9][0-9]?$/.test(logNArg)) throw new AgeError('invalid scrypt work factor');
  const logN = Number(logNArg);
  if (logN > MAX_LOG_N) throw new AgeError('scrypt work factor too high');
  const key = await backend.scrypt(utf8(passphrase), concat(SALT_LABEL, salt), logN);
  const fileKey = backend.open(key, ZERO_NONCE, stanza.body);
  if (!fileKey) throw new AgeError('wrong passphrase');
  return fileKey;
}
