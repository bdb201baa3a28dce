import type { GeoJSONSource } from 'maplibre-gl';
import { useEffect } from 'react';
import { cellPolygon, collection } from '../map/geometry';
import { useMap } from '../map/useMap';
import { shadeOf, type CellShade } from './cellShades';

export interface CellCountMapProps {
  label: string;
  /** H3 resolution-8 cell → requests counted in it: all the log holds of where (G8). */
  counts: Readonly<Record<string, number>>;
  shades: readonly CellShade[];
}

/** The counted cells on a map, each shaded by its count (the legend beside it says the ranges). */
export default function CellCountMap({ label, counts, shades }: CellCountMapProps) {
  const { container, map, failure } = useMap(label, null, (m) => {
    m.addSource('cells', { type: 'geojson', data: collection([]) });
    m.addLayer({
      id: 'cells-fill',
      type: 'fill',
      source: 'cells',
      paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.7 },
    });
    m.addLayer({
      id: 'cells-line',
      type: 'line',
      source: 'cells',
      paint: { 'line-color': '#08306b', 'line-width': 1 },
    });
  });

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

  if (failure !== null)
    return (
      <div className="map map--unavailable" role="img" aria-label={label}>
        <p>The map can’t be shown in this browser. The cells are listed in the table.</p>
      </div>
    );
  return <div className="map request-map" ref={container} role="region" aria-label={label} />;
}
