import { linkParts } from './linkedText';

/**
 * A neighbour's text with its web and email addresses clickable. Links open in a new tab, send no referrer,
 * and are marked as user content (`nofollow ugc`), so a post cannot borrow the site's standing or learn who
 * clicked through from where.
 */
export function LinkedText({ text }: { text: string }) {
  return (
    <>
      {linkParts(text).map((part, i) =>
        'href' in part ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
