import { gzipSync } from 'node:zlib';

/** The Protomaps basemap's `light` colours for the two layers the test tile has (packages/web/src/map/pmtiles.ts). */
export const PMTILES_EARTH = [0xe2, 0xdf, 0xda];
export const PMTILES_WATER = [0x80, 0xde, 0xea];

const EXTENT = 4096;

/** A protobuf length-delimited field: key (field number, wire type 2), length, bytes. */
const field = (n: number, bytes: number[]): number[] => [
  ...varint((n << 3) | 2),
  ...varint(bytes.length),
  ...bytes,
];
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/**
 * An MVT layer (github.com/mapbox/vector-tile-spec, v2) of one rectangle polygon, in tile coordinates
 * (0–4096, y down), wound clockwise as exterior rings must be.
 */
function rectangleLayer(name: string, x0: number, y0: number, x1: number, y1: number): number[] {
  const geometry = [
    ...[(1 << 3) | 1, zigzag(x0), zigzag(y0)], // MoveTo
    ...[(3 << 3) | 2, zigzag(x1 - x0), 0, 0, zigzag(y1 - y0), zigzag(x0 - x1), 0], // LineTo ×3
    (1 << 3) | 7, // ClosePath
  ].flatMap(varint);
  const feature = [...varint((3 << 3) | 0), 3, ...field(4, geometry)]; // type POLYGON, geometry
  return [
    ...varint((15 << 3) | 0),
    2, // version
    ...field(1, [...Buffer.from(name)]),
    ...field(2, feature),
    ...varint((5 << 3) | 0),
    ...varint(EXTENT),
  ];
}

/**
 * One gzip'd Mapbox Vector Tile for z0/0/0 in the Protomaps basemap schema: an `earth` layer covering the
 * world and a `water` layer covering the western hemisphere, so the map is half water, half land.
 */
export function testTile(): Buffer {
  const tile = [
    ...field(3, rectangleLayer('earth', -64, -64, EXTENT + 64, EXTENT + 64)),
    ...field(3, rectangleLayer('water', -64, 256, EXTENT / 2, EXTENT - 256)),
  ];
  return gzipSync(Buffer.from(tile));
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * A PMTiles v3 archive (github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md) holding one tile, z0/0/0
 * (tile id 0): the 127-byte header, an uncompressed root directory of one entry, JSON metadata and the tile.
 */
export function buildPmtiles(tile: Buffer = testTile()): Buffer {
  // Directory: entry count, then per column: tile id deltas, run lengths, lengths, offsets (+1).
  const directory = Buffer.from([
    ...varint(1),
    ...varint(0),
    ...varint(1),
    ...varint(tile.length),
    ...varint(1),
  ]);
  const metadata = Buffer.from(
    JSON.stringify({
      name: 'Porchlight test basemap',
      attribution: 'Porchlight test data',
      vector_layers: [
        { id: 'earth', fields: {}, minzoom: 0, maxzoom: 0 },
        { id: 'water', fields: {}, minzoom: 0, maxzoom: 0 },
      ],
    }),
  );
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const rootOffset = 127;
  const metadataOffset = rootOffset + directory.length;
  const tileOffset = metadataOffset + metadata.length;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOffset);
  u64(16, directory.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, tileOffset); // no leaf directories
  u64(48, 0);
  u64(56, tileOffset);
  u64(64, tile.length);
  u64(72, 1); // addressed tiles
  u64(80, 1); // tile entries
  u64(88, 1); // tile contents
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(2, 98); // tile compression: gzip
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(0, 100); // min zoom
  header.writeUInt8(0, 101); // max zoom
  header.writeInt32LE(-180e7, 102);
  header.writeInt32LE(-85e7, 106);
  header.writeInt32LE(180e7, 110);
  header.writeInt32LE(85e7, 114);
  header.writeUInt8(0, 118); // centre zoom
  header.writeInt32LE(0, 119);
  header.writeInt32LE(0, 123);
  return Buffer.concat([header, directory, metadata, tile]);
}
