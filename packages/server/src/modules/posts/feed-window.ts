import type { Queryable } from '../../infra/db/index.js';
import type { Category } from './composer.js';
import type { FeedQuery } from './posts.repository.js';

/** What the window keeps of a post: the columns the feed filters on, nothing a viewer reads. */
interface WindowPost {
  id: number;
  authorId: number;
  category: Category;
  visible: boolean;
  cell: string;
  /** The cell centre in radians, and the cosine of its latitude: the distance check's per-post half. */
  lat: number;
  lng: number;
  cosLat: number;
  areaCell: string;
  createdAt: number;
}

interface WindowRow {
  id: number;
  author_id: number;
  category: Category;
  status: 'visible' | 'hidden';
  cell: string;
  cell_lat: number;
  cell_lng: number;
  area_cell: string;
  created_at: Date;
  feed_seq: number | null;
}

const WINDOW_COLUMNS =
  'id, author_id, category, status, cell, cell_lat, cell_lng, area_cell, created_at, feed_seq';

/** The answer to "which posts could fill this page": candidates newest first, or `undefined` if unknown here. */
export interface Candidates {
  ids: number[];
  /** Whether every match in the window is among `ids` (no match was left out for the page's size). */
  all: boolean;
}

/**
 * The newest posts in this process's memory, with only what the feed filters on, so a page's candidates are
 * chosen here and the database reads just the page's rows instead of filtering thousands of recent posts per
 * request (bench/results/feed-http.md). Every process keeps its own; none is ever served stale: each page's
 * statement also returns `max(posts.feed_seq)`, and a page read while newer changes exist is read again after
 * the window catches up (`posts_feed_seq`, migration 36, makes the sequence commit in order).
 *
 * The window holds every committed post with `id >= floor` (or all posts, while fewer than `size` exist), so a
 * page filled from it is exact: any other match is older than everything in it. Hidden and muted posts, and
 * deleted ones, are filtered again by the page's statement; when that leaves the page short the caller falls
 * back to the per-place plan.
 */
export class FeedWindow {
  /** Newest first. */
  #posts: WindowPost[] = [];
  #byId = new Map<number, WindowPost>();
  #byArea = new Map<string, WindowPost[]>();
  /** Every committed post with an id at or above this is held (0: every post there is). */
  #floor = 0;
  /** The highest change sequence value applied. */
  #seq = 0;
  #loaded: Promise<void> | undefined;
  #catchingUp: Promise<void> | undefined;

  constructor(readonly size = 50_000) {}

  /** The sequence value this window is current to; the database's `max(feed_seq)` says whether it still is. */
  get seq(): number {
    return this.#seq;
  }

