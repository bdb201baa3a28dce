import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as browserAge from './browser.js';
import * as nodeAge from './index.js';
import { plaintextOf } from './test-support/fixtures.js';

const entry = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/** Bundles an entry for the browser the way a web bundler would; a `node:` import fails the build. */
async function bundleForBrowser(file: string): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry(file)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

describe('the browser build', { timeout: 60_000 }, () => {
  it('bundles for the browser without any node: module', async () => {
    const { code, inputs } = await bundleForBrowser('browser.ts');
    expect(inputs.some((input) => input.includes('backend-noble'))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('node:') || input.includes('backend-node'))).toEqual([]);
    expect(code).not.toMatch(/from\s*["']node:/);
  });

  it('would not bundle if it reached node:crypto (the check above can fail)', async () => {
    await expect(bundleForBrowser('index.ts')).rejects.toThrow(/node:crypto|node:fs/);
  });

  it('the bundled code runs and interoperates with the Node build', async () => {
    const { code } = await bundleForBrowser('browser.ts');
    const bundled = (await import(
      `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
    )) as typeof browserAge;
    const { identity, recipient } = await nodeAge.generateIdentity();
    const plaintext = plaintextOf(100_000);
    expect(await nodeAge.decrypt(await bundled.encrypt(plaintext, [recipient]), [identity])).toEqual(
      plaintext,
    );
    expect(await bundled.decrypt(await nodeAge.encrypt(plaintext, [recipient]), [identity])).toEqual(
      plaintext,
    );
    const wrapped = await bundled.wrapIdentity(identity, 'pass', { logN: 8 });
    expect(await nodeAge.unwrapIdentity(wrapped, 'pass')).toBe(identity);
  });

  it('exports exactly the same names as the Node build', () => {
    expect(Object.keys(browserAge).sort()).toEqual(Object.keys(nodeAge).sort());
  });

  it('is what the package resolves to under the "browser" condition', async () => {
    const manifest = JSON.parse(await readFile(entry('../package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(manifest.exports['.']).toMatchObject({ browser: './dist/browser.js', default: './dist/index.js' });
    expect(Object.keys(manifest.exports['.']!).indexOf('browser')).toBeLessThan(
      Object.keys(manifest.exports['.']!).indexOf('default'),
    );
    expect(manifest.exports['./node']).toMatchObject({ default: './dist/node.js' });
  });
});
