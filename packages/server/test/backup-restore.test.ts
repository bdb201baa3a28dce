/**
 * README "Backup and restore", done exactly as written: real activity, an audit with a state dir, the backup
 * commands, the instance destroyed, the restore commands, the built server started on what was restored. The
 * audit then passes with the state it had before (same log, no fork) and the clip's ciphertext is
 * byte-identical and still opens with its owner's age identity.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../test/prerequisites.js';
import { fsBlobStore } from '../src/infra/blob/index.js';
import { openPglite } from '../src/infra/db/pglite.js';
import { generateKeyFile } from '../src/modules/transparency/transparency.keys.js';
import { startTestApp } from './support/app.js';
import { ensureBuiltCli, porchlight } from './support/cli.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from './support/database.js';
import { clip, requestWorld, square } from './support/disclosures.js';
import { HOME, makePost, makeUser } from './support/factories.js';
import { ensureBuilt, startServer, type ServerProcess, jarFetch, sleep } from './support/processes.js';
import { PG_BIN } from './support/private-postgres.js';
import { listen } from './support/sse.js';
import { LOG_ORIGIN } from './support/transparency.js';
import {
  ageDecrypt,
  ageEncrypt,
  makeCamera,
  setUpVault,
  tus,
  encodeMetadata,
  clipTimes,
} from './support/vault.js';

const sh = promisify(execFile);
/** A camera id as upload metadata carries it (ids are becoming public `ca_…` strings). */
const idText = (id: string | number): string => String(id);
const kind = testDatabaseKind();

