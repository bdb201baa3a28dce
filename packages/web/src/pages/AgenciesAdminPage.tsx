import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import { governance, transparency, type AdminAgency, type Jurisdiction } from '../api/transparency';
import type { UserSummary } from '../api/types';
import { AdminTabs } from '../components/AdminTabs';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAnnounce } from '../state/announcer';
import '../styles/transparency.css';

/**
 * Admin: register verified agencies, link agency-role accounts to them, suspend and reinstate them. Each change
 * is logged publicly by agency name and jurisdiction; members are never published.
 */
export function AgenciesAdminPage() {
  const [agencies, setAgencies] = useState<AdminAgency[]>([]);
  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);
  const [agencyAccounts, setAgencyAccounts] = useState<UserSummary[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [a, j, users] = await Promise.all([
        governance.agencies(),
        transparency.jurisdictions(),
        call(api.GET('/api/admin/users', { params: { query: { limit: 100 } } })),
      ]);
      setAgencies(a);
      setJurisdictions(j);
      setAgencyAccounts(users.items.filter((u) => u.role === 'agency'));
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const replace = (next: AdminAgency) => {
    setAgencies((list) => list.map((a) => (a.id === next.id ? next : a)));
  };

  return (
    <div className="narrow stack">
      <AdminTabs />
      <div className="page-head">
        <h1>Agencies</h1>
        <p className="muted">
          Verifications, suspensions and membership changes are published in the transparency log with your
          reason. Members’ identities are not.
        </p>
      </div>
      <ProblemAlert error={error} focus={false} />
      <RegisterAgency jurisdictions={jurisdictions} onRegistered={() => void refresh()} />
      <ul className="agency-admin" aria-label="Agencies">
        {agencies.map((a) => (
          <li key={a.id}>
            <AgencyCard agency={a} accounts={agencyAccounts} onChanged={replace} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function RegisterAgency({
  jurisdictions,
  onRegistered,
}: {
  jurisdictions: Jurisdiction[];
  onRegistered: () => void;
}) {
  const announce = useAnnounce();
  const [draft, setDraft] = useState({ name: '', jurisdiction: '', contact: '', reason: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const jurisdiction = draft.jurisdiction || jurisdictions[0]?.slug || '';

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await governance.register({ ...draft, jurisdiction });
      announce(`${a.name} is verified.`);
      setDraft({ name: '', jurisdiction: '', contact: '', reason: '' });
      onRegistered();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (jurisdictions.length === 0) {
    return <p className="card">Publish a jurisdiction’s request policy before verifying its agencies.</p>;
  }
  const f = error?.fields ?? {};
  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Verify an agency">
      <h2>Verify an agency</h2>
      <div className="policy-form__grid">
        <TextField
          label="Agency name"
          value={draft.name}
          onChange={(e) => {
            setDraft({ ...draft, name: e.target.value });
          }}
          error={f.name}
        />
        <SelectField
          label="Jurisdiction"
          value={jurisdiction}
          onChange={(e) => {
            setDraft({ ...draft, jurisdiction: e.target.value });
          }}
          error={f.jurisdiction}
        >
          {jurisdictions.map((j) => (
            <option key={j.slug} value={j.slug}>
              {j.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Official contact"
          hint="Not published"
          value={draft.contact}
          onChange={(e) => {
            setDraft({ ...draft, contact: e.target.value });
          }}
          error={f.contact}
        />
      </div>
      <TextField
        label="How it was verified"
        hint="Published in the transparency log"
        value={draft.reason}
        onChange={(e) => {
          setDraft({ ...draft, reason: e.target.value });
        }}
        error={f.reason}
      />
      <ProblemAlert error={error} placed={['name', 'jurisdiction', 'contact', 'reason']} />
      <div className="form-actions form-actions--start">
        <button type="submit" className="button button--primary" disabled={busy}>
          Verify agency
        </button>
      </div>
    </form>
  );
}

function AgencyCard({
  agency,
  accounts,
  onChanged,
}: {
  agency: AdminAgency;
  accounts: UserSummary[];
  onChanged: (a: AdminAgency) => void;
}) {
  const announce = useAnnounce();
  const [reason, setReason] = useState('');
  const [member, setMember] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const suspended = agency.status === 'suspended';
  const candidates = accounts.filter((u) => !agency.members.some((m) => m.id === u.id));

  const run = async (action: () => Promise<AdminAgency>, message: (a: AdminAgency) => string) => {
    setBusy(true);
    setError(null);
    try {
      const next = await action();
      onChanged(next);
      announce(message(next));
      setReason('');
      setMember('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card stack" aria-label={agency.name}>
      <div>
        <h2>{agency.name}</h2>
        <p className="muted">
          {agency.jurisdiction} · {suspended ? 'Suspended' : 'Verified'} · contact {agency.contact}
        </p>
        <p>Latest reason: {agency.statusReason}</p>
      </div>
      <h3>Members</h3>
      {agency.members.length === 0 ? <p className="muted">No members yet.</p> : null}
      <ul>
        {agency.members.map((m) => (
          <li key={m.id}>
            {m.displayName} <span className="muted">{m.email}</span>{' '}
            <button
              type="button"
              className="button button--ghost button--small"
              disabled={busy}
              onClick={() =>
                void run(
                  () => governance.removeMember(agency.id, m.id),
                  () => `${m.displayName} left ${agency.name}.`,
                )
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {candidates.length > 0 ? (
        <form
          className="search-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (member)
              void run(
                () => governance.addMember(agency.id, Number(member)),
                () => `Added a member to ${agency.name}.`,
              );
          }}
        >
          <SelectField
            label="Add an agency account"
            value={member}
            onChange={(e) => {
              setMember(e.target.value);
            }}
          >
            <option value="">Choose…</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.email})
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button" disabled={busy || !member}>
            Add member
          </button>
        </form>
      ) : (
        <p className="muted">Give an account the agency role on “People and roles” to add it here.</p>
      )}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void run(
            () =>
              suspended ? governance.reinstate(agency.id, reason) : governance.suspend(agency.id, reason),
            (a) => `${a.name} is ${a.status}.`,
          );
        }}
      >
        <TextField
          label={suspended ? 'Reason for reinstating' : 'Reason for suspending'}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
          }}
          error={error?.fields.reason}
        />
        <ProblemAlert error={error} placed={['reason']} />
        <div className="form-actions form-actions--start">
          <button
            type="submit"
            className={`button ${suspended ? 'button--primary' : 'button--danger'}`}
            disabled={busy || reason.trim().length < 3}
          >
            {suspended ? 'Reinstate agency' : 'Suspend agency'}
          </button>
        </div>
      </form>
    </article>
  );
}
