/**
 * GeoJSON polygon geometry for jurisdiction boundaries and request areas: validation, area, point-in-polygon
 * and containment. Coordinates are [longitude, latitude] in degrees (RFC 7946). Containment is computed in
 * the lon/lat plane, which is exact enough at city scale and agrees between server and browser because both
 * run this code.
 */

export type Position = [number, number];

export interface Polygon {
  type: 'Polygon';
  /** The outer ring, then holes. Each ring is closed: its last position equals its first. */
  coordinates: Position[][];
}

export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

export type Boundary = Polygon | MultiPolygon;

/** Most vertices a boundary may have (issue 8 §1); also bounds the cost of every check here. */
export const MAX_BOUNDARY_VERTICES = 5000;

/** WGS 84 equatorial radius, the sphere GeoJSON area tools (e.g. Turf) use, so areas agree with them. */
const EARTH_RADIUS_M = 6_378_137;

const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n));

/** The polygons of a boundary, each as its rings. */
function polygonsOf(geo: Boundary): Position[][][] {
  return geo.type === 'Polygon' ? [geo.coordinates] : geo.coordinates;
}

type Segment = [Position, Position];

function orientation(a: Position, b: Position, c: Position): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** Whether two segments share any point (touching counts). */
function segmentsIntersect([a, b]: Segment, [c, d]: Segment): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(a, b, c)) ||
    (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) ||
    (o4 === 0 && onSegment(c, d, b))
  );
}

/** Whether two segments cross at a point interior to both (touching at an end or overlapping does not). */
function segmentsCross([a, b]: Segment, [c, d]: Segment): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function edgesOf(ring: Position[]): Segment[] {
  const edges: Segment[] = [];
  for (let i = 0; i + 1 < ring.length; i++) edges.push([ring[i]!, ring[i + 1]!]);
  return edges;
}

/** The first problem with one polygon's rings crossing themselves or each other, if any. */
function selfIntersection(rings: Position[][], where: string): string | undefined {
  const edges = rings.flatMap((ring, r) => edgesOf(ring).map((e, i) => ({ e, r, i, n: ring.length - 1 })));
  for (let x = 0; x < edges.length; x++) {
    const ex = edges[x]!;
    for (let y = x + 1; y < edges.length; y++) {
      const ey = edges[y]!;
      // Consecutive edges of a ring share a vertex by construction; the ring's last edge meets its first.
      if (ex.r === ey.r && (ey.i === ex.i + 1 || (ex.i === 0 && ey.i === ex.n - 1))) continue;
      if (segmentsIntersect(ex.e, ey.e)) {
        const what = ex.r === ey.r ? `ring ${ex.r} crosses itself` : `rings ${ex.r} and ${ey.r} cross`;
        return `${where} ${what} (edges ${ex.i} and ${ey.i})`;
      }
    }
  }
  return undefined;
}

function ringProblems(ring: unknown, where: string): string[] {
  if (!Array.isArray(ring)) return [`${where} must be a list of positions`];
  if (ring.length < 4) return [`${where} must have at least 4 positions (a closed triangle)`];
  for (const [i, p] of ring.entries()) {
    if (!isPosition(p)) return [`${where}[${i}] must be [longitude, latitude]`];
    if (p[0] < -180 || p[0] > 180) return [`${where}[${i}] longitude must be from -180 to 180`];
    if (p[1] < -90 || p[1] > 90) return [`${where}[${i}] latitude must be from -90 to 90`];
  }
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1])
    return [`${where} must be closed (last position = first)`];
  if (ringAreaM2(ring as Position[]) === 0) return [`${where} encloses no area`];
  return [];
}

/**
 * Checks that a value is a GeoJSON Polygon or MultiPolygon fit to be a boundary or a request area: closed
 * rings of at least 4 positions, longitude and latitude in range, at most 5,000 vertices, no ring crossing
 * itself or another ring of its polygon. Returns one problem per thing wrong (the path names where), or [].
 */
