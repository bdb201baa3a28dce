import {
  PERSON_POST_CATEGORIES,
  POST_CATEGORIES,
  POST_CATEGORY_LABELS,
  REACTION_KINDS,
  REACTION_LABELS,
  ROLE_LABELS,
  type PostCategory as Category,
  type ReactionKind,
} from '@porchlight/policy';
import type { CoarseLocation } from './api/types';

/** Map colours of the post categories; the categories themselves come from `@porchlight/policy`. */
const CATEGORY_COLOURS: Record<Category, string> = {
  crime: '#c0392b',
  suspicious_activity: '#c2650a',
  safety: '#1f63c6',
  lost_found_pet: '#13804b',
  community: '#6941c6',
  unexpected_activity: '#0e7490',
};

/** Categories in the order the composer offers them; `colour` is used on the map. */
export const CATEGORIES: readonly { value: Category; label: string; hint: string; colour: string }[] =
  POST_CATEGORIES.map((value) => ({
    value,
    ...POST_CATEGORY_LABELS[value],
    colour: CATEGORY_COLOURS[value],
  }));

export function categoryColour(c: Category): string {
  return CATEGORY_COLOURS[c];
}

export function categoryLabel(c: Category): string {
  return POST_CATEGORY_LABELS[c].label;
}

/** Categories whose posts may describe a person, and so must follow the anti-profiling rule. */
export const PERSON_CATEGORIES: ReadonlySet<Category> = new Set(PERSON_POST_CATEGORIES);

export const REACTIONS: readonly { kind: ReactionKind; label: string }[] = REACTION_KINDS.map((kind) => ({
  kind,
  label: REACTION_LABELS[kind],
}));

export { ROLE_LABELS };

// The interface is written in British English; dates and times match it rather than the browser's locale.
const LOCALE = 'en-GB';
const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto', style: 'short' });
const absolute = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(LOCALE, { month: 'short', day: 'numeric' });

/** "just now", "5 min ago", "3 hr ago", "yesterday", then a date such as "28 Feb". */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return dateOnly.format(new Date(iso));
}

export function absoluteTime(iso: string): string {
  return absolute.format(new Date(iso));
}

export function formatKm(metres: number): string {
  const km = metres / 1000;
  return `${km < 10 ? km.toFixed(1) : Math.round(km).toString()} km`;
}

/** Great-circle distance in metres. */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** How far a post's cell is from the viewer's home cell, in words; both are coarse cells (G8). */
export function describeDistance(home: CoarseLocation | null, where: CoarseLocation): string {
  if (!home) return 'Nearby';
  if (home.cell === where.cell) return 'Right around you';
  const m = distanceM(home, where);
  return m < 950 ? `About ${Math.max(100, Math.round(m / 100) * 100)} m away` : `About ${formatKm(m)} away`;
}
