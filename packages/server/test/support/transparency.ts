import {
  decodeEntry,
  decodeEntryBundle,
  ed25519Verifier,
  entriesPath,
  inclusionProof,
  leafHash,
  readTreeRoot,
  rootFromLeafHashes,
  tileHashReader,
  tilePath,
  TILE_WIDTH,
  verifyCheckpoint,
  verifyInclusion,
  type Checkpoint,
  type Entry,
  type TileReader,
} from '@porchlight/tlog';
import { expect } from 'vitest';
import type { App } from '../../src/http/types.js';

/** The log origin the transparency tests configure. */
export const LOG_ORIGIN = 'porchlight.test/log';

/** GETs a log resource and expects 200. */
export async function getLog(app: App, path: string): Promise<Uint8Array> {
  const res = await app.inject({ method: 'GET', url: `/log/${path}` });
  expect(res.statusCode, `GET /log/${path}: ${res.body}`).toBe(200);
  return new Uint8Array(res.rawPayload);
}

/** Reads hash tiles over HTTP, the way an outside auditor would. */
export function httpTileReader(app: App): TileReader {
  return {
    readTiles: (tiles) => Promise.all(tiles.map((t) => getLog(app, tilePath(t.level, t.index, t.width)))),
  };
}

export interface AuditedLog {
  checkpoint: Checkpoint;
  note: string;
  vkey: string;
  /** Each entry's bytes as served in the entry bundles. */
  raw: Uint8Array[];
  entries: Entry[];
}

/**
 * Audits the served log end to end, as the CLI would: verifies the checkpoint with `/log/key`, fetches every
 * entry bundle, decodes and validates each entry, recomputes the root from the entries and from the hash tiles,
 * and checks an inclusion proof (built from HTTP tiles) for every entry, or for `proofs` entries spread over
 * the log (large logs).
 */
export async function auditLog(
  app: App,
  options: { origin?: string; proofs?: number } = {},
): Promise<AuditedLog> {
  const origin = options.origin ?? LOG_ORIGIN;
  const vkey = new TextDecoder().decode(await getLog(app, 'key'));
  const note = new TextDecoder().decode(await getLog(app, 'checkpoint'));
  const { checkpoint } = verifyCheckpoint(note, origin, [ed25519Verifier(vkey)]);
  const size = checkpoint.size;
  const raw: Uint8Array[] = [];
  for (let i = 0; i * TILE_WIDTH < size; i++) {
    raw.push(
      ...decodeEntryBundle(await getLog(app, entriesPath(i, Math.min(TILE_WIDTH, size - i * TILE_WIDTH)))),
    );
  }
  expect(raw).toHaveLength(size);
  const entries = raw.map((bytes) => decodeEntry(bytes));
  const leaves = raw.map(leafHash);
  expect(rootFromLeafHashes(leaves)).toEqual(checkpoint.rootHash);
  const tiles = tileHashReader(size, httpTileReader(app));
  expect(await readTreeRoot(size, tiles)).toEqual(checkpoint.rootHash);
  const stride = options.proofs ? Math.max(1, Math.floor(size / options.proofs)) : 1;
  for (let i = 0; i < size; i += stride) {
    verifyInclusion(i, size, leaves[i]!, await inclusionProof(i, size, tiles), checkpoint.rootHash);
  }
  return { checkpoint, note, vkey, raw, entries };
}
