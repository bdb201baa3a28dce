import { distanceMeters, type LatLng } from '../../geo/cells.js';

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

/**
 * The in-process subscriber registry, keyed by area cell (H3 resolution 7). A message for cell X touches only
 * the subscribers registered under X, so delivering a post costs in proportion to the people near it, not to
 * everyone connected. The exact rule matches the feed: the display cell's centre lies within the subscriber's
 * radius of their home.
 */
export class LiveHub<S extends LiveArea> {
  private readonly byCell = new Map<string, Set<S>>();
  private subscribers = 0;
  readonly stats: FanoutStats = { lookups: 0, distanceChecks: 0, matches: 0 };

  /** Registers `subscriber` under each of its area cells. Returns the function that removes it again. */
  add(subscriber: S): () => void {
    const cells = [...new Set(subscriber.areaCells)];
    for (const cell of cells) {
      let set = this.byCell.get(cell);
      if (!set) {
        set = new Set();
        this.byCell.set(cell, set);
      }
      set.add(subscriber);
    }
    this.subscribers++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.subscribers--;
      for (const cell of cells) {
        const set = this.byCell.get(cell);
        set?.delete(subscriber);
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
    const out: S[] = [];
    for (const s of candidates) {
      this.stats.distanceChecks++;
      if (distanceMeters(s.home, place) <= s.radiusM) out.push(s);
    }
    this.stats.matches += out.length;
    return out;
  }

  /** Every registered subscriber, e.g. to close their streams on shutdown. */
  all(): S[] {
    const seen = new Set<S>();
    for (const set of this.byCell.values()) for (const s of set) seen.add(s);
    return [...seen];
  }

  get subscriberCount(): number {
    return this.subscribers;
  }

  get cellCount(): number {
    return this.byCell.size;
  }
}
