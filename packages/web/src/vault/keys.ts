import { armor, decrypt, dearmor, encrypt, identityToRecipient } from '@porchlight/age';
import { api } from '../api/client';
import { ApiError, call, localError } from '../api/problem';
import { generateInWorker, unwrapInWorker, wrapInWorker } from './keyWork';
import type { VaultKeys } from './types';
import { generateRecoveryCode, normaliseRecoveryCode } from './recoveryCode';

/** The owner's stored keys, or null when the vault has not been set up yet. */
export async function loadVaultKeys(): Promise<VaultKeys | null> {
  try {
    return await call(api.GET('/api/vault/keys'));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'vault_not_set_up') return null;
    throw err;
  }
}

/**
 * A key made in this page and not stored yet: the identity, its recipient, the recovery code to show once, and
 * the two wrapped copies the server will hold. Nothing is sent until the person says they saved the code, so
 * closing the tab before that leaves no key behind that only a lost code could open.
 */
export interface PreparedKey {
  identity: string;
  recipient: string;
  recoveryCode: string;
  wrappedIdentity: string;
  recoveryWrappedIdentity: string;
}

/** Creates an age identity in this page and wraps it under the passphrase and a fresh recovery code. */
export async function prepareKey(passphrase: string): Promise<PreparedKey> {
  const { identity, recipient } = await generateInWorker();
  const recoveryCode = generateRecoveryCode();
  // Two workers: the two scrypt wraps run on two cores.
  const [wrappedIdentity, recoveryWrappedIdentity] = await Promise.all([
    wrapInWorker(identity, passphrase),
    wrapInWorker(identity, recoveryCode),
  ]);
  return { identity, recipient, recoveryCode, wrappedIdentity, recoveryWrappedIdentity };
}

/** Stores a prepared vault key: only the recipient and the two wrapped copies reach the server. */
export async function storeVault(key: PreparedKey): Promise<void> {
  const { recipient, wrappedIdentity, recoveryWrappedIdentity } = key;
  await call(api.PUT('/api/vault/keys', { body: { recipient, wrappedIdentity, recoveryWrappedIdentity } }));
}

/**
 * The keys of an unlocked vault: the current identity, the recipient derived from it in this page (never the
 * server's copy — new clips and hub pairing use this one), and the identities retired by key rotation, which
 * open the clips encrypted before each rotation.
 */
export interface UnlockedKeys {
  identity: string;
  recipient: string;
  previous: string[];
}

/** Unwraps the identity with the passphrase; a wrong one is a clear, local error. */
export async function unlockWithPassphrase(keys: VaultKeys, passphrase: string): Promise<UnlockedKeys> {
  const identity = await unwrapChecked(keys.wrappedIdentity, passphrase, keys.recipient, () =>
    localError('Wrong passphrase', 'That passphrase does not unlock this vault. Check it and try again.'),
  );
  return withRetired(keys, identity);
}

/**
 * Opens the retired identities, which are sealed to the current key, and checks each is the key of the
 * recipient the server lists for it — a swapped sealed copy would otherwise go unnoticed until a clip failed.
 */
export async function withRetired(keys: VaultKeys, identity: string): Promise<UnlockedKeys> {
  const previous: string[] = [];
  for (const retired of keys.retiredKeys) {
    let old: string;
    try {
      old = new TextDecoder().decode(await decrypt(dearmor(retired.sealedIdentity), [identity]));
    } catch (err) {
      throw localError(
        'An older vault key could not be opened',
        `The key retired at rotation ${retired.generation} does not open with your current key ` +
          `(${err instanceof Error ? err.message : String(err)}); clips from before that rotation will not play.`,
      );
    }
    if ((await identityToRecipient(old)) !== retired.recipient) {
      throw localError(
        'An older vault key does not match',
        `The key retired at rotation ${retired.generation} is not the one its clips use.`,
      );
    }
    previous.push(old);
  }
  return { identity, recipient: await identityToRecipient(identity), previous };
}

/** Unwraps the identity with the recovery code (after checking its shape, so typos are named). */
export async function unlockWithRecoveryCode(keys: VaultKeys, code: string): Promise<UnlockedKeys> {
  const canonical = normaliseRecoveryCode(code);
  if (!canonical) {
    throw localError(
      'That is not a recovery code',
      'A recovery code is 30 letters and digits in six groups of five, like 7K2QD-M0XAF-….',
    );
  }
  const identity = await unwrapChecked(keys.recoveryWrappedIdentity, canonical, keys.recipient, () =>
    localError('Wrong recovery code', 'That recovery code does not unlock this vault.'),
  );
  return withRetired(keys, identity);
}

/**
 * Re-wraps the identity under a new passphrase; the recipient, and so every clip, stays the same. Copies
 * wrapped under the old passphrase (in backups, database WAL files) still open the same key: only
 * {@link rotateVault} makes them useless for new clips.
 */
export async function changePassphrase(identity: string, passphrase: string): Promise<void> {
  const wrappedIdentity = await wrapInWorker(identity, passphrase);
  await call(api.PUT('/api/vault/keys/wrapping', { body: { wrappedIdentity } }));
}

/** What a rotation leaves in the page: the new keys, and the new recovery code to show once. */
export interface RotatedVault extends UnlockedKeys {
  recoveryCode: string;
}

/**
 * Key rotation: makes a new identity in this page, wraps it under `passphrase` and a new recovery code, and
 * seals the current identity and every retired one to the new recipient, so old clips still open after an
 * unlock. The server stores only the new recipient, the wrapped copies and the sealed ones.
 */
export async function rotateVault(
  current: UnlockedKeys,
  keys: VaultKeys,
  passphrase: string,
): Promise<RotatedVault> {
  const { identity, recipient } = await generateInWorker();
  const recoveryCode = generateRecoveryCode();
  const [wrappedIdentity, recoveryWrappedIdentity] = await Promise.all([
    wrapInWorker(identity, passphrase),
    wrapInWorker(identity, recoveryCode),
  ]);
  const seal = async (old: string) => armor(await encrypt(new TextEncoder().encode(old), [recipient]));
  // Every key so far goes along, each sealed to the new one: the server refuses a rotation that drops one.
  const retiredKeys = [
    ...(await Promise.all(
      keys.retiredKeys.map(async (r, i) => ({
        generation: r.generation,
        recipient: r.recipient,
        sealedIdentity: await seal(current.previous[i]!),
      })),
    )),
    {
      generation: keys.generation,
      recipient: current.recipient,
      sealedIdentity: await seal(current.identity),
    },
  ];
  await call(
    api.POST('/api/vault/keys/rotation', {
      body: {
        previousRecipient: current.recipient,
        recipient,
        wrappedIdentity,
        recoveryWrappedIdentity,
        retiredKeys,
      },
    }),
  );
  return {
    identity,
    recipient,
    previous: [...current.previous, current.identity],
    recoveryCode,
  };
}

async function unwrapChecked(
  armored: string,
  secret: string,
  recipient: string,
  wrong: () => ApiError,
): Promise<string> {
  let unwrapped: { identity: string; recipient: string };
  try {
    unwrapped = await unwrapInWorker(armored, secret);
  } catch (err) {
    if (err instanceof Error && err.message === 'wrong passphrase') throw wrong();
    throw localError('The vault key could not be opened', err instanceof Error ? err.message : String(err));
  }
  // A key that does not match the recipient clips are encrypted to would decrypt nothing; say so now.
  if (unwrapped.recipient !== recipient) {
    throw localError('The stored key does not match', 'The unwrapped key is not the one your clips use.');
  }
  return unwrapped.identity;
}
