import type { Me } from '../api/types';
import { InboxBadge } from '../requests/inbox/InboxBadge';
import { Link, useLocation } from '../router';
import { useDisclosure } from './useDisclosure';

export interface NavItem {
  to: string;
  label: string;
  /** Pages of the public record (open to anyone), grouped under one "Public record" menu on wide screens. */
  publicRecord?: boolean;
}

function NavLink({ item, userId }: { item: NavItem; userId: number }) {
  const { path } = useLocation();
  return (
    <Link to={item.to} aria-current={path === item.to ? 'page' : undefined}>
      {item.label}
      {item.to === '/inbox' ? <InboxBadge userId={userId} /> : null}
    </Link>
  );
}

/** The public-record pages: a menu of its own on wide screens, a labelled group in the phone menu. */
function PublicRecord({ items, userId }: { items: NavItem[]; userId: number }) {
  const { open, toggle, closeOnLink, root, button } = useDisclosure<HTMLLIElement>();
  const { path } = useLocation();
  const current = items.some((item) => item.to === path);
  return (
    <li className="app-nav__group" ref={root}>
      <button
        ref={button}
        type="button"
        className="app-nav__group-toggle"
        aria-expanded={open}
        aria-controls="public-record-nav"
        data-current={current || undefined}
        onClick={toggle}
      >
        Public record <span aria-hidden="true">▾</span>
      </button>
      <span className="app-nav__group-label" aria-hidden="true">
        Public record
      </span>
      <ul id="public-record-nav" className="app-nav__sub" data-open={open || undefined} onClick={closeOnLink}>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink item={item} userId={userId} />
          </li>
        ))}
      </ul>
    </li>
  );
}

/**
 * The main navigation. On wide screens one row (the public-record pages in a menu of their own); on phones a
 * "Menu" button opens every page as a list, with the account links at its foot, so the header stays one row.
 */
export function MainNav({
  user,
  items,
  onSignOut,
  leaving,
}: {
  user: Me;
  items: NavItem[];
  onSignOut: () => void;
  leaving: boolean;
}) {
  const { open, toggle, closeOnLink, root, button } = useDisclosure<HTMLElement>();
  const own = items.filter((item) => !item.publicRecord);
  const publicRecord = items.filter((item) => item.publicRecord);
  return (
    <nav className="app-nav" aria-label="Main" ref={root} data-open={open || undefined}>
      <button
        ref={button}
        type="button"
        className="app-nav__toggle"
        aria-expanded={open}
        aria-controls="main-nav-list"
        onClick={toggle}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
        </svg>
        Menu
        <InboxBadge userId={user.id} />
      </button>
      <ul id="main-nav-list" className="app-nav__list" onClick={closeOnLink}>
        {own.map((item) => (
          <li key={item.to}>
            <NavLink item={item} userId={user.id} />
          </li>
        ))}
        {publicRecord.length ? <PublicRecord items={publicRecord} userId={user.id} /> : null}
        <li className="app-nav__account">
          <span className="app-nav__group-label" aria-hidden="true">
            {user.displayName}
          </span>
          <ul>
            <li>
              <NavLink item={{ to: '/account', label: 'Account' }} userId={user.id} />
            </li>
            <li>
              <NavLink item={{ to: '/account/security', label: 'Security' }} userId={user.id} />
            </li>
            <li>
              <button type="button" className="app-nav__signout" onClick={onSignOut} disabled={leaving}>
                Sign out
              </button>
            </li>
          </ul>
        </li>
      </ul>
    </nav>
  );
}
