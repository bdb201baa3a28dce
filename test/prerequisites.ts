import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The suite needs a PostgreSQL server, Debian's Chromium, ffmpeg and the age CLI. When either is missing the run stops with the
 * exact command that installs it; nothing is silently skipped.
 */
export async function checkPrerequisites(): Promise<void> {
  const problems: string[] = [];
  if (!fs.existsSync(CHROMIUM_PATH)) {
    problems.push(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with:\n    sudo apt-get update && sudo apt-get install -y chromium\n  (or set CHROMIUM_PATH)`,
    );
  }
  for (const [tool, pkg] of [
    ['ffmpeg', 'ffmpeg'],
    ['age', 'age'],
  ] as const) {
    if (!onPath(tool)) {
      problems.push(
        `${tool} not found on PATH. Install it with:\n    sudo apt-get update && sudo apt-get install -y ${pkg}`,
      );
    }
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    problems.push(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${err instanceof Error ? err.message : String(err)}). Install and start it with:\n` +
        '    sudo apt-get update && sudo apt-get install -y postgresql && sudo pg_ctlcluster $(ls /etc/postgresql) main start\n' +
        '  and allow trust auth for 127.0.0.1 (see .ci/run), or set TEST_DATABASE_URL',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  if (problems.length > 0) {
    throw new Error(`cannot run the test suite:\n  - ${problems.join('\n  - ')}`);
  }
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && fs.existsSync(path.join(dir, tool)));
}
