import type { Violation } from '@porchlight/policy';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import { refusedViolations, violationsByField } from './violations';

const v = (rule: Violation['rule'], message = rule): Violation => ({ rule, policyVersion: 2, message });

describe('request violations', () => {
  it('puts each rule beside the field that fixes it, keeping every one', () => {
    const byField = violationsByField([
      v('area_too_small'),
      v('prohibited_purpose'),
      v('area_outside_jurisdiction'),
      v('monthly_cap'),
      v('footage_too_old'),
    ]);
    expect(byField.get('area')?.map((x) => x.rule)).toEqual(['area_too_small', 'area_outside_jurisdiction']);
    expect(byField.get('narrative')?.map((x) => x.rule)).toEqual(['prohibited_purpose']);
    expect(byField.get('window')?.map((x) => x.rule)).toEqual(['footage_too_old']);
    expect(byField.get('general')?.map((x) => x.rule)).toEqual(['monthly_cap']);
    expect([...byField.values()].flat()).toHaveLength(5);
  });

  it('reads the violations out of a request_refused problem, and nothing out of others', () => {
    const refused = new ApiError({
      type: 'about:blank',
      title: 'The request breaks the policy',
      status: 422,
      detail: 'Two rules',
      code: 'request_refused',
      violations: [v('case_number_required'), { rule: 'x' }],
    } as never);
    expect(refusedViolations(refused)).toEqual([v('case_number_required')]);
    const other = new ApiError({
      type: 'about:blank',
      title: 'x',
      status: 403,
      detail: 'x',
      code: 'forbidden',
    });
    expect(refusedViolations(other)).toBeNull();
  });
});
