import type { Readable } from 'node:stream';

/** One file of a tar archive: its bytes, or a stream of exactly `size` bytes. */
export type TarFile = { name: string; mtime: Date } & (
  { data: Uint8Array } | { size: number; stream: () => Promise<Readable> }
);

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'ascii');
}

const octal = (n: number, width: number): string => `${n.toString(8).padStart(width - 1, '0')}\0`;

/** A POSIX ustar header block. Names are ASCII and at most 100 bytes (the archive's own names). */
export function ustarHeader(name: string, size: number, mtime: Date): Buffer {
  if (!/^[\x20-\x7e]{1,100}$/.test(name))
    throw new Error(`tar name ${JSON.stringify(name)} is not short ASCII`);
  const h = Buffer.alloc(BLOCK);
  field(h, 0, 100, name);
  field(h, 100, 8, octal(0o644, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(Math.floor(mtime.getTime() / 1000), 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, '0');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/**
 * A ustar archive of `files`, streamed: blobs are read one after another, never held whole. A stream that
 * ends short or long fails the archive rather than misaligning it.
 */
export async function* ustar(files: readonly TarFile[]): AsyncGenerator<Buffer> {
  for (const f of files) {
    const size = 'data' in f ? f.data.length : f.size;
    yield ustarHeader(f.name, size, f.mtime);
    if ('data' in f) yield Buffer.from(f.data);
    else {
      let n = 0;
      for await (const chunk of await f.stream()) {
        n += (chunk as Buffer).length;
        if (n > size) throw new Error(`${f.name} is longer than ${size} bytes`);
        yield chunk as Buffer;
      }
      if (n !== size) throw new Error(`${f.name} is ${n} bytes, expected ${size}`);
    }
    yield padding(size);
  }
  yield Buffer.alloc(BLOCK * 2);
}
