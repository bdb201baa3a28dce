/**
 * The disk under PGlite fills up (a small tmpfs holds PORCHLIGHT_DATA). Small database writes still succeed
 * (PGlite's WAL segment is preallocated) and must survive; what needs new space — a clip upload — gets a clear
 * 503 problem with Retry-After, never a 500 or a crash; once space returns the upload resumes byte-identical and,
 * after a restart, nothing that was acknowledged is missing. Mounting needs root (CI and this machine run as root); without it the test
 * is skipped, and says why.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject, afterAll, describe, expect, it } from 'vitest';
import { testDatabaseKind } from './support/database.js';
import { HOME } from './support/factories.js';
import { ensureBuilt, remoteUser, startServer, type ServerProcess } from './support/processes.js';
import { ageEncrypt, CAMERA_POINT, clipTimes, encodeMetadata, ownerKeys } from './support/vault.js';

const TUS = { 'tus-resumable': '1.0.0' };
const idText = (id: string | number): string => String(id);

/** Mounts a tmpfs of `size` at a new directory, or explains why it cannot. */
function mountTmpfs(size: string): { dir: string } | { reason: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    fs.rmdirSync(dir);
    const e = err as { stderr?: Buffer; message: string };
    return { reason: e.stderr?.toString().trim() || e.message };
  }
}

const kind = testDatabaseKind();
const mounted = kind === 'pglite' ? mountTmpfs('96m') : { reason: 'PGlite only' };
if ('reason' in mounted && kind === 'pglite') {
  process.stderr.write(`faults-disk.test.ts skipped: cannot mount a tmpfs (${mounted.reason})\n`);
}

describe.runIf('dir' in mounted)('the disk under PGlite fills up', () => {
  const dir = 'dir' in mounted ? mounted.dir : '';
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    execFileSync('umount', [dir]);
    fs.rmdirSync(dir);
  });

  it('answers 503 while it is full, keeps serving, and loses nothing acknowledged', async () => {
    ensureBuilt();
    // A migrated database, as the first start would leave it (creating one takes seconds).
    fs.cpSync(inject('pgliteTemplate'), path.join(dir, 'pglite'), { recursive: true });
    const env = { PORCHLIGHT_DATA: dir };
    let server = await startServer(env);
    servers.push(server);
    const user = await remoteUser(server.origin, HOME);
    const before = await user.api.POST('/api/posts', {
      body: { category: 'community', title: 'Before the disk filled', body: 'Acknowledged.' },
    });
    expect(before.response.status).toBe(201);
    const keys = await ownerKeys();
    const vault = await user.api.PUT('/api/vault/keys', {
      body: {
        recipient: keys.recipient,
        wrappedIdentity: keys.wrappedIdentity,
        recoveryWrappedIdentity: keys.recoveryWrappedIdentity,
      },
    });
    expect(vault.response.status).toBe(201);
    const camera = await user.api.POST('/api/cameras', {
      body: { name: 'Porch', location: CAMERA_POINT, privacyZones: [] },
    });
    expect(camera.response.status).toBe(201);
    const ciphertext = await ageEncrypt(Buffer.alloc(400_000, 7), keys.recipient);
    const created = await user.fetch(`${server.origin}/api/uploads`, {
      method: 'POST',
      headers: {
        ...TUS,
        'upload-length': String(ciphertext.length),
        'upload-metadata': encodeMetadata({ cameraId: idText(camera.data!.id), ...clipTimes() }),
      },
    });
    expect(created.status).toBe(201);
    const upload = `${server.origin}${created.headers.get('location')!}`;
    const patch = (offset: number) =>
      user.fetch(upload, {
        method: 'PATCH',
        headers: {
          ...TUS,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        body: new Uint8Array(ciphertext.subarray(offset)),
      });

    // Fill the disk to the last byte.
    const filler = path.join(dir, 'filler');
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(1 << 20, 1);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (err) {
      expect((err as { code?: string }).code).toBe('ENOSPC');
    }
    for (let n = chunk.length >> 1; n > 0; n >>= 1) {
      try {
        fs.writeSync(fd, chunk.subarray(0, n));
      } catch {
        /* full at this size; try smaller */
      }
    }
    fs.closeSync(fd);

    // The clip upload needs space: a clear 503 problem with Retry-After, and the process keeps serving.
    const full = await patch(0);
    expect(full.status, await full.clone().text()).toBe(503);
    expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(full.headers.get('content-type')).toContain('application/problem+json');
    // Database writes: acknowledged (201) or refused with the same problem, never a 500.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await user.api.POST('/api/posts', {
        body: { category: 'community', title: `While full ${i}`, body: 'x'.repeat(2000) },
      });
      statuses.push(res.response.status);
      if (res.response.status !== 201) {
        expect(res.response.status).toBe(503);
        expect(res.error).toMatchObject({ code: 'unavailable' });
      }
    }
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();

    // Space returns: the upload resumes where it stands and finishes, without a restart.
    fs.rmSync(filler);
    const head = await user.fetch(upload, { method: 'HEAD', headers: TUS });
    const offset = Number(head.headers.get('upload-offset'));
    const done = await patch(offset);
    expect(done.status, await done.clone().text()).toBe(204);
    const clipId = done.headers.get('porchlight-clip-id')!;
    const after = await user.api.POST('/api/posts', {
      body: { category: 'community', title: 'After space returned', body: 'Acknowledged too.' },
    });
    expect(after.response.status).toBe(201);

    // A restart finds every acknowledged write (and none of the refused ones).
    await server.stop();
    server = await startServer(env);
    servers.push(server);
    const mine = await user.fetch(`${server.origin}/api/me/posts`);
    expect(mine.status).toBe(200);
    const titles = await mine.text();
    expect(titles).toContain('Before the disk filled');
    expect(titles).toContain('After space returned');
    const acknowledged = statuses.flatMap((s, i) => (s === 201 ? [`While full ${i}`] : []));
    for (const t of acknowledged) expect(titles).toContain(t);
    const stored = await user.fetch(`${server.origin}/api/clips/${clipId}/ciphertext`);
    expect(stored.status).toBe(200);
    expect(Buffer.from(await stored.arrayBuffer()).equals(ciphertext)).toBe(true);
  }, 90_000);
});
