/**
 * Sharing a clip with an agency, in Chromium: the owner's browser decrypts a vault clip chunk by chunk over
 * ranged reads and re-encrypts it to the agency's recipients with a fresh file key (the disclosure worker,
 * `packages/web/src/requests/share/shareWorker.ts`, bundled as the web app bundles it). Measured per phase:
 *
 * - **vault decrypt** — the vault's own read path (`openClip` → ranged reads → `decryptChunk`), reading the
 *   whole clip in 1 MiB batches in a worker: the baseline the issue asks to compare with;
 * - **prepare** — the share worker's hashing pass: decrypt + re-encrypt + SHA-256 of plaintext and ciphertext;
 * - **upload source** — the bytes tus pulls, 1 MiB PATCH by PATCH, produced again on demand (decrypt +
 *   re-encrypt + transfer to the page); the network upload itself is not included.
 *
 * Memory: peak resident set of the whole Chromium process tree (browser, renderer, GPU, utility; sampled every
 * 50 ms from /proc) above its level just before the phase. The clip is random bytes served with Range by a
 * local HTTP server, so disk and network are not what is measured.
 *
 *   npx tsx bench/disclosure-reencrypt.ts [MiB=200] [repetitions=3]
 */
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { encryptFile, generateIdentity } from '../packages/age/src/node.js';

const MIB = Number(process.argv[2] ?? 200);
const REPS = Number(process.argv[3] ?? 3);
const ROOT = resolve(import.meta.dirname, '..');
const PATCH = 16 * (65536 + 16);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

async function bundle(contents: string): Promise<string> {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    alias: { '@porchlight/age': join(ROOT, 'packages/age/src/browser.ts') },
    logLevel: 'error',
  });
  return out.outputFiles[0]!.text;
}

/** Resident set (bytes) of `pid` and all its descendants. */
function treeRss(pid: number): number {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const inTree = (p: number): boolean => {
    for (let at: number | undefined = p; at !== undefined && at > 1; at = parent.get(at))
      if (at === pid) return true;
    return false;
  };
  let total = 0;
  for (const p of parent.keys()) {
    if (!inTree(p)) continue;
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // Gone.
    }
  }
  return total;
}

