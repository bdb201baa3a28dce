import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** A latitude or longitude as EXIF's three RATIONALs (degrees, minutes, seconds×100/100). */
function dms(value: number): [number, number][] {
  const a = Math.abs(value);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 100);
  return [
    [d, 1],
    [m, 1],
    [s, 100],
  ];
}

/**
 * A hand-built EXIF APP1 segment (little-endian TIFF): IFD0 with Make, Model, Orientation and a GPS IFD
 * pointer; the GPS IFD with latitude and longitude, as a phone camera writes them.
 */
export function exifApp1(gps: { lat: number; lng: number }, orientation = 1): Buffer {
  const entries0 = 4;
  const ifd0At = 8;
  const ifd0Size = 2 + entries0 * 12 + 4;
  const gpsAt = ifd0At + ifd0Size;
  const gpsEntries = 4;
  const gpsSize = 2 + gpsEntries * 12 + 4;
  let dataAt = gpsAt + gpsSize;
  const tiff = Buffer.alloc(512);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0At, 4);
  const data = (bytes: Buffer): number => {
    const at = dataAt;
    bytes.copy(tiff, at);
    dataAt += bytes.length + (bytes.length % 2);
    return at;
  };
  const entry = (at: number, tag: number, type: number, count: number, value: number | Buffer) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    if (typeof value === 'number') {
      if (type === 3) tiff.writeUInt16LE(value, at + 8);
      else tiff.writeUInt32LE(value, at + 8);
    } else if (value.length <= 4) value.copy(tiff, at + 8);
    else tiff.writeUInt32LE(data(value), at + 8);
  };
  const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');
  const rationals = (r: [number, number][]) => {
    const b = Buffer.alloc(r.length * 8);
    r.forEach(([n, d], i) => {
      b.writeUInt32LE(n, i * 8);
      b.writeUInt32LE(d, i * 8 + 4);
    });
    return b;
  };
  tiff.writeUInt16LE(entries0, ifd0At);
  let e = ifd0At + 2;
  const make = ascii('PorchlightTestCam');
  entry(e, 0x010f, 2, make.length, make);
  e += 12;
  const model = ascii('Model GPS-1');
  entry(e, 0x0110, 2, model.length, model);
  e += 12;
  entry(e, 0x0112, 3, 1, orientation);
  e += 12;
  entry(e, 0x8825, 4, 1, gpsAt);
  e += 12;
  tiff.writeUInt32LE(0, e);
  tiff.writeUInt16LE(gpsEntries, gpsAt);
  e = gpsAt + 2;
  entry(e, 0x0001, 2, 2, ascii(gps.lat >= 0 ? 'N' : 'S'));
  e += 12;
  entry(e, 0x0002, 5, 3, rationals(dms(gps.lat)));
  e += 12;
  entry(e, 0x0003, 2, 2, ascii(gps.lng >= 0 ? 'E' : 'W'));
  e += 12;
  entry(e, 0x0004, 5, 3, rationals(dms(gps.lng)));
  e += 12;
  tiff.writeUInt32LE(0, e);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff.subarray(0, dataAt)]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** A real JPEG photo (a gradient with shapes, encoded by libvips) carrying GPS EXIF, inserted after SOI. */
export async function jpegWithGps(
  gps: { lat: number; lng: number },
  size = { width: 640, height: 480 },
  orientation = 1,
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#3a7"/><stop offset="1" stop-color="#fd3"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="30%" cy="40%" r="60" fill="#c33"/></svg>`;
  const plain = await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
  return Buffer.concat([plain.subarray(0, 2), exifApp1(gps, orientation), plain.subarray(2)]);
}

/** Every JPEG marker segment before the image data, by marker (0xffe1 is APP1: EXIF or XMP). */
export function jpegSegments(jpeg: Buffer): { marker: number; body: Buffer }[] {
  if (jpeg.readUInt16BE(0) !== 0xffd8) throw new Error('not a JPEG');
  const out: { marker: number; body: Buffer }[] = [];
  let at = 2;
  while (at + 4 <= jpeg.length) {
    const marker = jpeg.readUInt16BE(at);
    if (marker === 0xffda || (marker & 0xff00) !== 0xff00) break;
    const len = jpeg.readUInt16BE(at + 2);
    out.push({ marker, body: jpeg.subarray(at + 4, at + 2 + len) });
    at += 2 + len;
  }
  return out;
}

/** The GPS position in a JPEG's EXIF, parsed from its APP1 segment; undefined when it has none. */
export function exifGps(jpeg: Buffer): { lat: number; lng: number } | undefined {
  const app1 = jpegSegments(jpeg).find(
    (s) => s.marker === 0xffe1 && s.body.subarray(0, 6).toString('latin1') === 'Exif\0\0',
  );
  if (!app1) return undefined;
  const t = app1.body.subarray(6);
  const le = t.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  const tags = (ifd: number) => {
    const m = new Map<number, number>();
    for (let i = 0; i < u16(ifd); i++) m.set(u16(ifd + 2 + i * 12), ifd + 2 + i * 12);
    return m;
  };
  const gpsPtr = tags(u32(4)).get(0x8825);
  if (gpsPtr === undefined) return undefined;
  const g = tags(u32(gpsPtr + 8));
  const coord = (tag: number, refTag: number) => {
    const at = u32(g.get(tag)! + 8);
    const r = (i: number) => u32(at + i * 8) / u32(at + i * 8 + 4);
    const sign = 'SW'.includes(t.toString('latin1', g.get(refTag)! + 8, g.get(refTag)! + 9)) ? -1 : 1;
    return sign * (r(0) + r(1) / 60 + r(2) / 3600);
  };
  return { lat: coord(2, 1), lng: coord(4, 3) };
}

/**
 * A short real video made by ffmpeg (test pattern + tone), with a GPS location and other metadata that phones
 * write: `format` mov (QuickTime, ©xyz atom) or mp4.
 */
export async function videoWithLocation(
  file: string,
  opts: { seconds?: number; size?: string; rate?: number; format?: 'mov' | 'mp4' } = {},
): Promise<Buffer> {
  const seconds = opts.seconds ?? 3;
  await run('ffmpeg', [
    ...['-nostdin', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '640x360'}:rate=${opts.rate ?? 25}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
    ...[
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
    ],
    ...['-metadata', 'location=+45.5152-122.6784/', '-metadata', 'title=Secret camera title'],
    ...['-metadata', 'creation_time=2026-01-02T03:04:05Z', '-f', opts.format ?? 'mov', file],
  ]);
  return readFile(file);
}

/** ffprobe's view of a file: container tags, streams (codec, size, tags) and duration. */
export async function ffprobe(file: string): Promise<{
  format: { format_name: string; duration: string; tags?: Record<string, string> };
  streams: {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    tags?: Record<string, string>;
  }[];
}> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_format',
    '-show_streams',
    '-of',
    'json',
    file,
  ]);
  return JSON.parse(stdout) as never;
}
