import { toLocalInput } from '../time';

/** The clip's Starts and Ends as typed (`datetime-local` values), and which of them the person has typed in. */
export interface ClipTimes {
  startedAt: string;
  endedAt: string;
  /** A field the person typed a value into; one they emptied again counts as untouched. */
  typed: { startedAt: boolean; endedAt: boolean };
}

export type TimeField = 'startedAt' | 'endedAt';

export const NO_TIMES: ClipTimes = {
  startedAt: '',
  endedAt: '',
  typed: { startedAt: false, endedAt: false },
};

/** The person typed `value` into one field. */
export function typeTime(times: ClipTimes, field: TimeField, value: string): ClipTimes {
  return { ...times, [field]: value, typed: { ...times.typed, [field]: value !== '' } };
}

/**
 * The page's own guess (from the file's length), however late it arrives: it fills only the fields nobody
 * has typed in, so it never replaces what the person entered.
 */
export function prefillTimes(times: ClipTimes, guess: { startedAt: string; endedAt: string }): ClipTimes {
  return {
    ...times,
    startedAt: times.typed.startedAt ? times.startedAt : guess.startedAt,
    endedAt: times.typed.endedAt ? times.endedAt : guess.endedAt,
  };
}

/** Times fixed elsewhere (an interrupted upload the server already has): they replace both fields. */
export function fixedTimes(startedAt: string, endedAt: string): ClipTimes {
  return { startedAt, endedAt, typed: { startedAt: true, endedAt: true } };
}

/**
 * The guess for a clip of `seconds` whose file was last modified at `endMs`: it ends then and starts that long
 * before (rounded up to the second).
 */
export function guessTimes(endMs: number, seconds: number): { startedAt: string; endedAt: string } {
  return { endedAt: toLocalInput(endMs), startedAt: toLocalInput(endMs - Math.ceil(seconds) * 1000) };
}
