import { useEffect, useRef } from 'react';
import { AppHeader } from './components/AppHeader';
import { routeTitle, useRouteTitle } from './components/usePageTitle';
import { SecurityPage } from './account/security/SecurityPage';
import { EmailBanner } from './account/EmailBanner';
import { SuspensionBanner } from './account/SuspensionBanner';
import { AccountPage } from './pages/AccountPage';
import { AccountSessionsPage } from './pages/AccountSessionsPage';
import { AdminPage } from './pages/AdminPage';
import { AgenciesAdminPage } from './pages/AgenciesAdminPage';
import { AgencyKeysPage } from './pages/AgencyKeysPage';
import { AgencyRequestPage } from './pages/AgencyRequestPage';
import { NewRequestPage } from './pages/NewRequestPage';
import { isOpenPath, OpenPage, PublicLayout } from './pages/OpenPages';
import { PoliciesAdminPage } from './pages/PoliciesAdminPage';
import { LegalAdminPage } from './pages/LegalAdminPage';
import { LegalNoticesPage } from './pages/LegalNoticesPage';
import { ComposePage } from './pages/ComposePage';
import { FeedPage } from './pages/FeedPage';
import { IncidentMapPage } from './pages/IncidentMapPage';
import { HomeAreaPage } from './pages/HomeAreaPage';
import { InboxPage } from './pages/InboxPage';
import { InboxRequestPage } from './pages/InboxRequestPage';
import { LandingPage } from './pages/LandingPage';
import { ModerationPage } from './pages/ModerationPage';
import { ModerationSuspensionsPage } from './pages/ModerationSuspensionsPage';
import { MyPostsPage } from './pages/MyPostsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PostPage } from './pages/PostPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { VerifyEmailPage } from './pages/VerifyEmailPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { VaultPage, vaultSection } from './pages/VaultPage';
import { RedactPage } from './redact/RedactPage';
import { navigate, useLocation } from './router';
import { AnnouncerProvider } from './state/announcer';
import { FeedProvider } from './state/feed';
import { LiveProvider } from './state/live';
import { SessionProvider, useSession } from './state/session';
import type { Me } from './api/types';
import { AlertSettingsPage } from './pages/AlertSettingsPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { NotificationsUnsubscribePage } from './pages/NotificationsUnsubscribePage';

export function App() {
  return (
    <AnnouncerProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </AnnouncerProvider>
  );
}

const PUBLIC_PATHS = new Set(['/signin', '/signup']);
/** Pages opened from a mailed link: they work signed in or out. */
const LINK_PATHS = new Set(['/reset-password', '/verify-email', '/unsubscribe']);

