import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';

/** One frame of `file` as raw 8-bit gray pixels (row-major), chosen by ffmpeg options before and after `-i`. */
function rawGray(file: string, before: string[], after: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        ...before,
        '-i',
        file,
        ...after,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'gray',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(err));
    });
  });
}

/** Extracts one frame at `seconds` as raw 8-bit gray pixels (row-major `width`×`height`). */
export function grayFrame(file: string, seconds = 1): Promise<Buffer> {
  return rawGray(file, ['-ss', String(seconds)], []);
}

/** Frame number `n` of `file` as gray pixels, selected by index so a source and its re-encode line up exactly. */
export function frame(file: string, n: number): Promise<Buffer> {
  return rawGray(file, [], ['-vf', `select=eq(n\\,${n})`]);
}

export type Rect = { x: number; y: number; w: number; h: number };

export const inRect = (r: Rect, x: number, y: number): boolean =>
  x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;

/** Mean absolute difference of horizontally adjacent pixels inside `r`: the detail a blur removes. */
export function detail(f: Buffer, width: number, r: Rect): number {
  let sum = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w - 1; x++) {
      sum += Math.abs(f[y * width + x]! - f[y * width + x + 1]!);
      n++;
    }
  return sum / n;
}

/** Mean absolute difference of two frames over the pixels `where` selects. */
export function difference(
  a: Buffer,
  b: Buffer,
  width: number,
  where: (x: number, y: number) => boolean,
): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (!where(i % width, Math.floor(i / width))) continue;
    sum += Math.abs(a[i]! - b[i]!);
    n++;
  }
  return sum / n;
}

/** Luma statistics of the pixels of a gray frame for which `inside(x, y)` holds. */
export function lumaStats(frame: Buffer, width: number, inside: (x: number, y: number) => boolean) {
  let max = 0;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < frame.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    if (!inside(x, y)) continue;
    const v = frame[i]!;
    max = Math.max(max, v);
    sum += v;
    n++;
  }
  return { max, mean: n ? sum / n : 0, count: n };
}

/** Offsets of the top-level MP4 boxes `moov` and `mdat` (faststart puts `moov` first). */
export async function topLevelBoxes(file: string): Promise<string[]> {
  const bytes = await readFile(file);
  const boxes: string[] = [];
  for (let offset = 0; offset + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    if (size < 8) break;
    boxes.push(type);
    offset += size;
  }
  return boxes;
}

/** Runs ffmpeg with `args`; rejects with its stderr. */
export function ffmpeg(args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-v', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg ${args.join(' ')}: ${err}`));
    });
  });
}

/** How a synthetic camera clip is stored. */
export interface ClipShape {
  width: number;
  height: number;
  seconds: number;
  /** Sample aspect ratio, e.g. `4/3` (pixels wider than tall). */
  sar?: string;
  /** Rotation metadata as phones and doorbells write it (`rotate` tag → display matrix). */
  rotate?: 90 | 180 | 270;
}

/**
 * Writes an H.264 MP4 made of `segments` played one after the other, each a moving test pattern of its own
 * coded size, SAR and rotation metadata — a camera whose stream profile changes mid-clip gives the same file.
 * Segments go through MPEG-TS (parameter sets in band) and are joined with the concat demuxer, as Frigate joins
 * its recording segments.
 */
export async function makeCameraClip(file: string, segments: readonly ClipShape[]): Promise<void> {
  const parts: string[] = [];
  for (const [i, s] of segments.entries()) {
    const part = `${file}.part${i}.ts`;
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=${s.width}x${s.height}:rate=10:duration=${s.seconds},setsar=${s.sar ?? '1'}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      // 4:2:0 needs even sizes; cameras with odd ones send 4:4:4 (or MJPEG).
      '-pix_fmt',
      s.width % 2 || s.height % 2 ? 'yuv444p' : 'yuv420p',
      '-output_ts_offset',
      String(segments.slice(0, i).reduce((t, x) => t + x.seconds, 0)),
      '-y',
      part,
    ]);
    parts.push(part);
  }
  const list = `${file}.list.txt`;
  await writeFile(list, parts.map((p) => `file '${p}'`).join('\n') + '\n');
  const rotate = segments[0]?.rotate;
  await ffmpeg([
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-c',
    'copy',
    ...(rotate ? ['-metadata:s:v:0', `rotate=${rotate}`] : []),
    '-f',
    'mp4',
    '-y',
    file,
  ]);
  await Promise.all([...parts, list].map((p) => rm(p, { force: true })));
}

/**
 * One frame at `seconds` as full-range 8-bit gray, as a viewer sees it (rotation applied), scaled to
 * `width`×`height` when given — the reference a burnt-in output is compared with.
 */
export function displayedFrame(file: string, seconds: number, width?: number, height?: number) {
  return ffmpeg([
    '-ss',
    String(seconds),
    '-i',
    file,
    '-frames:v',
    '1',
    ...(width && height ? ['-vf', `scale=${width}:${height}`] : []),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    '-',
  ]);
}

/**
 * Overwrites the display matrix in an MP4's track header (`tkhd`) with `[a, b, c, d]` (16.16 fixed point),
 * as a phone's front camera (mirrored) or a tilted mount would write it; ffmpeg 5 cannot write these itself.
 */
export async function setDisplayMatrix(file: string, [a, b, c, d]: readonly number[]): Promise<void> {
  const bytes = await readFile(file);
  const at = bytes.indexOf('tkhd', 0, 'latin1');
  if (at < 4) throw new Error(`${file} has no tkhd box`);
  const version = bytes[at + 4]!;
  // type(4) version+flags(4) times/track/duration (20 or 32) reserved(8) layer..reserved(8)
  const matrix = at + 4 + 4 + (version === 1 ? 32 : 20) + 8 + 8;
  [a!, b!, 0, c!, d!, 0, 0, 0, 0x40000000].forEach((v, i) => bytes.writeInt32BE(v, matrix + i * 4));
  await writeFile(file, bytes);
}
