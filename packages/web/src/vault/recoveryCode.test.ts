import { describe, expect, it } from 'vitest';
import { generateRecoveryCode, normaliseRecoveryCode } from './recoveryCode';

describe('recovery codes', () => {
  it('are six dash-separated groups of five Crockford base32 characters', () => {
    const code = generateRecoveryCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){5}$/);
  });

  it('differ every time (150 random bits)', () => {
    const codes = new Set(Array.from({ length: 50 }, () => generateRecoveryCode()));
    expect(codes.size).toBe(50);
  });

  it('use every symbol of the alphabet with fixed randomness', () => {
    const code = generateRecoveryCode((n) => Uint8Array.from({ length: n }, (_, i) => i + 32));
    expect(code).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ'.slice(0, 30).replace(/(.{5})(?!$)/g, '$1-'));
  });

  it('survive lower case, spaces, missing dashes and look-alike letters', () => {
    const code = generateRecoveryCode();
    const typed = code.toLowerCase().replaceAll('-', ' ');
    expect(normaliseRecoveryCode(typed)).toBe(code);
    expect(normaliseRecoveryCode(code.replaceAll('-', ''))).toBe(code);
    expect(normaliseRecoveryCode('o0il1-00000-00000-00000-00000-00000')).toBe(
      '00111-00000-00000-00000-00000-00000',
    );
  });

  it.each(['', 'ABCDE-FGHJK', 'ABCDE-FGHJK-MNPQR-STVWX-YZ012-3456', 'ABCDE-FGHJK-MNPQR-STVWX-YZ012-3456U'])(
    '%o is not a recovery code',
    (input) => {
      expect(normaliseRecoveryCode(input)).toBeNull();
    },
  );
});
