import { useEffect } from 'react';
import type { Category } from '../api/types';
import { CategoryFilter } from '../components/CategoryFilter';
import { LiveIndicator } from '../components/LiveIndicator';
import { PostCard } from '../components/PostCard';
import { ProblemAlert } from '../components/ProblemAlert';
import { CATEGORIES, formatKm } from '../format';
import { LazyAreaMap } from '../map/LazyAreaMap';
import { Link, navigate, useLocation } from '../router';
import { useFeed, useFeedStore } from '../state/feed';
import { useLiveStatus } from '../state/live';
import { useMe } from '../state/session';

function parseCategory(raw: string | null): Category | null {
  return CATEGORIES.find((c) => c.value === raw)?.value ?? null;
}

export function FeedPage() {
  const me = useMe();
  const store = useFeedStore();
  const feed = useFeed();
  const { query } = useLocation();
  const category = parseCategory(query.get('category'));
  const live = useLiveStatus();

  useEffect(() => {
    if (me.home) store.ensure(category);
  }, [store, category, me.home]);

  if (!me.home || feed.homeRequired) return <HomeRequired />;

  const setCategory = (c: Category | null) => {
    navigate(c ? `/?category=${c}` : '/', { replace: true });
  };
  const empty = feed.status === 'ready' && feed.items.length === 0;

  return (
    <div className="feed-layout">
      <div className="feed-layout__main">
        <div className="page-head">
          <div className="page-head__title">
            <h1>Your neighbourhood</h1>
            <LiveIndicator />
            {live === 'unavailable' ? (
              <button type="button" className="button button--small" onClick={() => void store.load()}>
                Refresh
              </button>
            ) : null}
          </div>
          <p className="muted">
            Posts within {formatKm(me.radiusM)} of your home, newest first.{' '}
            <Link to="/home">Change area</Link>
          </p>
        </div>
        <CategoryFilter value={category} onChange={setCategory} />
        {feed.status === 'loading' ? <FeedSkeleton /> : null}
        {feed.status === 'error' ? <ProblemAlert error={feed.error} focus={false} /> : null}
        {empty ? (
          <div className="empty card">
            <h2>All quiet{category ? ' in this category' : ''}</h2>
            <p>Nothing has been posted near you yet. New posts appear here as they happen.</p>
            <Link to="/new" className="button button--primary">
              Write the first post
            </Link>
          </div>
        ) : null}
        {feed.items.length > 0 ? (
          <ol className="feed" aria-label="Posts near you">
            {feed.items.map((post) => (
              <li key={post.id}>
                <PostCard
                  post={post}
                  home={me.home}
                  fresh={feed.fresh.has(post.id)}
                  onChange={(p) => {
                    store.replace(p);
                  }}
                  onDeleted={(id) => {
                    store.remove(id);
                  }}
                />
              </li>
            ))}
          </ol>
        ) : null}
        {feed.status === 'ready' && feed.error ? <ProblemAlert error={feed.error} focus={false} /> : null}
        {feed.nextCursor ? (
          <div className="load-more">
            <button
              type="button"
              className="button"
              onClick={() => void store.loadMore()}
              disabled={feed.loadingMore}
              aria-busy={feed.loadingMore}
            >
              {feed.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        ) : null}
        {feed.status === 'ready' && !feed.nextCursor && feed.items.length > 0 ? (
          <p className="end-of-feed muted">You’re all caught up.</p>
        ) : null}
      </div>
      <aside className="feed-layout__aside" aria-label="Your area">
        <div className="card card--flush">
          <LazyAreaMap
            label="Map of your area with recent posts"
            home={me.home}
            radiusM={me.radiusM}
            posts={feed.items}
            cooperative
          />
          <div className="map-legend">
            <span>
              <span className="swatch swatch--home" aria-hidden="true" /> Your home cell
            </span>
            <span>
              <span className="swatch swatch--post" aria-hidden="true" /> Posts, by category
            </span>
            <span>
              <span className="swatch swatch--radius" aria-hidden="true" /> {formatKm(me.radiusM)} radius
            </span>
          </div>
        </div>
        <p className="privacy-note">
          <strong>Private by design.</strong> Every location is shown as a cell about a block wide, never an
          exact address.
        </p>
      </aside>
    </div>
  );
}

function HomeRequired() {
  return (
    <div className="card empty">
      <h1>Set your home area</h1>
      <p>
        Porchlight shows posts from around your home. Pick it on the map or type its coordinates; neighbours
        only ever see the block-sized cell around it.
      </p>
      <Link to="/home" className="button button--primary">
        Set home area
      </Link>
    </div>
  );
}

function FeedSkeleton() {
  return (
    <div className="skeleton-list" aria-busy="true" aria-label="Loading posts">
      {[0, 1, 2].map((i) => (
        <div key={i} className="skeleton" />
      ))}
    </div>
  );
}
