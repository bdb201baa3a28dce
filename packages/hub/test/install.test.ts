import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { recipientFingerprint } from '../src/pin.js';
import { makeTestClip } from './support/fake-frigate.js';
import { startHubTestServer, type HubTestServer } from './support/server.js';

/*
 * Issue 13: `porchlight-hub` and `porchlight` install from a packed tarball with one command, offline, on a
 * machine with only Node (the hub also needs ffmpeg) — and `npx porchlight-hub …` / `npx porchlight …` in the
 * repository run the workspace's own commands instead of asking the public registry for those names.
 */

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const PACK = path.join(REPO, 'packages/hub/scripts/pack.mjs');
/** npm may not reach any registry: a refused port stands in for "offline", and --offline forbids trying. */
const OFFLINE_ENV = {
  ...process.env,
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_offline: 'true',
};

let scratch: string;
let prefix: string;
let server: HubTestServer;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hub-install-'));
  prefix = path.join(scratch, 'prefix');
  server = await startHubTestServer();
}, 60_000);
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Packs `pkg` with the release script (for the hub: `npm run pack -w @porchlight/hub`, exactly as the README
 * says) and installs the tarball globally into the temp prefix, offline.
 */
async function packAndInstall(pkg: string, command: string, npmScript = false): Promise<string> {
  const { stdout } = npmScript
    ? await run('npm', ['run', 'pack', '-w', `@porchlight/${pkg}`], { cwd: REPO })
    : await run(process.execPath, [PACK, path.join(REPO, 'packages', pkg), 'src/main.ts', command, scratch], {
        cwd: REPO,
      });
  const tarball = stdout.trim().split('\n').pop()!;
  expect(path.basename(tarball)).toMatch(new RegExp(`^${command}-\\d+\\.\\d+\\.\\d+\\.tgz$`));
  await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
    cwd: scratch,
    env: OFFLINE_ENV,
  });
  const manifest = JSON.parse(
    await readFile(path.join(prefix, 'lib/node_modules', command, 'package.json'), 'utf8'),
  ) as Record<string, unknown>;
  // Self-contained: nothing to fetch, and no @porchlight/* name anyone else could publish.
  expect(manifest.dependencies).toBeUndefined();
  return path.join(prefix, 'bin', command);
}

describe('porchlight-hub from a tarball', () => {
  let hub = '';
  beforeAll(async () => {
    hub = await packAndInstall('hub', 'porchlight-hub', true);
  }, 300_000);

  it('installs offline and documents its commands', async () => {
    const help = await run(hub, ['--help']);
    for (const command of ['pair', 'run', 'status', 'upload']) expect(help.stdout).toContain(command);
    const pair = await run(hub, ['pair', '--help']);
    expect(pair.stdout).toContain('--fingerprint <print>');
    const runHelp = await run(hub, ['run', '--help']);
    expect(runHelp.stdout).toContain('rest_command');
  });

  it('pairs and uploads an encrypted clip with the installed command', async () => {
    const stateDir = path.join(scratch, 'state');
    const code = await server.pairingCode();
    const paired = await run(hub, [
      ...['pair', '--server', server.url, '--code', code, '--state-dir', stateDir],
      ...['--fingerprint', recipientFingerprint(server.recipient)],
    ]);
    expect(paired.stdout).toContain('paired as');
    const video = path.join(scratch, 'clip.mp4');
    await makeTestClip(video, 1, 160, 120);
    const before = (await server.clips()).length;
    const uploaded = await run(hub, [
      ...['upload', video, '--camera', server.camera.id, '--state-dir', stateDir],
    ]);
    expect(uploaded.stdout).toMatch(/^uploaded: clip \S+/);
    expect(await server.clips()).toHaveLength(before + 1);
    const status = await run(hub, ['status', '--state-dir', stateDir]);
    expect(status.stdout).toContain(`paired with ${server.url}`);
    expect(status.stdout).toMatch(/clips: 1 done\n/);
  }, 60_000);

  it('runs as a daemon with the installed command: a clip dropped into a watched folder is scanned for faces and uploaded, SIGTERM stops it cleanly', async () => {
    const stateDir = path.join(scratch, 'state');
    const folder = path.join(scratch, 'drop');
    await mkdir(folder, { recursive: true });
    const config = path.join(scratch, 'hub.json');
    await writeFile(
      config,
      JSON.stringify({
        sources: [{ type: 'folder', path: folder, camera: server.camera.id, stableMs: 300 }],
        // The face detector runs from the tarball's own files (redact-detector/), offline.
        autoBlur: { [server.camera.id]: { faces: true } },
      }),
    );
    const before = (await server.clips()).length;
    const child = spawn(hub, ['run', '--config', config, '--state-dir', stateDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (const deadline = Date.now() + 60_000; !log.includes('running with 1 source(s)');) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`hub did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const staged = path.join(scratch, 'staged.mp4');
      await makeTestClip(staged, 1, 160, 120);
      await rename(staged, path.join(folder, 'porch.mp4'));
      for (const deadline = Date.now() + 90_000; !/\[folder:\w+\] uploaded as clip \S+/.test(log);) {
        if (Date.now() > deadline) throw new Error(`no clip uploaded:\n${log}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await server.clips()).toHaveLength(before + 1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);

  it('the config the README shows is valid', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const start = readme.indexOf('## Home hub');
    const hubSection = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const json = /```json\n([\s\S]*?)```/.exec(hubSection)![1]!;
    const config = validateConfig(JSON.parse(json), 'README');
    expect(config.sources.map((s) => s.type)).toEqual(['frigate', 'rtsp', 'homeassistant', 'folder']);
    // And every other config the section shows (auto-blur's).
    const others = [...hubSection.matchAll(/```json\n([\s\S]*?)```/g)].slice(1);
    expect(others.length).toBeGreaterThan(0);
    for (const [, text] of others) expect(() => validateConfig(JSON.parse(text!), 'README')).not.toThrow();
  });
});

describe('porchlight (the CLI) from a tarball', () => {
  it('installs offline and prints its usage', async () => {
    const cli = await packAndInstall('cli', 'porchlight');
    const help = await run(cli, ['audit', '--help']);
    expect(help.stdout).toContain('usage: porchlight audit <url>');
    // The report prints its PDF with the system's Chromium, not a bundled browser library.
    const report = await run(cli, ['report', '--help']);
    expect(report.stdout).toContain('--pdf <file>');
  }, 180_000);
});

describe('npx in the repository', () => {
  it('runs the workspace’s own commands, never a package of that name from the registry', async () => {
    for (const [command, file] of [
      ['porchlight-hub', 'packages/hub/bin/porchlight-hub.js'],
      ['porchlight', 'packages/cli/bin/porchlight.js'],
    ] as const) {
      // The bins npm links at `npm ci` are committed files, so they exist before anything is built.
      expect(await realpath(path.join(REPO, 'node_modules/.bin', command))).toBe(path.join(REPO, file));
    }
    const hub = await run('npx', ['--no', '--', 'porchlight-hub', 'pair', '--help'], {
      cwd: REPO,
      env: OFFLINE_ENV,
    });
    expect(hub.stdout).toContain('--fingerprint <print>');
    const cli = await run('npx', ['--no', '--', 'porchlight', 'audit', '--help'], {
      cwd: REPO,
      env: OFFLINE_ENV,
    });
    expect(cli.stdout).toContain('usage: porchlight audit <url>');
  });
});
