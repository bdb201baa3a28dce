import { describe, expect, it } from 'vitest';
import { passphraseStrength } from './passphrase';

describe('passphraseStrength', () => {
  it.each([
    ['short', 0],
    ['password1234567', 1],
    ['aaaaaaaaaaaaaaaa', 1],
    ['lanternhedgehog', 1],
    ['lantern hedgehog', 2],
    ['lantern hedgehog quietly', 3],
    ['lantern hedgehog quietly orbit', 4],
  ] as const)('%o scores %i', (p, score) => {
    expect(passphraseStrength(p).score).toBe(score);
  });
});