describe(`backup and restore (${kind})`, () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
  });

  it('restores the log (the auditor sees no fork), the accounts and byte-identical clip ciphertext', async () => {
    ensureBuilt();
    await ensureBuiltCli();
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-backup-'));
    cleanup.push(() => fs.rm(work, { recursive: true, force: true }));
    const data = path.join(work, 'data'); // PORCHLIGHT_DATA
    const keyFile = path.join(work, 'log.key'); // PORCHLIGHT_LOG_KEY_FILE
    const backup = path.join(work, 'backup');
    const stateDir = path.join(work, 'audit-state');
    await fs.mkdir(data);
    await fs.mkdir(backup);
    await generateKeyFile(keyFile, LOG_ORIGIN);
    const env = {
      PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN,
      PORCHLIGHT_LOG_KEY_FILE: keyFile,
      PORCHLIGHT_DATA: data,
    };

    // The instance: PGlite in <data>/pglite, or a PostgreSQL database; clips in <data>/blobs either way.
    let database: TestDatabase;
    if (kind === 'pglite') {
      // A migrated database, as a first start leaves it (creating one takes seconds).
      await fs.cp(inject('pgliteTemplate'), path.join(data, 'pglite'), { recursive: true });
      const db = await openPglite(path.join(data, 'pglite'));
      database = { db, kind, url: undefined, drop: () => db.close() };
    } else {
      database = await createTestDatabase();
      cleanup.push(() => database.drop());
    }
    const t = await startTestApp({ database, blobs: fsBlobStore(path.join(data, 'blobs')), env });

    // Real activity: users, a published footage request, a vault clip uploaded by tus in two PATCHes.
    const world = await requestWorld(t, new Date());
    const clipOwner = await makeUser(t);
    const mine = await setUpVault(clipOwner);
    const camera = await makeCamera(clipOwner);
    const plaintext = clip(150_000);
    const ciphertext = await ageEncrypt(plaintext, mine.recipient);
    const auth = { user: clipOwner };
    const created = await tus(t.app, auth, 'POST', '/api/uploads', {
      'upload-length': String(ciphertext.length),
      'upload-metadata': encodeMetadata({ cameraId: idText(camera.id), ...clipTimes() }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = created.headers.location!;
    const half = 70_000;
    const p1 = await tus(t.app, auth, 'PATCH', url, { 'upload-offset': '0' }, ciphertext.subarray(0, half));
    expect(p1.statusCode, p1.body).toBe(204);
    const p2 = await tus(
      t.app,
      auth,
      'PATCH',
      url,
      { 'upload-offset': String(half) },
      ciphertext.subarray(half),
    );
    expect(p2.statusCode, p2.body).toBe(204);
    const clipId = String(p2.headers['porchlight-clip-id']);
    await makePost(clipOwner, { title: 'Before the backup' });

    // Log entries, and an auditor who has seen this log's checkpoint.
    const before = await t.services.transparency.sequenceNow();
    expect(before.size).toBeGreaterThan(3);
    const vkey = (await t.app.inject({ method: 'GET', url: '/log/key' })).body;
    const origin = await listen(t.app);
    const first = await porchlight('audit', `${origin}/log`, '--key', vkey, '--state-dir', stateDir);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const cookies = new Map(clipOwner.jar);
    const officerCookies = new Map(world.members[1]!.jar);

    // Stop the server, then back up as the README says.
    await t.close();
    const backupEnv = { ...process.env, PORCHLIGHT_DATA: data, PORCHLIGHT_LOG_KEY_FILE: keyFile };
    let restoredUrl: string | undefined;
    if (kind === 'pglite') {
      await database.db.close();
      await sh('sh', ['-c', 'tar -C "$PORCHLIGHT_DATA" -czf backup/porchlight-data.tar.gz .'], {
        cwd: work,
        env: backupEnv,
      });
    } else {
      await sh(
        'sh',
        [
          '-c',
          `${PG_BIN}/pg_dump --format=custom --file=backup/porchlight.dump "$DATABASE_URL" &&
           tar -C "$PORCHLIGHT_DATA" -czf backup/porchlight-data.tar.gz .`,
        ],
        { cwd: work, env: { ...backupEnv, DATABASE_URL: database.url! } },
      );
    }
    await sh('sh', ['-c', 'cp -p "$PORCHLIGHT_LOG_KEY_FILE" backup/log.key'], { cwd: work, env: backupEnv });

    // The instance is lost: data directory, key file and database.
    await fs.rm(data, { recursive: true });
    await fs.rm(keyFile);
    if (kind === 'postgres') await database.drop();

    // Restore into a fresh data directory (and a fresh, empty PostgreSQL database).
    const restored = path.join(work, 'restored');
    const restoredKey = path.join(work, 'restored.key');
    const restoreEnv = { ...process.env, PORCHLIGHT_DATA: restored, PORCHLIGHT_LOG_KEY_FILE: restoredKey };
    await sh(
      'sh',
      [
        '-c',
        `mkdir -p "$PORCHLIGHT_DATA" && tar -C "$PORCHLIGHT_DATA" -xzf backup/porchlight-data.tar.gz &&
         install -m 600 backup/log.key "$PORCHLIGHT_LOG_KEY_FILE"`,
      ],
      { cwd: work, env: restoreEnv },
    );
    if (kind === 'postgres') {
      const name = `porchlight_restored_${Math.random().toString(36).slice(2, 10)}`;
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(TEST_DATABASE_URL);
      u.pathname = `/${name}`;
      restoredUrl = u.toString();
      cleanup.push(async () => {
        const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
      await sh(
        'sh',
        [
          '-c',
          `${PG_BIN}/pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" backup/porchlight.dump`,
        ],
        { cwd: work, env: { ...restoreEnv, DATABASE_URL: restoredUrl } },
      );
    }

    const server: ServerProcess = await startServer({
      PORCHLIGHT_DATA: restored,
      PORCHLIGHT_LOG_KEY_FILE: restoredKey,
      PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN,
      PORCHLIGHT_LOG_INTERVAL_MS: '100',
      ...(restoredUrl ? { DATABASE_URL: restoredUrl } : {}),
    });
    cleanup.push(() => server.stop());

    // The auditor, with the state it had: same key, the old checkpoint consistent with the served one.
    const again = await porchlight('audit', `${server.origin}/log`, '--key', vkey, '--state-dir', stateDir);
    expect(again.code, again.stderr + again.stdout).toBe(0);

    // The owner's session survived; the ciphertext is byte-identical and opens with their identity.
    const f = jarFetch(cookies);
    const res = await f(`${server.origin}/api/clips/${clipId}/ciphertext`);
    expect(res.status).toBe(200);
    const served = Buffer.from(await res.arrayBuffer());
    expect(served.equals(ciphertext)).toBe(true);
    expect((await ageDecrypt(served, mine.identity)).equals(plaintext)).toBe(true);

    // The restored log keeps growing from where it was (the restored worker sequences a new request), and the
    // auditor accepts the extension: it is consistent with the checkpoint seen before the backup.
    const officer = jarFetch(officerCookies);
    const filed = await officer(`${server.origin}/api/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        caseNumber: 'PPB-after-restore',
        offenseCategory: 'burglary',
        legalBasis: 'warrant',
        investigatorName: 'Det. Alex Rivera',
        investigatorContact: 'arivera@police.portland.example',
        narrative:
          'Filed after the restore; looking for a vehicle seen leaving around 2 am on the 1200 block.',
        area: square(HOME, 500),
        windowStart: new Date(Date.now() - 48 * 3_600_000).toISOString(),
        windowEnd: new Date(Date.now() - 42 * 3_600_000).toISOString(),
        exigent: false,
      }),
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    let size = before.size;
    for (let i = 0; i < 100 && size <= before.size; i++) {
      await sleep(100);
      size = Number((await fetch(`${server.origin}/log/checkpoint`).then((r) => r.text())).split('\n')[1]);
    }
    expect(size).toBeGreaterThan(before.size);
    const grown = await porchlight('audit', `${server.origin}/log`, '--key', vkey, '--state-dir', stateDir);
    expect(grown.code, grown.stderr + grown.stdout).toBe(0);
  }, 150_000);
});
