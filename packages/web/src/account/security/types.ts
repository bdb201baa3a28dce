import type { paths } from '@porchlight/api-client';
import type { Json } from '../../api/types';

export type SecondFactors = Json<paths['/api/me/second-factors']['get']['responses'][200]>;
export type SecondFactorProof = NonNullable<
  paths['/api/auth/second-factor']['post']['requestBody']
>['content']['application/json'];
export type TotpEnrolment = Json<paths['/api/me/second-factors/totp']['post']['responses'][201]>;
export type PasskeyAttestation = NonNullable<
  paths['/api/me/second-factors/passkeys']['post']['requestBody']
>['content']['application/json']['response'];
export type PasskeyAssertion = Extract<SecondFactorProof, { passkey: unknown }>['passkey'];
