import { Type, type Static } from 'typebox';
import { Obj } from '../../http/schema.js';

const Attachment = Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]);
const B64url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' });

export const TotpCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'The 6-digit code the authenticator app shows now',
});
export const RecoveryCode = Type.String({
  minLength: 11,
  maxLength: 13,
  description: 'One of the recovery codes shown at enrolment, e.g. abcde-fghij; each works once',
});

/** A WebAuthn assertion as `@simplewebauthn/browser`'s `startAuthentication` returns it. */
export const PasskeyAssertion = Obj(
  {
    id: B64url(1400),
    rawId: B64url(1400),
    type: Type.Literal('public-key'),
    response: Obj({
      clientDataJSON: B64url(4000),
      authenticatorData: B64url(16000),
      signature: B64url(16000),
      userHandle: Type.Optional(Type.String({ maxLength: 200 })),
    }),
    clientExtensionResults: Type.Record(Type.String(), Type.Unknown()),
    authenticatorAttachment: Type.Optional(Attachment),
  },
  { description: 'AuthenticationResponseJSON' },
);

/** A WebAuthn attestation as `@simplewebauthn/browser`'s `startRegistration` returns it. */
export const PasskeyAttestation = Obj(
  {
    id: B64url(1400),
    rawId: B64url(1400),
    type: Type.Literal('public-key'),
    response: Obj({
      clientDataJSON: B64url(4000),
      attestationObject: B64url(16000),
      authenticatorData: Type.Optional(B64url(16000)),
      transports: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
      publicKeyAlgorithm: Type.Optional(Type.Integer()),
      publicKey: Type.Optional(B64url(4000)),
    }),
    clientExtensionResults: Type.Record(Type.String(), Type.Unknown()),
    authenticatorAttachment: Type.Optional(Attachment),
  },
  { description: 'RegistrationResponseJSON' },
);

/**
 * Proof of a current second factor: a code from the authenticator app, a passkey assertion (answering options
 * from `POST /api/me/second-factors/challenge`, or the sign-in's own), or an unused recovery code.
 */
export const SecondFactorProofSchema = Type.Union(
  [Obj({ code: TotpCode }), Obj({ passkey: PasskeyAssertion }), Obj({ recoveryCode: RecoveryCode })],
  { description: 'One current second factor' },
);
export type SecondFactorProof = Static<typeof SecondFactorProofSchema>;

export const FactorMethods = Type.Array(
  Type.Union([Type.Literal('totp'), Type.Literal('passkey'), Type.Literal('recovery_code')]),
);

/** WebAuthn options passed unchanged to `@simplewebauthn/browser`. */
export const WebauthnOptions = Type.Object(
  { challenge: Type.String() },
  {
    additionalProperties: true,
    description: 'PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON',
  },
);

export const PasskeySchema = Obj({
  id: Type.String({ description: 'The credential id (base64url)' }),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const SecondFactorsSchema = Obj({
  totp: Type.Boolean({ description: 'An authenticator app is enrolled' }),
  passkeys: Type.Array(PasskeySchema),
  recoveryCodesLeft: Type.Integer({ minimum: 0 }),
  required: Type.Boolean({ description: 'This account’s role needs a second factor before it can act' }),
});

export const RecoveryCodesSchema = Obj({
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Shown this once; only their hashes are stored. Each works once.',
  }),
});

export const EnrolledSchema = Obj({
  factors: SecondFactorsSchema,
  recoveryCodes: Type.Optional(
    Type.Array(Type.String(), {
      description: 'With the first factor only: shown this once, stored hashed, each works once',
    }),
  ),
});

export const TotpEnrolmentSchema = Obj({
  secret: Type.String({ description: 'Base32, for typing into an app that cannot scan' }),
  otpauthUri: Type.String({ description: 'otpauth://totp/… for the QR code' }),
  qrSvg: Type.String({ description: 'The otpauth URI as an SVG QR code' }),
});

export const TotpConfirmBody = Obj({ code: TotpCode });

export const PasskeyRegisterBody = Obj({
  name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S', description: 'e.g. “Laptop”' }),
  response: PasskeyAttestation,
});

const Password = Type.String({ minLength: 1, maxLength: 256 });

export const RemoveFactorBody = Obj({
  factor: Type.Union([
    Obj({ kind: Type.Literal('totp') }),
    Obj({ kind: Type.Literal('passkey'), id: Type.String({ minLength: 1, maxLength: 1400 }) }),
  ]),
  password: Password,
  proof: SecondFactorProofSchema,
});

export const ReauthBody = Obj({ password: Password, proof: SecondFactorProofSchema });
