import 'maplibre-gl/dist/maplibre-gl.css';
import '../map/controls.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Map as MapLibre, NavigationControl, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { cellPolygon, collection } from '../map/geometry';
import { BLANK_STYLE, useMapStyle } from '../map/style';
import { shadeOf, type CellShade } from './cellShades';

setWorkerUrl(workerUrl);

export interface CellCountMapProps {
  label: string;
  /** H3 resolution-8 cell → requests counted in it: all the log holds of where (G8). */
  counts: Readonly<Record<string, number>>;
  shades: readonly CellShade[];
}

/** The counted cells on a map, each shaded by its count (the legend beside it says the ranges). */
export default function CellCountMap({ label, counts, shades }: CellCountMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibre | null>(null);
  const [failed, setFailed] = useState(false);
  const style = useMapStyle();

  useEffect(() => {
    const el = container.current;
    if (!el || !style) return;
    let created: MapLibre;
    try {
      created = new MapLibre({
        container: el,
        style,
        center: [0, 25],
        zoom: 1,
        dragRotate: false,
        touchPitch: false,
        cooperativeGestures: true,
        attributionControl: { compact: true },
      });
    } catch {
      setFailed(true);
      return;
    }
    created.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    created.getCanvas().setAttribute('aria-label', `${label}. Use arrow keys to pan and + or − to zoom.`);
    created.on('load', () => {
      created.addSource('cells', { type: 'geojson', data: collection([]) });
      created.addLayer({
        id: 'cells-fill',
        type: 'fill',
        source: 'cells',
        paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.7 },
      });
      created.addLayer({
        id: 'cells-line',
        type: 'line',
        source: 'cells',
        paint: { 'line-color': '#08306b', 'line-width': 1 },
      });
      setMap(created);
    });
    created.on('error', () => {
      if (!created.isStyleLoaded() && style !== BLANK_STYLE) created.setStyle(BLANK_STYLE);
    });
    return () => {
      setMap(null);
      created.remove();
    };
  }, [style]);

  const key = JSON.stringify(counts);
  useEffect(() => {
    if (!map) return;
    const polygons = Object.entries(counts).map(([cell, n]) =>
      cellPolygon(cell, { cell, count: n, colour: shadeOf(shades, n) }),
    );
    void map.getSource<GeoJSONSource>('cells')?.setData(collection(polygons));
    const ring = polygons.flatMap((p) => p.geometry.coordinates[0] ?? []);
    if (ring.length === 0) return;
    const lngs = ring.map(([lng = 0]) => lng);
    const lats = ring.map(([, lat = 0]) => lat);
    map.fitBounds(
      [
        [Math.min(...lngs), Math.min(...lats)],
        [Math.max(...lngs), Math.max(...lats)],
      ],
      { padding: 24, duration: 0, maxZoom: 15 },
    );
  }, [map, key]);

  if (failed)
    return (
      <div className="map map--unavailable" role="img" aria-label={label}>
        <p>The map can’t be shown in this browser. The cells are listed in the table.</p>
      </div>
    );
  return <div className="map request-map" ref={container} role="region" aria-label={label} />;
}
