import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';

const Recipient = Type.String({
  minLength: 62,
  maxLength: 62,
  description: 'age X25519 recipient (age1…)',
});
const Wrapped = (what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4096,
    description: `The age identity encrypted under ${what} with age's scrypt recipient, ASCII-armored`,
  });

const Sealed = Type.String({
  minLength: 1,
  maxLength: 4096,
  description: 'A retired age identity encrypted to the current recipient (X25519), ASCII-armored',
});

export const VaultKeysSchema = Obj(
  {
    recipient: Recipient,
    wrappedIdentity: Wrapped('the owner’s passphrase'),
    recoveryWrappedIdentity: Wrapped('the recovery code'),
    createdAt: Type.String({ format: 'date-time' }),
    generation: Type.Integer({ minimum: 1, description: '1 at setup, +1 at every key rotation' }),
    retiredKeys: Type.Array(
      Obj({
        generation: Type.Integer({ minimum: 1 }),
        recipient: Recipient,
        sealedIdentity: Sealed,
        retiredAt: Type.String({ format: 'date-time' }),
      }),
      { description: 'Identities retired by key rotation, each sealed to the current recipient' },
    ),
  },
  { description: 'Vault keys: the public recipient and the identity, wrapped (the server cannot unwrap it)' },
);

export const SetVaultKeysBody = Obj({
  recipient: Recipient,
  wrappedIdentity: Wrapped('the owner’s passphrase'),
  recoveryWrappedIdentity: Wrapped('the recovery code'),
});

export const RewrapBody = Obj({ wrappedIdentity: Wrapped('the new passphrase') });

export const RotateKeysBody = Obj({
  previousRecipient: Recipient,
  recipient: Recipient,
  wrappedIdentity: Wrapped('the owner’s passphrase'),
  recoveryWrappedIdentity: Wrapped('a new recovery code'),
  retiredKeys: Type.Array(
    Obj({ generation: Type.Integer({ minimum: 1 }), recipient: Recipient, sealedIdentity: Sealed }),
    { maxItems: 1000, description: 'Every key generation so far, the one retired now included' },
  ),
});
