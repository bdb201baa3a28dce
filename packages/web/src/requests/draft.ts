import type { LegalBasis, OffenseCategory } from '@porchlight/policy';
import { cornersToPolygon, type Corner } from './area';
import type { RequestDraft } from './types';

/** The request form as typed: selects may still be unchosen, times are `datetime-local` values. */
export interface RequestForm {
  caseNumber: string;
  offenseCategory: OffenseCategory | '';
  legalBasis: LegalBasis | '';
  investigatorName: string;
  investigatorContact: string;
  narrative: string;
  corners: Corner[];
  /** `YYYY-MM-DDTHH:mm` in the member's time zone, as the browser's date-time input gives it. */
  windowStart: string;
  windowEnd: string;
  exigent: boolean;
}

export const NARRATIVE_MIN = 40;
export const NARRATIVE_MAX = 2000;

/** A fresh form: a window ending at the top of the current hour and starting two hours earlier. */
export function emptyForm(now: Date): RequestForm {
  const end = new Date(now);
  end.setMinutes(0, 0, 0);
  const start = new Date(end.getTime() - 2 * 3600_000);
  return {
    caseNumber: '',
    offenseCategory: '',
    legalBasis: '',
    investigatorName: '',
    investigatorContact: '',
    narrative: '',
    corners: [],
    windowStart: toLocalInput(start),
    windowEnd: toLocalInput(end),
    exigent: false,
  };
}

/** A date as a `datetime-local` value in this browser's time zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(
    date.getMinutes(),
  )}`;
}

/** A `datetime-local` value as RFC 3339 (UTC), or null when it is empty or not a time. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** What still keeps the form from being a draft the checker can judge, by field. */
export type Missing = Partial<Record<keyof RequestForm, string>>;

/**
 * The form as the API's draft, or the fields still missing. The policy's own rules (area size, window length,
 * prohibited terms…) are not judged here: that is `checkRequest`'s job, with the same code the server runs.
 */
export function toDraft(form: RequestForm): { draft: RequestDraft } | { missing: Missing } {
  const missing: Missing = {};
  const area = cornersToPolygon(form.corners);
  const windowStart = fromLocalInput(form.windowStart);
  const windowEnd = fromLocalInput(form.windowEnd);
  if (form.offenseCategory === '') missing.offenseCategory = 'Choose the offense category.';
  if (form.legalBasis === '') missing.legalBasis = 'Choose the legal basis.';
  if (form.investigatorName.trim() === '') missing.investigatorName = 'Name the investigator.';
  if (form.investigatorContact.trim().length < 3)
    missing.investigatorContact = 'Give a phone number or email for the investigator.';
  const narrative = form.narrative.trim();
  if (narrative.length < NARRATIVE_MIN)
    missing.narrative = `Describe the case in at least ${NARRATIVE_MIN} characters (${narrative.length} so far).`;
  if (narrative.length > NARRATIVE_MAX)
    missing.narrative = `Use at most ${NARRATIVE_MAX} characters (${narrative.length} now).`;
  if (!area) missing.corners = 'Draw the area: click at least three corners on the map, or type them.';
  if (!windowStart) missing.windowStart = 'Give the start of the footage window.';
  if (!windowEnd) missing.windowEnd = 'Give the end of the footage window.';
  if (
    Object.keys(missing).length > 0 ||
    !area ||
    !windowStart ||
    !windowEnd ||
    form.offenseCategory === '' ||
    form.legalBasis === ''
  )
    return { missing };
  return {
    draft: {
      caseNumber: form.caseNumber.trim(),
      offenseCategory: form.offenseCategory,
      legalBasis: form.legalBasis,
      investigatorName: form.investigatorName.trim(),
      investigatorContact: form.investigatorContact.trim(),
      narrative,
      area,
      windowStart,
      windowEnd,
      exigent: form.exigent,
    },
  };
}
