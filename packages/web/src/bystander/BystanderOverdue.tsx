import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAnnounce } from '../state/announcer';
import { AnswerForm } from './AnswerForm';
import { bystander, type AnswerBody, type BystanderRequest } from './api';
import { RequestSummary } from './RequestSummary';

const MODERATOR_OUTCOMES = ['removed', 'declined'] as const;

/** Moderators' list: bystander requests their owners left unanswered for 7 days. */
export function BystanderOverdue() {
  const [items, setItems] = useState<BystanderRequest[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const announce = useAnnounce();

  useEffect(() => {
    bystander.overdue().then(setItems, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);

  const answer = async (id: string, body: AnswerBody) => {
    await bystander.answerOverdue(id, body);
    setItems((list) => list?.filter((r) => r.id !== id) ?? null);
    announce('Answer sent to the person who asked.');
  };

  return (
    <section aria-labelledby="bystander-overdue-title" className="mod-section">
      <h2 id="bystander-overdue-title">
        Bystander requests unanswered for 7 days{items ? ` (${items.length})` : ''}
      </h2>
      <ProblemAlert error={error} focus={false} />
      {items?.length === 0 ? <p className="muted">None.</p> : null}
      <ul className="bystander-list stack">
        {(items ?? []).map((r) => (
          <li key={r.id} className="card">
            <RequestSummary request={r} />
            <AnswerForm request={r} outcomes={MODERATOR_OUTCOMES} onAnswer={answer} />
          </li>
        ))}
      </ul>
    </section>
  );
}
