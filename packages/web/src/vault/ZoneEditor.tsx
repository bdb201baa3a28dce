import { useId, useRef, useState, type MouseEvent } from 'react';
import type { CameraFrameState } from './cameraSnapshot';
import { formatZone, parseZone, splitPastedZones, zoneErrors, type ZonePoint } from './zones';

const W = 160;

/**
 * Privacy zones for one camera: draw polygons over the camera's latest frame (decrypted in this page; a 16:9
 * grid until the hub has sent one) by clicking corners, or type and paste Frigate's `x1,y1,x2,y2,...` strings. Each zone is validated as it is typed; the hub blacks these areas out
 * of every clip before encrypting it.
 */
export function ZoneEditor({
  zones,
  onChange,
  errors: serverErrors = {},
  frame = { kind: 'none', reason: '' },
}: {
  zones: string[];
  onChange: (zones: string[]) => void;
  /** Server messages keyed by zone index. */
  errors?: Record<number, string>;
  /** The camera's latest frame to draw on, when there is one. */
  frame?: CameraFrameState;
}) {
  const picture = frame.kind === 'frame' ? frame.frame : null;
  // Zones are fractions of the picture, so the drawing keeps the frame's own shape.
  const H = picture ? Math.round((W * picture.height) / picture.width) : 90;
  const [drawing, setDrawing] = useState<ZonePoint[]>([]);
  const [pasted, setPasted] = useState('');
  const svg = useRef<SVGSVGElement>(null);
  const id = useId();
  const local = zoneErrors(zones);

  const addPoint = (e: MouseEvent<SVGSVGElement>) => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.width === 0) return;
    const x = (e.clientX - box.left) / box.width;
    const y = (e.clientY - box.top) / box.height;
    setDrawing((d) => [...d, { x: Math.min(1, Math.max(0, x)), y: Math.min(1, Math.max(0, y)) }]);
  };

  const finish = () => {
    if (drawing.length < 3) return;
    onChange([...zones, formatZone(drawing)]);
    setDrawing([]);
  };

  const addPasted = () => {
    const more = splitPastedZones(pasted);
    if (more.length === 0) return;
    onChange([...zones, ...more]);
    setPasted('');
  };

  const shapes = zones.map((z) => {
    const parsed = parseZone(z);
    return parsed.ok ? parsed.points : null;
  });

  return (
    <fieldset className="zones">
      <legend>Privacy zones</legend>
      <p className="field__hint" id={`${id}-hint`}>
        Areas blacked out before a clip leaves your home — a neighbour’s window, the street, a path. Click on
        the frame to place corners, then “Finish zone”. Coordinates run from 0,0 (top left) to 1,1 (bottom
        right), as in Frigate.
      </p>
      {frame.kind === 'none' && frame.reason ? <p className="field__hint">{frame.reason}</p> : null}
      {picture ? (
        <p className="field__hint">
          Frame from <time dateTime={picture.takenAt}>{new Date(picture.takenAt).toLocaleString()}</time>,
          decrypted on this device.
        </p>
      ) : null}
      <svg
        ref={svg}
        className="zones__frame"
        style={{ aspectRatio: `${W} / ${H}` }}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-busy={frame.kind === 'loading'}
        aria-label={`Camera frame${picture ? ' (latest picture from the camera)' : ''} with ${zones.length} privacy zone${zones.length === 1 ? '' : 's'}; click to draw a new zone`}
        onClick={addPoint}
      >
        <defs>
          <pattern id={`${id}-grid`} width={W / 8} height={H / 8} patternUnits="userSpaceOnUse">
            <path d={`M ${W / 8} 0 L 0 0 0 ${H / 8}`} className="zones__grid" />
          </pattern>
        </defs>
        {picture ? <image href={picture.url} width={W} height={H} preserveAspectRatio="none" /> : null}
        <rect width={W} height={H} fill={`url(#${id}-grid)`} />
        {shapes.map((points, i) =>
          points ? (
            <polygon
              key={i}
              className="zones__zone"
              points={points.map((p) => `${p.x * W},${p.y * H}`).join(' ')}
            />
          ) : null,
        )}
        {drawing.length > 0 ? (
          <polyline
            className="zones__drawing"
            points={drawing.map((p) => `${p.x * W},${p.y * H}`).join(' ')}
          />
        ) : null}
        {drawing.map((p, i) => (
          <circle key={i} className="zones__corner" cx={p.x * W} cy={p.y * H} r={1.4} />
        ))}
      </svg>
      <div className="form-actions form-actions--start">
        <button type="button" className="button button--small" onClick={finish} disabled={drawing.length < 3}>
          Finish zone{drawing.length > 0 ? ` (${drawing.length} corners)` : ''}
        </button>
        <button
          type="button"
          className="button button--small button--quiet"
          onClick={() => {
            setDrawing((d) => d.slice(0, -1));
          }}
          disabled={drawing.length === 0}
        >
          Undo corner
        </button>
      </div>
      {zones.length > 0 ? (
        <ol className="zones__list">
          {zones.map((zone, i) => {
            const error = serverErrors[i] ?? local.get(i);
            const inputId = `${id}-zone-${i}`;
            return (
              <li key={i} className={`field${error ? ' field--invalid' : ''}`}>
                <label htmlFor={inputId}>Zone {i + 1}</label>
                <div className="zones__row">
                  <input
                    id={inputId}
                    value={zone}
                    spellCheck={false}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${inputId}-error` : undefined}
                    onChange={(e) => {
                      onChange(zones.map((z, j) => (j === i ? e.target.value : z)));
                    }}
                  />
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    aria-label={`Remove zone ${i + 1}`}
                    onClick={() => {
                      onChange(zones.filter((_, j) => j !== i));
                    }}
                  >
                    Remove
                  </button>
                </div>
                {error ? (
                  <p className="field__error" id={`${inputId}-error`}>
                    <span aria-hidden="true">⚠ </span>
                    {error}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-paste`}>Paste zones</label>
        <p className="field__hint">One zone per line, e.g. from Frigate’s config: 0.1,0.2,0.5,0.2,0.5,0.9</p>
        <div className="zones__row">
          <textarea
            id={`${id}-paste`}
            rows={2}
            value={pasted}
            spellCheck={false}
            onChange={(e) => {
              setPasted(e.target.value);
            }}
          />
          <button
            type="button"
            className="button button--small"
            onClick={addPasted}
            disabled={!pasted.trim()}
          >
            Add
          </button>
        </div>
      </div>
    </fieldset>
  );
}
