/** What a file's first bytes say it is. Extensions and the browser's MIME type are never trusted. */
export type Sniffed =
  | { kind: 'image'; format: 'jpeg' | 'png' | 'webp' | 'heic' }
  | { kind: 'video'; format: 'mp4' | 'mov' | 'webm' }
  | { kind: 'unknown' };

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const MOV_BRANDS = new Set(['qt  ']);

/** Recognises JPEG, PNG, WebP, HEIC, MP4/MOV (ISO BMFF `ftyp`) and WebM (EBML) by their magic bytes. */
export function sniff(head: Buffer): Sniffed {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { kind: 'image', format: 'jpeg' };
  if (
    head.length >= 8 &&
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return { kind: 'image', format: 'png' };
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
    return { kind: 'image', format: 'webp' };
  if (head.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (HEIC_BRANDS.has(brand)) return { kind: 'image', format: 'heic' };
    if (brand === 'avif' || brand === 'avis') return { kind: 'unknown' };
    return { kind: 'video', format: MOV_BRANDS.has(brand) ? 'mov' : 'mp4' };
  }
  if (head.length >= 4 && head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])))
    return { kind: 'video', format: 'webm' };
  return { kind: 'unknown' };
}
