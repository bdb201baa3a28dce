import { REPORT_RULE_LABELS, REPORT_RULES, type ReportRule } from '@porchlight/policy';
import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../api/client';
import { call, toApiError, type ApiError } from '../api/problem';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';
import { SelectField, TextArea } from './Field';
import { LiftSuspension } from './LiftSuspension';
import { ProblemAlert } from './ProblemAlert';

type Suspension = NonNullable<Awaited<ReturnType<typeof suspensionOf>>>;
const suspensionOf = async (userId: number) =>
  (await call(api.GET('/api/moderation/users/{userId}/suspension', { params: { path: { userId } } })))
    .suspension;

const DURATIONS = [
  { value: '1', label: '1 day' },
  { value: '3', label: '3 days' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '', label: 'Until lifted' },
] as const;

/**
 * A moderator suspends a post's author (rule, reason, duration) or lifts the suspension in force
 * (LiftSuspension). Both are published in the transparency log without naming the account; the author sees
 * the rule and reason.
 */
export function SuspendAuthor({ post }: { post: Post }) {
  const [current, setCurrent] = useState<Suspension | null | undefined>(undefined);
  const [open, setOpen] = useState(false);
  const [rule, setRule] = useState<ReportRule>('harassment');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('3');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const announce = useAnnounce();
  const name = post.author.displayName;

  const load = useCallback(async () => {
    try {
      setCurrent(await suspensionOf(post.author.id));
    } catch (err) {
      setError(toApiError(err));
    }
  }, [post.author.id]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setReason('');
      setOpen(false);
      announce(done);
      await load();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const suspend = (e: SubmitEvent) => {
    e.preventDefault();
    void run(
      () =>
        call(
          api.POST('/api/moderation/users/{userId}/suspensions', {
            params: { path: { userId: post.author.id } },
            body: { rule, reason, days: days === '' ? null : Number(days) },
          }),
        ),
      `Suspended ${name}.`,
    );
  };
  if (post.isMine || current === undefined) return <ProblemAlert error={error} focus={false} />;
  if (current)
    return (
      <LiftSuspension
        name={name}
        suspension={current}
        onLifted={() => {
          void load();
        }}
      />
    );
  if (!open)
    return (
      <p>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => {
            setOpen(true);
          }}
        >
          Suspend {name}…
        </button>
      </p>
    );
  return (
    <form className="decision" onSubmit={suspend} noValidate aria-label={`Suspend ${name}`}>
      <ProblemAlert error={error} placed={['reason', 'rule', 'days']} />
      <SelectField
        label="Rule broken"
        value={rule}
        onChange={(e) => {
          setRule(e.target.value as ReportRule);
        }}
      >
        {REPORT_RULES.map((r) => (
          <option key={r} value={r}>
            {REPORT_RULE_LABELS[r].label}
          </option>
        ))}
      </SelectField>
      <TextArea
        label="Reason for suspending"
        hint={`${name} sees this, and it is published in the transparency log (without their name). They can still read, but not post, comment, react or report.`}
        value={reason}
        onChange={(e) => {
          setReason(e.target.value);
        }}
        rows={2}
        required
        minLength={3}
        error={error?.fields.reason}
      />
      <SelectField
        label="For how long"
        value={days}
        onChange={(e) => {
          setDays(e.target.value);
        }}
      >
        {DURATIONS.map((d) => (
          <option key={d.label} value={d.value}>
            {d.label}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button button--danger" disabled={busy || reason.trim().length < 3}>
        Suspend {name}
      </button>
      <button
        type="button"
        className="button button--ghost"
        onClick={() => {
          setOpen(false);
        }}
      >
        Cancel
      </button>
    </form>
  );
}
