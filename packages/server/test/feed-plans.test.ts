import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaCellsCovering, snap, type LatLng } from '../src/geo/cells.js';
import { FeedWindow } from '../src/modules/posts/feed-window.js';
import { feedPage } from '../src/modules/posts/posts.repository.js';
import { openPostgres } from '../src/infra/db/postgres.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { offsetMeters } from './support/factories.js';

/*
 * The feed's two plans (the newest few thousand posts, filtered; else one scan per place within the radius)
 * must give exactly the page a naive query gives: every visible post whose cell centre is within the radius,
 * newest first. Enough posts that the first plan fills some pages and not others: a dense town centre, a
 * sparse countryside around it, some hidden posts, and homes from the centre to the edge of the countryside.
 */
const CENTRE: LatLng = { lat: 44.05, lng: -121.31 };
const PAGE = 21;

let t: TestDatabase;
let author = 0;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

beforeAll(async () => {
  t = await createTestDatabase();
  author = (
    await t.db.query<{ id: number }>(
      `INSERT INTO users (email, display_name, password_hash) VALUES ('plans@test', 'Author', 'x') RETURNING id`,
    )
  ).rows[0]!.id;
  const rand = rng(11);
  // Oldest first: the countryside's posts are spread through time, the centre's are most of the recent ones.
  const points: LatLng[] = [];
  for (let i = 0; i < 7000; i++) {
    const dense = rand() < 0.9;
    const r = dense ? 2500 * Math.sqrt(rand()) : 2500 + 12_000 * rand();
    const a = 2 * Math.PI * rand();
    points.push(offsetMeters(CENTRE, r * Math.cos(a), r * Math.sin(a)));
  }
  for (let i = 0; i < points.length; i += 1000) {
    const values: unknown[] = [];
    const rows = points.slice(i, i + 1000).map((point) => {
      const where = snap(point);
      const b = values.push(where.cell, where.lat, where.lng, where.areaCell) - 4;
      return `(${author}, 'community', 'Post', 'Body', $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4})`;
    });
    await t.db.query(
      `INSERT INTO posts (author_id, category, title, body, cell, cell_lat, cell_lng, area_cell)
       VALUES ${rows.join(',')}`,
      values,
    );
  }
  await t.db.query(`UPDATE posts SET status = 'hidden' WHERE id % 13 = 0`);
  await t.db.query('ANALYZE posts');
}, 120_000);

afterAll(() => t.drop());

/** Every visible post whose cell centre lies within the radius, newest first, older than `before`. */
async function naivePage(home: LatLng, radiusM: number, before: number | undefined): Promise<number[]> {
  const res = await t.db.query<{ id: string | number }>(
    `SELECT id FROM posts WHERE status = 'visible' AND ($4::bigint IS NULL OR id < $4)
       AND 12742017.6 * asin(least(1, sqrt(power(sin(radians(cell_lat - $1) / 2), 2)
         + cos(radians($1)) * cos(radians(cell_lat)) * power(sin(radians(cell_lng - $2) / 2), 2)))) <= $3
     ORDER BY id DESC LIMIT ${PAGE}`,
    [home.lat, home.lng, radiusM, before ?? null],
  );
  return res.rows.map((r) => Number(r.id));
}

/** Compares every plan's pages with the naive query's, for homes from the centre to the countryside. */
async function comparePages(
  window: FeedWindow | undefined,
): Promise<{ mismatches: string[]; full: number; short: number }> {
  const rand = rng(5);
  const mismatches: string[] = [];
  let full = 0;
  let short = 0;
  for (let h = 0; h < 24; h++) {
    const r = 14_000 * Math.sqrt(rand());
    const a = 2 * Math.PI * rand();
    const home = offsetMeters(CENTRE, r * Math.cos(a), r * Math.sin(a));
    for (const radiusM of [500, 1600, 8000]) {
      let before: number | undefined;
      for (let page = 0; page < 3; page++) {
        const got = (
          await feedPage(
            t.db,
            {
              viewerId: author,
              areaCells: areaCellsCovering(home, radiusM),
              home,
              radiusM,
              beforeId: before,
              limit: PAGE,
              category: undefined,
            },
            window,
          )
        ).map((row) => row.id);
        const want = await naivePage(home, radiusM, before);
        if (JSON.stringify(got) !== JSON.stringify(want))
          mismatches.push(`home ${h} radius ${radiusM} page ${page}: ${got.length} vs ${want.length} posts`);
        if (want.length === PAGE) full++;
        else short++;
        if (want.length < PAGE) break;
        before = want.at(-1);
      }
    }
  }
  return { mismatches, full, short };
}