const dir = mkdtempSync(join(tmpdir(), 'disclosure-bench-'));
try {
  const plainPath = join(dir, 'clip.mp4');
  const vaultPath = join(dir, 'clip.age');
  const fd = openSync(plainPath, 'w');
  const block = Buffer.alloc(1024 * 1024);
  const plainHash = createHash('sha256');
  for (let i = 0; i < MIB; i++) {
    randomFillSync(block);
    plainHash.update(block);
    writeSync(fd, block);
  }
  closeSync(fd);
  const expected = plainHash.digest('hex');
  const owner = await generateIdentity();
  const members = [await generateIdentity(), await generateIdentity()];
  await encryptFile(plainPath, vaultPath, [owner.recipient]);
  rmSync(plainPath);
  const size = statSync(vaultPath).size;

  const shareJs = await bundle(`import './packages/web/src/requests/share/shareWorker.ts';`);
  const decryptJs = await bundle(`
    import { openClip } from './packages/web/src/vault/sw/clipSource.ts';
    self.onmessage = async (e: MessageEvent<{ identity: string }>) => {
      const t0 = performance.now();
      const clip = await openClip('1', e.data.identity);
      const count = Math.max(1, Math.ceil(clip.size / 65536));
      let bytes = 0;
      for (let first = 0; first < count; first += 16)
        for (const c of await clip.chunks(first, Math.min(first + 15, count - 1))) bytes += c.length;
      postMessage({ ms: performance.now() - t0, bytes });
    };`);

  const server = createServer((req, res) => {
    if (req.url === '/')
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>');
    if (req.url === '/share.js' || req.url === '/decrypt.js')
      return res
        .writeHead(200, { 'content-type': 'text/javascript' })
        .end(req.url === '/share.js' ? shareJs : decryptJs);
    if (req.url === '/api/clips/1/ciphertext') {
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (!m) return res.writeHead(400).end();
      const start = Number(m[1]);
      const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
      if (start >= size) return res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      res.writeHead(206, {
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': end - start + 1,
      });
      return createReadStream(vaultPath, { start, end }).pipe(res);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const browserServer = await chromium.launchServer({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const pid = browserServer.process().pid!;
  const browser = await chromium.connect(browserServer.wsEndpoint());
  const page = await browser.newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(base);

  // The worker's own live memory, from inside V8: JS heap in use plus ArrayBuffer backing stores (CDP
  // Runtime.getHeapUsage on the worker target). Unlike RSS this excludes garbage already collected.
  const cdp = await browser.newBrowserCDPSession();
  const seenTargets = new Set<string>();
  let nextId = 0;
  const replies = new Map<number, (v: unknown) => void>();
  cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (m.id !== undefined) replies.get(m.id)?.(m.result);
  });
  /** Attaches to the newest worker loaded from `url`; resolves a sampler of its live bytes. */
  async function workerLive(url: string): Promise<() => Promise<number>> {
    // A new worker shows up as a target a moment after `new Worker()`.
    let target: { targetId: string } | undefined;
    for (let tries = 0; !target && tries < 100; tries++) {
      if (tries > 0) await new Promise((r) => setTimeout(r, 50));
      const { targetInfos } = (await cdp.send('Target.getTargets')) as {
        targetInfos: { targetId: string; type: string; url: string }[];
      };
      target = targetInfos.find(
        (t) => t.type === 'worker' && t.url.endsWith(url) && !seenTargets.has(t.targetId),
      );
    }
    if (!target) throw new Error(`no ${url} worker to measure`);
    seenTargets.add(target.targetId);
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    return () =>
      new Promise<number>((resolveUsage) => {
        const id = ++nextId;
        replies.set(id, (r) => {
          const u = (r ?? {}) as { usedSize?: number; backingStorageSize?: number };
          resolveUsage((u.usedSize ?? 0) + (u.backingStorageSize ?? 0));
        });
        void cdp
          .send('Target.sendMessageToTarget', {
            sessionId,
            message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
          })
          .catch(() => {
            resolveUsage(0);
          });
      });
  }

  /** Runs `phase` while sampling the browser tree's RSS; returns its result and the peak rise in bytes. */
  async function measured<T>(
    phase: () => Promise<T>,
    live?: () => Promise<number>,
  ): Promise<{ value: T; peak: number; rise: number; live: number }> {
    await new Promise((r) => setTimeout(r, 500));
    const before = treeRss(pid);
    let peak = before;
    let livePeak = 0;
    let sampling = false;
    const timer = setInterval(() => {
      peak = Math.max(peak, treeRss(pid));
      if (live && !sampling) {
        sampling = true;
        void live().then((bytes) => {
          livePeak = Math.max(livePeak, bytes);
          sampling = false;
        });
      }
    }, 50);
    try {
      const value = await phase();
      return { value, peak, rise: peak - before, live: livePeak };
    } finally {
      clearInterval(timer);
    }
  }

  const rows: {
    phase: string;
    ms: number[];
    rise: number[];
    peak: number[];
    live: number[];
    bytes: number;
  }[] = [
    { phase: 'vault decrypt (baseline)', ms: [], rise: [], peak: [], live: [], bytes: 0 },
    {
      phase: 'share: prepare (decrypt + re-encrypt + 2× SHA-256)',
      ms: [],
      rise: [],
      peak: [],
      live: [],
      bytes: 0,
    },
    {
      phase: 'share: upload source (decrypt + re-encrypt, 1 MiB PATCHes)',
      ms: [],
      rise: [],
      peak: [],
      live: [],
      bytes: 0,
    },
  ];
  for (let rep = 0; rep < REPS; rep++) {
    await page.evaluate(() => {
      (window as unknown as { dec: Worker }).dec = new Worker('/decrypt.js', { type: 'module' });
    });
    await new Promise((r) => setTimeout(r, 300));
    const decLive = await workerLive('/decrypt.js');
    const dec = await measured(
      () =>
        page.evaluate(
          (identity) =>
            new Promise<{ ms: number; bytes: number }>((resolveRun) => {
              const w = (window as unknown as { dec: Worker }).dec;
              w.onmessage = (e: MessageEvent<{ ms: number; bytes: number }>) => {
                w.terminate();
                resolveRun(e.data);
              };
              w.postMessage({ identity });
            }),
          owner.identity,
        ),
      decLive,
    );
    rows[0]!.live.push(dec.live);
    rows[0]!.ms.push(dec.value.ms);
    rows[0]!.rise.push(dec.rise);
    rows[0]!.peak.push(dec.peak);
    rows[0]!.bytes = dec.value.bytes;

    // Prepare and upload source run in one worker, as in the app; they are timed and sampled separately.
    await page.evaluate(
      ({ identity, recipients, keeper }) => {
        const w = new Worker('/share.js', { type: 'module' });
        (window as unknown as { share: Worker }).share = w;
        (window as unknown as { prepared: Promise<unknown> }).prepared = new Promise((resolveRun, reject) => {
          const t0 = performance.now();
          w.onmessage = (e: MessageEvent<{ op: string; digest?: unknown; error?: string }>) => {
            if (e.data.op === 'prepared') resolveRun({ ms: performance.now() - t0, digest: e.data.digest });
            if (e.data.op === 'error') reject(new Error(e.data.error));
          };
        });
        // The owner's own recipient keeps the file key (sealed) so the share can resume after a reload.
        w.postMessage({
          op: 'prepare',
          source: { kind: 'vault', clipId: '1', identity },
          recipients,
          keeper,
        });
      },
      { identity: owner.identity, recipients: members.map((m) => m.recipient), keeper: owner.recipient },
    );
    const shareLive = await workerLive('/share.js');
    const prep = await measured(
      () =>
        page.evaluate(
          () =>
            (window as unknown as { prepared: Promise<unknown> }).prepared as Promise<{
              ms: number;
              digest: { plaintextSha256: string; ciphertextBytes: number; plaintextBytes: number };
            }>,
        ),
      shareLive,
    );
    rows[1]!.live.push(prep.live);
    if (prep.value.digest.plaintextSha256 !== expected)
      throw new Error('the disclosure hash does not match the clip');
    rows[1]!.ms.push(prep.value.ms);
    rows[1]!.rise.push(prep.rise);
    rows[1]!.peak.push(prep.peak);
    rows[1]!.bytes = prep.value.digest.plaintextBytes;

    const total = prep.value.digest.ciphertextBytes;
    const pull = await measured(
      () =>
        page.evaluate(
          ({ total, patch }) => {
            const w = (window as unknown as { share: Worker }).share;
            const t0 = performance.now();
            return new Promise<{ ms: number; bytes: number }>((resolveRun) => {
              let at = 0;
              let bytes = 0;
              w.onmessage = (e: MessageEvent<{ op: string; bytes: ArrayBuffer }>) => {
                bytes += e.data.bytes.byteLength;
                at += patch;
                if (at < total) w.postMessage({ op: 'slice', id: at, start: at, end: at + patch });
                else {
                  w.terminate();
                  resolveRun({ ms: performance.now() - t0, bytes });
                }
              };
              w.postMessage({ op: 'slice', id: 0, start: 0, end: patch });
            });
          },
          { total, patch: PATCH },
        ),
      shareLive,
    );
    rows[2]!.live.push(pull.live);
    if (pull.value.bytes !== total)
      throw new Error(`upload source gave ${pull.value.bytes} of ${total} bytes`);
    rows[2]!.ms.push(pull.value.ms);
    rows[2]!.rise.push(pull.rise);
    rows[2]!.peak.push(pull.peak);
    rows[2]!.bytes = rows[1]!.bytes;
    console.error(
      `rep ${rep + 1}/${REPS}: decrypt ${dec.value.ms.toFixed(0)} ms, prepare ${prep.value.ms.toFixed(0)} ms, source ${pull.value.ms.toFixed(0)} ms`,
    );
  }
  const version = browser.version();
  await browser.close();
  await browserServer.close();
  server.close();

  const mb = (b: number) => (b / 1e6).toFixed(0);
  console.log(
    `Clip: ${MIB} MiB plaintext (${(size / 1e6).toFixed(1)} MB age ciphertext), ${REPS} repetitions, medians.`,
  );
  console.log(`Chromium: ${version}. Recipients: 2 agency members.\n`);
  console.log(
    '| phase | ms | MB/s of video | vs vault decrypt | worker peak live (MB) | peak RSS rise (MB) | peak RSS, all Chromium processes (MB) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const baseline = mbps(rows[0]!.bytes, median(rows[0]!.ms));
  for (const r of rows) {
    const rate = mbps(r.bytes, median(r.ms));
    console.log(
      `| ${r.phase} | ${median(r.ms).toFixed(0)} | ${rate.toFixed(1)} | ${((rate / baseline) * 100).toFixed(0)}% | ${(median(r.live) / 1e6).toFixed(1)} | ${mb(median(r.rise))} | ${mb(median(r.peak))} |`,
    );
  }
  const shareMs = median(rows[1]!.ms) + median(rows[2]!.ms);
  console.log(
    `\nWhole share (prepare + upload source): ${(shareMs / 1000).toFixed(1)} s, ${mbps(rows[1]!.bytes, shareMs).toFixed(1)} MB/s of video.`,
  );
  console.log(
    '\nRaw (ms): ' + rows.map((r) => `${r.phase}: ${r.ms.map((m) => m.toFixed(0)).join(', ')}`).join('; '),
  );
  console.log(
    'Raw worker peak live (MB): ' +
      rows.map((r) => `${r.phase}: ${r.live.map((b) => (b / 1e6).toFixed(1)).join(', ')}`).join('; '),
  );
  console.log(
    'Raw peak RSS rise (MB): ' + rows.map((r) => `${r.phase}: ${r.rise.map(mb).join(', ')}`).join('; '),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
