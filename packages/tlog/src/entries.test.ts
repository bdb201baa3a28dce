import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  decodeEntry,
  encodeEntry,
  ENTRY_SCHEMA,
  validateEntry,
  type Entry,
} from './entries.js';

const hidden: Entry = {
  schema: ENTRY_SCHEMA,
  seq: 7,
  type: 'moderation.hidden',
  time: '2026-11-28T20:00:00Z',
  data: { post: 12, moderator: 3, reason: 'doxxing' },
};

describe('log entries', () => {
  it('encodes canonically and decodes back', () => {
    const bytes = encodeEntry(hidden);
    expect(new TextDecoder().decode(bytes)).toBe(
      '{"data":{"moderator":3,"post":12,"reason":"doxxing"},"schema":"porchlight.org/log-entry/v1","seq":7,"time":"2026-11-28T20:00:00Z","type":"moderation.hidden"}',
    );
    expect(decodeEntry(bytes)).toEqual(hidden);
  });

  it('names every problem with an invalid entry', () => {
    expect(
      validateEntry({
        ...hidden,
        seq: 0,
        data: { post: 'x', moderator: 3, reason: '', home: [45.5, -122.6] },
      }),
    ).toEqual([
      'seq must be a positive integer',
      'data.home is not a field of moderation.hidden',
      'data.post must be a post id (po_ and 22 base64url characters, or a positive integer before public ids)',
      'data.reason must be 1–2000 characters',
    ]);
    expect(validateEntry({ ...hidden, type: 'user.signed_up' })[0]).toMatch(/^type must be one of/);
    expect(validateEntry({ ...hidden, extra: 1 })[0]).toMatch(/^entry must have exactly/);
  });

  it('names a post by its public id, and still accepts the numbers of entries published before public ids', () => {
    expect(validateEntry({ ...hidden, data: { ...hidden.data, post: 'po_Zx3-_9aQ1bC2dE3fG4hI5j' } })).toEqual(
      [],
    );
    expect(validateEntry(hidden)).toEqual([]);
    for (const post of ['ca_Zx3-_9aQ1bC2dE3fG4hI5j', 'po_short', 0, -1, 1.5])
      expect(validateEntry({ ...hidden, data: { ...hidden.data, post } }), String(post)).toHaveLength(1);
  });

  it('refuses bytes that are valid JSON but not canonical', () => {
    const spaced = new TextEncoder().encode(JSON.stringify(hidden, null, 1));
    expect(() => decodeEntry(spaced)).toThrow('not in canonical form');
  });

  it('sorts keys by code unit and escapes strings as JSON does', () => {
    expect(canonicalJson({ b: 1, a: 'é"\n', A: null })).toBe('{"A":null,"a":"é\\"\\n","b":1}');
    expect(() => canonicalJson({ x: 1.5 })).toThrow('only safe integers');
  });
});
