/** One regular file of a tar archive. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/**
 * Reads the regular files of a POSIX ustar (or GNU tar) archive held in memory. Throws on a bad header
 * checksum, a truncated file, or an entry type other than a file or directory (links could point anywhere).
 */
export function readTar(archive: Uint8Array): TarEntry[] {
  const files: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (Number.parseInt(text(header, 148, 8).trim(), 8) !== sum)
      throw new Error(`tar header checksum is wrong at byte ${at}`);
    const prefix = text(header, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(header, 0, 100);
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    at += BLOCK;
    if (at + size > archive.length) throw new Error(`${name} is cut short`);
    if (type === '0' || type === '\0') files.push({ name, data: archive.slice(at, at + size) });
    else if (type !== '5') throw new Error(`${name}: tar entry type ${JSON.stringify(type)} is not a file`);
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
