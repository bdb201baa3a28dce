import { useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { AdminTabs } from './AdminTabs';

/** An admin page's top: the admin tabs, its title and what publishing from it means. */
export function AdminPageHead({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <AdminTabs />
      <div className="page-head">
        <h1>{title}</h1>
        <p className="muted">{children}</p>
      </div>
    </>
  );
}

/**
 * An admin form's state: the draft as typed (`set` changes one field), whether it is being sent, and the
 * server's problem (`fields` places each message beside its field). `send` runs one submission.
 */
export function useAdminForm<D extends object>(blank: D) {
  const [draft, setDraft] = useState<D>(blank);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof D>(key: K, value: D[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const send = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  /** Server messages by field (`policy/maxAreaM2`, `nonDisclosure/until`). */
  const fields: Record<string, string> = error?.fields ?? {};
  return { draft, setDraft, set, error, setError, busy, send, fields };
}