/** The first page for a home in the dense centre, through `window`. */
const centrePage = async (window: FeedWindow, db = t.db) =>
  (
    await feedPage(
      db,
      {
        viewerId: author,
        areaCells: areaCellsCovering(CENTRE, 1600),
        home: CENTRE,
        radiusM: 1600,
        beforeId: undefined,
        limit: PAGE,
        category: undefined,
      },
      window,
    )
  ).map((row) => row.id);

async function insertPostAt(db: Pick<TestDatabase['db'], 'query'>, point: LatLng): Promise<number> {
  const where = snap(point);
  const res = await db.query<{ id: number }>(
    `INSERT INTO posts (author_id, category, title, body, cell, cell_lat, cell_lng, area_cell)
     VALUES ($1, 'community', 'New', 'Body', $2, $3, $4, $5) RETURNING id`,
    [author, where.cell, where.lat, where.lng, where.areaCell],
  );
  return res.rows[0]!.id;
}

describe('the feed’s query plans', () => {
  it('give the naive query’s pages for homes from the dense centre to the sparse countryside', async () => {
    const { mismatches, full, short } = await comparePages(undefined);
    expect(mismatches).toEqual([]);
    // Both kinds of page were asked for: full ones and a quiet place's last, short one.
    expect(full).toBeGreaterThan(20);
    expect(short).toBeGreaterThan(5);
  }, 120_000);

  it('give the same pages with candidates from a window holding every post, or only the newest', async () => {
    for (const size of [50_000, 1500]) {
      const { mismatches } = await comparePages(new FeedWindow(size));
      expect(mismatches, `window of ${size}`).toEqual([]);
    }
  }, 120_000);

  it('never serve a page from a window that missed a change another process committed', async () => {
    const window = new FeedWindow(1500);
    const first = await centrePage(window);
    // Written behind the window's back (as another API process would): a new post, a post hidden.
    const added = await insertPostAt(t.db, CENTRE);
    await t.db.query(`UPDATE posts SET status = 'hidden' WHERE id = $1`, [first[0]]);
    const next = await centrePage(window);
    expect(next[0]).toBe(added);
    expect(next).not.toContain(first[0]);
    expect(next).toEqual(await naivePage(CENTRE, 1600, undefined));
    await t.db.query(`UPDATE posts SET status = 'visible' WHERE id = $1`, [first[0]]);
    expect(await centrePage(window)).toContain(first[0]);
  });

  it.runIf(testDatabaseKind() === 'postgres')(
    'never lose a post whose transaction commits after a newer one’s',
    async () => {
      const window = new FeedWindow(1500);
      await centrePage(window);
      const other = openPostgres(t.url!);
      try {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let slowId = 0;
        // A slow transaction takes its id first; a second one starts while it is open, and a page is read
        // in between. Were the second to commit first, the window would move past the first's change.
        const slow = other.transaction(async (tx) => {
          slowId = await insertPostAt(tx, CENTRE);
          await held;
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        const fast = other.transaction((tx) => insertPostAt(tx, CENTRE));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await centrePage(window);
        release();
        await slow;
        const fastId = await fast;
        expect(fastId).toBeGreaterThan(slowId);
        const page = await centrePage(window);
        expect(page.slice(0, 2)).toEqual([fastId, slowId]);
      } finally {
        await other.close();
      }
    },
  );
});
