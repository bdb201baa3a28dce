import type { Map as MapLibre, GeoJSONSource } from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { cellPolygon, collection } from '../map/geometry';
import { useMap } from '../map/useMap';
import type { Corner } from './area';

type Bounds = [[number, number], [number, number]];
type Feature = GeoJSON.Feature;

const features = (list: Feature[]): GeoJSON.FeatureCollection => ({
  type: 'FeatureCollection',
  features: list,
});

/** South-west and north-east corners around every position given. */
function boundsOf(positions: readonly number[][]): Bounds | null {
  if (positions.length === 0) return null;
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const [lng = 0, lat = 0] of positions) {
    w = Math.min(w, lng);
    e = Math.max(e, lng);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  return [
    [w, s],
    [e, n],
  ];
}

function setSource(map: MapLibre, id: string, data: GeoJSON.FeatureCollection): void {
  void map.getSource<GeoJSONSource>(id)?.setData(data);
}

function Unavailable({ label, hint }: { label: string; hint: string }) {
  return (
    <div className="map map--unavailable" role="img" aria-label={label}>
      <p>The map can’t be shown in this browser. {hint}</p>
    </div>
  );
}

export interface CellsMapProps {
  label: string;
  /** H3 cells (resolution 8) covering the request's area: all the public ever learns of it (G8). */
  cells: readonly string[];
}

/** The cells a published request covers, fitted to view. */
export function CellsMap({ label, cells }: CellsMapProps) {
  const { container, map, failure } = useMap(label, null, (m) => {
    m.addSource('cells', { type: 'geojson', data: features([]) });
    m.addLayer({
      id: 'cells-fill',
      type: 'fill',
      source: 'cells',
      paint: { 'fill-color': '#2f6fde', 'fill-opacity': 0.25 },
    });
    m.addLayer({
      id: 'cells-line',
      type: 'line',
      source: 'cells',
      paint: { 'line-color': '#1d4fa8', 'line-width': 1.5 },
    });
  });
  const key = cells.join(',');
  useEffect(() => {
    if (!map) return;
    const polygons = cells.map((c) => cellPolygon(c));
    setSource(map, 'cells', collection(polygons));
    const bounds = boundsOf(polygons.flatMap((p) => p.geometry.coordinates[0] ?? []));
    if (bounds) map.fitBounds(bounds, { padding: 24, duration: 0, maxZoom: 15 });
  }, [map, key]);
  if (failure) return <Unavailable label={label} hint="The cells are listed below." />;
  return <div className="map request-map" ref={container} role="region" aria-label={label} />;
}

export interface DrawAreaMapProps {
  label: string;
  corners: readonly Corner[];
  onAddCorner: (corner: Corner) => void;
  /** The jurisdiction's published boundary, outlined so the member draws inside it. */
  boundary?: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
  /** Where to open when nothing is drawn yet. */
  centre?: Corner | null;
}

/** Click to add the area's corners; the polygon closes itself. The typed corners are the keyboard way. */
export function DrawAreaMap({
  label,
  corners,
  onAddCorner,
  boundary = null,
  centre = null,
}: DrawAreaMapProps) {
  const add = useRef(onAddCorner);
  useEffect(() => {
    add.current = onAddCorner;
  });
  const { container, map, failure } = useMap(label, centre, (m) => {
    for (const id of ['boundary', 'area', 'corners'])
      m.addSource(id, { type: 'geojson', data: features([]) });
    m.addLayer({
      id: 'boundary-line',
      type: 'line',
      source: 'boundary',
      paint: { 'line-color': '#555', 'line-width': 2, 'line-dasharray': [4, 2] },
    });
    m.addLayer({
      id: 'area-fill',
      type: 'fill',
      source: 'area',
      paint: { 'fill-color': '#f5b544', 'fill-opacity': 0.3 },
    });
    m.addLayer({
      id: 'area-line',
      type: 'line',
      source: 'area',
      paint: { 'line-color': '#b7700a', 'line-width': 2 },
    });
    m.addLayer({
      id: 'corners-dot',
      type: 'circle',
      source: 'corners',
      paint: {
        'circle-radius': 5,
        'circle-color': '#7a4a00',
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 2,
      },
    });
    m.on('click', (e) => {
      add.current([e.lngLat.lng, e.lngLat.lat]);
    });
  });

  useEffect(() => {
    if (!map) return;
    setSource(
      map,
      'boundary',
      features(boundary ? [{ type: 'Feature', properties: {}, geometry: boundary }] : []),
    );
    if (corners.length === 0 && boundary) {
      const rings =
        boundary.type === 'Polygon'
          ? [boundary.coordinates[0] ?? []]
          : boundary.coordinates.map((p) => p[0] ?? []);
      const bounds = boundsOf(rings.flat());
      if (bounds) map.fitBounds(bounds, { padding: 16, duration: 0 });
    }
    // Fit to the boundary only when it arrives, not as corners are added.
  }, [map, boundary]);

  useEffect(() => {
    if (!map) return;
    const ring = corners.length >= 3 ? [...corners, corners[0]!] : corners;
    setSource(
      map,
      'area',
      features(
        ring.length >= 4
          ? [
              {
                type: 'Feature',
                properties: {},
                geometry: { type: 'Polygon', coordinates: [ring.map((c) => [...c])] },
              },
            ]
          : ring.length === 2
            ? [
                {
                  type: 'Feature',
                  properties: {},
                  geometry: { type: 'LineString', coordinates: ring.map((c) => [...c]) },
                },
              ]
            : [],
      ),
    );
    setSource(
      map,
      'corners',
      features(
        corners.map((c) => ({
          type: 'Feature',
          properties: {},
          geometry: { type: 'Point', coordinates: [...c] },
        })),
      ),
    );
  }, [map, corners]);

  if (failure) return <Unavailable label={label} hint="Type the corners below instead." />;
  return (
    <div className="map request-map request-map--draw" ref={container} role="region" aria-label={label} />
  );
}
