import { api } from '../api/client';
import { call } from '../api/problem';

/**
 * Where the browser reads the public transparency log from. The log is untrusted: everything read here is
 * checked against the pinned log key and the last checkpoint this browser saw before it is believed.
 */
export interface LogSource {
  /** The log's verifier key (`GET /log/key`). */
  key(): Promise<string>;
  /** The current signed checkpoint note (`GET /log/checkpoint`). */
  checkpoint(): Promise<string>;
  /** A c2sp.org/tlog-proof@v1 document for leaf `index` (`GET /log/proof/<index>`). */
  proof(index: number): Promise<string>;
  /** A hash tile by its C2SP path, e.g. `tile/0/001.p/7` (`GET /log/<path>`). */
  tile(path: string): Promise<Uint8Array>;
  /** The checkpoint the log signed at exactly `size`, e.g. a key rotation's (`GET /log/checkpoints/<size>`). */
  checkpointAt(size: number): Promise<string>;
  /** Leaf indexes of `log.key_rotated` entries: hints only, each is proven before it is believed. */
  rotations(): Promise<number[]>;
}

/** The log served by this Porchlight instance under `/log/`. */
export function httpLog(base = '/log'): LogSource {
  const get = async (path: string): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(`${base}/${path}`, { cache: 'no-store' });
    } catch {
      throw new Error(`the transparency log could not be reached (${path})`);
    }
    if (!res.ok) throw new Error(`the transparency log answered ${res.status} for ${path}`);
    return res;
  };
  return {
    key: async () => (await (await get('key')).text()).trim(),
    checkpoint: async () => (await get('checkpoint')).text(),
    proof: async (index) => (await get(`proof/${index}`)).text(),
    tile: async (path) => new Uint8Array(await (await get(path)).arrayBuffer()),
    checkpointAt: async (size) => (await get(`checkpoints/${size}`)).text(),
    rotations: async () => {
      const page = await call(
        api.GET('/api/transparency/entries', { params: { query: { type: 'log.key_rotated', limit: 100 } } }),
      );
      return page.items.map((i) => i.index);
    },
  };
}
