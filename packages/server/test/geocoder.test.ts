import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { startFakeGeocoder, type FakeGeocoder } from './support/photon.js';

let photon: FakeGeocoder;
let nominatim: FakeGeocoder;
let withPhoton: TestApp;
let withNominatim: TestApp;
let without: TestApp;

beforeAll(async () => {
  photon = await startFakeGeocoder('photon');
  nominatim = await startFakeGeocoder('nominatim');
  withPhoton = await startTestApp({ env: { GEOCODER_URL: `${photon.url}/` } });
  withNominatim = await startTestApp({
    env: { GEOCODER_URL: nominatim.url, GEOCODER_KIND: 'nominatim' },
    database: withPhoton.database,
  });
  without = await startTestApp({ database: withPhoton.database });
});
afterAll(async () => {
  await without.close();
  await withNominatim.close();
  await withPhoton.close();
  await photon.close();
  await nominatim.close();
});

describe('address search through a Photon geocoder', () => {
  it('finds an address and names it most specific part first', async () => {
    const u = await makeUser(withPhoton, { home: null });
    const res = await u.api.GET('/api/geocode', { params: { query: { q: '701 SW Broadway Portland' } } });
    expect(res.response.status).toBe(200);
    expect(res.data?.results).toEqual([
      {
        name: 'Pioneer Courthouse Square, SW Broadway 701, 97205 Portland, Oregon, United States',
        lat: 45.5189,
        lng: -122.6793,
      },
    ]);
    expect(photon.requests.at(-1)).toBe('/api?q=701+SW+Broadway+Portland&limit=5');
  });

  it('answers an empty list when nothing matches', async () => {
    const u = await makeUser(withPhoton, { home: null });
    const res = await u.api.GET('/api/geocode', { params: { query: { q: 'Atlantis' } } });
    expect(res.data).toEqual({ results: [] });
  });

  it('names the place at a point, and null in the open sea', async () => {
    const u = await makeUser(withPhoton, { home: null });
    const near = await u.api.GET('/api/geocode/reverse', {
      params: { query: { lat: 45.5121, lng: -122.6318 } },
    });
    expect(near.data?.place?.name).toBe('SE Hawthorne Blvd 3200, 97214 Portland, Oregon, United States');
    expect(photon.requests.at(-1)).toBe('/reverse?lat=45.5121&lon=-122.6318&limit=1');
    const sea = await u.api.GET('/api/geocode/reverse', { params: { query: { lat: 30, lng: -40 } } });
    expect(sea.data).toEqual({ place: null });
  });

  it('is for signed-in users only: the geocoder is not an open proxy', async () => {
    const anon = await new TestUser(withPhoton.app).begin();
    const before = photon.requests.length;
    const res = await anon.api.GET('/api/geocode', { params: { query: { q: 'Portland' } } });
    expect(res.response.status).toBe(401);
    expect(photon.requests.length).toBe(before);
  });

  it.each([
    ['/api/geocode', '/querystring/q'],
    ['/api/geocode?q=', '/querystring/q'],
    [`/api/geocode?q=${'x'.repeat(201)}`, '/querystring/q'],
    ['/api/geocode?q=%20%20', '/querystring/q'],
    ['/api/geocode/reverse?lat=91&lng=0', '/querystring/lat'],
    ['/api/geocode/reverse?lat=0&lng=abc', '/querystring/lng'],
    ['/api/geocode/reverse?lat=0', '/querystring/lng'],
  ])('refuses %s naming %s', async (url, field) => {
    const u = await makeUser(withPhoton, { home: null });
    const res = await u.raw('GET', url);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ field })],
    });
  });

  it('says the geocoder did not answer (502) when it fails or is gone, without a 5xx of its own making', async () => {
    const u = await makeUser(withPhoton, { home: null });
    photon.failWith = 500;
    try {
      const res = await u.api.GET('/api/geocode', { params: { query: { q: 'Portland' } } });
      expect(res.response.status).toBe(502);
      expect(res.error).toMatchObject({ code: 'geocoder_unavailable' });
      expect(res.error?.detail).toContain('HTTP 500');
    } finally {
      photon.failWith = 0;
    }
    const gone = await startFakeGeocoder();
    await gone.close();
    const app = await startTestApp({ env: { GEOCODER_URL: gone.url }, database: withPhoton.database });
    try {
      const v = await makeUser(app, { home: null });
      const res = await v.api.GET('/api/geocode/reverse', { params: { query: { lat: 45.5, lng: -122.6 } } });
      expect(res.response.status).toBe(502);
      expect(res.error).toMatchObject({ code: 'geocoder_unavailable' });
    } finally {
      await app.close();
    }
  });
});

describe('a Nominatim geocoder', () => {
  it('searches and reverse-geocodes with format=jsonv2', async () => {
    const u = await makeUser(withNominatim, { home: null });
    const res = await u.api.GET('/api/geocode', { params: { query: { q: 'Rynek Kraków' } } });
    expect(res.data?.results).toEqual([{ name: 'Rynek Główny, Kraków, Poland', lat: 50.0617, lng: 19.9373 }]);
    expect(nominatim.requests.at(-1)).toContain('format=jsonv2');
    const rev = await u.api.GET('/api/geocode/reverse', {
      params: { query: { lat: 50.0618, lng: 19.9372 } },
    });
    expect(rev.data?.place?.name).toBe('Rynek Główny, Kraków, Poland');
    const sea = await u.api.GET('/api/geocode/reverse', { params: { query: { lat: 0, lng: 0 } } });
    expect(sea.data).toEqual({ place: null });
  });
});

describe('no geocoder configured', () => {
  it('tells the web app whether address search is on, so it can hide the search box', async () => {
    const on = await new TestUser(withPhoton.app).api.GET('/api/config');
    const off = await new TestUser(without.app).api.GET('/api/config');
    expect(on.data?.geocoder).toBe(true);
    expect(off.data?.geocoder).toBe(false);
  });

  it('answers 404 geocoder_not_configured for search and reverse', async () => {
    const u = await makeUser(without, { home: null });
    for (const res of [
      await u.api.GET('/api/geocode', { params: { query: { q: 'Portland' } } }),
      await u.api.GET('/api/geocode/reverse', { params: { query: { lat: 45.5, lng: -122.6 } } }),
    ]) {
      expect(res.response.status).toBe(404);
      expect(res.error).toMatchObject({ code: 'geocoder_not_configured' });
    }
  });

  it('refuses a GEOCODER_URL that is not http(s) and an unknown GEOCODER_KIND at start', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(() => loadConfig({ GEOCODER_URL: 'ftp://x', GEOCODER_KIND: 'google' })).toThrow(
      /GEOCODER_URL must use http: or https:[\s\S]*GEOCODER_KIND must be "photon" or "nominatim"/,
    );
  });
});
