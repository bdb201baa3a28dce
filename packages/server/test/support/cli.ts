import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const CLI = path.join(ROOT, 'packages/cli/dist/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * Makes sure the built `porchlight` CLI (and the @porchlight/tlog it imports) is at least as new as its sources.
 * `npm test` builds everything first, so this normally builds nothing; it rebuilds only what is stale, so suites
 * running side by side don't rewrite files another is reading.
 */
export async function ensureBuiltCli(): Promise<void> {
  for (const pkg of ['tlog', 'cli']) {
    const dir = path.join(ROOT, 'packages', pkg);
    const built = path.join(dir, 'dist', pkg === 'cli' ? 'main.js' : 'index.js');
    const fresh = fs.existsSync(built) && fs.statSync(built).mtimeMs >= newestSource(path.join(dir, 'src'));
    if (!fresh) await run('npm', ['run', 'build', '-w', `@porchlight/${pkg}`], { cwd: ROOT });
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a child process, exactly as `npx porchlight …` would. Asynchronous on purpose: the
 * server under test lives in this process and must keep answering while the CLI talks to it.
 */
export async function porchlight(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
