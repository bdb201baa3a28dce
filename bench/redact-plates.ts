/**
 * Licence-plate detection quality on a small labelled set: recall, precision and mean IoU of the plate detector
 * (`PlateDetector` in `@porchlight/redact`: Debian's opencv-data `haarcascade_russian_plate_number.xml` run by the
 * project's own cascade evaluator, packages/redact/src/haar.ts),
 * the same code the browser worker and the hub run.
 *
 * The set (labelling method): every box is written down by hand, in pixels, below.
 * - Rendered plates: ffmpeg draws a white plate with a black border and characters (DejaVu Sans Mono Bold, from
 *   Debian's fonts-dejavu-core) on a grey "car" panel; the label is the drawn rectangle, so it is exact. Sizes,
 *   positions, texts, contrast and a slight blur vary.
 * - Real photographs that ship in Debian's `opencv-doc` (examples/data): `licenseplate_motion.jpg` (a
 *   motion-blurred car rear with one plate, labelled by eye at 228,225 130×70) and photos with no plate at all
 *   (messi5, baboon, home, building, fruits, aero1, board) — any box found there is a false positive.
 * A detection matches a label when IoU ≥ 0.3 (plates are small and the cascade's boxes are loose; the renderer
 * pads every box by 15 %, so what matters is covering the plate); each label matches at most one detection.
 *
 *   apt-get install opencv-data opencv-doc fonts-dejavu-core
 *   npx tsx bench/redact-plates.ts          # writes bench/results/redact-plates.md
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { iou, type Box } from '@porchlight/redact';
import { runTool } from '../packages/hub/src/ffmpeg.js';
import { decodeImage, loadPlateDetector } from '../packages/hub/src/redact/plates.js';

type Px = { x: number; y: number; w: number; h: number };
interface Sample {
  name: string;
  file: string;
  plates: Px[];
}

const DOC = '/usr/share/doc/opencv-doc/examples/data';
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf';

/** The rendered plates: [scene size, plate box, text, background grey, blur sigma]. */
const RENDERED: [string, Px, string, string, number][] = [
  ['640x360', { x: 220, y: 230, w: 200, h: 46 }, 'A 123 BC', '0x606468', 0],
  ['640x360', { x: 60, y: 60, w: 160, h: 36 }, 'K 777 MM', '0x303438', 0],
  ['1280x720', { x: 700, y: 480, w: 300, h: 66 }, 'E 404 KX', '0x808488', 0],
  ['1280x720', { x: 100, y: 500, w: 240, h: 54 }, 'B 550 OP', '0x505458', 1],
  ['640x360', { x: 380, y: 150, w: 130, h: 30 }, 'T 12 AA', '0x707478', 0],
  ['640x360', { x: 250, y: 280, w: 110, h: 26 }, 'M 90 HB', '0x606468', 0],
  ['1920x1080', { x: 820, y: 760, w: 280, h: 62 }, 'C 321 YT', '0x404448', 1.5],
  ['640x360', { x: 200, y: 200, w: 220, h: 50 }, 'AB 12 CDE', '0x9a9ea2', 0],
];

async function renderPlates(dir: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const [i, [size, p, text, grey, blur]] of RENDERED.entries()) {
    const file = path.join(dir, `plate-${i + 1}.png`);
    const fontsize = Math.round(p.h * 0.72);
    const graph = [
      `color=c=${grey}:s=${size}`,
      `drawbox=x=${p.x - p.w / 2}:y=${p.y - p.h * 3}:w=${p.w * 2}:h=${p.h * 4.5}:color=0x404448:t=fill`,
      `drawbox=x=${p.x}:y=${p.y}:w=${p.w}:h=${p.h}:color=white:t=fill`,
      `drawbox=x=${p.x}:y=${p.y}:w=${p.w}:h=${p.h}:color=black:t=2`,
      `drawtext=fontfile=${FONT}:text='${text}':fontsize=${fontsize}:fontcolor=black:` +
        `x=${p.x}+(${p.w}-tw)/2:y=${p.y}+(${p.h}-th)/2`,
      ...(blur > 0 ? [`gblur=sigma=${blur}`] : []),
    ].join(',');
    await runTool('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', graph, '-frames:v', '1', file]);
    out.push({
      name: `rendered ${i + 1} (${size}, ${p.w}×${p.h}${blur ? `, blur ${blur}` : ''})`,
      file,
      plates: [p],
    });
  }
  return out;
}

