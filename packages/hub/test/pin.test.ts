import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateIdentity } from '@porchlight/age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_CHANGED_MESSAGE, normaliseFingerprint, recipientFingerprint } from '../src/pin.js';
import { runCli } from './support/cli.js';
import { makeTestClip } from './support/fake-frigate.js';
import { pairedStateDir, runHub } from './support/hub.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';

/*
 * Issue 9, holes 2 and 3, as a malicious operator would try them: swap the owner's recipient for its own key
 * in the database (the hub must refuse to encrypt, and nothing reaches the server), and confirm a video it
 * holds is in someone's vault from the upload's idempotency ref (the ref must not be a content hash).
 */

const run = promisify(execFile);
let server: HubTestServer;
let scratch: string;
let video: string;

beforeAll(async () => {
  server = await startHubTestServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-pin-'));
  video = path.join(scratch, 'porch.mp4');
  await makeTestClip(video, 1, 160, 120);
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

const setRecipient = (recipient: string) =>
  server.app.database.db.query('UPDATE vault_keys SET recipient = $1', [recipient]);
const storedRefs = async () =>
  (await server.app.database.db.query<{ client_ref: string }>('SELECT client_ref FROM clips')).rows.map(
    (r) => r.client_ref,
  );
const upload = (stateDir: string) =>
  runCli(['upload', video, '--camera', server.camera.id, '--state-dir', stateDir]);

describe('recipient fingerprint', () => {
  it('is the first 100 bits of SHA-256 in Crockford base32, as the browser shows it', () => {
    // The same vector is in the web app's test, and was checked against Python's hashlib.
    const recipient = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    expect(recipientFingerprint(recipient)).toBe('SXZ5-D0HH-6586-GPZH-DS1C');
    expect(normaliseFingerprint('sxz5 d0hh 6586 gpzh ds1c')).toBe('SXZ5-D0HH-6586-GPZH-DS1C');
    expect(normaliseFingerprint('SXZ5-DOHH-6586-GPZH-DSlC')).toBe('SXZ5-D0HH-6586-GPZH-DS1C');
    expect(normaliseFingerprint('SXZ5-D0HH-6586')).toBeNull();
  });
});

describe('pairing pins the key the owner saw', () => {
  it('refuses to pair when the server’s key is not the one the browser shows, and saves nothing', async () => {
    const dir = path.join(scratch, 'mismatch');
    const operator = await generateIdentity();
    const code = await server.pairingCode();
    const result = await runCli([
      ...['pair', '--server', server.url, '--code', code, '--state-dir', dir],
      ...['--fingerprint', recipientFingerprint(operator.recipient)],
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `porchlight-hub: the server's vault key has fingerprint ${recipientFingerprint(server.recipient)}, not the ${recipientFingerprint(operator.recipient)} your browser shows; this hub was not paired`,
    );
    await expect(stat(path.join(dir, 'device.json'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a malformed fingerprint before spending the code', async () => {
    const code = await server.pairingCode();
    const dir = path.join(scratch, 'typo');
    const typo = await runCli([
      'pair',
      '--server',
      server.url,
      '--code',
      code,
      '--state-dir',
      dir,
      '--fingerprint',
      'ABCD',
    ]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--fingerprint ABCD is not a key fingerprint');
    const ok = await runCli([
      ...['pair', '--server', server.url, '--code', code, '--state-dir', dir],
      ...['--fingerprint', recipientFingerprint(server.recipient).toLowerCase()],
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      `clips are encrypted only to your key ${recipientFingerprint(server.recipient)}`,
    );
    const device = JSON.parse(await readFile(path.join(dir, 'device.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(device.recipient).toBe(server.recipient);
    expect(device.refKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path.join(dir, 'device.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('an operator who swaps the recipient in the database', () => {
  it('gets nothing: upload, run and status refuse, and clips stay encrypted to the pinned key', async () => {
    const stateDir = await pairedStateDir(server);
    const operator = await generateIdentity();
    const operatorKey = path.join(scratch, 'operator-key.txt');
    await writeFile(operatorKey, `${operator.identity}\n`, { mode: 0o600 });
    const before = await server.clips();
    await setRecipient(operator.recipient);
    try {
      const refused = await upload(stateDir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`porchlight-hub: ${KEY_CHANGED_MESSAGE}`);

      const status = await runCli(['status', '--state-dir', stateDir]);
      expect(status.stdout).toContain(`key: REFUSING TO ENCRYPT: ${KEY_CHANGED_MESSAGE}`);

      // A running hub stops rather than retry — at start, or at its first clip: only the owner can fix this.
      const folder = await mkdtemp(path.join(scratch, 'drop-'));
      let stopped: string;
      try {
        const { hub } = await runHub(stateDir, {
          sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 100 }],
        });
        const fatal = new Promise((resolve) => hub.once('fatal', resolve));
        await writeFile(path.join(folder, 'a.mp4'), await readFile(video));
        await fatal;
        await hub.stop();
        stopped = hub.fatal?.message ?? '';
      } catch (err) {
        stopped = (err as Error).message;
      }
      expect(stopped).toBe(KEY_CHANGED_MESSAGE);

      // Nothing reached the server, and nothing on the hub's disk is encrypted to the operator's key.
      expect(await server.clips()).toHaveLength(before.length);
      const work = await readdir(path.join(stateDir, 'work'));
      expect(work.filter((f) => f.endsWith('.age'))).toEqual([]);
    } finally {
      await setRecipient(server.recipient);
    }

    // With the owner's key back, the clip goes up encrypted to the pinned key: the owner can open it, the
    // operator's key cannot.
    const uploaded = await upload(stateDir);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    const [clip] = await server.clips();
    const ct = path.join(scratch, 'clip.age');
    await writeFile(ct, await server.ciphertext(clip!.id));
    await run('age', ['-d', '-i', server.identityFile, '-o', path.join(scratch, 'clip.mp4'), ct]);
    await expect(
      run('age', ['-d', '-i', operatorKey, '-o', path.join(scratch, 'stolen.mp4'), ct]),
    ).rejects.toThrow(/no identity matched/);
  });
});

describe('upload refs', () => {
  it('reveal nothing about the content, yet the same file twice from one hub is stored once', async () => {
    const first = await pairedStateDir(server);
    const second = await pairedStateDir(server);
    const sha256 = createHash('sha256')
      .update(await readFile(video))
      .digest('hex');
    const refsBefore = new Set(await storedRefs());

    const a = await upload(first);
    expect(a.code, a.stderr).toBe(0);
    // Without the journal, only the server can tell it is the same upload: the ref must still match.
    await rm(path.join(first, 'journal.json'));
    const again = await upload(first);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('the server already had this clip');
    // A second hub has its own secret, so the same video gets an unrelated ref: the ref is not a function of
    // the content, and the operator cannot compute it from a video it holds.
    const b = await upload(second);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).not.toContain('already had');

    const fresh = (await storedRefs()).filter((r) => !refsBefore.has(r));
    expect(fresh).toHaveLength(2);
    expect(fresh[0]).not.toBe(fresh[1]);
    for (const ref of fresh) {
      expect(ref).toMatch(/^upload:[0-9a-f]{40}$/);
      expect(ref).not.toContain(sha256.slice(0, 16));
      expect(ref).not.toContain(createHash('sha256').update(sha256).digest('hex').slice(0, 16));
    }
  });
});
