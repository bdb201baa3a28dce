import { lazy, Suspense } from 'react';
import '../incidents/incidents.css';
import type { AreaMapProps } from './AreaMap';

const AreaMap = lazy(() => import('./AreaMap'));

/** The area map, loaded on demand so MapLibre's megabyte does not delay the first paint of the feed. */
export function LazyAreaMap(props: AreaMapProps) {
  return (
    <Suspense
      fallback={
        <div className="map map--loading" aria-label={props.label} role="region" aria-busy="true">
          <p className="map__loading-text" role="status">
            Loading map…
          </p>
        </div>
      }
    >
      <AreaMap {...props} />
    </Suspense>
  );
}
