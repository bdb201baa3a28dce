import fs from 'node:fs/promises';
import {
  ed25519Signer,
  formatVerifierKey,
  generateSigner,
  parseSignerKey,
  SIGNATURE_TYPE_ED25519,
  type NoteSigner,
} from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import type { Queryable } from '../../infra/db/index.js';
import * as repo from './transparency.repository.js';

/**
 * The log's signing key as the sequencer holds it. Signing goes through the {@link NoteSigner} interface only,
 * so a key held by an HSM or a cloud KMS would plug in here; today the private key is either in the database or,
 * with `PORCHLIGHT_LOG_KEY_FILE`, in a file the operator protects (mode 0600, a secrets mount).
 */
export interface LogKey {
  readonly origin: string;
  readonly vkey: string;
  readonly signer: NoteSigner;
}

/** A signed-note private key and the verifier key derived from it. */
export interface KeyPair {
  readonly skey: string;
  readonly vkey: string;
}

/** A log key that cannot be used as configured; the message says what to change. */
export class LogKeyError extends Error {
  override name = 'LogKeyError';
}

/**
 * Parses a C2SP signed-note private key (`PRIVATE+KEY+<name>+<id>+<base64>`, as Go's `note.GenerateKey`
 * writes it) and derives its verifier key. Throws unless it is an Ed25519 note key.
 */
export function parseKeyPair(text: string): KeyPair {
  const skey = text.trim();
  const key = parseSignerKey(skey);
  if (key.signatureType !== SIGNATURE_TYPE_ED25519) throw new Error('not an Ed25519 signed-note key');
  return { skey, vkey: formatVerifierKey(key.name, key.signatureType, key.publicKey) };
}

/** Reads a signed-note private key file. Throws naming the file when it is unreadable or not a key. */
export async function readKeyFile(file: string): Promise<KeyPair> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new LogKeyError(`cannot read the log key file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseKeyPair(text);
  } catch (err) {
    throw new LogKeyError(`${file} is not a signed-note private key: ${(err as Error).message}`);
  }
}

/** Writes a fresh key pair named `origin` to `file` (which must not exist), readable by its owner only. */
export async function generateKeyFile(file: string, origin: string): Promise<KeyPair> {
  const pair = generateSigner(origin);
  await fs.writeFile(file, `${pair.skey}\n`, { mode: 0o600, flag: 'wx' });
  return pair;
}

/**
 * Loads the active log key, creating it and the log's first event on the instance's first start. Takes the
 * sequencer lock, so two processes starting together create one key.
 *
 * With `PORCHLIGHT_LOG_KEY_FILE` the file's key must be the log's active key; a private key still in the
 * database (an instance moving to a key file) is erased. Throws a {@link LogKeyError} saying what to fix when
 * the file holds another key, or when the key is in neither place.
 */
export async function loadLogKey(deps: Deps): Promise<LogKey> {
  const origin = deps.config.logOrigin;
  const file = deps.config.logKeyFile;
  const fromFile = file === undefined ? undefined : await readKeyFile(file);
  const row = await deps.db.transaction(async (tx) => {
    await repo.lockSequencer(tx);
    const existing = await repo.findActiveKey(tx);
    if (!existing) return createKey(tx, deps, origin, fromFile);
    if (fromFile && fromFile.vkey !== existing.vkey) {
      throw new LogKeyError(
        `PORCHLIGHT_LOG_KEY_FILE (${file}) holds ${fromFile.vkey}, but the log's active key is ${existing.vkey}; ` +
          'after a rotation, put the new key in the file',
      );
    }
    if (fromFile && existing.skey !== null) await repo.forgetActivePrivateKey(tx);
    return existing;
  });
  // A log's origin is its identity: verifiers pin it, so it cannot silently change with the configuration.
  if (row.origin !== origin) {
    throw new LogKeyError(`PORCHLIGHT_LOG_ORIGIN is "${origin}" but this instance's log is "${row.origin}"`);
  }
  const skey = fromFile?.skey ?? row.skey;
  if (skey === null) {
    throw new LogKeyError(
      `the private key of ${row.vkey} is not in the database (it was kept in a key file): set PORCHLIGHT_LOG_KEY_FILE`,
    );
  }
  return { origin, vkey: row.vkey, signer: ed25519Signer(skey) };
}

async function createKey(
  tx: Queryable,
  deps: Deps,
  origin: string,
  fromFile: KeyPair | undefined,
): Promise<repo.LogKeyRow> {
  const { skey, vkey } = fromFile ?? generateSigner(origin);
  const createdAt = deps.clock.now();
  // A key from a file stays there: the database only learns its public half.
  const stored = fromFile ? null : skey;
  await repo.insertKey(tx, { origin, skey: stored, vkey, createdAt });
  await repo.insertInstanceCreatedEvent(tx, { origin, key: vkey, createdAt });
  return { origin, skey: stored, vkey };
}

/** The new key a rotation switches to: from a file the operator prepared, or generated and kept in the database. */
export async function nextKey(
  deps: Deps,
  newKeyFile: string | undefined,
): Promise<{ pair: KeyPair; storeInDb: boolean }> {
  const origin = deps.config.logOrigin;
  if (newKeyFile === undefined) {
    if (deps.config.logKeyFile !== undefined) {
      throw new LogKeyError(
        'the log key is kept in PORCHLIGHT_LOG_KEY_FILE, so the new key must be too: pass --new-key-file ' +
          '(create one with --generate <file>)',
      );
    }
    return { pair: generateSigner(origin), storeInDb: true };
  }
  const pair = await readKeyFile(newKeyFile);
  const name = pair.vkey.slice(0, pair.vkey.indexOf('+'));
  if (name !== origin) {
    throw new LogKeyError(`the new key is named "${name}", but the log's origin is "${origin}"`);
  }
  return { pair, storeInDb: false };
}
