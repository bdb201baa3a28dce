import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeEntry, formatProofDocument, inclusionProof, leafHash, MemoryTree } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLog, logKeys, makeEntries, serveLog, utf8 } from './log-fixture.js';
import type { LogKeys } from './log-fixture.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = path.join(root, 'packages/cli/dist/main.js');

async function porchlight(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

let keys: LogKeys;
let server: { url: string; close: () => Promise<void> };
let dir: string;
let document: string;
const entries = makeEntries(10);

beforeAll(async () => {
  // Rebuilt only when stale: main.test.ts may be running the same built CLI right now.
  const built = await fs.stat(cli).catch(() => undefined);
  const sources = await fs.readdir(path.join(root, 'packages/cli/src'));
  const newest = Math.max(
    ...(await Promise.all(
      sources.map(async (f) => (await fs.stat(path.join(root, 'packages/cli/src', f))).mtimeMs),
    )),
  );
  if (built === undefined || built.mtimeMs < newest) {
    await run('npm', ['run', 'build', '-w', '@porchlight/cli'], { cwd: root });
  }
  keys = logKeys();
  const files = await buildLog(entries, { keys });
  const tree = new MemoryTree();
  tree.append(...entries.map((e) => leafHash(encodeEntry(e))));
  document = formatProofDocument({
    extra: encodeEntry(entries[5]!),
    index: 5,
    proof: await inclusionProof(5, 10, tree),
    checkpoint: new TextDecoder().decode(files.get('checkpoint')),
  });
  files.set('proof/5', utf8(document));
  server = await serveLog(() => files);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-proof-'));
}, 120_000);

afterAll(async () => {
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('porchlight proof (built CLI)', () => {
  it('without --out writes the verified document to stdout and the summary to stderr', async () => {
    const result = await porchlight('proof', server.url, '5', '--key', keys.vkey);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(document);
    expect(result.stderr).toContain('proof verified: entry 5 is in porchlight.test/log (tree size 10)');
  });

  it('trusts the served key only with a warning', async () => {
    const result = await porchlight('proof', server.url, '5', '--out', path.join(dir, 'p.tlog-proof'));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^WARNING: no --key given/);
  });

  it('does not write a document that fails to verify', async () => {
    const out = path.join(dir, 'forged.tlog-proof');
    const result = await porchlight('proof', server.url, '5', '--key', logKeys().vkey, '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('checkpoint is not signed by the log key');
    await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 naming the URL when there is no such proof', async () => {
    const result = await porchlight('proof', server.url, '6', '--key', keys.vkey);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${server.url}/proof/6`);
  });

  it('verify-proof reads the key from a file and accepts an entry saved with a trailing newline', async () => {
    const file = path.join(dir, 'doc.tlog-proof');
    const keyFile = path.join(dir, 'log.vkey');
    const entryFile = path.join(dir, 'entry.json');
    await fs.writeFile(file, document);
    await fs.writeFile(keyFile, `${keys.vkey}\n`);
    await fs.writeFile(entryFile, `${new TextDecoder().decode(encodeEntry(entries[5]!))}\n`);
    const result = await porchlight('verify-proof', file, '--key', keyFile, '--entry', entryFile);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('proof verified: entry 5');
  });

  it.each([
    [['proof', 'not-a-url', '1'], '<url> must be an http or https URL'],
    [['proof', 'http://x/log', 'first'], '<index> must be a non-negative integer'],
    [['proof', 'http://x/log'], 'proof needs <url> and <index>'],
    [['verify-proof', 'doc.tlog-proof'], 'verify-proof needs the log key'],
    [['verify-proof', 'doc.tlog-proof', '--key', 'k', '--out', 'x'], '--out is for proof'],
  ])('exits 64 on a bad command line: %j', async (args, problem) => {
    const result = await porchlight(...args);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(problem);
  });
});
