import { describe, expect, it } from 'vitest';
import { initials } from './AccountMenu';

describe('initials on the account button', () => {
  it('takes the first letters of the first two words, leaving out a bracketed role', () => {
    expect(initials('Avery (admin)')).toBe('A');
    expect(initials('Central Precinct (agency)')).toBe('CP');
    expect(initials('élodie martin dupont')).toBe('ÉM');
  });

  it('is a question mark for a name with no letters', () => {
    expect(initials('(agency) 42')).toBe('?');
  });
});
