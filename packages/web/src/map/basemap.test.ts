import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { basemapFromTopology, builtInStyle } from './basemap';
import { contains, describePlace } from './places';

const require = createRequire(import.meta.url);
const topology = JSON.parse(
  readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'),
) as Parameters<typeof basemapFromTopology>[0];
const basemap = basemapFromTopology(topology);

describe('built-in basemap', () => {
  it('has every Natural Earth country with a name, land and shared borders', () => {
    expect(basemap.countries.length).toBeGreaterThan(200);
    expect(basemap.countries.every((c) => c.properties.name.length > 0)).toBe(true);
    expect(basemap.land.features.length).toBeGreaterThan(0);
    expect(basemap.borders.geometry.coordinates.length).toBeGreaterThan(100);
  });

  it('draws water, land, coast and borders with no network sources', () => {
    const style = builtInStyle(basemap);
    expect(style.layers.map((l) => l.id)).toEqual(['background', 'land', 'coast', 'borders']);
    expect(
      Object.values(style.sources).every((s) => s.type === 'geojson' && typeof s.data === 'object'),
    ).toBe(true);
    expect(style.glyphs).toBeUndefined();
  });
});

describe('place names without a geocoder', () => {
  it('names the country a point falls in', () => {
    expect(describePlace(basemap.countries, { lat: 45.5152, lng: -122.6784 })).toBe(
      'United States of America',
    );
    expect(describePlace(basemap.countries, { lat: 51.5072, lng: -0.1276 })).toBe('United Kingdom');
    expect(describePlace(basemap.countries, { lat: -33.8688, lng: 151.2093 })).toBe('Australia');
  });

  it('says a point in the sea is at sea, naming the nearest country', () => {
    expect(describePlace(basemap.countries, { lat: 50.2, lng: -5.9 })).toBe('at sea, nearest United Kingdom');
  });

  it('respects holes: Lesotho is not South Africa', () => {
    const za = basemap.countries.find((c) => c.properties.name === 'South Africa')!;
    expect(contains(za, { lat: -29.6, lng: 28.2 })).toBe(false);
    expect(describePlace(basemap.countries, { lat: -29.6, lng: 28.2 })).toBe('Lesotho');
  });
});
