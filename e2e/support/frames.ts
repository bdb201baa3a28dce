import { spawn } from 'node:child_process';

/*
 * Reading video frames as pixels, to check what a renderer did to a picture (blurred where it should be, the
 * same elsewhere). Frames are 8-bit gray, one byte per pixel, row by row.
 */

export type Rect = { x: number; y: number; w: number; h: number };

export const inRect = (r: Rect, x: number, y: number): boolean =>
  x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;

/** Frame number `n` of `file` as 8-bit gray pixels. */
export function frame(file: string, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        file,
        '-vf',
        `select=eq(n\\,${n})`,
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
