import { useEffect, useRef } from 'react';
import type { LatLng } from './geometry';
import type { PlaceName } from './placeName';

/** A home the user has pointed at but not yet confirmed. */
export interface HomeCandidate {
  point: LatLng;
  /** Undefined while the name is being looked up; null when no name could be found. */
  place: PlaceName | null | undefined;
}

/**
 * Asks before saving a home, naming the place: one stray click on the map must never move someone's home
 * (a new user once saved theirs in the Sahara that way). Focus moves here so keyboard users hear the question.
 */
export function HomeConfirm({
  candidate,
  changing,
  saving,
  onConfirm,
  onCancel,
}: {
  candidate: HomeCandidate;
  /** Whether a home is already set (the question is then "move it?"). */
  changing: boolean;
  saving: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { point, place } = candidate;
  useEffect(() => {
    heading.current?.focus();
  }, [point.lat, point.lng]);

  return (
    <section className="card home-confirm" aria-labelledby="home-confirm-title">
      <h2 id="home-confirm-title" ref={heading} tabIndex={-1}>
        {changing ? 'Move your home here?' : 'Set your home here?'}
      </h2>
      <p className="home-confirm__place" aria-live="polite">
        {place === undefined ? 'Finding the place name…' : place ? place.name : 'No place name found.'}
      </p>
      <p className="muted">
        {point.lat.toFixed(5)}, {point.lng.toFixed(5)}
        {place?.source === 'natural-earth' ? ' · country from the built-in map (no address search here)' : ''}
      </p>
      <p>Neighbours will only ever see the highlighted cell, not this point.</p>
      <div className="form-actions form-actions--start">
        <button type="button" className="button button--primary" onClick={onConfirm} disabled={saving}>
          {saving ? 'Saving…' : changing ? 'Yes, move my home' : 'Yes, set my home'}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={saving}>
          Cancel
        </button>
      </div>
    </section>
  );
}
