import { Type } from 'typebox';
import { MAX_ID, Obj } from '../../http/schema.js';

const Recipient = Type.String({ minLength: 62, maxLength: 62, description: 'age X25519 recipient (age1…)' });
const Wrapped = (what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4096,
    description: `The age identity encrypted under ${what} with age's scrypt recipient, ASCII-armored`,
  });

export const AgencyKeySchema = Obj(
  {
    agencyId: Type.Integer(),
    recipient: Recipient,
    wrappedIdentity: Wrapped('the member’s passphrase'),
    recoveryWrappedIdentity: Wrapped('the recovery code'),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'An agency member’s key: the public recipient and the identity, wrapped' },
);

export const SetAgencyKeyBody = Obj({
  recipient: Recipient,
  wrappedIdentity: Wrapped('the member’s passphrase'),
  recoveryWrappedIdentity: Wrapped('the recovery code'),
});

const LogIndex = (what: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: `Index of the ${what} entry in the transparency log; null until it is sequenced`,
  });

export const AgencyRecipientList = Obj(
  {
    agencyId: Type.Integer(),
    items: Type.Array(
      Obj({
        recipient: Recipient,
        addedLogIndex: LogIndex('agency.key_added'),
        removedLogIndex: LogIndex('agency.key_removed'),
        current: Type.Boolean({ description: 'Still in the agency’s recipient set' }),
      }),
    ),
  },
  {
    description:
      'Every recipient the agency has had, oldest first. Check each against the log (GET /log/proof/<index>) ' +
      'before encrypting to the current ones.',
  },
);

export const AgencyIdParams = Obj({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }) });
