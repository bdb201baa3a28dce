import { useEffect } from 'react';
import type { Category } from '../api/types';
import { CategoryFilter } from '../components/CategoryFilter';
import { FeedFilters } from '../components/FeedFilters';
import { LiveIndicator } from '../components/LiveIndicator';
import { PostCard } from '../components/PostCard';
import { ProblemAlert } from '../components/ProblemAlert';
import { CATEGORIES, formatKm } from '../format';
import '../incidents/incidents.css';
import { LazyAreaMap } from '../map/LazyAreaMap';
import { Link, navigate, useLocation } from '../router';
import { useFeed, useFeedStore } from '../state/feed';
import { FEED_PERIODS, isFiltered, NO_FILTER, type FeedFilter } from '../state/feedStore';
import { useLiveStatus } from '../state/live';
import { useMe } from '../state/session';

function parseCategory(raw: string | null): Category | null {
  return CATEGORIES.find((c) => c.value === raw)?.value ?? null;
}

/** The feed's filter as the address bar holds it, so a filtered feed can be bookmarked and shared. */
function parseFilter(query: URLSearchParams): FeedFilter {
  const within = Number(query.get('within'));
  return {
    category: parseCategory(query.get('category')),
    period: FEED_PERIODS.find((p) => p.value === query.get('period'))?.value ?? null,
    within: Number.isInteger(within) && within >= 100 ? within : null,
    q: (query.get('q') ?? '').trim(),
    cell: /^89[0-9a-f]{13}$/.test(query.get('cell') ?? '') ? query.get('cell') : null,
  };
}

function filterPath(f: FeedFilter): string {
  const query = new URLSearchParams();
  if (f.category) query.set('category', f.category);
  if (f.period) query.set('period', f.period);
  if (f.within) query.set('within', String(f.within));
  if (f.q) query.set('q', f.q);
  if (f.cell) query.set('cell', f.cell);
  const s = query.toString();
  return s ? `/?${s}` : '/';
}

export function FeedPage() {
  const me = useMe();
  const store = useFeedStore();
  const feed = useFeed();
  const { query } = useLocation();
  const filter = parseFilter(query);
  const { category } = filter;
  const key = filterPath(filter);
  const live = useLiveStatus();

  useEffect(() => {
    if (me.home) store.ensure(parseFilter(new URLSearchParams(key.slice(2))));
  }, [store, key, me.home]);

  if (!me.home || feed.homeRequired) return <HomeRequired />;

  const setFilter = (f: FeedFilter) => {
    navigate(filterPath(f), { replace: true });
  };
  const setCategory = (c: Category | null) => {
    setFilter({ ...filter, category: c });
  };
  const empty = feed.status === 'ready' && feed.items.length === 0;
  const filtered = isFiltered(filter);

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
        <FeedFilters value={filter} radiusM={me.radiusM} onChange={setFilter} />
        {filter.cell ? (
          <div className="feed-cell-filter card" role="status">
            <span>Showing posts from one map cell.</span>
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                setFilter({ ...filter, cell: null });
              }}
            >
              Show the whole area
            </button>
          </div>
        ) : null}
        {feed.status === 'loading' ? <FeedSkeleton /> : null}
        {feed.status === 'error' ? <ProblemAlert error={feed.error} focus={false} /> : null}
        {empty && filtered ? (
          <div className="empty card">
            <h2>No posts match these filters</h2>
            <p>Try a longer time, a wider distance or other words.</p>
            <button
              type="button"
              className="button"
              onClick={() => {
                setFilter(NO_FILTER);
              }}
            >
              Clear filters
            </button>
          </div>
        ) : null}
        {empty && !filtered ? (
          <div className="empty card">
            <h2>All quiet</h2>
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
                  onMuted={(authorId) => {
                    store.removeAuthor(authorId);
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
            onCellClick={(cell) => {
              // Like a pin on a neighbourhood app's map: the list narrows to that spot, with a way back.
              setFilter({ ...filter, cell });
            }}
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
          <p className="map-hint">
            Click a cell to see only its posts, or <Link to="/map">open the incident map</Link>.
          </p>
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
