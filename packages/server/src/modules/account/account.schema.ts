import { Type } from 'typebox';
import { Obj } from '../../http/schema.js';
import { SecondFactorProofSchema } from '../auth/mfa.schema.js';

/** A token from a mailed link: 32 random bytes, base64url. */
const LinkToken = Type.String({
  pattern: '^[A-Za-z0-9_-]{43}$',
  description: 'The token from the mailed link',
});

export const AccountSchema = Obj({
  email: Type.String(),
  emailVerified: Type.Boolean({ description: 'Whether the address was confirmed through a mailed link' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const VerifyEmailBody = Obj({ token: LinkToken });
export const VerifiedSchema = Obj({ email: Type.String() });

export const ResetRequestBody = Obj({ email: Type.String({ format: 'email', maxLength: 254 }) });
export const ResetRequestedSchema = Obj({
  message: Type.String({ description: 'The same whether or not the address has an account' }),
});
export const ResetPasswordBody = Obj({
  token: LinkToken,
  password: Type.String({
    minLength: 8,
    maxLength: 256,
    description: 'The new password, at least 8 characters',
  }),
});

export const SessionIdParams = Obj({
  id: Type.String({ pattern: '^se_[0-9a-f]{22}$', description: 'A session id from the sessions list' }),
});
export const SessionList = Obj({
  sessions: Type.Array(
    Obj({
      id: Type.String({ pattern: '^se_[0-9a-f]{22}$' }),
      current: Type.Boolean({ description: 'The session of this request' }),
      createdAt: Type.String({ format: 'date-time', description: 'When it signed in' }),
      lastSeenAt: Type.String({ format: 'date-time', description: 'Last request, to within 5 minutes' }),
      browser: Type.Union([Type.String(), Type.Null()], { description: 'e.g. "Firefox 128 on Linux"' }),
      network: Type.Union([Type.String(), Type.Null()], { description: 'Coarse: "203.0.x.x"' }),
    }),
  ),
});
export const EndedSchema = Obj({ ended: Type.Integer({ minimum: 0 }) });

export const DeleteAccountBody = Obj({
  password: Type.String({ minLength: 1, maxLength: 256 }),
  secondFactor: Type.Optional(SecondFactorProofSchema),
});

/** The export download, for OpenAPI: a tar archive. */
export const ExportResponse = {
  content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } },
} as const;
