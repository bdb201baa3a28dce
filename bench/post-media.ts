/**
 * Post media processing cost: what a photo's re-encode (sharp: upright, 2048 px JPEG + 480 px thumbnail, no
 * metadata) and a video's transcode (ffmpeg: 720p H.264/AAC, +faststart, no metadata, poster) take, each next
 * to a baseline measured in the same run: decoding the photo only, and remuxing the video without re-encoding.
 *
 *   npx tsx bench/post-media.ts [photos=20] [videoSeconds=30]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import {
  processImage,
  probeVideo,
  transcodeVideo,
} from '../packages/server/src/modules/media/media.process.js';
import { jpegWithGps, videoWithLocation } from '../packages/server/test/support/media.js';

const run = promisify(execFile);
const photos = Number(process.argv[2] ?? 20);
const videoSeconds = Number(process.argv[3] ?? 30);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const dir = await mkdtemp(path.join(tmpdir(), 'porchlight-bench-media-'));
try {
  const photo = await jpegWithGps({ lat: 45.5, lng: -122.6 }, { width: 4032, height: 3024 }, 6);
  const reencode: number[] = [];
  const decode: number[] = [];
  for (let i = 0; i < photos; i++) {
    decode.push(await time(() => sharp(photo).raw().toBuffer()));
    reencode.push(await time(() => processImage(photo)));
  }
  const source = path.join(dir, 'source.mov');
  await videoWithLocation(source, { seconds: videoSeconds, size: '1920x1080', rate: 30 });
  const probe = await probeVideo(source);
  const remux = await time(() =>
    run('ffmpeg', [
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-i',
      source,
      '-c',
      'copy',
      path.join(dir, 'copy.mp4'),
    ]),
  );
  const transcode = await time(() =>
    transcodeVideo(source, path.join(dir, 'out.mp4'), path.join(dir, 'poster.jpg'), probe),
  );
  const out = await readFile(path.join(dir, 'out.mp4'));
  console.log(
    `| photo 4032×3024 JPEG (12 MP), ${photos} runs | re-encode median ${median(reencode).toFixed(0)} ms | decode-only baseline median ${median(decode).toFixed(0)} ms |`,
  );
  console.log(
    `| video ${videoSeconds} s 1080p30 H.264+AAC | transcode ${(transcode / 1000).toFixed(1)} s (${(videoSeconds / (transcode / 1000)).toFixed(2)}× real time, ${(out.length / 1024 / 1024).toFixed(1)} MB out) | remux-only baseline ${(remux / 1000).toFixed(2)} s |`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
