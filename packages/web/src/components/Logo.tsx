/** The porch-light mark; decorative, the brand name carries the meaning. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="#f5b544" />
      <path d="M16 6.5l7 5.5v1.5H9V12z" fill="#1c2533" />
      <rect
        x="11"
        y="14.5"
        width="10"
        height="8.5"
        rx="2"
        fill="#fff7e0"
        stroke="#1c2533"
        strokeWidth="1.6"
      />
      <rect x="14.3" y="23" width="3.4" height="3" fill="#1c2533" />
    </svg>
  );
}
