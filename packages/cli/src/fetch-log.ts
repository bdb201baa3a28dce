import { decodeEntryBundle, entriesPath, TILE_WIDTH, tilePath } from '@porchlight/tlog';
import type { Tile } from '@porchlight/tlog';

/** The part of the WHATWG `fetch` the auditor uses; tests pass their own. */
export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** A request to the log that failed at the network or HTTP level (exit code 2), as opposed to a bad log. */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${url}: ${detail}`);
    this.name = 'HttpError';
  }
}

const HASH_SIZE = 32;
const TIMEOUT_MS = 60_000;

/** Reads a C2SP tlog-tiles log (plus Porchlight's `/key`) served under a base URL. */
export class LogClient {
  readonly #base: string;
  readonly #fetch: Fetch;

  constructor(baseUrl: string, fetch: Fetch) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#fetch = fetch;
  }

  /** The absolute URL of a path under the log. */
  url(path: string): string {
    return `${this.#base}/${path}`;
  }

  /** The signed checkpoint note. */
  async checkpoint(): Promise<string> {
    return new TextDecoder().decode(await this.#get('checkpoint'));
  }

  /** The log's verifier key as the server publishes it (not to be trusted without a check). */
  async key(): Promise<string> {
    return new TextDecoder().decode(await this.#get('key')).trim();
  }

  /** The contents of a hash tile: exactly `tile.width` hashes. */
  async tile(tile: Tile): Promise<Uint8Array> {
    const data = await this.#getPartial(
      (width) => tilePath(tile.level, tile.index, width),
      tile.width,
      (full) => full.subarray(0, tile.width * HASH_SIZE),
    );
    if (data.length !== tile.width * HASH_SIZE) {
      throw new LogFormatError(
        `${tilePath(tile.level, tile.index, tile.width)}: has ${data.length} bytes, expected ${tile.width * HASH_SIZE}`,
      );
    }
    return data;
  }

  /** The entries of leaves `[index * 256, index * 256 + width)`, from their entry bundle. */
  async entries(index: number, width: number): Promise<Uint8Array[]> {
    const path = entriesPath(index, width);
    let entries: Uint8Array[] | undefined;
    const data = await this.#getPartial(
      (w) => entriesPath(index, w),
      width,
      (full) => {
        entries = decodeBundle(path, full).slice(0, width);
        return full;
      },
    );
    entries ??= decodeBundle(path, data);
    if (entries.length !== width) {
      throw new LogFormatError(`${path}: has ${entries.length} entries, expected ${width}`);
    }
    return entries;
  }

  /**
   * Fetches a possibly partial tile. tlog-tiles lets a log drop a partial tile once the full one exists, and
   * tells clients to fall back to the full tile and use its prefix.
   */
  async #getPartial(
    path: (width: number) => string,
    width: number,
    cut: (full: Uint8Array) => Uint8Array,
  ): Promise<Uint8Array> {
    try {
      return await this.#get(path(width));
    } catch (err) {
      if (width === TILE_WIDTH || !(err instanceof HttpError) || err.status !== 404) throw err;
      try {
        return cut(await this.#get(path(TILE_WIDTH)));
      } catch (fallback) {
        // Neither exists: the partial tile is the one the checkpoint promised, so name it.
        throw fallback instanceof HttpError && fallback.status === 404 ? err : fallback;
      }
    }
  }

  /** A jurisdiction boundary by the hash a `policy.changed` entry logs: the exact bytes that were hashed. */
  boundary(sha256: string): Promise<Uint8Array> {
    return this.#get(`boundary/${sha256}`);
  }

  async #get(path: string): Promise<Uint8Array> {
    const url = this.url(path);
    let response: Response;
    try {
      response = await this.#fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new HttpError(url, undefined, err instanceof Error ? err.message : String(err));
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new HttpError(url, response.status, `HTTP ${response.status} ${response.statusText}`.trim());
    }
    return new Uint8Array(await response.arrayBuffer());
  }
}

/** Something the log served that is not what the format allows; an audit failure, not a network error. */
export class LogFormatError extends Error {
  override name = 'LogFormatError';
}

function decodeBundle(path: string, data: Uint8Array): Uint8Array[] {
  try {
    return decodeEntryBundle(data);
  } catch (err) {
    throw new LogFormatError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
