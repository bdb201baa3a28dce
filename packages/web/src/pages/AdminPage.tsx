import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Role, UserSummary } from '../api/types';
import { AdminTabs } from '../components/AdminTabs';
import { SelectField, TextField } from '../components/Field';
import { ProblemAlert } from '../components/ProblemAlert';
import { RelativeTime } from '../components/RelativeTime';
import { ROLE_LABELS } from '../format';
import { useAnnounce } from '../state/announcer';
import { useMe } from '../state/session';

const ROLES = Object.keys(ROLE_LABELS) as Role[];

/** Instance admin: find people and change their role, with a reason that is logged publicly. */
export function AdminPage() {
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  const search = useCallback(async (term: string) => {
    setLoading(true);
    try {
      const page = await call(api.GET('/api/admin/users', { params: { query: term ? { q: term } : {} } }));
      setUsers(page.items);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void search('');
  }, [search]);

  return (
    <div className="narrow">
      <AdminTabs />
      <div className="page-head">
        <h1>People and roles</h1>
        <p className="muted">Role changes are published in the transparency log with your reason.</p>
      </div>
      <form
        className="search-row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(q.trim());
        }}
      >
        <TextField
          label="Search by name or email"
          type="search"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
          }}
        />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <ProblemAlert error={error} focus={false} />
      {loading ? <p className="muted">Loading…</p> : null}
      <ul className="user-list" aria-label="People">
        {users.map((u) => (
          <li key={u.id}>
            <UserRow
              user={u}
              onChanged={(next) => {
                setUsers((list) => list.map((x) => (x.id === next.id ? next : x)));
              }}
            />
          </li>
        ))}
      </ul>
      {!loading && users.length === 0 && !error ? <p className="muted">Nobody matches.</p> : null}
    </div>
  );
}

function UserRow({ user, onChanged }: { user: UserSummary; onChanged: (u: UserSummary) => void }) {
  const me = useMe();
  const announce = useAnnounce();
  const [role, setRole] = useState<Role>(user.role);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = role !== user.role;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await call(
        api.PUT('/api/admin/users/{id}/role', { params: { path: { id: user.id } }, body: { role, reason } }),
      );
      setReason('');
      announce(`${next.displayName} is now ${ROLE_LABELS[next.role].toLowerCase()}.`);
      onChanged(next);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card user-row"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={`Role of ${user.displayName}`}
    >
      <div className="user-row__who">
        <strong>{user.displayName}</strong>
        {user.id === me.id ? <span className="badge">You</span> : null}
        <span className="muted">{user.email}</span>
        <span className="muted">
          Joined <RelativeTime iso={user.createdAt} />
        </span>
      </div>
      <SelectField
        label="Role"
        value={role}
        onChange={(e) => {
          setRole(e.target.value as Role);
        }}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </SelectField>
      {changed ? (
        <>
          <TextField
            label="Reason for the change"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
            }}
            required
            minLength={3}
            error={error?.fields.reason}
          />
          <ProblemAlert error={error} placed={['reason']} />
          <button
            type="submit"
            className="button button--primary"
            disabled={busy || reason.trim().length < 3}
          >
            Change role
          </button>
        </>
      ) : null}
    </form>
  );
}
