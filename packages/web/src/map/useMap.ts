import 'maplibre-gl/dist/maplibre-gl.css';
import './controls.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Map as MapLibre, NavigationControl, setWorkerUrl } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { BLANK_STYLE, useMapStyle } from './style';

setWorkerUrl(workerUrl);

/**
 * A MapLibre map on the app's style (tile-less by default) in `container`, announced to screen readers as
 * `label`. `setup` adds its sources and layers once the style has loaded; `map` is set from then on, so
 * effects can fill the sources. `failure` says why no map could be made (no WebGL), so the caller shows its
 * table or list instead.
 */
export function useMap(label: string, centre: [number, number] | null, setup: (map: MapLibre) => void) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibre | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const style = useMapStyle();
  const setupRef = useRef(setup);

  useEffect(() => {
    const el = container.current;
    if (!el || !style) return;
    let created: MapLibre;
    try {
      created = new MapLibre({
        container: el,
        style,
        center: centre ?? [0, 25],
        zoom: centre ? 13 : 1,
        dragRotate: false,
        touchPitch: false,
        cooperativeGestures: true,
        attributionControl: { compact: true },
      });
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
      return;
    }
    created.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    created.getCanvas().setAttribute('aria-label', `${label}. Use arrow keys to pan and + or − to zoom.`);
    created.on('load', () => {
      setupRef.current(created);
      setMap(created);
    });
    created.on('error', () => {
      // A configured tile style that fails to load: the overlays carry the meaning on a blank map too.
      if (!created.isStyleLoaded() && style !== BLANK_STYLE) created.setStyle(BLANK_STYLE);
    });
    return () => {
      setMap(null);
      created.remove();
    };
    // Created once the style is known; later changes update the sources.
  }, [style]);

  return { container, map, failure };
}
