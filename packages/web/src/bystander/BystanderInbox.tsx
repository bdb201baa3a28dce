import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { useAnnounce } from '../state/announcer';
import { AnswerForm } from './AnswerForm';
import { bystander, type AnswerBody, type BystanderRequest } from './api';
import { RequestSummary } from './RequestSummary';

const OWNER_OUTCOMES = ['blurred', 'removed', 'declined'] as const;

/** The owner's inbox section: people shown in their video posts who asked to be blurred or removed. */
export function BystanderInbox() {
  const [items, setItems] = useState<BystanderRequest[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const announce = useAnnounce();

  useEffect(() => {
    bystander.mine().then(setItems, (err: unknown) => {
      setError(toApiError(err));
    });
  }, []);

  const answer = async (id: string, body: AnswerBody) => {
    const updated = await bystander.answer(id, body);
    setItems((list) => list?.map((r) => (r.id === id ? updated : r)) ?? null);
    announce('Answer sent to the person who asked.');
  };

  if (!error && (items === null || items.length === 0)) return null;
  return (
    <section className="stack bystander-inbox" aria-labelledby="bystander-title">
      <h2 id="bystander-title">Requests from people in your videos</h2>
      <p className="muted">
        Answer within 7 days; after that, moderators see the request too. You never see who asked.
      </p>
      <ProblemAlert error={error} focus={false} />
      <ul className="bystander-list stack">
        {(items ?? []).map((r) => (
          <li key={r.id} className="card">
            <RequestSummary request={r} />
            {r.answer ? null : <AnswerForm request={r} outcomes={OWNER_OUTCOMES} onAnswer={answer} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
