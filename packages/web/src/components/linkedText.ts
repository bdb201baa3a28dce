import { find } from 'linkifyjs';

/** A run of a post's or comment's text: plain, or a link the page may render as `<a>`. */
export type TextPart = { text: string } | { text: string; href: string };

/** Schemes a link in a neighbour's text may use; anything else (javascript:, data:, file:) stays plain text. */
const SAFE = /^(https?:|mailto:)/i;

/**
 * Splits `text` into plain runs and links (web addresses and email addresses, found by linkifyjs). The server
 * never fetches a link (no previews): the words are the neighbour's, the page only makes them clickable.
 */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of find(text)) {
    if (!SAFE.test(m.href)) continue;
    if (m.start > at) parts.push({ text: text.slice(at, m.start) });
    parts.push({ text: m.value, href: m.href });
    at = m.end;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}
