import type { LatLng } from '../../geo/cells.js';

/** Where a subscriber listens: their exact home (server-side only), radius, and the area cells covering it. */
export interface LiveArea {
  readonly home: LatLng;
  readonly radiusM: number;
  readonly areaCells: readonly string[];
}

/** Where a change happened, as carried on the bus: its area cell and its display cell's centre. */
export interface LivePlace {
  areaCell: string;
  lat: number;
  lng: number;
}

/** Work done by fan-out since the hub was created; tests and the benchmark read it to check the cost model. */
export interface FanoutStats {
  /** Messages looked up. */
  lookups: number;
  /** Subscribers whose distance was computed: the per-message cost. */
  distanceChecks: number;
  /** Subscribers a message matched. */
  matches: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/**
 * A subscriber with what the distance rule needs precomputed. The rule is the feed's — haversine distance
 * from home to the cell centre at most the radius — rearranged so a check costs two sines: with
 * h = sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2), distance ≤ r exactly when h ≤ sin²(r / 2R).
 */
interface Entry<S> {
  subscriber: S;
  lat: number;
  lng: number;
  cosLat: number;
  maxH: number;
}

function entry<S extends LiveArea>(subscriber: S): Entry<S> {
  const { home, radiusM } = subscriber;
  const half = Math.min(Math.PI / 2, radiusM / (2 * EARTH_RADIUS_M));
  return {
    subscriber,
    lat: home.lat * RAD,
    lng: home.lng * RAD,
    cosLat: Math.cos(home.lat * RAD),
    maxH: Math.sin(half) ** 2,
  };
}

/** A message's place, prepared once per message. */
function target(place: LivePlace) {
  return { lat: place.lat * RAD, lng: place.lng * RAD, cosLat: Math.cos(place.lat * RAD) };
}

function within<S>(e: Entry<S>, t: ReturnType<typeof target>): boolean {
  const sLat = Math.sin((t.lat - e.lat) / 2);
  const sLng = Math.sin((t.lng - e.lng) / 2);
  return sLat * sLat + e.cosLat * t.cosLat * sLng * sLng <= e.maxH;
}

/**
 * The in-process subscriber registry, keyed by area cell (H3 resolution 7). A message for cell X touches only
 * the subscribers registered under X, so delivering a post costs in proportion to the people near it, not to
 * everyone connected. The exact rule matches the feed: the display cell's centre lies within the subscriber's
 * radius of their home.
 */
export class LiveHub<S extends LiveArea> {
  private readonly byCell = new Map<string, Set<Entry<S>>>();
  private readonly entries = new Set<Entry<S>>();
  readonly stats: FanoutStats = { lookups: 0, distanceChecks: 0, matches: 0 };

  /** Registers `subscriber` under each of its area cells. Returns the function that removes it again. */
  add(subscriber: S): () => void {
    const e = entry(subscriber);
    const cells = [...new Set(subscriber.areaCells)];
    for (const cell of cells) {
      let set = this.byCell.get(cell);
      if (!set) {
        set = new Set();
        this.byCell.set(cell, set);
      }
      set.add(e);
    }
    this.entries.add(e);
    return () => {
      if (!this.entries.delete(e)) return;
      for (const cell of cells) {
        const set = this.byCell.get(cell);
        set?.delete(e);
        // Empty cells are dropped so the registry's size follows the live population, not its history.
        if (set?.size === 0) this.byCell.delete(cell);
      }
    };
  }

  /** The subscribers who should see a change at `place`. A subscriber appears once: cells are disjoint. */
  near(place: LivePlace): S[] {
    this.stats.lookups++;
    const candidates = this.byCell.get(place.areaCell);
    if (!candidates) return [];
    const t = target(place);
    const out: S[] = [];
    for (const e of candidates) if (within(e, t)) out.push(e.subscriber);
    this.stats.distanceChecks += candidates.size;
    this.stats.matches += out.length;
    return out;
  }

  /**
   * The naive fan-out the cell key replaces: every subscriber checked with the same rule. Not used to
   * deliver; the benchmark times it and tests compare `near` against it.
   */
  nearScanningAll(place: LivePlace): S[] {
    const t = target(place);
    const out: S[] = [];
    for (const e of this.entries) if (within(e, t)) out.push(e.subscriber);
    return out;
  }

  /** Every registered subscriber, e.g. to close their streams on shutdown. */
  all(): S[] {
    return [...this.entries].map((e) => e.subscriber);
  }

  get subscriberCount(): number {
    return this.entries.size;
  }

  get cellCount(): number {
    return this.byCell.size;
  }
}
