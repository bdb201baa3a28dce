/** How strong a vault passphrase looks, for the hint under the field. Not a guarantee; a nudge. */
export interface PassphraseStrength {
  /** 0 (unusable) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  label: 'too short' | 'weak' | 'fair' | 'good' | 'strong';
  hint: string;
}

/** Shortest passphrase the vault accepts: the wrapped identity sits on the server, open to offline guessing. */
export const MIN_PASSPHRASE_LENGTH = 12;

const COMMON = ['password', 'passw0rd', 'porchlight', 'qwerty', '123456', 'letmein', 'iloveyou', 'welcome'];

/**
 * A rough estimate from length, character variety, word count and well-known weak patterns. Several random
 * words beat symbol soup, so word count counts as much as variety.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  const p = passphrase.trim();
  if (p.length < MIN_PASSPHRASE_LENGTH) {
    return {
      score: 0,
      label: 'too short',
      hint: `Use at least ${MIN_PASSPHRASE_LENGTH} characters — four or more unrelated words work well.`,
    };
  }
  const lower = p.toLowerCase();
  if (COMMON.some((w) => lower.includes(w)) || /^(.)\1+$/.test(p) || /^(0123456789|abcdefghij)/.test(lower)) {
    return {
      score: 1,
      label: 'weak',
      hint: 'This contains a common password or pattern; pick unrelated words.',
    };
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/].filter((r) => r.test(p)).length;
  const words = p.split(/[\s\-_.]+/).filter((w) => w.length >= 3).length;
  let points = 0;
  if (p.length >= 16) points++;
  if (p.length >= 24) points++;
  if (classes >= 3) points++;
  if (words >= 4) points += 2;
  else if (words >= 3) points++;
  if (points >= 4) return { score: 4, label: 'strong', hint: 'Strong. Write it down somewhere safe too.' };
  if (points >= 2)
    return { score: 3, label: 'good', hint: 'Good. A fourth unrelated word makes it stronger.' };
  if (points >= 1)
    return { score: 2, label: 'fair', hint: 'Fair. Longer is better: add another word or two.' };
  return { score: 1, label: 'weak', hint: 'Weak. Use four or more unrelated words.' };
}
