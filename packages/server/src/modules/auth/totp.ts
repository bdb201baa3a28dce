import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults, the only parameters every authenticator app supports: SHA-1, 6 digits, 30 s steps. */
const PERIOD = 30;
const ISSUER = 'Porchlight';

/** A new random 160-bit secret, base32 as authenticator apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totp = (secret: string, label = 'account') =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });

/** The `otpauth://totp/…` URI an authenticator app scans from the QR code. */
export const totpUri = (secret: string, label: string): string => totp(secret, label).toString();

/** The code an app shows for `secret` at `at` (tests and the demo's instructions). */
export const totpCode = (secret: string, at: Date): string =>
  totp(secret).generate({ timestamp: at.getTime() });

/**
 * The time step a code belongs to when it is valid at `now` within one step either side (clock drift), else
 * undefined. The caller refuses a step not newer than the last accepted one, so a code works once.
 */
export function totpStep(secret: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}
