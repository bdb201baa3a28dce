import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRY_TYPES } from './entries.js';

/*
 * docs/log-entries.md is how people read the public log without reading the code: it must stay complete. Every
 * entry type gets a row in the tables under its "Types" heading, and no row names a type that does not exist.
 */
const doc = readFileSync(new URL('../../../docs/log-entries.md', import.meta.url), 'utf8');
const types = doc.split('\n## Types')[1]?.split('\n## ')[0] ?? '';
const rows = [...types.matchAll(/^\| `([a-z_]+\.[a-z_.]+)` +\|/gm)].map((m) => m[1]!);

describe('docs/log-entries.md', () => {
  it('has a row for every entry type, and no row for a type that does not exist', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(ENTRY_TYPES.filter((t) => !rows.includes(t))).toEqual([]);
    expect(rows.filter((t) => !(ENTRY_TYPES as string[]).includes(t))).toEqual([]);
  });
});
