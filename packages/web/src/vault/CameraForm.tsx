import { useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, invalidField, toApiError, withoutField, type ApiError } from '../api/problem';
import {
  CoordinateInputs,
  parseCoordinates,
  toDraft,
  type CoordinateDraft,
} from '../components/CoordinateInputs';
import { TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { LazyAreaMap } from '../map/LazyAreaMap';
import { useMe } from '../state/session';
import type { Camera } from './types';
import { zoneErrors } from './zones';
import { useCameraFrame } from './cameraSnapshot';
import { useUnlockedVault } from './vaultStore';
import { ZoneEditor } from './ZoneEditor';

export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 180;

/** Adds a camera, or edits one. The exact location is only sent; what comes back is the coarse cell. */
export function CameraForm({
  camera,
  onSaved,
  onCancel,
}: {
  camera: Camera | null;
  onSaved: (camera: Camera) => void;
  onCancel: () => void;
}) {
  const me = useMe();
  const frame = useCameraFrame(camera?.id ?? null, useUnlockedVault(String(me.id)));
  const [name, setName] = useState(camera?.name ?? '');
  const [coords, setCoords] = useState<CoordinateDraft>(
    camera ? toDraft(camera.location) : me.home ? toDraft(me.home) : { lat: '', lng: '' },
  );
  const [locationTouched, setLocationTouched] = useState(!camera);
  const [retention, setRetention] = useState(String(camera?.retentionDays ?? DEFAULT_RETENTION_DAYS));
  const [agency, setAgency] = useState(camera?.acceptAgencyRequests ?? false);
  const [zones, setZones] = useState<string[]>(camera ? [...camera.privacyZones] : []);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = parseCoordinates(coords);
  const fields = error?.fields ?? {};
  const zoneServerErrors = Object.fromEntries(
    Object.entries(fields)
      .filter(([k]) => k.startsWith('privacyZones/'))
      .map(([k, v]) => [Number(k.split('/')[1]), v]),
  );

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const days = Number(retention);
    const bad = [...zoneErrors(zones)][0];
    const invalid = !name.trim()
      ? invalidField('name', 'Give the camera a name, like “Front door”.')
      : !pick
        ? invalidField('location', 'Pick the camera’s location on the map or type it.')
        : !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS
          ? invalidField('retentionDays', `Keep clips between 1 and ${MAX_RETENTION_DAYS} days.`)
          : bad
            ? invalidField(`privacyZones/${bad[0]}`, bad[1])
            : null;
    if (invalid || !pick) {
      setError(invalid);
      return;
    }
    setBusy(true);
    setError(null);
    const body = {
      name: name.trim(),
      retentionDays: days,
      acceptAgencyRequests: agency,
      privacyZones: zones.map((z) => z.trim()),
    };
    try {
      const saved = camera
        ? await call(
            api.PATCH('/api/cameras/{id}', {
              params: { path: { id: camera.id } },
              body: locationTouched ? { ...body, location: pick } : body,
            }),
          )
        : await call(api.POST('/api/cameras', { body: { ...body, location: pick } }));
      onSaved(saved);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <form
      className="card vault-card"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={camera ? `Edit ${camera.name}` : 'Add a camera'}
    >
      <h2>{camera ? `Edit ${camera.name}` : 'Add a camera'}</h2>
      <ProblemAlert
        error={error}
        placed={[
          'name',
          'location',
          'location/lat',
          'location/lng',
          'retentionDays',
          ...zones.map((_, i) => `privacyZones/${i}`),
        ]}
      />
      <TextField
        label="Name"
        value={name}
        maxLength={80}
        onChange={(e) => {
          setName(e.target.value);
          setError((err) => withoutField(err, 'name'));
        }}
        error={fields.name}
      />
      <fieldset>
        <legend>Location</legend>
        <p className="field__hint">
          Used only to match footage requests to your camera. Nobody else — neighbours, agencies, moderators —
          ever sees more than the cell it falls in, about a block wide.
        </p>
        <div className="vault-map">
          <LazyAreaMap
            label="Map: click where the camera is"
            home={me.home}
            radiusM={400}
            pick={pick}
            onPick={(p) => {
              setCoords(toDraft(p));
              setLocationTouched(true);
            }}
            cooperative
          />
        </div>
        <CoordinateInputs
          value={coords}
          onChange={(d) => {
            setCoords(d);
            setLocationTouched(true);
          }}
          errors={{ lat: fields['location/lat'] ?? fields.location, lng: fields['location/lng'] }}
        />
      </fieldset>
      <TextField
        label="Keep clips for (days)"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_RETENTION_DAYS}
        value={retention}
        onChange={(e) => {
          setRetention(e.target.value);
        }}
        hint={`Clips are deleted automatically after this many days (1–${MAX_RETENTION_DAYS}).`}
        error={fields.retentionDays}
      />
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            checked={agency}
            onChange={(e) => {
              setAgency(e.target.checked);
            }}
            aria-describedby="agency-hint"
          />
          Let me know about agency footage requests near this camera
        </label>
        <p className="field__hint" id="agency-hint">
          Off by default. When on, you are told about requests from verified agencies that cover this camera’s
          area and time. Nothing is shared unless you choose clips and send them yourself; agencies never
          learn that you were asked or said no.
        </p>
      </div>
      <ZoneEditor zones={zones} onChange={setZones} errors={zoneServerErrors} frame={frame} />
      <div className="form-actions">
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : camera ? 'Save camera' : 'Add camera'}
        </button>
      </div>
    </form>
  );
}
