// Draws the app icons (public/icons/*.png) from the favicon's shapes, with no image library: a porch light in
// amber on the night-blue tile. Run `node scripts/icons.mjs` after changing the logo; the PNGs are committed.
import fs from 'node:fs';
import zlib from 'node:zlib';

const NIGHT = [0x1c, 0x25, 0x33];
const AMBER = [0xf5, 0xb5, 0x44];

/** Inside a rounded rectangle (x0, y0)–(x1, y1) with corner radius r? */
const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

/** Inside a convex polygon (counter-clockwise or clockwise)? */
const inPolygon = (x, y, pts) => {
  let sign = 0;
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross !== 0) {
      if (sign === 0) sign = Math.sign(cross);
      else if (Math.sign(cross) !== sign) return false;
    }
  }
  return true;
};

/** The favicon's 32×32 drawing; `maskable` fills the square and shrinks the lamp into the safe zone. */
function colourAt(u, v, maskable) {
  if (!maskable && !inRoundRect(u, v, 0, 0, 32, 32, 7)) return null;
  const s = maskable ? 0.7 : 1;
  const x = 16 + (u - 16) / s;
  const y = 16 + (v - 16) / s;
  const lamp =
    inPolygon(x, y, [
      [16, 6],
      [23, 12],
      [23, 14],
      [9, 14],
      [9, 12],
    ]) ||
    inRoundRect(x, y, 11, 14, 21, 23, 2) ||
    inRoundRect(x, y, 14, 23, 18, 26, 0);
  return lamp ? AMBER : NIGHT;
}

function png(size, maskable) {
  const SS = 4;
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const c = colourAt(
            ((px + (sx + 0.5) / SS) / size) * 32,
            ((py + (sy + 0.5) / SS) / size) * 32,
            maskable,
          );
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      const o = 1 + px * 4;
      if (a > 0) {
        row[o] = Math.round(r / a);
        row[o + 1] = Math.round(g / a);
        row[o + 2] = Math.round(b / a);
      }
      row[o + 3] = Math.round((a / (SS * SS)) * 255);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
fs.mkdirSync(out, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
]) {
  fs.writeFileSync(new URL(name, out), png(size, maskable));
}
