import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ed25519Signer,
  formatCheckpoint,
  generateSigner,
  leafHash,
  MemoryTree,
  signNote,
  tileContents,
  tilesForSize,
} from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { ensureBuiltCli, porchlight } from './support/cli.js';
import type { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';
import { listen } from './support/sse.js';
import { LOG_ORIGIN } from './support/transparency.js';

/*
 * The real auditor (`node packages/cli/dist/main.js audit`) against the real server listening on a socket, after
 * real moderation and role changes. Then the log is tampered with where an insider would: in the server's
 * database, with the server's own signing key at hand for the truncation and the fork.
 */

let t: TestApp;
let url: string;
let vkey: string;
let stateDir: string;
let tmp: string;
let size: number;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const q = <R>(sql: string, params: unknown[] = []) => t.database.db.query<R>(sql, params);

async function ok(res: Promise<{ response: Response; error?: unknown }>): Promise<void> {
  const r = await res;
  expect(r.response.status, JSON.stringify(r.error)).toBeLessThan(300);
}

const audit = (dir = stateDir) => porchlight('audit', url, '--key', vkey, '--state-dir', dir);

async function entries(): Promise<Uint8Array[]> {
  const res = await q<{ data: Uint8Array }>('SELECT data FROM log_entries ORDER BY index');
  return res.rows.map((r) => new Uint8Array(r.data));
}

/** Runs `tamper`, then puts the log's tables back exactly as they were, whatever the test did in between. */
async function tampered(tamper: () => Promise<void>, check: () => Promise<void>): Promise<void> {
  // Plain tables, not TEMP: with PostgreSQL each query may run on another pooled connection.
  await q('CREATE TABLE IF NOT EXISTS saved_entries AS SELECT * FROM log_entries WITH NO DATA');
  await q('CREATE TABLE IF NOT EXISTS saved_tiles AS SELECT * FROM log_tiles WITH NO DATA');
  await q('CREATE TABLE IF NOT EXISTS saved_checkpoints AS SELECT * FROM log_checkpoints WITH NO DATA');
  await q('INSERT INTO saved_entries SELECT * FROM log_entries');
  await q('INSERT INTO saved_tiles SELECT * FROM log_tiles');
  await q('INSERT INTO saved_checkpoints SELECT * FROM log_checkpoints');
  try {
    await tamper();
    await check();
  } finally {
    await t.database.db.transaction(async (tx) => {
      await tx.query('DELETE FROM log_checkpoints');
      await tx.query('DELETE FROM log_tiles');
      await tx.query('UPDATE log_entries l SET data = s.data FROM saved_entries s WHERE s.index = l.index');
      await tx.query('INSERT INTO log_tiles SELECT * FROM saved_tiles');
      await tx.query('INSERT INTO log_checkpoints SELECT * FROM saved_checkpoints');
      await tx.query('DELETE FROM saved_entries');
      await tx.query('DELETE FROM saved_tiles');
      await tx.query('DELETE FROM saved_checkpoints');
    });
    expect((await audit()).code, 'the log is restored after tampering').toBe(0);
  }
}

/** The log's real signing key, as an insider with database access has it. */
async function realSigner() {
  const res = await q<{ skey: string }>('SELECT skey FROM log_keys WHERE active');
  return ed25519Signer(res.rows[0]!.skey);
}

/** Rewrites the tiles and signs a checkpoint for a log of exactly `leaves`: a consistent tree, but another one. */
async function publishTree(leaves: readonly Uint8Array[]): Promise<void> {
  const tree = new MemoryTree();
  tree.append(...leaves.map(leafHash));
  const text = formatCheckpoint({
    origin: LOG_ORIGIN,
    size: leaves.length,
    rootHash: await tree.root(),
    extensions: [],
  });
  const note = signNote(text, [await realSigner()]);
  await t.database.db.transaction(async (tx) => {
    await tx.query('DELETE FROM log_tiles');
    for (const tile of tilesForSize(leaves.length)) {
      await tx.query(
        `INSERT INTO log_tiles (level, index, width, data) VALUES ($1, $2, $3, decode($4, 'hex'))`,
        [tile.level, tile.index, tile.width, hex(await tileContents(tile, tree))],
      );
    }
    await tx.query('DELETE FROM log_checkpoints WHERE size >= $1', [leaves.length]);
    await tx.query(
      `INSERT INTO log_checkpoints (size, root, note, created_at) VALUES ($1, decode($2, 'hex'), $3, now())`,
      [leaves.length, hex(await tree.root()), note],
    );
  });
}

beforeAll(async () => {
  await ensureBuiltCli();
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  url = `${await listen(t.app)}/log`;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-audit-test-'));
  stateDir = path.join(tmp, 'state');

  // Real accountability actions through the API, sequenced in several checkpoints as a running server would.
  const log = t.services.transparency;
  await log.sequenceNow();
  const author = await makeUser(t);
  const mod1: TestUser = await makeUser(t, { role: 'moderator' });
  const mod2 = await makeUser(t, { role: 'moderator' });
  const admin = await makeUser(t, { role: 'admin' });
  const post = await makePost(author, { category: 'safety' });
  await ok(
    mod1.api.POST('/api/moderation/posts/{id}/decisions', {
      params: { path: { id: post.id } },
      body: { action: 'hide', reason: 'Names a private person' },
    }),
  );
  await log.sequenceNow();
  await ok(
    author.api.POST('/api/posts/{id}/appeal', {
      params: { path: { id: post.id } },
      body: { statement: 'It names nobody at all, please look again' },
    }),
  );
  const appeal = await q<{ id: number }>(
    'SELECT id FROM appeals WHERE post_id = (SELECT id FROM posts WHERE public_id = $1)',
    [post.id],
  );
  await ok(
    mod2.api.POST('/api/moderation/appeals/{id}/decision', {
      params: { path: { id: appeal.rows[0]!.id } },
      body: { outcome: 'overturned', reason: 'The name is a shop, not a person' },
    }),
  );
  await log.sequenceNow();
  const promoted = await makeUser(t);
  await ok(
    admin.api.PUT('/api/admin/users/{id}/role', {
      params: { path: { id: promoted.id } },
      body: { role: 'moderator', reason: 'Volunteer moderator for Elm St.' },
    }),
  );
  size = (await log.sequenceNow()).size;
  vkey = (await fetch(`${url}/key`).then((r) => r.text())).trim();
}, 120_000);

afterAll(async () => {
  await t.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('porchlight audit against a running server', () => {
  it('passes after real moderation and role changes, and recomputes the statistics', async () => {
    expect(size).toBe(5);
    const result = await audit();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`audit passed: ${LOG_ORIGIN}`);
    expect(result.stdout).toMatch(/tree size\s+5\n/);
    for (const type of [
      'instance.created',
      'moderation.hidden',
      'appeal.filed',
      'appeal.decided',
      'role.changed',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`${type.replace('.', '\\.')}\\s+1\\n`));
    }
    // The second run checks consistency with the checkpoint the first one remembered.
    expect((await audit()).stdout).toContain('consistent  with size 5');
  });

  it('fails on an entry edited in the database, naming the entry', async () => {
    await tampered(
      () =>
        q(
          `UPDATE log_entries SET data = convert_to(replace(convert_from(data, 'UTF8'), 'private person', 'public figure'), 'UTF8')
            WHERE index = 1`,
        ).then(() => undefined),
      async () => {
        const result = await audit();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`audit FAILED for ${url}`);
        expect(result.stderr).toContain('entry 1: tile/0/000.p/5 hash does not match the entry');
        expect(result.stderr).toContain(
          'root recomputed from the entries does not match the checkpoint root',
        );
      },
    );
  });

  it('fails on a hash tile edited in the database', async () => {
    await tampered(
      () =>
        q(
          `UPDATE log_tiles SET data = set_byte(data, 64, 255 - get_byte(data, 64)) WHERE level = 0 AND index = 0`,
        ).then(() => undefined),
      async () => {
        const result = await audit();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('entry 2: tile/0/000.p/5 hash does not match the entry');
        expect(result.stderr).toContain(
          'root computed from the hash tiles does not match the checkpoint root',
        );
      },
    );
  });

  it('fails on a truncated log re-signed with the real key after an audit saw it larger', async () => {
    await tampered(
      async () => {
        const kept = (await entries()).slice(0, 3);
        await q('DELETE FROM log_checkpoints WHERE size > 3');
        await publishTree(kept);
      },
      async () => {
        const result = await audit();
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/log truncated: size 3 < previously seen 5/);
        // An auditor that never saw the larger log cannot tell: a truncation is caught by remembering.
        expect((await audit(path.join(tmp, 'fresh-truncated'))).code).toBe(0);
      },
    );
  });

  it('fails on a fork: another history of the same size signed with the real key', async () => {
    await tampered(
      async () => {
        const leaves = await entries();
        const forked = new TextDecoder()
          .decode(leaves[1])
          .replace('Names a private person', 'Spam, removed by policy');
        leaves[1] = new TextEncoder().encode(forked);
        await q(`UPDATE log_entries SET data = decode($1, 'hex') WHERE index = 1`, [hex(leaves[1])]);
        await publishTree(leaves);
      },
      async () => {
        const result = await audit();
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/fork: root for size 5 differs from the one seen on/);
        // The forked log is self-consistent: only history tells it apart.
        expect((await audit(path.join(tmp, 'fresh-fork'))).code).toBe(0);
      },
    );
  });
});

