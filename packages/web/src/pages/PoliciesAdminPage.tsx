import { useEffect, useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { governance, transparency, type Jurisdiction, type RequestPolicy } from '../api/transparency';
import { AdminTabs } from '../components/AdminTabs';
import { TextArea, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link } from '../router';
import { useAnnounce } from '../state/announcer';
import '../styles/transparency.css';

interface Draft {
  slug: string;
  name: string;
  areaKm2: string;
  windowHours: string;
  caseNumberRequired: boolean;
  legalBasisRequired: boolean;
  allowedLegalBases: string;
  prohibitedPurposes: string;
  maxRequestsPerCase: string;
  eligible: string;
  retentionDays: string;
  reason: string;
}

const BLANK: Draft = {
  slug: '',
  name: '',
  areaKm2: '2',
  windowHours: '72',
  caseNumberRequired: true,
  legalBasisRequired: true,
  allowedLegalBases: 'warrant, consent',
  prohibitedPurposes: 'immigration_enforcement, protest_monitoring, face_recognition',
  maxRequestsPerCase: '3',
  eligible: '',
  retentionDays: '90',
  reason: '',
};

const list = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

function fromPolicy(j: Jurisdiction): Draft {
  const p = j.current.policy;
  return {
    slug: j.slug,
    name: j.name,
    areaKm2: String(p.maxAreaM2 / 1_000_000),
    windowHours: String(p.maxWindowHours),
    caseNumberRequired: p.caseNumberRequired,
    legalBasisRequired: p.legalBasisRequired,
    allowedLegalBases: p.allowedLegalBases.join(', '),
    prohibitedPurposes: p.prohibitedPurposes.join(', '),
    maxRequestsPerCase: String(p.maxRequestsPerCase),
    eligible: p.eligibleAgencyJurisdictions.join(', '),
    retentionDays: String(p.disclosureRetentionDays),
    reason: '',
  };
}

/** Numbers are sent as typed; the server names any that are out of range. */
function toPolicy(d: Draft): RequestPolicy {
  return {
    maxAreaM2: Math.round(Number(d.areaKm2) * 1_000_000),
    maxWindowHours: Number(d.windowHours),
    caseNumberRequired: d.caseNumberRequired,
    legalBasisRequired: d.legalBasisRequired,
    allowedLegalBases: list(d.allowedLegalBases),
    prohibitedPurposes: list(d.prohibitedPurposes),
    maxRequestsPerCase: Number(d.maxRequestsPerCase),
    eligibleAgencyJurisdictions: d.eligible.trim() ? list(d.eligible) : [d.slug.trim()],
    disclosureRetentionDays: Number(d.retentionDays),
  };
}

/** Admin: publish a new version of a jurisdiction's request policy (old versions are never edited). */
export function PoliciesAdminPage() {
  const announce = useAnnounce();
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);
  const [draft, setDraft] = useState<Draft>(BLANK);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const refresh = () =>
    transparency.jurisdictions().then(setJurisdictions, (err: unknown) => {
      setError(toApiError(err));
    });
  useEffect(() => {
    void refresh();
  }, []);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const existing = jurisdictions.find((j) => j.slug === draft.slug.trim());
  const f = error?.fields ?? {};

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const slug = draft.slug.trim();
      const v = await governance.publishPolicy(slug, {
        ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
        policy: toPolicy(draft),
        reason: draft.reason,
      });
      const message = `Published version ${v.version} of ${v.name}’s policy.`;
      setDone(message);
      announce(message);
      setDraft((d) => ({ ...d, reason: '' }));
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow stack">
      <AdminTabs />
      <div className="page-head">
        <h1>Request policies</h1>
        <p className="muted">
          Publishing creates a new version; earlier ones stay as they were. Each version and your reason are
          published in the transparency log. <Link to="/policies">See the public page.</Link>
        </p>
      </div>
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
      <form className="card stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Publish a policy">
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
        </div>
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
          hint="Comma-separated snake_case terms, e.g. warrant, consent"
          value={draft.allowedLegalBases}
          onChange={(e) => {
            set('allowedLegalBases', e.target.value);
          }}
          error={firstUnder(f, 'policy/allowedLegalBases')}
        />
        <TextField
          label="Prohibited purposes"
          hint="Comma-separated, e.g. immigration_enforcement, protest_monitoring"
          value={draft.prohibitedPurposes}
          onChange={(e) => {
            set('prohibitedPurposes', e.target.value);
          }}
          error={firstUnder(f, 'policy/prohibitedPurposes')}
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
            (k) => k === 'slug' || k === 'name' || k === 'reason' || k.startsWith('policy/'),
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
