import { useEffect, useState } from 'react';
import { lockAgencyKey } from '../agency/agencyKey';
import { onSessionLost } from '../api/client';
import type { Me } from '../api/types';
import { NotificationBell } from '../notifications/NotificationBell';
import { useHasLegalNotices } from '../requests/legalNotices';
import { forgetInterruptedShares } from '../requests/share/liveShares';
import { Link, navigate } from '../router';
import { useAnnounce } from '../state/announcer';
import { useSession } from '../state/session';
import { clearPending } from '../vault/pendingUpload';
import { lockVault } from '../vault/vaultStore';
import { AccountMenu } from './AccountMenu';
import { Logo } from './Logo';
import { MainNav, type NavItem } from './MainNav';

function navFor(user: Me, hasLegalNotices: boolean): NavItem[] {
  const items: NavItem[] = [
    { to: '/', label: 'Feed' },
    { to: '/map', label: 'Map' },
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
    { to: '/requests', label: 'Requests', publicRecord: true },
    { to: '/transparency', label: 'Transparency', publicRecord: true },
    { to: '/dashboard', label: 'Dashboard', publicRecord: true },
    { to: '/policies', label: 'Policies', publicRecord: true },
  );
  return items;
}

export function AppHeader({ user }: { user: Me }) {
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
      <div className="app-header__inner app-header__inner--menu">
        <Link to="/" className="brand" aria-label="Porchlight, home feed">
          <Logo />
          <span className="brand__name">Porchlight</span>
        </Link>
        <MainNav
          user={user}
          items={navFor(user, hasLegalNotices)}
          onSignOut={() => void leave()}
          leaving={leaving}
        />
        <div className="app-header__actions">
          <NotificationBell userId={user.id} />
          <Link to="/new" className="button button--primary button--small">
            <span aria-hidden="true">+</span> New post
          </Link>
          <AccountMenu user={user} onSignOut={() => void leave()} leaving={leaving} />
        </div>
      </div>
    </header>
  );
}
