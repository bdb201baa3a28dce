import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import type { Country } from './places';

/** The built-in world map: Natural Earth 1:50m land and country borders, shipped with the app. */
export interface Basemap {
  countries: Country[];
  land: GeoJSON.FeatureCollection;
  borders: GeoJSON.Feature<GeoJSON.MultiLineString>;
}

type Countries = Topology<{ countries: GeometryCollection<{ name: string }>; land: GeometryCollection }>;

/** Converts world-atlas TopoJSON to the GeoJSON MapLibre draws; borders are shared arcs only, drawn once. */
export function basemapFromTopology(topology: Countries): Basemap {
  const countries = feature(topology, topology.objects.countries).features as Country[];
  const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b);
  return {
    countries,
    land: feature(topology, topology.objects.land),
    borders: { type: 'Feature', properties: {}, geometry: borders },
  };
}

let loading: Promise<Basemap> | undefined;

/**
 * Fetches the bundled Natural Earth data (a ~750 kB static asset served by this server, so no internet is
 * needed) once per page load.
 */
export function loadBasemap(): Promise<Basemap> {
  loading ??= fetch(countriesUrl)
    .then((res) => {
      if (!res.ok) throw new Error(`basemap: HTTP ${res.status}`);
      return res.json() as Promise<Countries>;
    })
    .then(basemapFromTopology)
    .catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
  return loading;
}

/** Colours of the built-in map: muted, so Porchlight's own overlays (home, radius, posts) stand out. */
export const BASEMAP_COLOURS = { water: '#cadbe6', land: '#f1efe6', coast: '#9fb4c2', border: '#b39f86' };

/**
 * The built-in style: water as the background, land on top, coastlines and country borders. It has no text
 * layers because labels need a glyph server; place names come from the geocoder or {@link describePlace}.
 */
export function builtInStyle(basemap: Basemap): StyleSpecification {
  return {
    version: 8,
    name: 'Porchlight built-in (Natural Earth)',
    sources: {
      land: {
        type: 'geojson',
        data: basemap.land,
        attribution: 'Natural Earth',
      },
      borders: { type: 'geojson', data: basemap.borders },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BASEMAP_COLOURS.water } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': BASEMAP_COLOURS.land } },
      {
        id: 'coast',
        type: 'line',
        source: 'land',
        paint: { 'line-color': BASEMAP_COLOURS.coast, 'line-width': 0.8 },
      },
      {
        id: 'borders',
        type: 'line',
        source: 'borders',
        paint: { 'line-color': BASEMAP_COLOURS.border, 'line-width': 1, 'line-dasharray': [3, 2] },
      },
    ],
  };
}