describe('inclusion proofs from the running server', () => {
  it('every entry has a c2sp.org/tlog-proof@v1 document that porchlight verify-proof accepts offline', async () => {
    const log = await entries();
    for (let index = 0; index < size; index++) {
      const file = path.join(tmp, `entry-${index}.tlog-proof`);
      const fetched = await porchlight('proof', url, String(index), '--out', file, '--key', vkey);
      expect(fetched.stderr).toBe('');
      expect(fetched.code).toBe(0);
      expect(fetched.stdout).toContain(
        `proof verified: entry ${index} is in ${LOG_ORIGIN} (tree size ${size})`,
      );
      const verified = await porchlight('verify-proof', file, '--key', vkey);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain(new TextDecoder().decode(log[index]));
      // The entry alone, as someone would hold it, checked against the document.
      const entryFile = path.join(tmp, `entry-${index}.json`);
      await fs.writeFile(entryFile, log[index]!);
      expect((await porchlight('verify-proof', file, '--key', vkey, '--entry', entryFile)).code).toBe(0);
    }
  });

  it('verify-proof rejects another entry, an edited document and another key, saying why', async () => {
    const file = path.join(tmp, 'entry-1.tlog-proof');
    const other = path.join(tmp, 'entry-2.json');
    const wrongEntry = await porchlight('verify-proof', file, '--key', vkey, '--entry', other);
    expect(wrongEntry.code).toBe(1);
    expect(wrongEntry.stderr).toMatch(/proof FAILED .*inclusion proof does not show this entry at index 1/);

    const text = await fs.readFile(file, 'utf8');
    const edited = path.join(tmp, 'edited.tlog-proof');
    await fs.writeFile(edited, text.replace('index 1\n', 'index 2\n'));
    const wrongIndex = await porchlight('verify-proof', edited, '--key', vkey);
    expect(wrongIndex.code).toBe(1);
    expect(wrongIndex.stderr).toContain('inclusion proof does not show this entry at index 2');

    // A key of the same name that is not the log's: what a forger would hand out.
    const wrongKey = await porchlight('verify-proof', file, '--key', generateSigner(LOG_ORIGIN).vkey);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('checkpoint is not signed by the log key: no verifiable signatures');
  });

  it('serves proofs as text/plain, 404 beyond the log and 400 for an index that is not one', async () => {
    const res = await fetch(`${url}/proof/0`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await res.text()).startsWith('c2sp.org/tlog-proof@v1\nextra ')).toBe(true);
    const beyond = await fetch(`${url}/proof/${size}`);
    expect(beyond.status).toBe(404);
    expect(beyond.headers.get('content-type')).toContain('application/problem+json');
    const bad = await fetch(`${url}/proof/-1`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('/params/index');
  });
});
