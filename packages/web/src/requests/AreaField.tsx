import { useEffect, useId, useState } from 'react';
import { formatArea, formatCorners, parseCorners, type Corner } from './area';
import { LazyDrawAreaMap } from './LazyRequestMaps';

/**
 * The request's area: click corners on the map, or type them (the keyboard and screen-reader way, and how
 * an exact survey outline is pasted). The size is shown in m² and mi² as the outline grows.
 */
export function AreaField({
  corners,
  onChange,
  areaM2,
  error,
  boundary,
}: {
  corners: Corner[];
  onChange: (corners: Corner[]) => void;
  /** Size of the closed polygon, or null below three corners. */
  areaM2: number | null;
  error?: string | undefined;
  boundary: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
}) {
  const id = useId();
  const [text, setText] = useState(formatCorners(corners));
  const [typo, setTypo] = useState<string | null>(null);

  // Corners added on the map show up in the text; typing does not get rewritten while it parses.
  useEffect(() => {
    const parsed = parseCorners(text);
    const same = 'corners' in parsed && JSON.stringify(parsed.corners) === JSON.stringify(corners);
    if (!same) setText(formatCorners(corners));
    // Only a change of corners from outside should rewrite the text.
  }, [corners]);

  const typed = (value: string) => {
    setText(value);
    const parsed = parseCorners(value);
    if ('error' in parsed) setTypo(parsed.error);
    else {
      setTypo(null);
      onChange(parsed.corners);
    }
  };

  const message = typo ?? error;
  return (
    <fieldset className={`field${message ? ' field--invalid' : ''}`} aria-describedby={`${id}-readout`}>
      <legend>Area</legend>
      <p className="field__hint">
        Click the corners of the area on the map (at least three); the outline closes itself. The dashed line
        is your jurisdiction’s boundary.
      </p>
      <LazyDrawAreaMap
        label="Draw the requested area"
        corners={corners}
        boundary={boundary}
        onAddCorner={(c) => {
          onChange([...corners, c]);
        }}
      />
      <p className="area-readout" id={`${id}-readout`} aria-live="polite" data-testid="area-readout">
        {areaM2 === null
          ? `${corners.length} of at least 3 corners`
          : `Area: ${formatArea(areaM2)} · ${corners.length} corners`}
      </p>
      <div className="form-actions form-actions--start">
        <button
          type="button"
          className="button button--small"
          disabled={corners.length === 0}
          onClick={() => {
            onChange(corners.slice(0, -1));
          }}
        >
          Undo last corner
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          disabled={corners.length === 0}
          onClick={() => {
            onChange([]);
          }}
        >
          Clear area
        </button>
      </div>
      <label htmlFor={id}>Corners (latitude, longitude — one per line)</label>
      <textarea
        id={id}
        className="corners-input"
        value={text}
        spellCheck={false}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : undefined}
        onChange={(e) => {
          typed(e.target.value);
        }}
      />
      {message ? (
        <p className="field__error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {message}
        </p>
      ) : null}
    </fieldset>
  );
}
