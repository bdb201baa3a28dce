import { LEGAL_DEMAND_KIND_LABELS, LEGAL_DEMAND_KINDS, LEGAL_PRODUCTIONS } from '@porchlight/policy';
import { useEffect, useState, type SubmitEvent } from 'react';
import { fileSha256, legal, type LegalDemand, type Production } from '../api/legal';
import { toApiError, type ApiError } from '../api/problem';
import { transparency, type Jurisdiction } from '../api/transparency';
import { AdminPageHead, useAdminForm } from '../components/AdminForm';
import { SelectField, TextArea, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { absoluteTime } from '../format';
import { useAnnounce } from '../state/announcer';
import '../styles/transparency.css';

const PRODUCED_LABELS: Record<Production, string> = {
  none: 'Nothing',
  ciphertext: 'Ciphertext only (the operator holds no keys)',
  account_metadata: 'Account metadata',
};

const BLANK = {
  kind: 'warrant' as (typeof LEGAL_DEMAND_KINDS)[number],
  authority: '',
  docket: '',
  date: '',
  scopeSummary: '',
  documentSha256: '',
  jurisdiction: '',
  affectedAccount: '',
  delayUntil: '',
  delayReason: '',
};

/** `datetime-local` input value → RFC 3339 (the browser's time zone). */
const rfc3339 = (local: string): string => new Date(local).toISOString();

/**
 * Admin: record the legal demands the operator receives (G3). Each is logged; the affected owner is told at
 * once, or when a recorded non-disclosure order ends (capped by the jurisdiction's policy).
 */
export function LegalAdminPage() {
  const announce = useAnnounce();
  const [demands, setDemands] = useState<LegalDemand[]>([]);
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);
  const { draft, setDraft, set, error, setError, busy, send, fields: f } = useAdminForm(BLANK);

  const refresh = () =>
    legal.list().then(setDemands, (err: unknown) => {
      setError(toApiError(err));
    });
  useEffect(() => {
    void refresh();
    transparency.jurisdictions().then(setJurisdictions, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void send(async () => {
      const { delayUntil, delayReason, ...body } = draft;
      const d = await legal.record({
        ...body,
        ...(delayUntil ? { nonDisclosure: { until: rfc3339(delayUntil), reason: delayReason } } : {}),
      });
      announce(
        d.noticeSentAt
          ? 'Recorded; the owner has been told.'
          : 'Recorded; the owner will be told when the delay ends.',
      );
      setDraft(BLANK);
      await refresh();
    });
  };

  return (
    <div className="narrow stack">
      <AdminPageHead title="Legal demands">
        The operator holds no footage it can read, so its answer to legal process is notice to the owner, who
        decides. Everything here is published in the transparency log, except whom a demand concerns.
      </AdminPageHead>
      <form className="card stack" onSubmit={submit} noValidate aria-label="Record a legal demand">
        <div className="policy-form__grid">
          <SelectField
            label="Kind"
            value={draft.kind}
            onChange={(e) => {
              set('kind', e.target.value as typeof draft.kind);
            }}
            error={f.kind}
          >
            {LEGAL_DEMAND_KINDS.map((k) => (
              <option key={k} value={k}>
                {LEGAL_DEMAND_KIND_LABELS[k]}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Issuing court or authority"
            value={draft.authority}
            onChange={(e) => {
              set('authority', e.target.value);
            }}
            error={f.authority}
          />
          <TextField
            label="Docket or reference"
            hint="Never a person’s name"
            value={draft.docket}
            onChange={(e) => {
              set('docket', e.target.value);
            }}
            error={f.docket}
          />
          <TextField
            label="Date on the demand"
            type="date"
            value={draft.date}
            onChange={(e) => {
              set('date', e.target.value);
            }}
            error={f.date}
          />
          <SelectField
            label="Jurisdiction"
            hint="Its policy caps how long notice may be delayed"
            value={draft.jurisdiction}
            onChange={(e) => {
              set('jurisdiction', e.target.value);
            }}
            error={f.jurisdiction}
          >
            <option value="">Choose…</option>
            {jurisdictions.map((j) => (
              <option key={j.slug} value={j.slug}>
                {j.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Affected account (email)"
            hint="Told of the demand; never published"
            type="email"
            value={draft.affectedAccount}
            onChange={(e) => {
              set('affectedAccount', e.target.value);
            }}
            error={f.affectedAccount}
          />
        </div>
        <TextArea
          label="Scope, in words fit to publish"
          hint="What it asks for; no names or addresses"
          value={draft.scopeSummary}
          onChange={(e) => {
            set('scopeSummary', e.target.value);
          }}
          error={f.scopeSummary}
          rows={2}
        />
        <TextField
          label="The demand’s document"
          hint={
            draft.documentSha256 ? `SHA-256 ${draft.documentSha256}` : 'Hashed in your browser; not uploaded'
          }
          type="file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file)
              void fileSha256(file).then((h) => {
                set('documentSha256', h);
              });
          }}
          error={f.documentSha256}
        />
        <fieldset className="stack">
          <legend>Non-disclosure order (optional)</legend>
          <TextField
            label="Notice delayed until"
            type="datetime-local"
            value={draft.delayUntil}
            onChange={(e) => {
              set('delayUntil', e.target.value);
            }}
            error={f['nonDisclosure/until']}
          />
          <TextField
            label="The order"
            hint="Published in the log"
            value={draft.delayReason}
            onChange={(e) => {
              set('delayReason', e.target.value);
            }}
            error={f['nonDisclosure/reason']}
          />
        </fieldset>
        <ProblemAlert error={error} placed={Object.keys(f)} />
        <div className="form-actions form-actions--start">
          <button type="submit" className="button button--primary" disabled={busy || !draft.documentSha256}>
            Record demand
          </button>
        </div>
      </form>
      <section aria-labelledby="demands-h" className="stack">
        <h2 id="demands-h">Recorded demands</h2>
        {demands.length === 0 ? <p className="muted">None yet.</p> : null}
        {demands.map((d) => (
          <DemandCard key={d.id} demand={d} onChange={() => void refresh()} />
        ))}
      </section>
    </div>
  );
}

function DemandCard({ demand: d, onChange }: { demand: LegalDemand; onChange: () => void }) {
  const [produced, setProduced] = useState<Production>('none');
  const [error, setError] = useState<ApiError | null>(null);
  const act = (p: Promise<unknown>) => {
    setError(null);
    p.then(onChange, (err: unknown) => {
      setError(toApiError(err));
    });
  };
  return (
    <article className="card stack" aria-label={`${LEGAL_DEMAND_KIND_LABELS[d.kind]} ${d.docket}`}>
      <h3>
        {LEGAL_DEMAND_KIND_LABELS[d.kind]} · {d.authority} · {d.docket}
      </h3>
      <p>{d.scopeSummary}</p>
      <p className="muted">
        Dated {d.date}, received {absoluteTime(d.receivedAt)}.{' '}
        {d.noticeSentAt
          ? `Owner told ${absoluteTime(d.noticeSentAt)}.`
          : `Owner to be told ${absoluteTime(d.noticeDueAt)} (non-disclosure order).`}{' '}
        <span className="mono">{d.id}</span>
      </p>
      {d.produced ? (
        <p>Answered: {PRODUCED_LABELS[d.produced]}</p>
      ) : (
        <div className="chips">
          <SelectField
            label="What was produced"
            value={produced}
            onChange={(e) => {
              setProduced(e.target.value as Production);
            }}
          >
            {LEGAL_PRODUCTIONS.map((p) => (
              <option key={p} value={p}>
                {PRODUCED_LABELS[p]}
              </option>
            ))}
          </SelectField>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              act(legal.answer(d.id, produced));
            }}
          >
            Record answer
          </button>
        </div>
      )}
      {d.noticeSentAt ? null : <DelayNoticeForm demand={d} onChange={onChange} />}
      <ProblemAlert error={error} focus={false} />
    </article>
  );
}

/**
 * Records a further non-disclosure order (or an extension) while the owner has not been told yet. The server
 * caps the delay at the jurisdiction's nonDisclosureMaxDays from receipt and logs the order.
 */
function DelayNoticeForm({ demand: d, onChange }: { demand: LegalDemand; onChange: () => void }) {
  const announce = useAnnounce();
  const { draft, set, setDraft, error, busy, send, fields } = useAdminForm({ until: '', reason: '' });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void send(async () => {
      const updated = await legal.delayNotice(d.id, rfc3339(draft.until), draft.reason);
      announce(`The owner’s notice is now delayed until ${absoluteTime(updated.noticeDueAt)}.`);
      setDraft({ until: '', reason: '' });
      onChange();
    });
  };
  return (
    <form
      className="stack"
      onSubmit={submit}
      noValidate
      aria-label={`Delay the notice of ${LEGAL_DEMAND_KIND_LABELS[d.kind]} ${d.docket}`}
    >
      <fieldset className="stack">
        <legend>Extend the non-disclosure order</legend>
        <TextField
          label="Notice delayed until"
          type="datetime-local"
          value={draft.until}
          onChange={(e) => {
            set('until', e.target.value);
          }}
          error={fields.until}
        />
        <TextField
          label="The order"
          hint="Published in the log"
          value={draft.reason}
          onChange={(e) => {
            set('reason', e.target.value);
          }}
          error={fields.reason}
        />
      </fieldset>
      <ProblemAlert error={error} placed={['until', 'reason']} focus={false} />
      <div className="form-actions form-actions--start">
        <button
          type="submit"
          className="button button--small"
          disabled={busy || !draft.until || draft.reason.trim().length < 3}
        >
          Delay notice
        </button>
      </div>
    </form>
  );
}
