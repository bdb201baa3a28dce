import type { MapOptions } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call } from '../api/problem';
import { builtInStyle, loadBasemap } from './basemap';

export type MapStyle = NonNullable<MapOptions['style']>;

declare global {
  interface Window {
    /** A MapLibre style URL or style object, set by the operator before the app loads. */
    PORCHLIGHT_MAP_STYLE?: MapStyle;
  }
}

/**
 * The last-resort style: a plain background, used only when neither a configured style nor the built-in
 * Natural Earth data can be loaded. Porchlight's own overlays (home cell, radius, post cells) still show.
 */
export const BLANK_STYLE: MapStyle = {
  version: 8,
  name: 'Porchlight (no tiles)',
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8edf1' } }],
};

let resolved: Promise<MapStyle> | undefined;
let clientConfig:
  Promise<{ mapStyleUrl: string | null; pmtilesUrl: string | null; geocoder: boolean } | null> | undefined;

/** `GET /api/config`, fetched once per page load; null when the server could not be asked. */
function loadClientConfig() {
  clientConfig ??= call(api.GET('/api/config')).catch(() => null);
  return clientConfig;
}

/** Whether this server has address search (GEOCODER_URL); the UI hides search when it has not. */
export async function geocoderEnabled(): Promise<boolean> {
  return (await loadClientConfig())?.geocoder ?? false;
}

/** Whether a style is one Porchlight ships (built-in Natural Earth or blank) rather than an operator's. */
export function isBuiltIn(style: MapStyle | undefined): boolean {
  return (
    typeof style === 'object' && (style === BLANK_STYLE || style.name?.startsWith('Porchlight') === true)
  );
}

/** The built-in Natural Earth world map, or the blank style if its data cannot be fetched. */
function offlineStyle(): Promise<MapStyle> {
  return loadBasemap()
    .then(builtInStyle)
    .catch(() => BLANK_STYLE);
}

/** The Protomaps street style over the server's PMTiles file; its code is loaded only on servers that have one. */
function pmtilesStyle(path: string): Promise<MapStyle> {
  return import('./pmtiles').then((m) => m.pmtilesStyle(path)).catch(offlineStyle);
}

/**
 * The style to draw, decided once per page load: `window.PORCHLIGHT_MAP_STYLE`, else the server's
 * `MAP_STYLE_URL` (from `GET /api/config`), else the build-time `VITE_MAP_STYLE_URL`, else the street basemap
 * the server serves from a PMTiles file (`MAP_PMTILES_PATH`), else the built-in offline world map, so a fresh
 * install with no internet still shows land, water and borders.
 */
export function resolveMapStyle(): Promise<MapStyle> {
  if (window.PORCHLIGHT_MAP_STYLE) return Promise.resolve(window.PORCHLIGHT_MAP_STYLE);
  resolved ??= loadClientConfig().then((config) => {
    if (config?.mapStyleUrl) return config.mapStyleUrl;
    if (import.meta.env.VITE_MAP_STYLE_URL) return import.meta.env.VITE_MAP_STYLE_URL;
    if (config?.pmtilesUrl) return pmtilesStyle(config.pmtilesUrl);
    return offlineStyle();
  });
  return resolved;
}

/** The resolved map style, or undefined while it is being looked up. */
export function useMapStyle(): MapStyle | undefined {
  const [style, setStyle] = useState<MapStyle | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void resolveMapStyle().then((s) => {
      if (live) setStyle(s);
    });
    return () => {
      live = false;
    };
  }, []);
  return style;
}
