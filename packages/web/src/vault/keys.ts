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

/** What setting up the vault leaves in the page: the identity, and the recovery code to show once. */
export interface NewVault {
  identity: string;
  recipient: string;
  recoveryCode: string;
}

/**
 * Creates the owner's age identity in this page, wraps it under the passphrase and under a fresh recovery
 * code (age scrypt), and stores only the recipient and the two wrapped copies on the server.
 */
export async function setUpVault(passphrase: string): Promise<NewVault> {
  const { identity, recipient } = await generateInWorker();
  const recoveryCode = generateRecoveryCode();
  // Two workers: the two scrypt wraps run on two cores.
  const [wrappedIdentity, recoveryWrappedIdentity] = await Promise.all([
    wrapInWorker(identity, passphrase),
    wrapInWorker(identity, recoveryCode),
  ]);
  await call(api.PUT('/api/vault/keys', { body: { recipient, wrappedIdentity, recoveryWrappedIdentity } }));
  return { identity, recipient, recoveryCode };
}

/** Unwraps the identity with the passphrase; a wrong one is a clear, local error. */
export async function unlockWithPassphrase(keys: VaultKeys, passphrase: string): Promise<string> {
  return unwrapChecked(keys.wrappedIdentity, passphrase, keys.recipient, () =>
    localError('Wrong passphrase', 'That passphrase does not unlock this vault. Check it and try again.'),
  );
}

/** Unwraps the identity with the recovery code (after checking its shape, so typos are named). */
export async function unlockWithRecoveryCode(keys: VaultKeys, code: string): Promise<string> {
  const canonical = normaliseRecoveryCode(code);
  if (!canonical) {
    throw localError(
      'That is not a recovery code',
      'A recovery code is 30 letters and digits in six groups of five, like 7K2QD-M0XAF-….',
    );
  }
  return unwrapChecked(keys.recoveryWrappedIdentity, canonical, keys.recipient, () =>
    localError('Wrong recovery code', 'That recovery code does not unlock this vault.'),
  );
}

/** Re-wraps the identity under a new passphrase; the recipient, and so every clip, stays the same. */
export async function changePassphrase(identity: string, passphrase: string): Promise<void> {
  const wrappedIdentity = await wrapInWorker(identity, passphrase);
  await call(api.PUT('/api/vault/keys/wrapping', { body: { wrappedIdentity } }));
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
