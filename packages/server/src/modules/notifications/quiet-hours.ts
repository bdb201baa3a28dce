/** Quiet hours in an account's own time zone: minutes after local midnight, `start` inclusive, `end` exclusive. */
export interface QuietHours {
  start: number | null;
  end: number | null;
  timeZone: string;
}

const DAY_MINUTES = 24 * 60;
/** When a daily digest goes out, local time: 07:30, before most people leave home. */
export const DIGEST_MINUTE = 7 * 60 + 30;

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after local midnight of `at` in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether `at` falls in the quiet hours (which may run past midnight, e.g. 22:00–07:00). */
export function inQuietHours(at: Date, q: QuietHours): boolean {
  if (q.start === null || q.end === null || q.start === q.end) return false;
  const m = localMinutes(at, q.timeZone);
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}

/**
 * The next moment, after `at`, when the local clock in `timeZone` reads `minute` (to the minute). Counting
 * minutes ahead is an hour off across a daylight-saving change, so the result is corrected by what the clock
 * then reads. A time the clocks skip (02:30 on a spring-forward night) comes as late as the skip: 03:30.
 */
export function nextLocal(at: Date, minute: number, timeZone: string): Date {
  const now = localMinutes(at, timeZone);
  const ahead = (minute - now + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  const next = new Date(at.getTime() + ahead * 60_000);
  next.setUTCSeconds(0, 0);
  // How far the clock reading is off, as -12 h … +12 h.
  const drift = ((minute - localMinutes(next, timeZone) + DAY_MINUTES * 1.5) % DAY_MINUTES) - DAY_MINUTES / 2;
  if (drift === 0) return next;
  const fixed = new Date(next.getTime() + drift * 60_000);
  return fixed > at && localMinutes(fixed, timeZone) === minute ? fixed : next;
}

/** When the quiet hours containing `at` end; `at` itself when it is not in quiet hours. */
export function quietEnd(at: Date, q: QuietHours): Date {
  return inQuietHours(at, q) && q.end !== null ? nextLocal(at, q.end, q.timeZone) : at;
}

/** When the next daily digest after `at` goes out: 07:30 local, or when quiet hours end if later. */
export function nextDigest(at: Date, q: QuietHours): Date {
  return quietEnd(nextLocal(at, DIGEST_MINUTE, q.timeZone), q);
}