function Shell() {
  const { state, user, retry } = useSession();
  const { path } = useLocation();
  useFocusOnNavigation(path);
  useRouteTitle(path, user !== null);

  // Signed out, `/` is the landing page and an address no page lives at is a 404, not a sign-in prompt.
  const signedOutOnPrivatePage =
    state.status === 'ready' &&
    !user &&
    path !== '/' &&
    routeTitle(path) !== undefined &&
    !PUBLIC_PATHS.has(path) &&
    !LINK_PATHS.has(path) &&
    !isOpenPath(path);
  const signedInOnPublicPage = user !== null && PUBLIC_PATHS.has(path);
  useEffect(() => {
    if (signedOutOnPrivatePage) {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(path)}`;
      navigate(`/signin${next}`, { replace: true });
    } else if (signedInOnPublicPage) navigate('/', { replace: true });
  }, [signedOutOnPrivatePage, signedInOnPublicPage, path]);

  if (state.status === 'loading') {
    return (
      <div className="splash" aria-busy="true">
        <p>Loading Porchlight…</p>
      </div>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <main className="splash" id="main">
        <div className="card">
          <h1>Porchlight is not reachable</h1>
          <p>{state.error.message}</p>
          <button type="button" className="button button--primary" onClick={retry}>
            Try again
          </button>
        </div>
      </main>
    );
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {user ? (
        <LiveProvider user={user}>
          <FeedProvider key={user.id} user={user}>
            <AppHeader user={user} />
            <EmailBanner key={path === '/verify-email' ? 'verifying' : 'app'} />
            <SuspensionBanner />
            <main id="main" className="main" tabIndex={-1}>
              <SignedInRoutes path={path} user={user} />
            </main>
          </FeedProvider>
        </LiveProvider>
      ) : isOpenPath(path) ? (
        <PublicLayout path={path} />
      ) : (
        <main id="main" className="main main--narrow" tabIndex={-1}>
          {path === '/' ? (
            <LandingPage />
          ) : routeTitle(path) === undefined ? (
            <NotFoundPage />
          ) : path === '/signup' ? (
            <SignUpPage />
          ) : path === '/reset-password' ? (
            <ResetPasswordPage />
          ) : path === '/verify-email' ? (
            <VerifyEmailPage />
          ) : path === '/unsubscribe' ? (
            <NotificationsUnsubscribePage />
          ) : (
            <SignInPage />
          )}
        </main>
      )}
    </>
  );
}

function SignedInRoutes({ path, user }: { path: string; user: Me }) {
  const postId = /^\/posts\/(po_[A-Za-z0-9_-]{22})$/.exec(path)?.[1];
  if (postId) return <PostPage key={postId} postId={postId} />;
  if (isOpenPath(path)) return <OpenPage path={path} />;
  const agencyRequestId = /^\/agency\/requests\/(rq_[A-Za-z0-9_-]+)$/.exec(path)?.[1];
  if (agencyRequestId)
    return user.role === 'agency' ? (
      <AgencyRequestPage key={agencyRequestId} requestId={agencyRequestId} />
    ) : (
      <NotFoundPage />
    );
  const inboxRequestId = /^\/inbox\/(rq_[A-Za-z0-9_-]+)$/.exec(path)?.[1];
  if (inboxRequestId) return <InboxRequestPage key={inboxRequestId} requestId={inboxRequestId} />;
  const vault = vaultSection(path);
  if (vault) return <VaultPage section={vault} />;
  switch (path) {
    case '/':
      return <FeedPage />;
    case '/new':
      return <ComposePage />;
    case '/home':
      return <HomeAreaPage />;
    case '/map':
      return <IncidentMapPage />;
    case '/inbox':
      return <InboxPage />;
    case '/mine':
      return <MyPostsPage />;
    case '/moderation':
      return user.role === 'moderator' || user.role === 'admin' ? <ModerationPage /> : <NotFoundPage />;
    case '/moderation/suspensions':
      return user.role === 'moderator' || user.role === 'admin' ? (
        <ModerationSuspensionsPage />
      ) : (
        <NotFoundPage />
      );
    case '/admin':
      return user.role === 'admin' ? <AdminPage /> : <NotFoundPage />;
    case '/admin/agencies':
      return user.role === 'admin' ? <AgenciesAdminPage /> : <NotFoundPage />;
    case '/admin/policies':
      return user.role === 'admin' ? <PoliciesAdminPage /> : <NotFoundPage />;
    case '/admin/legal':
      return user.role === 'admin' ? <LegalAdminPage /> : <NotFoundPage />;
    case '/notifications':
      return <NotificationsPage />;
    case '/settings/alerts':
      return <AlertSettingsPage />;
    case '/unsubscribe':
      return <NotificationsUnsubscribePage />;
    case '/legal-notices':
      return <LegalNoticesPage />;
    case '/redact':
      return <RedactPage />;
    case '/account/security':
      return <SecurityPage />;
    case '/account':
      return <AccountPage />;
    case '/account/sessions':
      return <AccountSessionsPage />;
    case '/reset-password':
      return <ResetPasswordPage />;
    case '/verify-email':
      return <VerifyEmailPage />;
    case '/agency/keys':
      return user.role === 'agency' ? <AgencyKeysPage /> : <NotFoundPage />;
    case '/agency/requests/new':
      return user.role === 'agency' ? <NewRequestPage /> : <NotFoundPage />;
    case '/signin':
    case '/signup':
      return null;
    default:
      return <NotFoundPage />;
  }
}

/** After in-app navigation, move focus to the new page's heading so screen readers announce it. */
function useFocusOnNavigation(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('#main h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    } else document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
}
