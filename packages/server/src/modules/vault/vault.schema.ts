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

export const VaultKeysSchema = Obj(
  {
    recipient: Recipient,
    wrappedIdentity: Wrapped('the owner’s passphrase'),
    recoveryWrappedIdentity: Wrapped('the recovery code'),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'Vault keys: the public recipient and the identity, wrapped (the server cannot unwrap it)' },
);

export const SetVaultKeysBody = Obj({
  recipient: Recipient,
  wrappedIdentity: Wrapped('the owner’s passphrase'),
  recoveryWrappedIdentity: Wrapped('the recovery code'),
});

export const RewrapBody = Obj({ wrappedIdentity: Wrapped('the new passphrase') });
