import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Extracts one frame at `seconds` as raw 8-bit gray pixels (row-major `width`×`height`). */
export function grayFrame(file: string, seconds = 1): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-ss',
        String(seconds),
        '-i',
        file,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'gray',
        '-',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
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
