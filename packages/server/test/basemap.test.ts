import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PMTiles, type Source } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { startTestApp, type TestApp } from './support/app.js';
import { buildPmtiles, testTile } from './support/pmtiles.js';

const URL_PATH = '/tiles/basemap.pmtiles';

let dir: string;
let file: string;
let archive: Buffer;
let t: TestApp;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-pmtiles-'));
  file = path.join(dir, 'area.pmtiles');
  archive = buildPmtiles();
  await fs.writeFile(file, archive);
  t = await startTestApp({ env: { MAP_PMTILES_PATH: file } });
});
afterAll(async () => {
  await t.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const get = (headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  t.app.inject({ method, url: URL_PATH, headers });

describe('the PMTiles basemap (MAP_PMTILES_PATH)', () => {
  it('tells the web app where the basemap is', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/config' });
    expect(res.json()).toMatchObject({ pmtilesUrl: URL_PATH });
  });

  it('answers a range for the header with 206 and the PMTiles v3 magic', async () => {
    const res = await get({ range: 'bytes=0-126' });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 0-126/${archive.length}`);
    expect(res.headers['content-length']).toBe('127');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['etag']).toBeTruthy();
    expect(res.headers['last-modified']).toBeTruthy();
    expect(res.headers['cache-control']).toBe('public, max-age=86400');
    expect(res.rawPayload.toString('latin1', 0, 7)).toBe('PMTiles');
    expect(res.rawPayload[7]).toBe(3);
  });

  it('answers a suffix range with the last bytes of the file', async () => {
    const res = await get({ range: 'bytes=-10' });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(
      `bytes ${archive.length - 10}-${archive.length - 1}/${archive.length}`,
    );
    expect(res.rawPayload).toEqual(archive.subarray(archive.length - 10));
  });

  it('refuses a range past the end with 416, the file size and a problem document', async () => {
    const res = await get({ range: `bytes=${archive.length + 5}-${archive.length + 100}` });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${archive.length}`);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'range_not_satisfiable' });
  });

  it('answers HEAD with the size and no body, and a plain GET with the whole file', async () => {
    const head = await get({}, 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(archive.length));
    expect(head.headers['accept-ranges']).toBe('bytes');
    expect(head.rawPayload.length).toBe(0);
    const whole = await get();
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload).toEqual(archive);
  });

  it('honours If-Range: a matching ETag gets the range, a stale one the whole file', async () => {
    const etag = (await get({}, 'HEAD')).headers['etag'] as string;
    expect((await get({ range: 'bytes=0-6', 'if-range': etag })).statusCode).toBe(206);
    const stale = await get({ range: 'bytes=0-6', 'if-range': '"stale-etag"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(archive.length);
    expect((await get({ 'if-none-match': etag })).statusCode).toBe(304);
  });

  it('is readable by the pmtiles client through range requests: header, metadata and the test tile', async () => {
    const source: Source = {
      getKey: () => URL_PATH,
      getBytes: async (offset, length) => {
        const res = await get({ range: `bytes=${offset}-${offset + length - 1}` });
        expect(res.statusCode).toBe(206);
        const bytes = res.rawPayload;
        return { data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer };
      },
    };
    const pmtiles = new PMTiles(source);
    expect(await pmtiles.getHeader()).toMatchObject({ specVersion: 3, minZoom: 0, maxZoom: 0, tileType: 1 });
    expect(await pmtiles.getMetadata()).toMatchObject({ attribution: 'Porchlight test data' });
    const tile = await pmtiles.getZxy(0, 0, 0);
    // The archive stores the tile gzip'd; the client hands it back decompressed, as MapLibre parses it.
    expect(Buffer.from(tile!.data)).toEqual(gunzipSync(testTile()));
  });
});

describe('MAP_PMTILES_PATH checked at start', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env, dir);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('refuses a path that does not exist, naming it', () => {
    const problems = problemsOf({ MAP_PMTILES_PATH: 'missing.pmtiles' });
    expect(problems).toEqual([
      `MAP_PMTILES_PATH cannot be read (${path.join(dir, 'missing.pmtiles')}: ENOENT)`,
    ]);
  });

  it('refuses a file that is not PMTiles v3', async () => {
    await fs.writeFile(path.join(dir, 'not.pmtiles'), Buffer.alloc(200, 'x'));
    const v2 = Buffer.from(archive);
    v2[7] = 2;
    await fs.writeFile(path.join(dir, 'v2.pmtiles'), v2);
    expect(problemsOf({ MAP_PMTILES_PATH: 'not.pmtiles' })[0]).toMatch(/is not a PMTiles archive/);
    expect(problemsOf({ MAP_PMTILES_PATH: 'v2.pmtiles' })[0]).toMatch(
      /is PMTiles version 2, but only version 3 is supported/,
    );
    expect(problemsOf({ MAP_PMTILES_PATH: '.' })[0]).toMatch(/is not a file/);
  });

  it('serves no basemap, as a 404 problem, when unset', async () => {
    const plain = await startTestApp({ database: t.database });
    try {
      const res = await plain.app.inject({ method: 'GET', url: URL_PATH });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((await plain.app.inject({ method: 'GET', url: '/api/config' })).json()).toMatchObject({
        pmtilesUrl: null,
      });
    } finally {
      await plain.app.close();
    }
  });
});