  /** Loads the window once, on the first page asked of it. */
  async ready(db: Queryable): Promise<void> {
    this.#loaded ??= this.#load(db).catch((err: unknown) => {
      this.#loaded = undefined;
      throw err;
    });
    return this.#loaded;
  }

  async #load(db: Queryable): Promise<void> {
    // One statement, so the rows and the sequence value come from one snapshot.
    const res = await db.query<WindowRow & { max_seq: number | null }>(
      `SELECT ${WINDOW_COLUMNS}, (SELECT max(feed_seq) FROM posts) AS max_seq
       FROM posts ORDER BY id DESC LIMIT $1`,
      [this.size],
    );
    for (const row of res.rows) this.#append(toPost(row));
    this.#floor = res.rows.length < this.size ? 0 : res.rows[res.rows.length - 1]!.id;
    this.#seq = res.rows[0]?.max_seq ?? 0;
  }

  /**
   * Applies every change committed after the window's sequence value. Calls made while one is running share
   * it; the caller checks `seq` again afterwards.
   */
  async catchUp(db: Queryable): Promise<void> {
    this.#catchingUp ??= this.#catchUp(db).finally(() => {
      this.#catchingUp = undefined;
    });
    return this.#catchingUp;
  }

  async #catchUp(db: Queryable): Promise<void> {
    const res = await db.query<WindowRow>(
      `SELECT ${WINDOW_COLUMNS} FROM posts WHERE feed_seq > $1 ORDER BY feed_seq`,
      [this.#seq],
    );
    for (const row of res.rows) {
      this.#apply(toPost(row));
      this.#seq = Math.max(this.#seq, row.feed_seq ?? 0);
    }
    while (this.#posts.length > this.size) this.#dropOldest();
  }

  /**
   * Candidates for a page, newest first: at most `count` ids of visible posts the query matches. `undefined`
   * when the window cannot say (a text search, or a page that starts below the window).
   */
  candidates(q: FeedQuery, count: number): Candidates | undefined {
    if (q.text !== undefined) return undefined;
    if (q.beforeId !== undefined && q.beforeId <= this.#floor) return undefined;
    const since = q.since?.getTime();
    const near = nearHome(q.home, q.radiusM);
    const matches = (p: WindowPost): boolean =>
      p.visible &&
      (q.category === undefined || p.category === q.category) &&
      (since === undefined || p.createdAt >= since) &&
      (q.cell === undefined || p.cell === q.cell) &&
      near(p);
    // The area lists are each newest first: merging them newest first stops at the page's last match instead
    // of checking every held post in every area the circle touches (bench/results/feed-http.md).
    const lists = q.areaCells.map((area) => this.#byArea.get(area) ?? []);
    const at = lists.map((list) => (q.beforeId === undefined ? 0 : firstBelow(list, q.beforeId)));
    const ids: number[] = [];
    for (;;) {
      let newest = -1;
      for (let k = 0; k < lists.length; k++) {
        const p = lists[k]![at[k]!];
        if (p !== undefined && (newest < 0 || p.id > lists[newest]![at[newest]!]!.id)) newest = k;
      }
      if (newest < 0) return { ids, all: true };
      const p = lists[newest]![at[newest]!]!;
      at[newest] = at[newest]! + 1;
      if (!matches(p)) continue;
      if (ids.length === count) return { ids, all: false };
      ids.push(p.id);
    }
  }

  /** Whether the window holds every post there is (so a short page from it is the end of the feed). */
  get complete(): boolean {
    return this.#floor === 0;
  }

  #append(p: WindowPost): void {
    this.#posts.push(p);
    this.#byId.set(p.id, p);
    const list = this.#byArea.get(p.areaCell);
    if (list) list.push(p);
    else this.#byArea.set(p.areaCell, [p]);
  }

  /** A new post, or a change to one held; a post older than the window's floor is not its business. */
  #apply(p: WindowPost): void {
    const held = this.#byId.get(p.id);
    if (held) {
      if (held.areaCell !== p.areaCell) {
        removeFrom(this.#byArea.get(held.areaCell), held);
        insertNewestFirst(this.#areaList(p.areaCell), held);
      }
      Object.assign(held, p);
      return;
    }
    if (p.id < this.#floor) return;
    insertNewestFirst(this.#posts, p);
    insertNewestFirst(this.#areaList(p.areaCell), p);
    this.#byId.set(p.id, p);
  }

  #areaList(area: string): WindowPost[] {
    let list = this.#byArea.get(area);
    if (!list) this.#byArea.set(area, (list = []));
    return list;
  }

  #dropOldest(): void {
    const oldest = this.#posts.pop()!;
    this.#byId.delete(oldest.id);
    removeFrom(this.#byArea.get(oldest.areaCell), oldest);
    // Every post at or above the next one down is still held.
    this.#floor = this.#posts[this.#posts.length - 1]!.id;
  }
}

const RAD = Math.PI / 180;
const EARTH_RADIUS_M = 6_371_008.8;

/**
 * The feed's distance rule (haversine from home to the cell centre at most the radius, as `distanceMeters`
 * and the SQL plans compute it) rearranged for thousands of checks per page: with
 * h = sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2), the distance is at most r exactly when h ≤ sin²(r / 2R); and no
 * post further than r / R in latitude can be within r, which settles most of them without a sine.
 */
function nearHome(home: { lat: number; lng: number }, radiusM: number): (p: WindowPost) => boolean {
  const lat = home.lat * RAD;
  const lng = home.lng * RAD;
  const cosLat = Math.cos(lat);
  const maxDLat = radiusM / EARTH_RADIUS_M;
  const maxH = Math.sin(Math.min(Math.PI / 2, radiusM / (2 * EARTH_RADIUS_M))) ** 2;
  return (p) => {
    const dLat = p.lat - lat;
    if (dLat > maxDLat || dLat < -maxDLat) return false;
    const h = Math.sin(dLat / 2) ** 2 + cosLat * p.cosLat * Math.sin((p.lng - lng) / 2) ** 2;
    return h <= maxH;
  };
}

function toPost(row: WindowRow): WindowPost {
  return {
    id: row.id,
    authorId: row.author_id,
    category: row.category,
    visible: row.status === 'visible',
    cell: row.cell,
    lat: row.cell_lat * RAD,
    lng: row.cell_lng * RAD,
    cosLat: Math.cos(row.cell_lat * RAD),
    areaCell: row.area_cell,
    createdAt: row.created_at.getTime(),
  };
}

/** The index of the first post in a newest-first list with an id below `id` (the list's length if none). */
function firstBelow(list: WindowPost[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.id >= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts into a list kept newest first; new posts land at or near the front. */
function insertNewestFirst(list: WindowPost[], p: WindowPost): void {
  let i = 0;
  while (i < list.length && list[i]!.id > p.id) i += 1;
  list.splice(i, 0, p);
}

function removeFrom(list: WindowPost[] | undefined, p: WindowPost): void {
  if (!list) return;
  const i = list.lastIndexOf(p);
  if (i >= 0) list.splice(i, 1);
}
