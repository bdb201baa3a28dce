import { describe, expect, it } from 'vitest';
import { formatRecords } from './stats.js';

describe('formatRecords', () => {
  it('prints each hold with its case and reason, flags one beyond policy, and says how each notice lapsed', () => {
    const hold = {
      entry: 12,
      time: '2026-03-01T00:00:00Z',
      disclosure: 'ds_A',
      request: 'rq_A',
      agency: 3,
      jurisdiction: 'pdx',
      caseNumber: 'PPB-7',
      justification: 'Trial set for spring',
      until: '2026-06-01T00:00:00Z',
      policyLimit: '2026-03-31T00:00:00Z',
      beyondPolicy: true,
    };
    const notice = {
      demand: 'ld_A',
      delays: [{ entry: 20, time: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z', reason: 'Order' }],
      until: '2026-02-01T00:00:00Z',
      sent: { entry: 30, time: '2026-02-01T00:05:00Z' },
      lapse: 'sent_on_time' as const,
    };
    expect(formatRecords([hold], [notice])).toBe(
      'legal holds:\n' +
        '  entry 12  2026-03-01T00:00:00Z  agency 3  case PPB-7  until 2026-06-01T00:00:00Z' +
        '  BEYOND POLICY (limit 2026-03-31T00:00:00Z)\n' +
        '    Trial set for spring\n' +
        'delayed owner notices:\n' +
        '  ld_A  delayed until 2026-02-01T00:00:00Z  sent on time (entry 30, 2026-02-01T00:05:00Z)\n',
    );
    expect(formatRecords([], [])).toBe('legal holds: none\ndelayed owner notices: none\n');
  });
});
