import { describe, expect, it } from 'vitest';
import { emptyForm, fromLocalInput, toDraft, toLocalInput, type RequestForm } from './draft';

const filled = (over: Partial<RequestForm> = {}): RequestForm => ({
  ...emptyForm(new Date('2026-03-04T10:25:00')),
  caseNumber: ' PPB-26-1042 ',
  offenseCategory: 'burglary',
  legalBasis: 'warrant',
  investigatorName: 'Det. R. Alvarez',
  investigatorContact: 'ralvarez@police.example',
  narrative: 'Residential burglary on the 1200 block; suspects left on foot heading north.',
  corners: [
    [-122.68, 45.52],
    [-122.67, 45.52],
    [-122.67, 45.53],
  ],
  ...over,
});

describe('request draft', () => {
  it('starts with a two-hour window ending at the top of the hour', () => {
    const form = emptyForm(new Date('2026-03-04T10:25:00'));
    expect(form.windowStart).toBe('2026-03-04T08:00');
    expect(form.windowEnd).toBe('2026-03-04T10:00');
  });

  it('round-trips local times through RFC 3339', () => {
    const iso = fromLocalInput('2026-03-04T08:00');
    expect(iso).toBe(new Date('2026-03-04T08:00').toISOString());
    expect(toLocalInput(new Date(iso!))).toBe('2026-03-04T08:00');
    expect(fromLocalInput('')).toBeNull();
  });

  it('becomes the API draft with a closed polygon and trimmed text', () => {
    const result = toDraft(filled());
    expect('draft' in result && result.draft).toMatchObject({
      caseNumber: 'PPB-26-1042',
      exigent: false,
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [-122.68, 45.52],
            [-122.67, 45.52],
            [-122.67, 45.53],
            [-122.68, 45.52],
          ],
        ],
      },
    });
  });

  it('names every missing field instead of sending a half-filled draft', () => {
    const result = toDraft(
      filled({ offenseCategory: '', narrative: 'too short', corners: [], windowEnd: '' }),
    );
    expect('missing' in result && Object.keys(result.missing).sort()).toEqual([
      'corners',
      'narrative',
      'offenseCategory',
      'windowEnd',
    ]);
  });
});
