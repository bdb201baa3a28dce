import { api } from '../api/client';
import { ApiError, call, localError } from '../api/problem';
import { unwrapInWorker, wrapInWorker } from '../vault/keyWork';
import { normaliseRecoveryCode } from '../vault/recoveryCode';
import type { PreparedKey } from '../vault/keys';
import type { AgencyKeys } from './types';

/**
 * The member's stored agency key (recipient and wrapped copies), or null before it is set up. The server holds
 * only these; the identity is unwrapped in the browser.
 */
export async function loadAgencyKeys(): Promise<AgencyKeys | null> {
  try {
    return await call(api.GET('/api/agency/keys'));
  } catch (err) {
    if (err instanceof ApiError && (err.problem.status === 404 || err.code.endsWith('not_set_up')))
      return null;
    throw err;
  }
}

/**
 * Stores a member's prepared key (made in this page like the vault's, `prepareKey`): the recipient and the two
 * wrapped copies. The recipient is then published in the log as one of the agency's keys, so owners can check
 * whom they encrypt to.
 */
export async function storeAgencyKey(key: PreparedKey): Promise<void> {
  const { recipient, wrappedIdentity, recoveryWrappedIdentity } = key;
  await call(api.PUT('/api/agency/keys', { body: { recipient, wrappedIdentity, recoveryWrappedIdentity } }));
}

/**
 * After a recovery-code unlock: wraps the identity under the member's new passphrase and stores it with the
 * same recipient and recovery copy (a passphrase change; nothing is logged, the recipient set is unchanged).
 */
export async function changeAgencyPassphrase(
  keys: AgencyKeys,
  identity: string,
  passphrase: string,
): Promise<void> {
  const wrappedIdentity = await wrapInWorker(identity, passphrase);
  await call(
    api.PUT('/api/agency/keys', {
      body: {
        recipient: keys.recipient,
        wrappedIdentity,
        recoveryWrappedIdentity: keys.recoveryWrappedIdentity,
      },
    }),
  );
}

/** Unwraps the identity with the passphrase or the recovery code; a wrong one is a clear, local error. */
export async function unlockAgencyKeyWith(
  keys: AgencyKeys,
  secret: string,
  by: 'passphrase' | 'recovery',
): Promise<string> {
  if (by === 'recovery') {
    const canonical = normaliseRecoveryCode(secret);
    if (!canonical) {
      throw localError(
        'That is not a recovery code',
        'A recovery code is 30 letters and digits in six groups of five, like 7K2QD-M0XAF-….',
      );
    }
    return unwrapChecked(keys.recoveryWrappedIdentity, canonical, keys.recipient, 'recovery code');
  }
  return unwrapChecked(keys.wrappedIdentity, secret, keys.recipient, 'passphrase');
}

async function unwrapChecked(armored: string, secret: string, recipient: string, what: string) {
  let unwrapped: { identity: string; recipient: string };
  try {
    unwrapped = await unwrapInWorker(armored, secret);
  } catch (err) {
    if (err instanceof Error && err.message === 'wrong passphrase') {
      throw localError(
        `Wrong ${what}`,
        `That ${what} does not unlock your agency key. Check it and try again.`,
      );
    }
    throw localError('The agency key could not be opened', err instanceof Error ? err.message : String(err));
  }
  // Disclosures are encrypted to the published recipient; a different key would open none of them.
  if (unwrapped.recipient !== recipient) {
    throw localError('The stored key does not match', 'The unwrapped key is not your published recipient.');
  }
  return unwrapped.identity;
}
