import 'maplibre-gl/dist/maplibre-gl.css';
import './controls.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import {
  GPUInitializationError,
  Map as MapLibre,
  NavigationControl,
  setWorkerUrl,
  type GeoJSONSource,
} from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { CoarseLocation, Post } from '../api/types';
import { categoryColour } from '../format';
import {
  cellPolygon,
  circle,
  circleBounds,
  collection,
  gridWithin,
  snapToCell,
  type Collection,
  type LatLng,
} from './geometry';
import { builtInStyle, loadBasemap } from './basemap';
import { BLANK_STYLE, isBuiltIn, useMapStyle } from './style';

// The bundler moves the worker; tell MapLibre where it went.
setWorkerUrl(workerUrl);

export interface AreaMapProps {
  /** Accessible name of the map region. */
  label: string;
  home: CoarseLocation | null;
  radiusM: number;
  /** Post cells; `opacity` (0–1) fades a cell, e.g. by the age of its newest post. */
  posts?: readonly (Pick<Post, 'id' | 'category' | 'location'> & { opacity?: number })[];
  /** Called with the H3 cell of a post cell the user clicked; the page gives a keyboard way too. */
  onCellClick?: (cell: string) => void;
  /** A point the user picked but has not saved; drawn as the cell it would snap to. */
  pick?: LatLng | null;
  onPick?: (point: LatLng) => void;
  onCentreChange?: (centre: LatLng) => void;
  /** Needs Ctrl/⌘ to zoom with the wheel, so the page scrolls past the map. */
  cooperative?: boolean;
}

/** Where the map opens for someone with no home yet: the whole world, since we know nothing better. */
const WORLD = { centre: [0, 25] as [number, number], zoom: 1 };

const SOURCES = ['grid', 'radius', 'posts', 'home', 'pick'] as const;
type SourceId = (typeof SOURCES)[number];

function addOverlays(map: MapLibre): void {
  for (const id of SOURCES) map.addSource(id, { type: 'geojson', data: collection([]) });
  map.addLayer({
    id: 'grid-line',
    type: 'line',
    source: 'grid',
    paint: { 'line-color': '#b8c4ce', 'line-width': 0.7 },
  });
  map.addLayer({
    id: 'radius-fill',
    type: 'fill',
    source: 'radius',
    paint: { 'fill-color': '#f5b544', 'fill-opacity': 0.1 },
  });
  map.addLayer({
    id: 'radius-line',
    type: 'line',
    source: 'radius',
    paint: { 'line-color': '#b7700a', 'line-width': 2, 'line-dasharray': [3, 2] },
  });
  map.addLayer({
    id: 'posts-fill',
    type: 'fill',
    source: 'posts',
    paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': ['coalesce', ['get', 'opacity'], 0.45] },
  });
  map.addLayer({
    id: 'posts-line',
    type: 'line',
    source: 'posts',
    paint: { 'line-color': ['get', 'colour'], 'line-width': 1.5 },
  });
  map.addLayer({
    id: 'home-fill',
    type: 'fill',
    source: 'home',
    paint: { 'fill-color': '#f5b544', 'fill-opacity': 0.85 },
  });
  map.addLayer({
    id: 'home-line',
    type: 'line',
    source: 'home',
    paint: { 'line-color': '#7a4a00', 'line-width': 2.5 },
  });
  map.addLayer({
    id: 'pick-fill',
    type: 'fill',
    source: 'pick',
    paint: { 'fill-color': '#2f6fde', 'fill-opacity': 0.35 },
  });
  map.addLayer({
    id: 'pick-line',
    type: 'line',
    source: 'pick',
    paint: { 'line-color': '#1d4fa8', 'line-width': 2, 'line-dasharray': [2, 1] },
  });
}

function setData(map: MapLibre, id: SourceId, data: Collection): void {
  void map.getSource<GeoJSONSource>(id)?.setData(data);
}

/**
 * The user's area on a MapLibre map: home cell, feed radius, a faint cell grid and the cells of posts. Works
 * with no tile server (the built-in Natural Earth basemap). Clicking picks a point when `onPick` is given; the lat/lng form is the keyboard way.
 */
