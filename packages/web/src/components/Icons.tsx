/*
 * Small interface icons in SVG rather than emoji, which are empty boxes where no emoji font is installed.
 * Each is decorative (aria-hidden): the words beside it carry the meaning.
 */

function Icon({ children, className }: { children: React.ReactNode; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 24 24"
      width="18"
      height="18"
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

/** A speech bubble, for a post's comment count. */
export function CommentIcon() {
  return (
    <Icon>
      <path d="M4 3.5h16A1.5 1.5 0 0 1 21.5 5v11a1.5 1.5 0 0 1-1.5 1.5H9.2L4.8 21a.7.7 0 0 1-1.1-.6v-2.9A1.5 1.5 0 0 1 2.5 16V5A1.5 1.5 0 0 1 4 3.5Zm.5 2v10h1.2v2.6l3-2.6h10.8v-10h-15Z" />
    </Icon>
  );
}

/** A padlock, shut or open, for the vault's state. */
export function LockIcon({ open }: { open: boolean }) {
  return (
    <Icon>
      <path
        fillRule="evenodd"
        d={
          open
            ? 'M7 10V7a5 5 0 0 1 9.7-1.7l-1.9.7A3 3 0 0 0 9 7v3h9a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h1Zm-1 2v8h12v-8H6Zm6 2a1.5 1.5 0 0 1 .8 2.8V18h-1.6v-1.2A1.5 1.5 0 0 1 12 14Z'
            : 'M7 10V7a5 5 0 0 1 10 0v3h1a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2h1Zm2 0h6V7a3 3 0 0 0-6 0v3Zm-3 2v8h12v-8H6Zm6 2a1.5 1.5 0 0 1 .8 2.8V18h-1.6v-1.2A1.5 1.5 0 0 1 12 14Z'
        }
      />
    </Icon>
  );
}
