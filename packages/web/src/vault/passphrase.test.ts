import { beforeAll, describe, expect, it } from 'vitest';
import { acceptable, loadEstimator, passphraseStrength, type Estimator } from './passphrase';

let estimate: Estimator;
beforeAll(async () => {
  estimate = await loadEstimator();
});

describe('passphraseStrength (zxcvbn)', () => {
  it.each([
    ['short', 'too short'],
    ['a', 'too short'],
    ['password1234567', 'weak'],
    ['aaaaaaaaaaaaaaaa', 'weak'],
    ['qwertyuiopasdfgh', 'weak'],
    ['letmein12345678', 'weak'],
    ['porchlightvault', 'weak'],
    ['iloveyouiloveyou', 'weak'],
    ['1234567890123', 'weak'],
  ])('refuses %o (%s)', (p, label) => {
    const s = passphraseStrength(p, estimate);
    expect(s.label).toBe(label);
    expect(acceptable(s)).toBe(false);
  });

  it.each(['lantern hedgehog quietly orbit', 'correct staple cobalt meadow', 'vX7#qL9!mR2$wK4p'])(
    'accepts %o',
    (p) => {
      const s = passphraseStrength(p, estimate);
      expect(s.score).toBeGreaterThanOrEqual(3);
      expect(acceptable(s)).toBe(true);
    },
  );

  it('is not fooled by length alone: a long run of one common word is weak', () => {
    expect(acceptable(passphraseStrength('passwordpasswordpassword', estimate))).toBe(false);
  });

  it('explains a refusal with zxcvbn’s advice', () => {
    expect(passphraseStrength('password1234567', estimate).hint).toMatch(/^Too easy to guess\. .+/);
  });
});
