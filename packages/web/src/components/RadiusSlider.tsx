import { useId } from 'react';
import { formatKm } from '../format';

export const MIN_RADIUS_M = 500;
export const MAX_RADIUS_M = 8000;

/** The feed radius, 0.5–8 km in 100 m steps, with its value read out as kilometres. */
export function RadiusSlider({ value, onChange }: { value: number; onChange: (metres: number) => void }) {
  const id = useId();
  return (
    <div className="field radius">
      <label htmlFor={id}>Feed radius</label>
      <div className="radius__row">
        <input
          id={id}
          type="range"
          min={MIN_RADIUS_M}
          max={MAX_RADIUS_M}
          step={100}
          value={value}
          aria-valuetext={formatKm(value)}
          onChange={(e) => {
            onChange(Number(e.target.value));
          }}
        />
        <output htmlFor={id} className="radius__value">
          {formatKm(value)}
        </output>
      </div>
      <p className="field__hint">Posts from further away than this don’t appear in your feed.</p>
    </div>
  );
}
