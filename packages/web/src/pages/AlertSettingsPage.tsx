import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { CATEGORIES, formatKm } from '../format';
import { alertSettings, pushDevices } from '../notifications/api';
import '../notifications/notifications.css';
import {
  currentSubscription,
  pushUnsupported,
  subscribeThisDevice,
  unsubscribeThisDevice,
} from '../notifications/push';
import type { AlertSettings, PushDevice } from '../notifications/types';
import { useAnnounce } from '../state/announcer';

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * What the user is alerted about (categories of nearby posts, how far) and how (in the app, push to each
 * subscribed device, email now or as a daily digest), with quiet hours that hold push and email back.
 */
export function AlertSettingsPage() {
  const announce = useAnnounce();
  const [draft, setDraft] = useState<AlertSettings | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [devices, setDevices] = useState<PushDevice[]>([]);
  const [thisDevice, setThisDevice] = useState<string | null>(null);
  const [pushError, setPushError] = useState<string | null>(null);
  const [pushBusy, setPushBusy] = useState(false);
  const unsupported = pushUnsupported();

  const loadDevices = useCallback(async () => {
    const [list, sub] = await Promise.all([pushDevices.list(), currentSubscription().catch(() => null)]);
    setDevices(list);
    setThisDevice(sub?.endpoint ?? null);
  }, []);

  useEffect(() => {
    void (async () => {
      try {
        const s = await alertSettings.get();
        // A user who never saved has the server's UTC default; their browser knows better.
        setDraft(s.timeZone === 'UTC' && s.quietHours === null ? { ...s, timeZone: browserZone() } : s);
        await loadDevices();
      } catch (err) {
        setError(toApiError(err));
      }
    })();
  }, [loadDevices]);

  if (!draft) {
    return (
      <section className="stack" aria-labelledby="alerts-title">
        <h1 id="alerts-title">Alert settings</h1>
        {error ? <ProblemAlert error={error} /> : <p aria-busy="true">Loading your settings…</p>}
      </section>
    );
  }

  const update = (patch: Partial<AlertSettings>) => {
    setDraft({ ...draft, ...patch });
  };
  const channels = (patch: Partial<AlertSettings['channels']>) => {
    update({ channels: { ...draft.channels, ...patch } });
  };
  const toggleCategory = (value: AlertSettings['categories'][number], on: boolean) => {
    update({
      categories: on ? [...draft.categories, value] : draft.categories.filter((c) => c !== value),
    });
  };

  const save = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setSaving(true);
    try {
      setDraft(await alertSettings.save(draft));
      setError(null);
      announce('Alert settings saved.');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  };

  const enablePush = async () => {
    setPushBusy(true);
    setPushError(null);
    try {
      await subscribeThisDevice();
      await loadDevices();
      if (!draft.channels.push) channels({ push: true });
      announce('Push alerts are on for this device. Save to keep the settings.');
    } catch (err) {
      setPushError((err as Error).message);
    } finally {
      setPushBusy(false);
    }
  };

  const removeDevice = async (device: PushDevice) => {
    try {
      await pushDevices.remove(device.id);
      const mine = devices.find((d) => d.id === device.id);
      if (mine && thisDevice && new URL(thisDevice).host === mine.endpointHost) await unsubscribeThisDevice();
      await loadDevices();
      announce(`${device.label} will no longer get push alerts.`);
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section className="stack alert-settings" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alert settings</h1>
      <p className="muted">
        Replies, reactions and moderators’ decisions on your posts always reach your notification centre. Here
        you choose what else alerts you, and how.
      </p>
      {error ? <ProblemAlert error={error} /> : null}
      <form className="stack" onSubmit={(e) => void save(e)} noValidate>
        <fieldset className="card stack">
          <legend>New posts near home</legend>
          <p className="field__hint">Alert me by push or email when a neighbour posts in these categories.</p>
          <div className="alert-settings__categories">
            {CATEGORIES.map((c) => (
              <label key={c.value} className="check">
                <input
                  type="checkbox"
                  checked={draft.categories.includes(c.value)}
                  onChange={(e) => {
                    toggleCategory(c.value, e.target.checked);
                  }}
                />
                {c.label}
              </label>
            ))}
          </div>
          <div className="field radius">
            <label htmlFor="alert-radius">Alert radius</label>
            <div className="radius__row">
              <input
                id="alert-radius"
                type="range"
                min={200}
                max={8000}
                step={100}
                value={draft.radiusM}
                aria-valuetext={formatKm(draft.radiusM)}
                onChange={(e) => {
                  update({ radiusM: Number(e.target.value) });
                }}
              />
              <output htmlFor="alert-radius" className="radius__value">
                {formatKm(draft.radiusM)}
              </output>
            </div>
            <p className="field__hint">From your home. Alerts never say where a post is beyond its area.</p>
          </div>
        </fieldset>

        <fieldset className="card stack">
          <legend>How to reach me</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.channels.inApp}
              onChange={(e) => {
                channels({ inApp: e.target.checked });
              }}
            />
            In the app: the bell’s count and live alerts
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.channels.push}
              onChange={(e) => {
                channels({ push: e.target.checked });
              }}
            />
            Push to my devices, even when Porchlight is closed
          </label>
          <fieldset className="stack alert-settings__email">
            <legend>Email</legend>
            {(
              [
                ['off', 'No email'],
                ['instant', 'Each alert as it happens'],
                ['digest', 'One daily digest (07:30 your time)'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="check">
                <input
                  type="radio"
                  name="email"
                  value={value}
                  checked={draft.channels.email === value}
                  onChange={() => {
                    channels({ email: value });
                  }}
                />
                {label}
              </label>
            ))}
            <p className="field__hint">Every email has a link that turns email off in one click.</p>
          </fieldset>
        </fieldset>

        <fieldset className="card stack">
          <legend>Quiet hours</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.quietHours !== null}
              onChange={(e) => {
                update({ quietHours: e.target.checked ? { start: '22:00', end: '07:00' } : null });
              }}
            />
            No push or email during quiet hours; what arrives meanwhile comes as one summary after
          </label>
          {draft.quietHours ? (
            <div className="alert-settings__quiet">
              <div className="field">
                <label htmlFor="quiet-start">From</label>
                <input
                  id="quiet-start"
                  type="time"
                  value={draft.quietHours.start}
                  onChange={(e) => {
                    update({ quietHours: { ...draft.quietHours!, start: e.target.value } });
                  }}
                />
              </div>
              <div className="field">
                <label htmlFor="quiet-end">Until</label>
                <input
                  id="quiet-end"
                  type="time"
                  value={draft.quietHours.end}
                  onChange={(e) => {
                    update({ quietHours: { ...draft.quietHours!, end: e.target.value } });
                  }}
                />
              </div>
            </div>
          ) : null}
          <p className="field__hint">Times are in {draft.timeZone}.</p>
        </fieldset>

        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save alert settings'}
          </button>
        </div>
      </form>

      <section className="card stack" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices that get push alerts</h2>
        {unsupported ? (
          <p className="muted">{unsupported}</p>
        ) : (
          <div className="form-actions form-actions--start">
            <button
              type="button"
              className="button button--primary"
              onClick={() => void enablePush()}
              disabled={pushBusy}
            >
              {pushBusy
                ? 'Subscribing…'
                : thisDevice
                  ? 'Subscribed: subscribe again'
                  : 'Get push alerts on this device'}
            </button>
          </div>
        )}
        {pushError ? (
          <p className="alert alert--error" role="alert">
            {pushError}
          </p>
        ) : null}
        {devices.length === 0 ? (
          <p className="muted">No device is subscribed yet.</p>
        ) : (
          <ul className="device-list" aria-label="Subscribed devices">
            {devices.map((d) => (
              <li key={d.id} className="device-list__item" data-testid="push-device">
                <span>
                  <strong>{d.label}</strong>
                  <span className="muted"> · via {d.endpointHost}</span>
                </span>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => void removeDevice(d)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="field__hint">
          Push messages are encrypted for each device: the push service relays them without being able to read
          them.
        </p>
      </section>
    </section>
  );
}
