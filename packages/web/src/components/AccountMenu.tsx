import type { Me } from '../api/types';
import { Link, useLocation } from '../router';
import { useDisclosure } from './useDisclosure';

/** Up to two letters for the account button: "Avery (admin)" → "A", "Central Precinct" → "CP". */
export function initials(name: string): string {
  const words = name
    .replace(/\(.*?\)/g, ' ')
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w));
  const first = (word: string) =>
    new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(word)[Symbol.iterator]().next().value
      ?.segment ?? '';
  const letters = words.slice(0, 2).map((w) => first(w).toLocaleUpperCase());
  return letters.join('') || '?';
}

/** The signed-in person's menu on wide screens: their name opens Account, Security and Sign out. */
export function AccountMenu({
  user,
  onSignOut,
  leaving,
}: {
  user: Me;
  onSignOut: () => void;
  leaving: boolean;
}) {
  const { open, toggle, closeOnLink, root, button } = useDisclosure<HTMLDivElement>();
  const { path } = useLocation();
  return (
    <div className="account-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="account-menu__toggle"
        aria-expanded={open}
        aria-controls="account-menu"
        aria-label={`Account: ${user.displayName}`}
        title={`${user.displayName} (${user.email})`}
        onClick={toggle}
      >
        <span aria-hidden="true">{initials(user.displayName)}</span>
      </button>
      <div
        id="account-menu"
        className="account-menu__panel"
        data-open={open || undefined}
        onClick={closeOnLink}
      >
        <p className="account-menu__name">{user.displayName}</p>
        <p className="account-menu__email">{user.email}</p>
        <ul>
          <li>
            <Link to="/account" aria-current={path === '/account' ? 'page' : undefined}>
              Account
            </Link>
          </li>
          <li>
            <Link to="/account/security" aria-current={path === '/account/security' ? 'page' : undefined}>
              Security
            </Link>
          </li>
          <li>
            <button type="button" onClick={onSignOut} disabled={leaving}>
              Sign out
            </button>
          </li>
        </ul>
      </div>
    </div>
  );
}