export default function AreaMap({
  label,
  home,
  radiusM,
  posts = [],
  pick = null,
  onPick,
  onCentreChange,
  onCellClick,
  cooperative = false,
}: AreaMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre | null>(null);
  const handlers = useRef({ onPick, onCentreChange, onCellClick });
  const [loaded, setLoaded] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const style = useMapStyle();

  useEffect(() => {
    handlers.current = { onPick, onCentreChange, onCellClick };
  });

  useEffect(() => {
    const el = container.current;
    if (!el || !style) return;
    let map: MapLibre;
    try {
      map = new MapLibre({
        container: el,
        style,
        center: home ? [home.lng, home.lat] : WORLD.centre,
        zoom: home ? 13 : WORLD.zoom,
        dragRotate: false,
        touchPitch: false,
        cooperativeGestures: cooperative,
        attributionControl: { compact: true },
      });
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
      return;
    }
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.getCanvas().setAttribute('aria-label', `${label}. Use arrow keys to pan and + or − to zoom.`);
    map.on('load', () => {
      addOverlays(map);
      setLoaded(true);
    });
    map.on('error', (e) => {
      if (e.error instanceof GPUInitializationError) {
        setFailure(e.error.message);
      } else if (!map.isStyleLoaded() && !isBuiltIn(style)) {
        // The configured tile style could not be loaded: fall back to the built-in world map (or blank).
        loadBasemap()
          .then((basemap) => map.setStyle(builtInStyle(basemap)))
          .catch(() => map.setStyle(BLANK_STYLE));
      }
    });
    map.on('click', (e) => {
      const { onCellClick: cellClick, onPick: pickPoint } = handlers.current;
      if (cellClick && map.getLayer('posts-fill')) {
        const cell: unknown = map.queryRenderedFeatures(e.point, { layers: ['posts-fill'] })[0]?.properties
          .cell;
        if (typeof cell === 'string') {
          cellClick(cell);
          return;
        }
      }
      pickPoint?.({ lat: e.lngLat.lat, lng: e.lngLat.lng });
    });
    // A pointer over a clickable post cell says so.
    map.on('mousemove', (e) => {
      if (!handlers.current.onCellClick || !map.getLayer('posts-fill')) return;
      const over = map.queryRenderedFeatures(e.point, { layers: ['posts-fill'] }).length > 0;
      map.getCanvas().style.cursor = over ? 'pointer' : '';
    });
    map.on('moveend', () => {
      const c = map.getCenter();
      handlers.current.onCentreChange?.({ lat: c.lat, lng: c.lng });
    });
    return () => {
      mapRef.current = null;
      setLoaded(false);
      map.remove();
    };
    // The map is created once the style is known; later prop changes update its sources below.
  }, [style]);

  const homeCell = home?.cell ?? null;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (home) {
      setData(map, 'home', collection([cellPolygon(home.cell)]));
      setData(map, 'radius', collection([circle(home, radiusM)]));
      setData(map, 'grid', collection(gridWithin(home, radiusM)));
      map.fitBounds(circleBounds(home, radiusM), { padding: 24, duration: 400, maxZoom: 16 });
    } else {
      for (const id of ['home', 'radius', 'grid'] as const) setData(map, id, collection([]));
    }
    // Re-fit only when the home cell or radius changes, not on every render.
  }, [loaded, homeCell, radiusM]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    setData(
      map,
      'posts',
      collection(
        posts.map((p) =>
          cellPolygon(p.location.cell, {
            id: p.id,
            cell: p.location.cell,
            colour: categoryColour(p.category),
            ...(p.opacity === undefined ? {} : { opacity: p.opacity }),
          }),
        ),
      ),
    );
  }, [loaded, posts]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    setData(map, 'pick', collection(pick ? [cellPolygon(snapToCell(pick))] : []));
    // A point picked by search or coordinates may be off screen; bring it into view at street level.
    if (pick && !map.getBounds().contains([pick.lng, pick.lat])) {
      map.flyTo({ center: [pick.lng, pick.lat], zoom: Math.max(map.getZoom(), 14), duration: 600 });
    }
  }, [loaded, pick]);

  if (failure) {
    return (
      <div className="map map--unavailable" role="img" aria-label={label}>
        <p>
          The map can’t be shown in this browser{failure.includes('WebGL') ? ' (WebGL is unavailable)' : ''}.
          {onPick ? ' Use the latitude and longitude fields instead.' : ''}
        </p>
      </div>
    );
  }
  return <div className="map" ref={container} role="region" aria-label={label} />;
}
