/**
 * Face-detection quality of owner-side redaction (issue 11): the web app's own detector (BlazeFace through
 * @vladmandic/human, the configuration in packages/web/src/redact/detector.ts, the weights the web build serves
 * at /models/redact/) run in Debian Chromium on real photographs that ship in Debian's `opencv-doc` package,
 * scored against hand-drawn labels kept in bench/data/faces-opencv-doc.json (the images are read from the
 * installed package, never copied into the repository). A detection matches a label at IoU ≥ 0.5, greedily
 * by confidence, one to one; "covered" counts a face when ≥ 90 % of its label lies inside some box, which is
 * what blurring needs. Each pass detects once at a low confidence floor and is scored at several cuts, the
 * app's own among them: the detector's non-maximum suppression keeps every box above a cut whatever the floor,
 * so one pass gives every row. Two passes: the app's configuration (Human enlarges BlazeFace's box by `scale`,
 * 1.4 by default, and squares it) and `scale` 1.0, the model's own box, side by side.
 *
 *   apt-get install opencv-doc
 *   npx tsx bench/redact-faces.ts [runs=1] [floor=0.1]
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, type Plugin } from 'vite';
import { CHROMIUM } from '../e2e/support/browser.js';
import { coverage, matchDetections, scoreMatches, type ScoredBox } from '../packages/redact/src/score.js';
import type { Box } from '../packages/redact/src/description.js';
import { DETECTOR_CONFIG } from '../packages/web/src/redact/detector.js';
import type { PageDetection } from './support/redact-faces-page/main.js';

interface LabelledImage {
  path: string;
  width: number;
  height: number;
  faces: Box[];
  note: string;
}
interface LabelSet {
  package: string;
  version: string;
  root: string;
  install: string;
  images: LabelledImage[];
}

const RUNS = Number(process.argv[2] ?? 1);
const FLOOR = Number(process.argv[3] ?? 0.1);
const APP_CUT = DETECTOR_CONFIG.face?.detector?.minConfidence ?? 0;
// Human's default when the app leaves `scale` unset.
const APP_SCALE = DETECTOR_CONFIG.face?.detector?.scale ?? 1.4;
const COVERED = 0.9;
const CUTS = [...new Set([FLOOR, 0.2, APP_CUT, 0.5, 0.7, 0.9])]
  .filter((c) => c >= FLOOR)
  .sort((a, b) => a - b);
const here = path.dirname(fileURLToPath(import.meta.url));
const labels = JSON.parse(readFileSync(path.join(here, 'data/faces-opencv-doc.json'), 'utf8')) as LabelSet;
const load = () => os.loadavg()[0]!.toFixed(1);
const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(0)} %`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const missing = labels.images.filter((i) => !existsSync(path.join(labels.root, i.path)));
if (missing.length > 0) {
  console.error(
    `${missing.length} of ${labels.images.length} labelled images are not installed (first: ${path.join(labels.root, missing[0]!.path)}).\n` +
      `They ship in Debian's ${labels.package} package (labelled on ${labels.version}): ${labels.install}`,
  );
  process.exit(2);
}

// The web build's own plugin serves the weights. Loaded by path: it is written for the web package's bundler
// resolution, which the repository-wide type check (NodeNext) does not follow.
const MODELS_PLUGIN = '../packages/web/src/redact/models-plugin.ts';
const { redactModels } = (await import(MODELS_PLUGIN)) as { redactModels: () => Plugin };

const work = await mkdtemp(path.join(os.tmpdir(), 'redact-faces-'));
const page = path.join(here, 'support/redact-faces-page');
console.log(`building the detector page (load ${load()})`);
await build({
  configFile: false,
  root: page,
  logLevel: 'warn',
  plugins: [redactModels()],
  build: { outDir: work, emptyOutDir: true, chunkSizeWarningLimit: 5000 },
});

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};
const served = new Set(labels.images.map((i) => `/images/${i.path}`));
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x').pathname;
  const file = served.has(url)
    ? path.join(labels.root, url.slice('/images/'.length))
    : path.join(work, path.normalize(url === '/' ? '/index.html' : url));
  if (!file.startsWith(work) && !served.has(url)) return void res.writeHead(404).end();
  readFile(file).then(
    (body) =>
      res
        .writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
        .end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

interface Row {
  image: LabelledImage;
  found: ScoredBox[];
  ms: number;
  load: string;
}

const box = (b: Box) => `${b.x.toFixed(0)},${b.y.toFixed(0)} ${b.w.toFixed(0)}×${b.h.toFixed(0)}`;
const covered = (face: Box, found: ScoredBox[]) => found.some((f) => coverage(face, f.box) >= COVERED);

function report(rows: Row[], title: string): void {
  const kept = (r: Row) => r.found.filter((f) => f.score >= APP_CUT);
  console.log(`\n### ${title}\n\nPer image at the app's cut ${APP_CUT} (IoU ≥ 0.5):\n`);
  console.log(
    '| image | faces | boxes | matched: IoU @score | missed label (best IoU at any score) | false positives @score | ms |',
  );
  console.log('| --- | --: | --: | --- | --- | --- | --: |');
  for (const r of rows) {
    const boxes = kept(r);
    const m = matchDetections(r.image.faces, boxes);
    const missed = m.missed.map((l) => {
      const best = matchDetections([r.image.faces[l]!], r.found, 1e-6).pairs[0];
      return `${box(r.image.faces[l]!)} (${best ? `${best.iou.toFixed(2)} @${r.found[best.detection]!.score.toFixed(2)}` : 'none'})`;
    });
    console.log(
      `| ${r.image.path} | ${r.image.faces.length} | ${boxes.length} | ` +
        `${m.pairs.map((p) => `${p.iou.toFixed(2)} @${boxes[p.detection]!.score.toFixed(2)}`).join(', ') || '—'} | ` +
        `${missed.join('; ') || '—'} | ` +
        `${m.extra.map((d) => `${box(boxes[d]!.box)} @${boxes[d]!.score.toFixed(2)}`).join('; ') || '—'} | ` +
        `${r.ms.toFixed(0)} |`,
    );
  }
  const withFaces = rows.filter((r) => r.image.faces.length > 0).length;
  console.log(`\nOverall by confidence cut (${rows.length} images, ${withFaces} with faces):\n`);
  console.log(
    '| cut | labels | boxes | matched | recall | precision | covered ≥ 90 % | boxes on face-free images |',
  );
  console.log('| --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const cut of CUTS) {
    const above = rows.map((r) => r.found.filter((f) => f.score >= cut));
    const matches = rows.map((r, i) => matchDetections(r.image.faces, above[i]!));
    const s = scoreMatches(matches);
    const hidden = rows.reduce((n, r, i) => n + r.image.faces.filter((f) => covered(f, above[i]!)).length, 0);
    const fpFree = rows.reduce((n, r, i) => n + (r.image.faces.length === 0 ? above[i]!.length : 0), 0);
    console.log(
      `| ${cut}${cut === APP_CUT ? ' (app)' : ''} | ${s.labels} | ${s.detections} | ${s.truePositives} | ` +
        `${pct(s.recall)} | ${pct(s.precision)} | ${hidden} of ${s.labels} | ${fpFree} |`,
    );
  }
  const ms = rows.map((r) => r.ms);
  console.log(
    `\nTime per image (detectFaces only, after warm-up): median ${median(ms).toFixed(0)} ms, ` +
      `max ${Math.max(...ms).toFixed(0)} ms; load ${rows[0]!.load}–${rows.at(-1)!.load}`,
  );
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const tab = await browser.newPage();
  await tab.goto(origin);
  await tab.waitForFunction(() => 'redactBench' in window);
  const loadMs = await tab.evaluate(() => window.redactBench.load());
  const detect = (url: string) => tab.evaluate((u) => window.redactBench.detect(u), url);
  const pass = async (scale: number): Promise<Row[]> => {
    await tab.evaluate((options) => window.redactBench.configure(options), { minConfidence: FLOOR, scale });
    const rows: Row[] = [];
    for (const image of labels.images) {
      const times: number[] = [];
      let last: PageDetection | undefined;
      for (let r = 0; r < RUNS; r++) {
        last = await detect(`/images/${image.path}`);
        times.push(last.ms);
      }
      if (last!.width !== image.width || last!.height !== image.height)
        throw new Error(
          `${image.path} is ${last!.width}×${last!.height}, labelled ${image.width}×${image.height}`,
        );
      const found = last!.detections.map((d) => ({
        score: d.score,
        box: {
          x: d.box.x * image.width,
          y: d.box.y * image.height,
          w: d.box.w * image.width,
          h: d.box.h * image.height,
        },
      }));
      rows.push({ image, found, ms: median(times), load: load() });
    }
    return rows;
  };
  // The first inference builds the model's kernels; it is timed apart from the rest.
  const warm = await detect(`/images/${labels.images[0]!.path}`);
  console.log(
    `Chromium ${browser.version()}: weights loaded in ${loadMs.toFixed(0)} ms, first inference ${warm.ms.toFixed(0)} ms; ` +
      `app: minConfidence ${APP_CUT}, scale ${APP_SCALE}; floor ${FLOOR}, runs ${RUNS}, load ${load()}`,
  );
  report(await pass(APP_SCALE), `The app's detector as configured (scale ${APP_SCALE})`);
  report(await pass(1), "Same model, scale 1.0 (BlazeFace's own box, squared)");
} finally {
  await browser.close();
  server.close();
  await rm(work, { recursive: true, force: true });
}
