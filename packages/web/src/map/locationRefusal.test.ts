import { describe, expect, it } from 'vitest';
import { locationRefusal } from './locationRefusal';

describe('a location the browser did not give', () => {
  it('is explained in words with a way on, never the browser’s own message', () => {
    const denied = locationRefusal({ code: 1 });
    expect(denied).toContain('Allow it in the browser’s site settings');
    expect(locationRefusal({ code: 3 })).toContain('took too long');
    expect(locationRefusal({ code: 2 })).toContain('could not tell where it is');
    for (const code of [1, 2, 3]) expect(locationRefusal({ code })).toMatch(/search for your address/i);
  });
});