export function validateBoundary(geo: unknown): string[] {
  if (typeof geo !== 'object' || geo === null || Array.isArray(geo)) return ['must be a GeoJSON object'];
  const g = geo as Record<string, unknown>;
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return ['type must be Polygon or MultiPolygon'];
  const extra = Object.keys(g).filter((k) => k !== 'type' && k !== 'coordinates');
  if (extra.length > 0) return [`${extra[0]} is not a field of a boundary`];
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return ['coordinates must not be empty'];
  const problems: string[] = [];
  let vertices = 0;
  for (const [p, rings] of polygons.entries()) {
    const where = g.type === 'Polygon' ? 'coordinates' : `coordinates[${p}]`;
    if (!Array.isArray(rings) || rings.length === 0) {
      problems.push(`${where} must be a list of rings`);
      continue;
    }
    const ringIssues = rings.flatMap((ring, r) => ringProblems(ring, `${where}[${r}]`));
    problems.push(...ringIssues);
    if (ringIssues.length > 0) continue;
    vertices += (rings as Position[][]).reduce((n, ring) => n + ring.length - 1, 0);
    if (vertices > MAX_BOUNDARY_VERTICES) return [`must have at most ${MAX_BOUNDARY_VERTICES} vertices`];
    const crossing = selfIntersection(rings as Position[][], where);
    if (crossing) problems.push(crossing);
  }
  return problems;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** A ring's area on the sphere (the formula of Chamberlain & Duquette, as in d3-geo and Turf), in m². */
function ringAreaM2(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [l1, p1] = ring[i]!;
    const [l2, p2] = ring[i + 1]!;
    sum += rad(l2 - l1) * (2 + Math.sin(rad(p1)) + Math.sin(rad(p2)));
  }
  return Math.abs((sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

/** The area a (valid) polygon or multipolygon covers, in square metres: outer rings less their holes. */
export function polygonAreaM2(geo: Boundary): number {
  let area = 0;
  for (const [outer, ...holes] of polygonsOf(geo)) {
    if (!outer) continue;
    area += ringAreaM2(outer) - holes.reduce((a, h) => a + ringAreaM2(h), 0);
  }
  return area;
}

/** Even-odd ray casting; a point exactly on an edge counts as inside (see `pointInPolygon`). */
function inRing(ring: Position[], [x, y]: Position): boolean | 'edge' {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (orientation([xi, yi], [xj, yj], [x, y]) === 0 && onSegment([xi, yi], [xj, yj], [x, y])) return 'edge';
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Whether a [longitude, latitude] point lies in a polygon or multipolygon: inside an outer ring and not
 * strictly inside one of its holes. Points on an edge count as inside, so a camera on a boundary street is
 * matched rather than silently left out.
 */
export function pointInPolygon(geo: Boundary, point: Position): boolean {
  for (const [outer, ...holes] of polygonsOf(geo)) {
    if (!outer || inRing(outer, point) === false) continue;
    if (holes.every((h) => inRing(h, point) !== true)) return true;
  }
  return false;
}

/**
 * Whether `inner` lies entirely within `outer` (touching its edge allowed): every vertex of inner is in outer,
 * no edge of inner crosses an edge of outer, and no ring of outer (a hole, or another polygon's edge) has a
 * vertex strictly inside inner.
 */
export function polygonWithin(inner: Boundary, outer: Boundary): boolean {
  const innerRings = polygonsOf(inner).flat();
  const outerRings = polygonsOf(outer).flat();
  for (const ring of innerRings) for (const p of ring) if (!pointInPolygon(outer, p)) return false;
  const outerEdges = outerRings.flatMap(edgesOf);
  for (const e of innerRings.flatMap(edgesOf)) if (outerEdges.some((o) => segmentsCross(e, o))) return false;
  for (const ring of outerRings)
    for (const p of ring) {
      if (!pointInPolygon(inner, p)) continue;
      // On inner's edge is fine; strictly inside means outer has a gap (a hole) within the area.
      if (innerRings.every((r) => inRing(r, p) !== 'edge')) return false;
    }
  return true;
}

/** Decimal places a published boundary keeps (1e-7° ≈ 1 cm): one spelling for each coordinate. */
const BOUNDARY_DECIMALS = 1e7;

/** A boundary with every coordinate rounded to 7 decimal places, as it is stored and published. */
export function normaliseBoundary<B extends Boundary>(geo: B): B {
  const round = ([x, y]: Position): Position => [
    Math.round(x * BOUNDARY_DECIMALS) / BOUNDARY_DECIMALS + 0,
    Math.round(y * BOUNDARY_DECIMALS) / BOUNDARY_DECIMALS + 0,
  ];
  return geo.type === 'Polygon'
    ? ({ type: 'Polygon', coordinates: geo.coordinates.map((r) => r.map(round)) } as B)
    : ({ type: 'MultiPolygon', coordinates: geo.coordinates.map((p) => p.map((r) => r.map(round))) } as B);
}

/**
 * The canonical JSON of a (normalised) boundary — keys sorted, no whitespace, numbers in ECMAScript's shortest
 * form as RFC 8785 specifies — whose SHA-256 a `policy.changed` entry publishes as `boundarySha256`.
 */
export function canonicalBoundary(geo: Boundary): string {
  return `{"coordinates":${JSON.stringify(geo.coordinates)},"type":${JSON.stringify(geo.type)}}`;
}
