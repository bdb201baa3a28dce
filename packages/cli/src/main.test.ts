import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLog, edited, logKeys, makeEntries, ORIGIN, serveLog } from './log-fixture.js';
import type { LogFiles, LogKeys } from './log-fixture.js';
import { sanitiseOrigin } from './state.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = path.join(root, 'packages/cli/dist/main.js');

let keys: LogKeys;
let good: LogFiles;
let serving: LogFiles;
let server: { url: string; close: () => Promise<void> } | undefined;
let stateDir: string;

function url(): string {
  if (server === undefined) throw new Error('log server not started');
  return server.url;
}

/** Runs the built CLI; never rejects, so tests can look at the exit code. */
async function porchlight(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  // The CLI under test is the built one, exactly as `npx porchlight` would run it. Only the CLI is rebuilt
  // here (other suites may be reading @porchlight/tlog's dist); the root build builds tlog first.
  await run('npm', ['run', 'build', '-w', '@porchlight/cli'], { cwd: root });
  keys = logKeys();
  good = await buildLog(makeEntries(600), { keys });
  serving = good;
  server = await serveLog(() => serving);
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-audit-'));
}, 120_000);

afterAll(async () => {
  await server?.close();
  await fs.rm(stateDir, { recursive: true, force: true });
});

describe('porchlight audit (built CLI)', () => {
  it('exits 0 on a good log, prints the statistics and remembers the checkpoint', async () => {
    serving = good;
    const result = await porchlight('audit', url(), '--key', keys.vkey, '--state-dir', stateDir, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; size: number; stats: { total: number } };
    expect(report).toMatchObject({ ok: true, size: 600, stats: { total: 600 } });
    const saved = await fs.readFile(path.join(stateDir, sanitiseOrigin(ORIGIN), 'checkpoint'), 'utf8');
    expect(saved).toBe(new TextDecoder().decode(good.get('checkpoint')));

    const text = await porchlight('audit', url(), '--key', keys.vkey, '--state-dir', stateDir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^audit passed: porchlight\.test\/log\n/);
    expect(text.stdout).toMatch(/consistent {2}with size 600 seen on/);
    expect(text.stdout).toMatch(/moderation\.hidden +86\n/);
    expect(text.stdout).toMatch(/2026-03 +150\n/);
  });

  it('recomputes the dashboard’s figures with --stats, for a month range', async () => {
    serving = good;
    const args = ['audit', url(), '--key', keys.vkey, '--state-dir', stateDir, '--stats'];
    const json = await porchlight(...args, '--json', '--from', '2026-02', '--to', '2026-03');
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      dashboard: { from: string; figures: { id: string; total: number; byMonth: Record<string, number> }[] };
    };
    expect(report.dashboard.from).toBe('2026-02');
    const hidden = report.dashboard.figures.find((f) => f.id === 'moderation.hidden')!;
    expect(Object.keys(hidden.byMonth)).toEqual(['2026-02', '2026-03']);
    expect(hidden.total).toBe(hidden.byMonth['2026-02']! + hidden.byMonth['2026-03']!);
    const text = await porchlight(...args);
    expect(text.stdout).toMatch(
      /dashboard \(instance, the start to now\), recomputed from the verified entries:\n/,
    );
    expect(text.stdout).toMatch(/Posts hidden +86\n/);
    const bad = await porchlight(...args, '--scope', 'agency');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--scope agency needs --id');
    expect((await porchlight('audit', url(), '--from', '2026-02')).stderr).toContain('--from needs --stats');
  });

  it('exits 1 and names the entry when an entry was edited', async () => {
    const forged = makeEntries(600, 1, 'forged reason')[41]!;
    const bundle = (await buildLog(makeEntries(600).with(41, forged), { keys })).get('tile/entries/000')!;
    serving = new Map(good).set('tile/entries/000', bundle);
    const result = await porchlight('audit', url(), '--key', keys.vkey, '--state-dir', stateDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('entry 41: tile/0/000 hash does not match the entry');
  });

  it('exits 1 on a truncated log', async () => {
    serving = await buildLog(makeEntries(500), { keys });
    const result = await porchlight('audit', url(), '--key', keys.vkey, '--state-dir', stateDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/log truncated: size 500 < previously seen 600/);
  });

  it('warns about trust on first use when no key is given', async () => {
    serving = good;
    const result = await porchlight('audit', url(), '--state-dir', stateDir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^WARNING: no --key given: .*trust on first use/);
  });

  it('exits 1 when a tile was edited', async () => {
    serving = edited(good, 'tile/0/001', (d) => d.fill(7, 0, 32));
    const result = await porchlight('audit', url(), '--key', keys.vkey, '--state-dir', stateDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('entry 256: tile/0/001 hash does not match the entry');
  });

  it('exits 2 with the URL and status when the log cannot be fetched', async () => {
    const result = await porchlight('audit', `${url()}/missing`, '--key', keys.vkey, '--state-dir', stateDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${url()}/missing/checkpoint: HTTP 404`);
  });

  it('exits 64 on a bad command line and documents every option in --help', async () => {
    expect((await porchlight('audit')).code).toBe(64);
    const help = await porchlight('--help');
    expect(help.code).toBe(0);
    for (const option of ['--key', '--key-file', '--witness', '--state-dir', '--json', '--progress']) {
      expect(help.stdout).toContain(option);
    }
  });
});
