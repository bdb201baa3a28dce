import { useEffect, useRef } from 'react';
import type { Category } from '../api/types';
import { CategoryFilter } from '../components/CategoryFilter';
import { PeriodSelect } from '../components/PeriodSelect';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { CATEGORIES, categoryColour, categoryLabel, formatKm } from '../format';
import { useAreaPosts, MAP_POST_LIMIT } from '../incidents/areaPosts';
import { AGE_BANDS, ageOpacity, groupByCell, type IncidentCell } from '../incidents/cells';
import '../incidents/incidents.css';
import { LazyAreaMap } from '../map/LazyAreaMap';
import { Link, navigate, useLocation } from '../router';
import { FEED_PERIODS, type FeedPeriod } from '../state/feedStore';
import { useMe } from '../state/session';

interface MapQuery {
  category: Category | null;
  period: FeedPeriod | null;
  cell: string | null;
}

function parseQuery(query: URLSearchParams): MapQuery {
  const cell = query.get('cell');
  return {
    category: CATEGORIES.find((c) => c.value === query.get('category'))?.value ?? null,
    period: FEED_PERIODS.find((p) => p.value === query.get('period'))?.value ?? null,
    cell: cell && /^89[0-9a-f]{13}$/.test(cell) ? cell : null,
  };
}

function queryPath(q: MapQuery): string {
  const query = new URLSearchParams();
  if (q.category) query.set('category', q.category);
  if (q.period) query.set('period', q.period);
  if (q.cell) query.set('cell', q.cell);
  const s = query.toString();
  return s ? `/map?${s}` : '/map';
}

const postCount = (n: number) => (n === 1 ? '1 post' : `${n} posts`);

function cellSummary(c: IncidentCell): string {
  return `${postCount(c.posts.length)}: ${c.categories.map(categoryLabel).join(', ')}`;
}

/** Posts around the viewer's home as block-sized cells, coloured by category and faded by age. */
export function IncidentMapPage() {
  const me = useMe();
  const { query } = useLocation();
  const q = parseQuery(query);
  const area = useAreaPosts(q.category, q.period);
  const cells = groupByCell(area.posts);
  const selected = q.cell ? (cells.find((c) => c.cell === q.cell) ?? null) : null;
  const now = Date.now();

  const go = (next: Partial<MapQuery>) => {
    navigate(queryPath({ ...q, ...next }), { replace: true });
  };

  if (!me.home) {
    return (
      <div className="card empty">
        <h1>Set your home area</h1>
        <p>The incident map shows posts around your home. Pick your home area first.</p>
        <Link to="/home" className="button button--primary">
          Set home area
        </Link>
      </div>
    );
  }

  return (
    <div className="incident-map">
      <div className="page-head">
        <h1>Incident map</h1>
        <p className="muted">
          Posts within {formatKm(me.radiusM)} of your home. Each post shows as the cell about a block wide it
          was made in, never an exact address. Choose a cell to see its posts.
        </p>
      </div>
      <CategoryFilter
        value={q.category}
        onChange={(category) => {
          go({ category });
        }}
      />
      <form
        className="feed-filters"
        aria-label="Filter the map"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <PeriodSelect
          value={q.period}
          onChange={(period) => {
            go({ period });
          }}
        />
      </form>
      {area.status === 'error' ? <ProblemAlert error={area.error} focus={false} /> : null}
      <div className="incident-map__layout">
        <div className="card card--flush incident-map__map">
          <LazyAreaMap
            label="Incident map of your area"
            home={me.home}
            radiusM={me.radiusM}
            posts={cells.map((c) => ({
              id: c.cell,
              category: c.category,
              location: { cell: c.cell, lat: c.lat, lng: c.lng },
              opacity: ageOpacity(c.newestAt, now),
            }))}
            onCellClick={(cell) => {
              go({ cell });
            }}
            cooperative
          />
          <Legend />
        </div>
        <div className="incident-map__side">
          {selected ? (
            <CellPanel
              cell={selected}
              onClose={() => {
                go({ cell: null });
              }}
            />
          ) : null}
          <CellList
            cells={cells}
            status={area.status}
            selected={q.cell}
            onSelect={(cell) => {
              go({ cell });
            }}
          />
          {area.truncated ? (
            <p className="muted">
              Showing the newest {MAP_POST_LIMIT} posts. Choose a shorter time to see the rest on the map.
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function Legend() {
  return (
    <div className="map-legend incident-legend">
      <div role="group" aria-label="Colour: category of the newest post">
        <span className="incident-legend__title">Category</span>
        {CATEGORIES.map((c) => (
          <span key={c.value} className="incident-legend__item">
            <span className="swatch" aria-hidden="true" style={{ background: c.colour }} /> {c.label}
          </span>
        ))}
      </div>
      <div role="group" aria-label="Shade: age of the newest post">
        <span className="incident-legend__title">Age</span>
        {AGE_BANDS.map((b) => (
          <span key={b.label} className="incident-legend__item">
            <span
              className="swatch incident-legend__age"
              aria-hidden="true"
              style={{ opacity: Math.min(1, b.opacity + 0.15) }}
            />{' '}
            {b.label}
          </span>
        ))}
      </div>
    </div>
  );
}

function CellPanel({ cell, onClose }: { cell: IncidentCell; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Choosing a cell on the map or in the list moves focus here, so its posts are read next.
  useEffect(() => {
    heading.current?.focus();
  }, [cell.cell]);
  return (
    <section className="card incident-panel" aria-labelledby="incident-panel-title">
      <div className="incident-panel__head">
        <h2 id="incident-panel-title" ref={heading} tabIndex={-1}>
          {postCount(cell.posts.length)} in this cell
        </h2>
        <button type="button" className="button button--small" onClick={onClose}>
          Close
        </button>
      </div>
      <ol className="incident-panel__posts" aria-label="Posts in this cell">
        {cell.posts.map((p) => (
          <li key={p.id}>
            <Link to={`/posts/${p.id}`} className="incident-panel__post">
              <span
                className="swatch"
                aria-hidden="true"
                style={{ background: categoryColour(p.category) }}
              />
              <span className="incident-panel__title">{p.title}</span>
              <span className="muted">
                {categoryLabel(p.category)} · <RelativeTime iso={p.createdAt} />
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

function CellList({
  cells,
  status,
  selected,
  onSelect,
}: {
  cells: IncidentCell[];
  status: 'loading' | 'ready' | 'error';
  selected: string | null;
  onSelect: (cell: string) => void;
}) {
  return (
    <section
      className="card incident-cells"
      aria-labelledby="incident-cells-title"
      aria-busy={status === 'loading'}
    >
      <h2 id="incident-cells-title">Cells with posts</h2>
      {status === 'loading' ? <p className="muted">Loading posts…</p> : null}
      {status === 'ready' && cells.length === 0 ? (
        <p className="muted">No posts match these filters in your area.</p>
      ) : null}
      {cells.length > 0 ? (
        <ul className="incident-cells__list">
          {cells.map((c) => (
            <li key={c.cell}>
              <button
                type="button"
                className="incident-cells__cell"
                aria-pressed={selected === c.cell}
                onClick={() => {
                  onSelect(c.cell);
                }}
              >
                <span
                  className="swatch"
                  aria-hidden="true"
                  style={{ background: categoryColour(c.category) }}
                />
                <span>{cellSummary(c)}</span>
                <span className="muted">
                  newest <RelativeTime iso={c.newestAt} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
