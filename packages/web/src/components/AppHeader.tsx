import { useEffect, useState } from 'react';
import { lockAgencyKey } from '../agency/agencyKey';
import { onSessionLost } from '../api/client';
import type { Me } from '../api/types';
import { NotificationBell } from '../notifications/NotificationBell';
import { InboxBadge } from '../requests/inbox/InboxBadge';
import { useHasLegalNotices } from '../requests/legalNotices';
import { forgetInterruptedShares } from '../requests/share/liveShares';
import { Link, navigate, useLocation } from '../router';
import { useAnnounce } from '../state/announcer';
import { useSession } from '../state/session';
import { clearPending } from '../vault/pendingUpload';
import { lockVault } from '../vault/vaultStore';
import { Logo } from './Logo';

interface NavItem {
  to: string;
  label: string;
}

function navFor(user: Me, hasLegalNotices: boolean): NavItem[] {
  const items: NavItem[] = [
    { to: '/', label: 'Feed' },
    { to: '/mine', label: 'My posts' },
    { to: '/home', label: 'Home area' },
    { to: '/vault', label: 'Vault' },
    { to: '/inbox', label: 'Inbox' },
  ];
  if (hasLegalNotices) items.push({ to: '/legal-notices', label: 'Legal notices' });
  if (user.role === 'moderator' || user.role === 'admin')
    items.push({ to: '/moderation', label: 'Moderation' });
  if (user.role === 'admin') items.push({ to: '/admin', label: 'Admin' });
  if (user.role === 'agency')
    items.push(
      { to: '/agency/requests/new', label: 'New request' },
      { to: '/agency/keys', label: 'Agency key' },
    );
  items.push(
    { to: '/requests', label: 'Requests' },
    { to: '/transparency', label: 'Transparency' },
    { to: '/dashboard', label: 'Dashboard' },
    { to: '/policies', label: 'Policies' },
  );
  return items;
}

export function AppHeader({ user }: { user: Me }) {
  const { path } = useLocation();
  const { signOut } = useSession();
  const announce = useAnnounce();
  const [leaving, setLeaving] = useState(false);
  const hasLegalNotices = useHasLegalNotices(user.id);
  // A session that ends elsewhere (expired, signed out on another device) drops kept redacted copies too.
  useEffect(() => onSessionLost(forgetInterruptedShares), []);

  const leave = async () => {
    setLeaving(true);
    try {
      // The vault key must not outlive the session in this tab (or in the service worker), and the next person
      // at this browser must not see which file was being uploaded.
      lockVault();
      lockAgencyKey();
      clearPending();
      forgetInterruptedShares();
      await signOut();
      announce('You are signed out.');
      navigate('/signin');
    } catch {
      setLeaving(false);
    }
  };

  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link to="/" className="brand" aria-label="Porchlight, home feed">
          <Logo />
          <span className="brand__name">Porchlight</span>
        </Link>
        <nav className="app-nav" aria-label="Main">
          <ul>
            {navFor(user, hasLegalNotices).map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={path === item.to ? 'page' : undefined}>
                  {item.label}
                  {item.to === '/inbox' ? <InboxBadge userId={user.id} /> : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="app-header__actions">
          <NotificationBell userId={user.id} />
          <Link to="/new" className="button button--primary button--small">
            <span aria-hidden="true">+</span> New post
          </Link>
          <span className="app-header__user" title={user.email}>
            {user.displayName}
          </span>
          <Link to="/account" className="button button--ghost button--small">
            Account
          </Link>
          <Link to="/account/security" className="button button--ghost button--small">
            Security
          </Link>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => void leave()}
            disabled={leaving}
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