const PHOTOS: Sample[] = [
  {
    name: 'opencv-doc licenseplate_motion.jpg',
    file: `${DOC}/licenseplate_motion.jpg`,
    plates: [{ x: 228, y: 225, w: 130, h: 70 }],
  },
  ...['messi5.jpg', 'baboon.jpg', 'home.jpg', 'building.jpg', 'fruits.jpg', 'aero1.jpg', 'board.jpg'].map(
    (f) => ({
      name: `opencv-doc ${f} (no plate)`,
      file: `${DOC}/${f}`,
      plates: [],
    }),
  ),
];

const dir = await mkdtemp(path.join(os.tmpdir(), 'porchlight-bench-plates-'));
try {
  if (!existsSync(FONT)) throw new Error(`${FONT} is missing: apt-get install fonts-dejavu-core`);
  const photos = PHOTOS.filter((s) => existsSync(s.file));
  if (photos.length < PHOTOS.length) console.warn('opencv-doc is not installed: photographs skipped');
  const samples = [...(await renderPlates(dir)), ...photos];
  const detector = await loadPlateDetector();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const ious: number[] = [];
  const rows: string[] = [];
  let ms = 0;
  for (const s of samples) {
    const img = await decodeImage(s.file);
    const t = performance.now();
    const found = detector.detect(img);
    ms += performance.now() - t;
    const info = { w: img.width, h: img.height };
    const labels: Box[] = s.plates.map((p) => ({
      x: p.x / info.w,
      y: p.y / info.h,
      w: p.w / info.w,
      h: p.h / info.h,
    }));
    const used = new Set<number>();
    let hits = 0;
    for (const label of labels) {
      let best = -1;
      let bestIou = 0;
      found.forEach((d, k) => {
        const v = iou(label, d.box);
        if (!used.has(k) && v > bestIou) [best, bestIou] = [k, v];
      });
      if (best >= 0 && bestIou >= 0.3) {
        used.add(best);
        hits += 1;
        ious.push(bestIou);
      }
    }
    tp += hits;
    fn += labels.length - hits;
    fp += found.length - used.size;
    rows.push(`| ${s.name} | ${labels.length} | ${found.length} | ${hits} | ${found.length - used.size} |`);
  }
  const recall = tp / (tp + fn);
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const meanIou = ious.reduce((a, b) => a + b, 0) / Math.max(1, ious.length);
  const report = [
    '# Licence-plate detection on the labelled set',
    '',
    `\`npx tsx bench/redact-plates.ts\` — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}.`,
    'Detector: Debian opencv-data `haarcascade_russian_plate_number.xml` run by `packages/redact/src/haar.ts`',
    '(`PlateDetector` defaults: scaleFactor 1.1, minNeighbors 3, frames scaled to ≤ 1280 px, histogram equalised;',
    'smallest plate = the 60×20 window); match = IoU ≥ 0.3. See the header of the script for how the set was labelled.',
    '',
    `| | value |`,
    `| --- | ---: |`,
    `| labelled plates | ${tp + fn} |`,
    `| images | ${samples.length} |`,
    `| recall | ${(recall * 100).toFixed(0)} % (${tp}/${tp + fn}) |`,
    `| precision | ${(precision * 100).toFixed(0)} % (${tp}/${tp + fp}) |`,
    `| mean IoU of matches | ${meanIou.toFixed(2)} |`,
    `| detection time per image (mean) | ${(ms / samples.length).toFixed(0)} ms |`,
    '',
    '| image | plates | boxes found | matched | false boxes |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Faces are measured in bench/redact-faces.ts (BlazeFace on labelled opencv-doc photos).',
    '',
  ].join('\n');
  console.log(report);
  await writeFile(path.join(import.meta.dirname, 'results', 'redact-plates.md'), report);
} finally {
  await rm(dir, { recursive: true, force: true });
}
