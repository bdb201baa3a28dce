import { useEffect, useRef } from 'react';
import { AppHeader } from './components/AppHeader';
import { AdminPage } from './pages/AdminPage';
import { AgenciesAdminPage } from './pages/AgenciesAdminPage';
import { isOpenPath, OpenPage, PublicLayout } from './pages/OpenPages';
import { PoliciesAdminPage } from './pages/PoliciesAdminPage';
import { ComposePage } from './pages/ComposePage';
import { FeedPage } from './pages/FeedPage';
import { HomeAreaPage } from './pages/HomeAreaPage';
import { ModerationPage } from './pages/ModerationPage';
import { MyPostsPage } from './pages/MyPostsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PostPage } from './pages/PostPage';
import { SignInPage } from './pages/SignInPage';
import { SignUpPage } from './pages/SignUpPage';
import { VaultPage, vaultSection } from './pages/VaultPage';
import { navigate, useLocation } from './router';
import { AnnouncerProvider } from './state/announcer';
import { FeedProvider } from './state/feed';
import { LiveProvider } from './state/live';
import { SessionProvider, useSession } from './state/session';
import type { Me } from './api/types';

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

function Shell() {
  const { state, user, retry } = useSession();
  const { path } = useLocation();
  useFocusOnNavigation(path);

  const signedOutOnPrivatePage =
    state.status === 'ready' && !user && !PUBLIC_PATHS.has(path) && !isOpenPath(path);
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
            <main id="main" className="main" tabIndex={-1}>
              <SignedInRoutes path={path} user={user} />
            </main>
          </FeedProvider>
        </LiveProvider>
      ) : isOpenPath(path) ? (
        <PublicLayout path={path} />
      ) : (
        <main id="main" className="main main--narrow" tabIndex={-1}>
          {path === '/signup' ? <SignUpPage /> : <SignInPage />}
        </main>
      )}
    </>
  );
}

function SignedInRoutes({ path, user }: { path: string; user: Me }) {
  const postId = /^\/posts\/(\d+)$/.exec(path)?.[1];
  if (postId) return <PostPage key={postId} postId={Number(postId)} />;
  if (isOpenPath(path)) return <OpenPage path={path} />;
  const vault = vaultSection(path);
  if (vault) return <VaultPage section={vault} />;
  switch (path) {
    case '/':
      return <FeedPage />;
    case '/new':
      return <ComposePage />;
    case '/home':
      return <HomeAreaPage />;
    case '/mine':
      return <MyPostsPage />;
    case '/moderation':
      return user.role === 'moderator' || user.role === 'admin' ? <ModerationPage /> : <NotFoundPage />;
    case '/admin':
      return user.role === 'admin' ? <AdminPage /> : <NotFoundPage />;
    case '/admin/agencies':
      return user.role === 'admin' ? <AgenciesAdminPage /> : <NotFoundPage />;
    case '/admin/policies':
      return user.role === 'admin' ? <PoliciesAdminPage /> : <NotFoundPage />;
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
