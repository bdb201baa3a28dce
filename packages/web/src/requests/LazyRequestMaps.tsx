import { lazy, Suspense } from 'react';
import type { CellsMapProps, DrawAreaMapProps } from './RequestMaps';

const maps = () => import('./RequestMaps');
const Cells = lazy(() => maps().then((m) => ({ default: m.CellsMap })));
const Draw = lazy(() => maps().then((m) => ({ default: m.DrawAreaMap })));

/** The request's cells on a map, loaded on demand (MapLibre is a megabyte). */
export function LazyCellsMap(props: CellsMapProps) {
  return (
    <Suspense
      fallback={<div className="map map--loading request-map" role="region" aria-label={props.label} />}
    >
      <Cells {...props} />
    </Suspense>
  );
}

/** The area-drawing map, loaded on demand. */
export function LazyDrawAreaMap(props: DrawAreaMapProps) {
  return (
    <Suspense
      fallback={<div className="map map--loading request-map" role="region" aria-label={props.label} />}
    >
      <Draw {...props} />
    </Suspense>
  );
}
