import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as browserTlog from './browser.js';
import * as nodeTlog from './index.js';

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

/** A small real log made with the Node build: entries, a signed checkpoint and a proof document. */
async function nodeLog() {
  const signer = nodeTlog.generateSigner('porchlight.test/log');
  const tree = new nodeTlog.MemoryTree();
  const entries = Array.from({ length: 37 }, (_, i) =>
    nodeTlog.encodeEntry({
      schema: nodeTlog.ENTRY_SCHEMA,
      seq: i + 1,
      type: 'appeal.filed',
      time: '2026-01-01T00:00:00Z',
      data: { post: i + 1 },
    }),
  );
  tree.append(...entries.map((e) => nodeTlog.leafHash(e)));
  const text = nodeTlog.formatCheckpoint({
    origin: 'porchlight.test/log',
    size: tree.size,
    rootHash: await tree.root(),
    extensions: [],
  });
  const checkpoint = nodeTlog.signNote(text, [nodeTlog.ed25519Signer(signer.skey)]);
  const index = 23;
  const proof = nodeTlog.formatProofDocument({
    extra: entries[index]!,
    index,
    proof: await nodeTlog.inclusionProof(index, tree.size, tree),
    checkpoint,
  });
  return { vkey: signer.vkey, proof, entries, text, skey: signer.skey };
}

describe('the browser build', { timeout: 60_000 }, () => {
  it('bundles for the browser without any node: module', async () => {
    const { code, inputs } = await bundleForBrowser('browser.ts');
    expect(inputs.some((i) => i.includes('@noble/hashes'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('crypto-node'))).toEqual([]);
    expect(code).not.toMatch(/from\s*["']node:/);
  });

  it('would not bundle if it reached node:crypto (the check above can fail)', async () => {
    await expect(bundleForBrowser('index.ts')).rejects.toThrow(/node:crypto/);
  });

  it('the bundled code verifies a proof document and checkpoint made by the Node build, and refuses a forgery', async () => {
    const { code } = await bundleForBrowser('browser.ts');
    const bundled = (await import(
      `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
    )) as typeof browserTlog;
    const log = await nodeLog();
    const policy = { log: [bundled.ed25519Verifier(log.vkey)] };
    const entry = log.entries[23]!;
    expect(bundled.verifyProofDocument(log.proof, entry, policy).index).toBe(23);
    expect(bundled.decodeEntry(bundled.parseProofDocument(log.proof).extra!)).toMatchObject({ seq: 24 });
    expect(bundled.leafHash(log.entries[5]!)).toEqual(nodeTlog.leafHash(log.entries[5]!));
    expect(() => bundled.verifyProofDocument(log.proof, log.entries[22]!, policy)).toThrow();
    const other = nodeTlog.generateSigner('porchlight.test/log');
    expect(() =>
      bundled.verifyProofDocument(log.proof, entry, { log: [bundled.ed25519Verifier(other.vkey)] }),
    ).toThrow(/not signed by the log key/);
    // Signing in the browser build gives the bytes the Node build gives (Ed25519 is deterministic).
    expect(bundled.signNote(log.text, [bundled.ed25519Signer(log.skey)])).toBe(
      nodeTlog.signNote(log.text, [nodeTlog.ed25519Signer(log.skey)]),
    );
  });

  it('exports exactly the same names as the Node build', () => {
    expect(Object.keys(browserTlog).sort()).toEqual(Object.keys(nodeTlog).sort());
  });

  it('is what the package resolves to under the "browser" condition', async () => {
    const manifest = JSON.parse(await readFile(entry('../package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(manifest.exports['.']!.browser).toBe('./dist/browser.js');
    expect(manifest.exports['.']!.default).toBe('./dist/index.js');
  });
});
