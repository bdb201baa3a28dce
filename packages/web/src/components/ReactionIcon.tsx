import type { ReactionKind } from '../api/types';

/*
 * Reaction icons drawn in SVG, not emoji: an emoji is an empty box where no emoji font is installed, and its look
 * changes from one system to the next. Each is 24 × 24, in the text colour, next to its word.
 */
const SHAPES: Record<ReactionKind, React.ReactNode> = {
  // A heart: thanks.
  thanks: (
    <path d="M12 20.5s-7.2-4.4-9-9C1.8 8.3 3.8 5 7 5c2 0 3.3 1.1 5 3 1.7-1.9 3-3 5-3 3.2 0 5.2 3.3 4 6.5-1.8 4.6-9 9-9 9Z" />
  ),
  // A light bulb: helpful.
  helpful: (
    <>
      <path d="M12 2.5a6.5 6.5 0 0 0-3.8 11.8c.5.4.8 1 .8 1.6V17h6v-1.1c0-.6.3-1.2.8-1.6A6.5 6.5 0 0 0 12 2.5Z" />
      <path d="M9.5 19h5v1.2a1.3 1.3 0 0 1-1.3 1.3h-2.4a1.3 1.3 0 0 1-1.3-1.3V19Z" />
    </>
  ),
  // A raised thumb: agree.
  agree: (
    <path d="M2.5 10h3.5v10.5H2.5V10Zm5.5 10.5V9.6l4.9-6.1c.6-.7 1.8-.3 1.8.7 0 .2 0 .4-.1.6L13.6 9h5.9c1.4 0 2.4 1.3 2 2.6l-2.2 7.4a2 2 0 0 1-1.9 1.5H8Z" />
  ),
  // A frowning face: sad.
  sad: (
    <path
      fillRule="evenodd"
      d="M12 2.5a9.5 9.5 0 1 1 0 19 9.5 9.5 0 0 1 0-19Zm0 2a7.5 7.5 0 1 0 0 15 7.5 7.5 0 0 0 0-15ZM9 8.5a1.25 1.25 0 1 1 0 2.5 1.25 1.25 0 0 1 0-2.5Zm6 0a1.25 1.25 0 1 1 0 2.5 1.25 1.25 0 0 1 0-2.5Zm-3 5.2c1.7 0 3.2.8 4.1 2.1l-1.5 1.1A3.2 3.2 0 0 0 12 15.7c-1 0-2 .5-2.6 1.2l-1.5-1.1A5 5 0 0 1 12 13.7Z"
    />
  ),
};

export function ReactionIcon({ kind }: { kind: ReactionKind }) {
  return (
    <svg
      className="reaction__icon"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
      data-kind={kind}
    >
      {SHAPES[kind]}
    </svg>
  );
}
