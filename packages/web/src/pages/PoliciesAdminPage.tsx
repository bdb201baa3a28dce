import { useEffect, useState, type SubmitEvent } from 'react';
import { toApiError } from '../api/problem';
import { LEGAL_BASES, OFFENSE_CATEGORIES, type Boundary } from '@porchlight/policy';
import { governance, transparency, type Jurisdiction } from '../api/transparency';
import { AdminPageHead, useAdminForm } from '../components/AdminForm';
import { TextArea, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { useAnnounce } from '../state/announcer';
import { BLANK, fromPolicy, parseBoundary, toPolicy, type Draft } from '../requests/policyDraft';
import '../styles/transparency.css';

type NumberKey =
  | 'minAreaM2'
  | 'footageAgeDays'
  | 'responseDays'
  | 'monthlyCap'
  | 'exigentHours'
  | 'holdMaxDays'
  | 'nonDisclosureMaxDays';

/** Admin: publish a new version of a jurisdiction's request policy (old versions are never edited). */
export function PoliciesAdminPage() {
  const announce = useAnnounce();
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);
  const { draft, setDraft, set, error, setError, busy, send, fields: f } = useAdminForm<Draft>(BLANK);
  const [done, setDone] = useState<string | null>(null);

  const refresh = () =>
    transparency.jurisdictions().then(setJurisdictions, (err: unknown) => {
      setError(toApiError(err));
    });
  useEffect(() => {
    void refresh();
  }, []);

  const existing = jurisdictions.find((j) => j.slug === draft.slug.trim());
  const numberField = (label: string, key: NumberKey, field: string) => (
    <TextField
      label={label}
      type="number"
      min="1"
      value={draft[key]}
      onChange={(e) => {
        set(key, e.target.value);
      }}
      error={f[field]}
    />
  );

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setDone(null);
    void send(async () => {
      const slug = draft.slug.trim();
      const v = await governance.publishPolicy(slug, {
        ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
        policy: toPolicy(draft),
        boundary: parseBoundary(draft.boundary) as Boundary,
        reason: draft.reason,
      });
      const message = `Published version ${v.version} of ${v.name}’s policy.`;
      setDone(message);
      announce(message);
      setDraft((d) => ({ ...d, reason: '' }));
      await refresh();
    });
  };

  return (
    <div className="narrow stack">
      <AdminPageHead title="Request policies">
        Publishing creates a new version; earlier ones stay as they were. Each version and your reason are
        published in the transparency log. <Link to="/policies">See the public page.</Link>
      </AdminPageHead>
      {jurisdictions.length > 0 ? (
        <div className="chips" aria-label="Start from a jurisdiction’s current policy">
          {jurisdictions.map((j) => (
            <button
              key={j.slug}
              type="button"
              className="button button--small"
              onClick={() => {
                setDraft(fromPolicy(j));
              }}
            >
              Edit {j.name} (v{j.currentVersion})
            </button>
          ))}
        </div>
      ) : null}
      <form className="card stack" onSubmit={submit} noValidate aria-label="Publish a policy">
        <div className="policy-form__grid">
          <TextField
            label="Jurisdiction slug"
            hint="Lowercase words joined by hyphens, e.g. portland-or"
            value={draft.slug}
            onChange={(e) => {
              set('slug', e.target.value);
            }}
            error={f.slug}
            required
          />
          <TextField
            label="Jurisdiction name"
            hint={existing ? `Currently “${existing.name}”` : 'Required for a new jurisdiction'}
            value={draft.name}
            onChange={(e) => {
              set('name', e.target.value);
            }}
            error={f.name}
          />
          <TextField
            label="Largest area per request (km²)"
            type="number"
            min="0"
            step="any"
            value={draft.areaKm2}
            onChange={(e) => {
              set('areaKm2', e.target.value);
            }}
            error={f['policy/maxAreaM2']}
          />
          <TextField
            label="Longest time window (hours)"
            type="number"
            min="1"
            value={draft.windowHours}
            onChange={(e) => {
              set('windowHours', e.target.value);
            }}
            error={f['policy/maxWindowHours']}
          />
          <TextField
            label="Requests per case (at most)"
            type="number"
            min="1"
            value={draft.maxRequestsPerCase}
            onChange={(e) => {
              set('maxRequestsPerCase', e.target.value);
            }}
            error={f['policy/maxRequestsPerCase']}
          />
          <TextField
            label="Days disclosed footage is kept"
            type="number"
            min="1"
            value={draft.retentionDays}
            onChange={(e) => {
              set('retentionDays', e.target.value);
            }}
            error={f['policy/disclosureRetentionDays']}
          />
          {numberField('Smallest area per request (m²)', 'minAreaM2', 'policy/minAreaM2')}
          {numberField('Oldest footage (days)', 'footageAgeDays', 'policy/maxFootageAgeDays')}
          {numberField('Days owners have to answer', 'responseDays', 'policy/responseWindowDays')}
          {numberField('Requests per agency per month', 'monthlyCap', 'policy/monthlyRequestCap')}
          {numberField(
            'Hours to justify an exigent request',
            'exigentHours',
            'policy/exigentJustificationHours',
          )}
          {numberField('Longest legal hold (days)', 'holdMaxDays', 'policy/legalHoldMaxDays')}
          {numberField(
            'Longest delayed notice of a legal demand (days)',
            'nonDisclosureMaxDays',
            'policy/nonDisclosureMaxDays',
          )}
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.exigentAllowed}
            onChange={(e) => {
              set('exigentAllowed', e.target.checked);
            }}
          />{' '}
          Exigent requests are allowed
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.caseNumberRequired}
            onChange={(e) => {
              set('caseNumberRequired', e.target.checked);
            }}
          />{' '}
          A case number is required
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.legalBasisRequired}
            onChange={(e) => {
              set('legalBasisRequired', e.target.checked);
            }}
          />{' '}
          A legal basis is required
        </label>
        <TextField
          label="Allowed legal bases"
          hint={`Comma-separated: ${LEGAL_BASES.join(', ')}`}
          value={draft.allowedLegalBases}
          onChange={(e) => {
            set('allowedLegalBases', e.target.value);
          }}
          error={firstUnder(f, 'policy/allowedLegalBases')}
        />
        <TextField
          label="Offense categories a request may name"
          hint={`Comma-separated: ${OFFENSE_CATEGORIES.join(', ')}`}
          value={draft.offenseCategories}
          onChange={(e) => {
            set('offenseCategories', e.target.value);
          }}
          error={firstUnder(f, 'policy/offenseCategories')}
        />
        <TextArea
          label="Prohibited purposes and the narrative words that show them"
          hint="One a line — purpose: word, word. Lowercase words match in any case; ICE matches only in capitals."
          value={draft.prohibitedPurposes}
          onChange={(e) => {
            set('prohibitedPurposes', e.target.value);
          }}
          error={firstUnder(f, 'policy/prohibitedPurposes')}
          rows={4}
        />
        <TextArea
          label="Jurisdiction boundary (GeoJSON)"
          hint="A Polygon or MultiPolygon in [longitude, latitude]; published with this version"
          value={draft.boundary}
          onChange={(e) => {
            set('boundary', e.target.value);
          }}
          error={firstUnder(f, 'boundary')}
          rows={5}
        />
        <TextField
          label="Jurisdictions whose agencies may ask"
          hint="Comma-separated slugs; empty means this jurisdiction only"
          value={draft.eligible}
          onChange={(e) => {
            set('eligible', e.target.value);
          }}
          error={firstUnder(f, 'policy/eligibleAgencyJurisdictions')}
        />
        <TextArea
          label="Reason for this version"
          hint="Published in the transparency log"
          value={draft.reason}
          onChange={(e) => {
            set('reason', e.target.value);
          }}
          error={f.reason}
          rows={2}
        />
        <ProblemAlert
          error={error}
          placed={Object.keys(f).filter(
            (k) =>
              k === 'slug' || k === 'name' || k === 'reason' || k === 'boundary' || k.startsWith('policy/'),
          )}
        />
        {done ? (
          <p className="success" role="status">
            {done}
          </p>
        ) : null}
        <div className="form-actions form-actions--start">
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || !draft.slug.trim() || draft.reason.trim().length < 3}
          >
            Publish new version
          </button>
        </div>
      </form>
    </div>
  );
}

/** The message for a list field or any of its items. */
function firstUnder(fields: Record<string, string>, key: string): string | undefined {
  return Object.entries(fields).find(([k]) => k === key || k.startsWith(`${key}/`))?.[1];
}
