import { TextField } from './Field';

export interface CoordinateDraft {
  lat: string;
  lng: string;
}

/** The typed coordinates as numbers, or null while either is empty or out of range. */
export function parseCoordinates(d: CoordinateDraft): { lat: number; lng: number } | null {
  if (d.lat.trim() === '' || d.lng.trim() === '') return null;
  const lat = Number(d.lat);
  const lng = Number(d.lng);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 85 || Math.abs(lng) > 180)
    return null;
  return { lat, lng };
}

export function toDraft(p: { lat: number; lng: number }): CoordinateDraft {
  return { lat: p.lat.toFixed(5), lng: p.lng.toFixed(5) };
}

/** Latitude and longitude inputs: the keyboard (and screen-reader) way to pick a point instead of the map. */
export function CoordinateInputs({
  value,
  onChange,
  errors = {},
}: {
  value: CoordinateDraft;
  onChange: (d: CoordinateDraft) => void;
  errors?: { lat?: string | undefined; lng?: string | undefined };
}) {
  return (
    <div className="coordinates">
      <TextField
        label="Latitude"
        type="number"
        inputMode="decimal"
        step="any"
        min={-85}
        max={85}
        value={value.lat}
        onChange={(e) => {
          onChange({ ...value, lat: e.target.value });
        }}
        error={errors.lat}
      />
      <TextField
        label="Longitude"
        type="number"
        inputMode="decimal"
        step="any"
        min={-180}
        max={180}
        value={value.lng}
        onChange={(e) => {
          onChange({ ...value, lng: e.target.value });
        }}
        error={errors.lng}
      />
    </div>
  );
}
