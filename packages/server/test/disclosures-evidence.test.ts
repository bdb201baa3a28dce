/**
 * The evidence archive (issue 8 §7) end to end with standard tools: the real `tar` unpacks it, `sha256sum -c`
 * checks it, the real `age` CLI decrypts each clip with a member's identity, and the built `porchlight evidence
 * verify` accepts it offline against the log key — and names what is wrong in a tampered copy.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { ensureBuiltCli, porchlight } from './support/cli.js';
import type { TestUser } from './support/client.js';
import { ageEncryptTo, clip, requestWorld, uploadDisclosure } from './support/disclosures.js';
import { eventsAfter, lastEventId } from './support/factories.js';
import { ageDecrypt } from './support/vault.js';

const run = promisify(execFile);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let t: TestApp;
let dir: string;
let world: Awaited<ReturnType<typeof requestWorld>>;
const shared: { id: string; plaintext: Buffer }[] = [];

beforeAll(async () => {
  [t] = await Promise.all([startTestApp(), ensureBuiltCli()]);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-evidence-'));
  const now = new Date();
  world = await requestWorld(t, now);
  for (const bytes of [70_000, 200_000]) {
    const plaintext = clip(bytes);
    const ciphertext = await ageEncryptTo(
      plaintext,
      world.keys.map((k) => k.recipient),
    );
    const end = now.getTime() - 45 * 3_600_000;
    const res = await uploadDisclosure(t, world.owner, world.request.id, ciphertext, {
      plaintextSha256: sha256(plaintext),
      captureStart: new Date(end - 60_000).toISOString(),
      captureEnd: new Date(end).toISOString(),
      redactions: [],
    });
    expect(res.statusCode, res.body).toBe(204);
    shared.push({ id: res.headers['porchlight-disclosure-id'] as string, plaintext });
  }
  await t.services.transparency.sequenceNow();
}, 120_000);
afterAll(async () => {
  await t.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function download(member: TestUser): Promise<string> {
  const res = await member.raw('GET', `/api/requests/${world.request.id}/evidence`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/x-tar');
  const file = path.join(dir, `evidence-${Math.random().toString(36).slice(2)}.tar`);
  await fs.writeFile(file, res.rawPayload);
  return file;
}

describe('the evidence archive', () => {
  it('unpacks with tar, checks with sha256sum, decrypts with age, and verifies with porchlight evidence verify', async () => {
    const since = await lastEventId(t);
    const file = await download(world.members[0]!);
    // Exporting is downloading: each ciphertext's access is logged.
    const accessed = (await eventsAfter(t, since)).filter((e) => e.type === 'disclosure.accessed');
    expect(accessed.map((e) => e.subject_id).sort()).toEqual(shared.map((s) => s.id).sort());

    const out = path.join(dir, 'unpacked');
    await fs.mkdir(out);
    await run('tar', ['-xf', file, '-C', out]);
    const root = path.join(out, world.request.id);
    expect((await fs.readdir(root)).sort()).toEqual([
      'SHA256SUMS',
      'VERIFY.txt',
      'disclosures',
      'request.proof',
    ]);
    await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: root });
    for (const s of shared) {
      const age = await fs.readFile(path.join(root, 'disclosures', `${s.id}.age`));
      expect((await ageDecrypt(age, world.keys[1]!.identity)).equals(s.plaintext)).toBe(true);
      const manifest = JSON.parse(
        await fs.readFile(path.join(root, 'disclosures', `${s.id}.json`), 'utf8'),
      ) as {
        plaintextSha256: string;
      };
      expect(manifest.plaintextSha256).toBe(sha256(s.plaintext));
    }

    const key = await t.services.transparency.verifierKey();
    const ok = await porchlight('evidence', 'verify', file, '--key', key);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`request ${world.request.id}`);
    for (const s of shared) expect(ok.stdout).toContain(s.id);
  });

  it('a tampered clip, or the archive checked against another log key, fails verification naming what is wrong', async () => {
    const file = await download(world.members[1]!);
    const bytes = await fs.readFile(file);
    const key = await t.services.transparency.verifierKey();

    // Flip one byte inside the first .age file's data (its header block names it).
    const name = Buffer.from(`disclosures/${shared[0]!.id}.age`);
    const at = bytes.indexOf(name) + 512 + 200;
    const tampered = Buffer.from(bytes);
    tampered[at] = tampered[at]! ^ 0xff;
    // The tar header checksum covers only headers: the file is still a valid tar.
    const bad = path.join(dir, 'tampered.tar');
    await fs.writeFile(bad, tampered);
    const res = await porchlight('evidence', 'verify', bad, '--key', key);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`disclosures/${shared[0]!.id}.age: SHA-256`);

    const { vkey } = await import('@porchlight/tlog').then((m) => ({
      vkey: m.generateSigner(key.split('+')[0]!).vkey,
    }));
    const wrongKey = await porchlight('evidence', 'verify', file, '--key', vkey);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('request.proof: checkpoint is not signed by the log key');
  });
});
