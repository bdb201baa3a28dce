import { useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { useMyAgency } from '../agency/myAgency';
import { SelectField, TextArea } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAnnounce } from '../state/announcer';
import { useSession } from '../state/session';

type Section = 'breaches' | 'effectiveness' | 'cost' | 'policy_changes';

const AGENCY_SECTIONS: readonly { value: Section; label: string }[] = [
  { value: 'effectiveness', label: 'Effectiveness' },
  { value: 'cost', label: 'Cost' },
  { value: 'policy_changes', label: 'Requested policy changes' },
];
const ADMIN_SECTIONS: readonly { value: Section; label: string }[] = [
  { value: 'breaches', label: 'Breaches or unauthorised access' },
];

/**
 * Writes into an annual report what the log cannot compute: an admin the breaches or unauthorised access, a
 * member of the (active) agency its effectiveness, cost and requested policy changes. Each is logged as a
 * report annotation with the author's role and time; shown only to those allowed to write.
 */
export function ReportAnnotationForm({
  agencyId,
  year,
  onLogged,
}: {
  agencyId: number;
  year: string;
  onLogged: () => void;
}) {
  const { user } = useSession();
  const mine = useMyAgency(user);
  const announce = useAnnounce();
  const sections =
    user?.role === 'admin'
      ? ADMIN_SECTIONS
      : mine.status === 'ready' && mine.agency.id === agencyId && mine.agency.active
        ? AGENCY_SECTIONS
        : [];
  const [section, setSection] = useState<Section | ''>('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [logged, setLogged] = useState(false);
  if (sections.length === 0) return null;
  const chosen = section === '' ? sections[0]!.value : section;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(
        api.POST('/api/dashboard/agencies/{id}/report/{year}/annotations', {
          params: { path: { id: agencyId, year } },
          body: { section: chosen, text },
        }),
      );
      setText('');
      setLogged(true);
      announce('Logged. It appears in the report once the next checkpoint covers it.');
      onLogged();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card no-print" aria-labelledby="report-annotate">
      <h2 id="report-annotate">Add to this report</h2>
      <p>
        What you write is published in the transparency log as a report annotation, with your role (
        {user?.role === 'admin' ? 'admin' : 'agency'}) and the time, never your name. It cannot be edited or
        removed; a later entry is shown above it.
      </p>
      <form
        onSubmit={(e) => {
          void submit(e);
        }}
        noValidate
        aria-label="Add to this report"
      >
        <ProblemAlert error={error} placed={['section', 'text']} />
        <SelectField
          label="Section"
          value={chosen}
          error={error?.fields.section}
          onChange={(e) => {
            setSection(e.target.value as Section);
          }}
        >
          {sections.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
        <TextArea
          label="Text"
          hint="Up to 2000 characters."
          value={text}
          maxLength={2000}
          rows={5}
          required
          error={error?.fields.text}
          onChange={(e) => {
            setText(e.target.value);
            setLogged(false);
          }}
        />
        <p>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Logging…' : 'Log this annotation'}
          </button>
        </p>
        {logged ? (
          <p className="muted" role="status">
            Logged. It appears in the report once the next checkpoint covers it.
          </p>
        ) : null}
      </form>
    </section>
  );
}
