/**
 * Recovery codes: 30 random Crockford base32 characters (150 bits) shown as six groups of five, e.g.
 * `7K2QD-M0XAF-…`. The identity is also wrapped under this code, so it must survive being copied by hand:
 * input is case-insensitive, ignores spaces and dashes, and reads I/L as 1 and O as 0.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 6;
const GROUP_LENGTH = 5;
const LENGTH = GROUPS * GROUP_LENGTH;

/** A fresh recovery code in its canonical form (groups joined by dashes). */
export function generateRecoveryCode(random: (n: number) => Uint8Array = randomBytes): string {
  // 256 is a multiple of 32, so taking the low five bits of each byte is uniform.
  const bytes = random(LENGTH);
  let out = '';
  for (let i = 0; i < LENGTH; i++) out += ALPHABET.charAt((bytes[i] ?? 0) & 31);
  return group(out);
}

/**
 * The canonical form of a typed or pasted recovery code, or null when it cannot be one (wrong length or a
 * character outside the alphabet). The canonical form is what the identity was wrapped under.
 */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (compact.length !== LENGTH) return null;
  for (const c of compact) if (!ALPHABET.includes(c)) return null;
  return group(compact);
}

function group(compact: string): string {
  const parts: string[] = [];
  for (let i = 0; i < compact.length; i += GROUP_LENGTH) parts.push(compact.slice(i, i + GROUP_LENGTH));
  return parts.join('-');
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}
