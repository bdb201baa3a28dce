/**
 * Privacy-zone burn-in speed by resolution and x264 preset, beside a plain re-encode of the same clip
 * (same encoder and settings, no geometry normalisation, no mask, no frame check) and the no-zone path
 * (an H.264 remux). Each source is a camera-like H.264 clip (testsrc2 + sensor noise, 15 fps). It also
 * reports which encoder `detectEncoder()` picks on this machine. The machine's load average is printed with
 * every row: on a shared machine read the ratios, not the seconds.
 *
 *   npx tsx bench/hub-encode.ts [seconds=10] [presets=ultrafast,superfast,veryfast] [sizes=1280x720,1920x1080,3840x2160]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detectEncoder } from '../packages/hub/src/encoder.js';
import { burnInZones, runTool } from '../packages/hub/src/ffmpeg.js';

const SECONDS = Number(process.argv[2] ?? 10);
const PRESETS = (process.argv[3] ?? 'ultrafast,superfast,veryfast').split(',');
const SIZES = (process.argv[4] ?? '1280x720,1920x1080,3840x2160').split(',');
const ZONES = ['0,0,0.35,0,0.35,0.6,0,0.6', '0.7,0.55,1,0.55,1,1,0.7,1'];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}
const load = () => os.loadavg()[0]!.toFixed(1);

const work = await mkdtemp(path.join(os.tmpdir(), 'hub-encode-'));
try {
  const choice = await detectEncoder();
  console.log(
    `encoder: ${choice.encoder.name}; hardware tried: ${choice.tried.join('; ') || 'none (no device nodes)'}`,
  );
  console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${SECONDS} s clips at 15 fps\n`);
  console.log(
    '| size | preset | plain re-encode s | burn-in + check s | × real time (burn-in) | overhead | no zones (remux) s | load |',
  );
  console.log(
    '| ---- | ------ | ----------------: | ----------------: | --------------------: | -------: | -----------------: | ---: |',
  );
  for (const size of SIZES) {
    const source = path.join(work, `${size}.mp4`);
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=15:duration=${SECONDS},noise=alls=12:allf=t`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '6M',
      '-pix_fmt',
      'yuv420p',
      '-y',
      source,
    ]);
    const remux = await timed(() => burnInZones(source, path.join(work, 'remux.mp4'), [], { workDir: work }));
    for (const preset of PRESETS) {
      const plain = await timed(() =>
        runTool('ffmpeg', [
          '-v',
          'error',
          '-i',
          source,
          '-c:v',
          'libx264',
          '-preset',
          preset,
          '-crf',
          '23',
          '-pix_fmt',
          'yuv420p',
          '-an',
          '-movflags',
          '+faststart',
          '-y',
          path.join(work, 'plain.mp4'),
        ]),
      );
      const zoned = await timed(() =>
        burnInZones(source, path.join(work, 'zoned.mp4'), ZONES, { workDir: work, preset, hardware: false }),
      );
      console.log(
        `| ${size} | ${preset} | ${plain.toFixed(1)} | ${zoned.toFixed(1)} | ${(SECONDS / zoned).toFixed(2)} | ${((zoned / plain - 1) * 100).toFixed(0)} % | ${remux.toFixed(2)} | ${load()} |`,
      );
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
