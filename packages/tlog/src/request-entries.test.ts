import { describe, expect, it } from 'vitest';
import { ENTRY_SCHEMA, validateEntry } from './entries.js';

const entry = (type: string, data: Record<string, unknown>) => ({
  schema: ENTRY_SCHEMA,
  seq: 7,
  type,
  time: '2026-11-20T12:00:00Z',
  data,
});

const published = {
  request: 'rq_AAAAAAAAAAAAAAAAAAAAAA',
  agency: 3,
  jurisdiction: 'portland-or',
  caseNumber: 'PPB-1',
  category: 'burglary',
  legalBasis: 'warrant',
  narrative: 'Burglary on the block; looking for a vehicle seen leaving at 2 am.',
  windowStart: '2026-11-18T02:00:00Z',
  windowEnd: '2026-11-18T06:00:00Z',
  responseDeadline: '2026-11-27T12:00:00Z',
  exigent: false,
  policyVersion: 2,
  policySha256: 'a'.repeat(64),
  cells: ['8828f00049fffff', '8828f00223fffff'],
};

const refused = {
  agency: 3,
  jurisdiction: 'portland-or',
  policyVersion: 2,
  policySha256: 'a'.repeat(64),
  rules: ['area_too_small', 'prohibited_purpose'],
  category: 'burglary',
  areaM2: 40_000,
  windowHours: 6,
};

describe('footage request entries', () => {
  it('accepts well-formed request entries', () => {
    expect(validateEntry(entry('request.published', published))).toEqual([]);
    expect(
      validateEntry(entry('request.published', { ...published, caseNumber: '', legalBasis: '' })),
    ).toEqual([]);
    expect(validateEntry(entry('request.refused', refused))).toEqual([]);
    expect(
      validateEntry(entry('request.closed', { request: published.request, agency: 3, reason: 'Solved' })),
    ).toEqual([]);
    for (const type of ['request.expired', 'request.justification_missed'])
      expect(validateEntry(entry(type, { request: published.request }))).toEqual([]);
  });

  it('refuses an area other than sorted resolution-8 cells, and any polygon', () => {
    expect(
      validateEntry(entry('request.published', { ...published, cells: [...published.cells].reverse() })),
    ).toEqual(['data.cells must be sorted and without duplicates']);
    expect(validateEntry(entry('request.published', { ...published, cells: ['8928f000483ffff'] }))).toEqual([
      'data.cells item 0 is not one of the H3 resolution-8 cells',
    ]);
    expect(validateEntry(entry('request.published', { ...published, cells: [] }))[0]).toMatch(
      /data\.cells must be/,
    );
    expect(
      validateEntry(entry('request.published', { ...published, area: { type: 'Polygon', coordinates: [] } })),
    ).toEqual(['data.area is not a field of request.published']);
  });

  it('names only known rules, sorted, and whole numbers for size and window', () => {
    expect(validateEntry(entry('request.refused', { ...refused, rules: ['no_such_rule'] }))).toEqual([
      'data.rules item 0 is not one of the rule ids of @porchlight/policy',
    ]);
    expect(validateEntry(entry('request.refused', { ...refused, areaM2: 12.5, windowHours: -1 }))).toEqual([
      'data.areaM2 must be a whole number',
      'data.windowHours must be a whole number',
    ]);
    expect(validateEntry(entry('request.refused', { ...refused, narrative: 'x' }))).toEqual([
      'data.narrative is not a field of request.refused',
    ]);
  });

  it('an opaque id, never a sequential one', () => {
    expect(validateEntry(entry('request.expired', { request: 42 }))[0]).toMatch(/^data\.request must be/);
  });
});
