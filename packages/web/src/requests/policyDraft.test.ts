import { LEGAL_BASIS_LABELS, OFFENSE_CATEGORY_LABELS } from '@porchlight/policy';
import { describe, expect, it } from 'vitest';
import { vocabularyList } from './policyDraft';

describe('the policy form reads vocabulary lists as people type them', () => {
  it('takes ids and labels in any case to the ids', () => {
    expect(vocabularyList('warrant, consent, Exigent Circumstances', LEGAL_BASIS_LABELS)).toEqual([
      'warrant',
      'consent',
      'exigent_circumstances',
    ]);
    expect(vocabularyList('COURT ORDER\nsubpoena', LEGAL_BASIS_LABELS)).toEqual(['court_order', 'subpoena']);
  });

  it('keeps an unknown word as typed, for the server to name', () => {
    expect(vocabularyList('warrant, a hunch', LEGAL_BASIS_LABELS)).toEqual(['warrant', 'a hunch']);
  });

  it('reads offense categories by their labels too', () => {
    const [id, label] = Object.entries(OFFENSE_CATEGORY_LABELS)[0]!;
    expect(vocabularyList(label.toUpperCase(), OFFENSE_CATEGORY_LABELS)).toEqual([id]);
  });
});
