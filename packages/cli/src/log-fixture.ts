/**
 * Test fixtures: real tlog-tiles logs built with @porchlight/tlog, served from memory or over HTTP. Used by the
 * tests only; kept out of the `*.test.ts` pattern so several test files can share it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cosignatureSigner,
  ed25519Signer,
  encodeEntry,
  encodeEntryBundle,
  entriesPath,
  ENTRY_SCHEMA,
  formatCheckpoint,
  generateSigner,
  leafHash,
  MemoryTree,
  signNote,
  tileContents,
  tilePath,
  tilesForSize,
} from '@porchlight/tlog';
import type { Entry, NoteSigner } from '@porchlight/tlog';
import type { Fetch } from './fetch-log.js';

export const ORIGIN = 'porchlight.test/log';

/** A log's published files by path under its base URL (`checkpoint`, `key`, `tile/…`). */
export type LogFiles = Map<string, Uint8Array>;

export interface LogKeys {
  readonly skey: string;
  readonly vkey: string;
}

export function logKeys(origin = ORIGIN): LogKeys {
  return generateSigner(origin);
}

const MODERATOR = 7;
/** Entries name a key; one fixed key keeps {@link makeEntries} deterministic, so logs share prefixes. */
const ENTRY_KEY = logKeys().vkey;

/**
 * `count` valid entries with seq `first`, `first + 1`, …: entry i has type `ENTRY_TYPES[i % 7]` and falls in
 * month `2026-01 + floor(i / 150)`, so 600 entries span four months of 150.
 */
export function makeEntries(count: number, first = 1, reason = 'violates the posting rules'): Entry[] {
  const vkey = ENTRY_KEY;
  return Array.from({ length: count }, (_, n): Entry => {
    const i = first - 1 + n;
    const seq = first + n;
    const time = new Date(Date.UTC(2026, Math.floor(i / 150), 1 + (i % 28), 12, 0, i % 60))
      .toISOString()
      .replace('.000Z', 'Z');
    const common = { schema: ENTRY_SCHEMA, seq, time } as const;
    const post = 1000 + i;
    switch (i % 7) {
      case 0:
        return { ...common, type: 'instance.created', data: { origin: ORIGIN, key: vkey } };
      case 1:
        return { ...common, type: 'log.key_rotated', data: { old: vkey, new: vkey } };
      case 2:
        return { ...common, type: 'moderation.hidden', data: { post, moderator: MODERATOR, reason } };
      case 3:
        return { ...common, type: 'moderation.restored', data: { post, moderator: MODERATOR, reason } };
      case 4:
        return { ...common, type: 'appeal.filed', data: { post } };
      case 5:
        return {
          ...common,
          type: 'appeal.decided',
          data: { post, moderator: MODERATOR, outcome: 'upheld', reason },
        };
      default:
        return {
          ...common,
          type: 'role.changed',
          data: { admin: 1, from: 'resident', to: 'moderator', reason },
        };
    }
  });
}

export interface BuildOptions {
  readonly keys: LogKeys;
  readonly origin?: string;
  /** Witness signer keys whose cosignatures the checkpoint carries. */
  readonly witnesses?: readonly string[];
}

/** Builds every file of a log whose leaves are `entries` (entries, or raw leaf bytes for invalid ones). */
export async function buildLog(
  entries: readonly (Entry | Uint8Array)[],
  options: BuildOptions,
): Promise<LogFiles> {
  const leaves = entries.map((e) => (e instanceof Uint8Array ? e : encodeEntry(e)));
  const tree = new MemoryTree();
  tree.append(...leaves.map(leafHash));
  const files: LogFiles = new Map();
  for (const tile of tilesForSize(leaves.length)) {
    files.set(tilePath(tile.level, tile.index, tile.width), await tileContents(tile, tree));
    if (tile.level === 0) {
      const first = tile.index * 256;
      files.set(
        entriesPath(tile.index, tile.width),
        encodeEntryBundle(leaves.slice(first, first + tile.width)),
      );
    }
  }
  const signers: NoteSigner[] = [
    ed25519Signer(options.keys.skey),
    ...(options.witnesses ?? []).map((w) => cosignatureSigner(w)),
  ];
  const text = formatCheckpoint({
    origin: options.origin ?? ORIGIN,
    size: leaves.length,
    rootHash: await tree.root(),
    extensions: [],
  });
  files.set('checkpoint', utf8(signNote(text, signers)));
  files.set('key', utf8(`${options.keys.vkey}\n`));
  return files;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A copy of `files` with `path` replaced by `edit` of its contents. */
export function edited(files: LogFiles, path: string, edit: (data: Uint8Array) => Uint8Array): LogFiles {
  const data = files.get(path);
  if (data === undefined) throw new Error(`no ${path} in the fixture`);
  return new Map(files).set(path, edit(data.slice()));
}

/** A `fetch` answering from `files()` under `base`, with 404 for anything else. Counts requests per path. */
export function memoryFetch(base: string, files: () => LogFiles): Fetch & { requests: string[] } {
  const requests: string[] = [];
  const fetch = (url: string) => {
    const path = url.startsWith(`${base}/`) ? url.slice(base.length + 1) : url;
    requests.push(path);
    const body = files().get(path);
    return Promise.resolve(
      body === undefined
        ? new Response('not found', { status: 404, statusText: 'Not Found' })
        : new Response(body),
    );
  };
  return Object.assign(fetch, { requests });
}

/** Serves `files()` under `/log/` on 127.0.0.1 at a free port. */
export async function serveLog(files: () => LogFiles): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const path = request.url?.startsWith('/log/') ? request.url.slice('/log/'.length) : undefined;
    const body = path === undefined ? undefined : files().get(path);
    if (body === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/log`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      }),
  };
}
