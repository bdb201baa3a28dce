import type { MapOptions } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { call } from '../api/problem';

export type MapStyle = NonNullable<MapOptions['style']>;

declare global {
  interface Window {
    /** A MapLibre style URL or style object, set by the operator before the app loads. */
    PORCHLIGHT_MAP_STYLE?: MapStyle;
  }
}

/**
 * The map style used when no tile server is configured: a plain background. Porchlight's own overlays (home
 * cell, radius, post cells) carry the meaning, so the map is useful without any third-party tiles.
 */
export const BLANK_STYLE: MapStyle = {
  version: 8,
  name: 'Porchlight (no tiles)',
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8edf1' } }],
};

let resolved: Promise<MapStyle> | undefined;

/**
 * The style to draw, decided once per page load: `window.PORCHLIGHT_MAP_STYLE`, else the server's
 * `MAP_STYLE_URL` (from `GET /api/config`), else the build-time `VITE_MAP_STYLE_URL`, else the tile-less style.
 */
export function resolveMapStyle(): Promise<MapStyle> {
  const fallback = (): MapStyle => import.meta.env.VITE_MAP_STYLE_URL || BLANK_STYLE;
  if (window.PORCHLIGHT_MAP_STYLE) return Promise.resolve(window.PORCHLIGHT_MAP_STYLE);
  resolved ??= call(api.GET('/api/config'))
    .then((config) => config.mapStyleUrl ?? fallback())
    .catch(fallback);
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
