import { armor, encrypt, generateIdentity } from '@porchlight/age';
import { describe, expect, it } from 'vitest';
import { withRetired } from './keys';
import type { VaultKeys } from './types';

const seal = async (identity: string, recipient: string) =>
  armor(await encrypt(new TextEncoder().encode(identity), [recipient]));

/** Stored keys after one rotation: `current` is the key now, `retired` the one before, sealed to `current`. */
function rotatedKeys(sealedIdentity: string, retiredRecipient: string, current: string): VaultKeys {
  return {
    recipient: current,
    wrappedIdentity: 'not used here',
    recoveryWrappedIdentity: 'not used here',
    createdAt: new Date(0).toISOString(),
    generation: 2,
    retiredKeys: [
      { generation: 1, recipient: retiredRecipient, sealedIdentity, retiredAt: new Date(0).toISOString() },
    ],
  };
}

describe('withRetired (unlocking a rotated vault)', () => {
  it('opens the retired identity with the current one and derives the recipient in the page', async () => {
    const [old, current] = await Promise.all([generateIdentity(), generateIdentity()]);
    const keys = rotatedKeys(await seal(old.identity, current.recipient), old.recipient, current.recipient);
    expect(await withRetired(keys, current.identity)).toEqual({
      identity: current.identity,
      recipient: current.recipient,
      previous: [old.identity],
    });
  });

  it('refuses a retired key that is not the one its recipient names (an operator slipping its own key in)', async () => {
    const [old, current, operator] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ]);
    const keys = rotatedKeys(
      await seal(operator.identity, current.recipient),
      old.recipient,
      current.recipient,
    );
    await expect(withRetired(keys, current.identity)).rejects.toThrow(
      /rotation 1 is not the one its clips use/,
    );
  });

  it('says which rotation’s clips will not play when a sealed copy does not open', async () => {
    const [old, current, other] = await Promise.all([
      generateIdentity(),
      generateIdentity(),
      generateIdentity(),
    ]);
    const keys = rotatedKeys(await seal(old.identity, other.recipient), old.recipient, current.recipient);
    await expect(withRetired(keys, current.identity)).rejects.toThrow(
      /clips from before that rotation will not play/,
    );
  });
});
