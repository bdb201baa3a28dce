import {
  LEGAL_BASES,
  LEGAL_BASIS_LABELS,
  OFFENSE_CATEGORIES,
  OFFENSE_CATEGORY_LABELS,
  type Violation,
} from '@porchlight/policy';
import { useEffect, useMemo, useState, type SubmitEvent } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { transparency, type PolicyVersion } from '../api/transparency';
import { useMyAgency } from '../agency/myAgency';
import { SelectField, TextArea, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { Link, navigate } from '../router';
import { footageRequests } from '../requests/api';
import { AreaField } from '../requests/AreaField';
import { emptyForm, NARRATIVE_MAX, toDraft, type Missing, type RequestForm } from '../requests/draft';
import { areaOf, boundaryOf, liveViolations } from '../requests/liveCheck';
import { usePageTitle } from '../components/usePageTitle';
import { ViolationList } from '../requests/ViolationList';
import { refusedViolations, violationsByField, type RequestField } from '../requests/violations';
import { useMe } from '../state/session';
import '../requests/requests.css';

/** "message (rule_id, policy vN)" for each violation, as one field message. */
const fieldMessage = (list: readonly Violation[] | undefined): string | undefined =>
  list?.map((v) => `${v.message} (${v.rule}, policy v${v.policyVersion})`).join(' ');

/**
 * An agency member drafts a footage request. The jurisdiction's policy is checked live, in the browser, by
 * the same rule code the server runs; the server's verdict is final, and a refusal (every broken rule) is
 * shown beside the fields — and logged publicly.
 */
export function NewRequestPage() {
  usePageTitle('New footage request');
  const me = useMe();
  const agency = useMyAgency(me);
  const [form, setForm] = useState<RequestForm>(() => emptyForm(new Date()));
  const [policy, setPolicy] = useState<PolicyVersion | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [missing, setMissing] = useState<Missing>({});
  const [refused, setRefused] = useState<{ form: RequestForm; violations: Violation[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const jurisdiction = agency.status === 'ready' ? agency.agency.jurisdiction : null;

  useEffect(() => {
    if (!jurisdiction) return;
    transparency.jurisdictions().then(
      (list) => {
        const j = list.find((x) => x.slug === jurisdiction);
        if (j) setPolicy(j.current);
      },
      (err: unknown) => {
        setLoadError(toApiError(err));
      },
    );
  }, [jurisdiction]);

  const draft = useMemo(() => toDraft(form), [form]);
  const live = useMemo(
    () =>
      policy && jurisdiction && 'draft' in draft
        ? liveViolations(policy, jurisdiction, draft.draft, new Date())
        : [],
    [policy, jurisdiction, draft],
  );
  // The server's refusal stands until the form changes; after that the live check speaks for it.
  const shown = refused && refused.form === form ? refused.violations : live;
  const byField = violationsByField(shown);
  const at = (field: RequestField) => fieldMessage(byField.get(field));
  const areaM2 = areaOf(form.corners);

  const set = <K extends keyof RequestForm>(key: K, value: RequestForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setMissing((m) => ({ ...m, [key]: undefined }));
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(null);
    if ('missing' in draft) {
      setMissing(draft.missing);
      return;
    }
    setBusy(true);
    try {
      const published = await footageRequests.publish(draft.draft);
      navigate(`/agency/requests/${published.id}`);
    } catch (err) {
      const apiError = toApiError(err);
      const violations = refusedViolations(apiError);
      if (violations) setRefused({ form, violations });
      setError(apiError);
      setBusy(false);
    }
  };

  if (agency.status === 'error') return <ProblemAlert error={agency.error} />;
  const suspended = agency.status === 'ready' && !agency.agency.active;

  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>New footage request</h1>
        <p className="lead">
          {agency.status === 'ready' ? `${agency.agency.name}, ${agency.agency.jurisdiction}. ` : ''}
          The request, its case number and narrative are published. Owners of cameras in the area are asked;
          you will not learn who they are or how many there are, only what they choose to share.{' '}
          <Link to="/policies">Read the policy</Link>.
        </p>
      </div>
      {suspended ? (
        <p className="alert alert--error">Your agency is suspended and cannot file requests.</p>
      ) : null}
      <ProblemAlert error={loadError} focus={false} />
      {error ? (
        <div>
          <ProblemAlert error={error} placed={Object.keys(error.fields)} />
          {refused && refused.form === form ? (
            <ViolationList violations={refused.violations} id="refusal" />
          ) : null}
        </div>
      ) : null}
      <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-label="Footage request">
        <TextField
          label="Case number"
          value={form.caseNumber}
          maxLength={64}
          onChange={(e) => {
            set('caseNumber', e.target.value);
          }}
          error={at('caseNumber')}
        />
        <SelectField
          label="Offense category"
          value={form.offenseCategory}
          onChange={(e) => {
            set('offenseCategory', e.target.value as RequestForm['offenseCategory']);
          }}
          error={missing.offenseCategory ?? at('offenseCategory')}
        >
          <option value="">Choose…</option>
          {OFFENSE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {OFFENSE_CATEGORY_LABELS[c]}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Legal basis"
          value={form.legalBasis}
          onChange={(e) => {
            set('legalBasis', e.target.value as RequestForm['legalBasis']);
          }}
          error={missing.legalBasis ?? at('legalBasis')}
        >
          <option value="">Choose…</option>
          {LEGAL_BASES.map((b) => (
            <option key={b} value={b}>
              {LEGAL_BASIS_LABELS[b]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Investigator name"
          value={form.investigatorName}
          maxLength={120}
          autoComplete="name"
          onChange={(e) => {
            set('investigatorName', e.target.value);
          }}
          error={missing.investigatorName}
        />
        <TextField
          label="Investigator contact"
          hint="Phone or email owners can reach; shown to your agency only."
          value={form.investigatorContact}
          maxLength={200}
          onChange={(e) => {
            set('investigatorContact', e.target.value);
          }}
          error={missing.investigatorContact}
        />
        <TextArea
          label="Narrative"
          hint={`What happened and why footage from this area and time would help (published; ${form.narrative.trim().length} of 40–${NARRATIVE_MAX} characters). Describe the event, not a person’s appearance.`}
          value={form.narrative}
          rows={5}
          maxLength={NARRATIVE_MAX}
          onChange={(e) => {
            set('narrative', e.target.value);
          }}
          error={missing.narrative ?? at('narrative')}
        />
        <fieldset className="field">
          <legend>Time window</legend>
          <div className="window-fields">
            <TextField
              label="From"
              type="datetime-local"
              value={form.windowStart}
              onChange={(e) => {
                set('windowStart', e.target.value);
              }}
              error={missing.windowStart}
            />
            <TextField
              label="To"
              type="datetime-local"
              value={form.windowEnd}
              onChange={(e) => {
                set('windowEnd', e.target.value);
              }}
              error={missing.windowEnd}
            />
          </div>
          {at('window') ? (
            <p className="field__error">
              <span aria-hidden="true">⚠ </span>
              {at('window')}
            </p>
          ) : null}
        </fieldset>
        <AreaField
          corners={form.corners}
          onChange={(c) => {
            set('corners', c);
          }}
          areaM2={areaM2}
          error={missing.corners ?? at('area')}
          boundary={boundaryOf(policy)}
        />
        <div className={`field${at('exigent') ? ' field--invalid' : ''}`}>
          <label className="check">
            <input
              type="checkbox"
              checked={form.exigent}
              onChange={(e) => {
                set('exigent', e.target.checked);
              }}
            />
            Emergency (exigent) request — a written justification is due within the policy’s deadline
          </label>
          {at('exigent') ? <p className="field__error">{at('exigent')}</p> : null}
        </div>
        {byField.get('general') ? (
          <div className="alert alert--error">
            <ViolationList violations={byField.get('general') ?? []} />
          </div>
        ) : null}
        <p role="status" className={shown.length > 0 ? 'field__error' : 'muted'} data-testid="policy-check">
          {!policy
            ? 'Loading your jurisdiction’s policy…'
            : 'missing' in draft
              ? 'Fill in every field to check the request against the policy.'
              : shown.length === 0
                ? `Meets ${jurisdiction ?? ''} policy version ${policy.version}.`
                : `Breaks ${shown.length} ${shown.length === 1 ? 'rule' : 'rules'} of policy version ${policy.version}; the server will refuse it and log the refusal.`}
        </p>
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={busy || suspended}>
            {busy ? 'Submitting…' : 'Submit request'}
          </button>
        </div>
      </form>
    </div>
  );
}
