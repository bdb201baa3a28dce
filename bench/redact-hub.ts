/**
 * Hub redaction speed: a camera-like 1080p clip (testsrc2 + sensor noise, 15 fps) trimmed and redacted with
 * ffmpeg from one description — two faces moving across the frame sampled every 0.5 s, a still plate, a 2 s
 * whole-frame blur — beside a plain re-encode of the same trimmed range with the same encoder settings, in the
 * same run, and the hub's face detector's pass over the whole clip (`faceTracks`: 4 sampled frames a second at
 * 640 px, BlazeFace on TensorFlow.js's WebAssembly backend) and plate detector's (`plateTracks`: 2 frames a
 * second at 1280 px, the opencv-data cascade), which auto-blur at ingest adds before its render.
 * Target (issue 11): the hub redacts at ≤ 2× real time. The machine's load average is printed with every row:
 * on a shared machine read the ratios, not the seconds.
 *
 *   npx tsx bench/redact-hub.ts [seconds=30] [size=1920x1080] [preset=veryfast] [runs=1]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { emptyRedaction, linkDetections, type Redaction, type SampledFrame } from '@porchlight/redact';
import { runTool } from '../packages/hub/src/ffmpeg.js';
import { faceTracks } from '../packages/hub/src/redact/faces.js';
import { plateTracks } from '../packages/hub/src/redact/plates.js';
import { renderRedaction } from '../packages/hub/src/redact/render.js';

const SECONDS = Number(process.argv[2] ?? 30);
const SIZE = process.argv[3] ?? '1920x1080';
const PRESET = process.argv[4] ?? 'veryfast';
const RUNS = Number(process.argv[5] ?? 1);
const load = () => os.loadavg()[0]!.toFixed(1);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

// Detections as a detector would report them every 0.5 s: two faces walking in opposite directions.
const frames: SampledFrame[] = [];
for (let t = 0; t <= SECONDS; t += 0.5) {
  const f = t / SECONDS;
  frames.push({
    t,
    detections: [
      { kind: 'face', score: 0.9, box: { x: 0.05 + 0.7 * f, y: 0.2, w: 0.08, h: 0.14 } },
      { kind: 'face', score: 0.9, box: { x: 0.85 - 0.7 * f, y: 0.3, w: 0.06, h: 0.1 } },
    ],
  });
}
const trim = { start: 1, end: SECONDS - 1 };
const redaction: Redaction = {
  ...emptyRedaction(),
  trim,
  tracks: [
    ...linkDetections(frames, { interval: 0.5 }),
    {
      id: 'p1',
      kind: 'plate',
      source: 'owner',
      from: 0,
      to: SECONDS,
      keyframes: [{ t: 0, box: { x: 0.6, y: 0.8, w: 0.12, h: 0.05 } }],
    },
  ],
  frameBlur: [{ start: 5, end: 7 }],
};

const work = await mkdtemp(path.join(os.tmpdir(), 'redact-hub-'));
try {
  const source = path.join(work, 'source.mp4');
  await runTool('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${SIZE}:rate=15:duration=${SECONDS},noise=alls=12:allf=t`,
    '-f',
    'lavfi',
    '-i',
    `sine=f=440:d=${SECONDS}`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-c:a',
    'aac',
    '-shortest',
    '-y',
    source,
  ]);
  const kept = trim.end - trim.start;
  console.log(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); ${SECONDS} s ${SIZE} at 15 fps, kept ${kept} s; x264 ${PRESET}`,
  );
  console.log(`description: ${redaction.tracks.length} tracks, 1 whole-frame range\n`);
  console.log(
    '| run | plain re-encode s | redact s | redact × real time | redact / plain | mask boxes | find faces s | find faces × real time | find plates s | find plates × real time | load |',
  );
  console.log(
    '| --: | ----------------: | -------: | -----------------: | -------------: | ---------: | -----------: | ---------------------: | ------------: | ----------------------: | ---: |',
  );
  for (let run = 1; run <= RUNS; run++) {
    const plain = await timed(() =>
      renderRedaction(
        source,
        path.join(work, 'plain.mp4'),
        { ...emptyRedaction(), trim },
        { preset: PRESET },
      ),
    );
    let regions = 0;
    const redact = await timed(async () => {
      ({ regions } = await renderRedaction(source, path.join(work, 'redacted.mp4'), redaction, {
        preset: PRESET,
      }));
    });
    const detect = await timed(() => faceTracks(source));
    const plates = await timed(() => plateTracks(source));
    console.log(
      `| ${run} | ${plain.toFixed(1)} | ${redact.toFixed(1)} | ${(redact / kept).toFixed(2)} | ${(redact / plain).toFixed(2)} | ${regions} | ${detect.toFixed(1)} | ${(detect / SECONDS).toFixed(2)} | ${plates.toFixed(1)} | ${(plates / SECONDS).toFixed(2)} | ${load()} |`,
    );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
