import type { ModerationNotice as Notice } from '../api/types';
import { RelativeTime } from './RelativeTime';

const APPEAL_STATUS_FOR_MODERATORS = {
  pending: 'Pending.',
  upheld: 'Upheld.',
  overturned: 'Overturned.',
} as const;

const APPEAL_STATUS = {
  pending: 'Your appeal is waiting for a different moderator.',
  upheld: 'Your appeal was reviewed and the decision stands.',
  overturned: 'Your appeal succeeded and the post was restored.',
} as const;

/** The latest moderation decision on a post, as its author (or a moderator) sees it. */
export function ModerationNotice({ notice, asAuthor }: { notice: Notice; asAuthor: boolean }) {
  const hidden = notice.action === 'hide';
  const appeal = notice.appeal;
  return (
    <section
      className={`notice ${hidden ? 'notice--hidden' : 'notice--restored'}`}
      aria-label="Moderation decision"
    >
      <p className="notice__title">
        {hidden ? 'Hidden by a moderator' : 'Restored by a moderator'} <RelativeTime iso={notice.decidedAt} />
      </p>
      <p>
        <strong>Reason:</strong> {notice.reason}
      </p>
      {hidden && asAuthor && !appeal ? (
        <p className="muted">Only you and the moderators can see this post now. You can appeal once.</p>
      ) : null}
      {appeal ? (
        <div className="notice__appeal">
          <p>
            <strong>Appeal:</strong>{' '}
            {asAuthor ? APPEAL_STATUS[appeal.status] : APPEAL_STATUS_FOR_MODERATORS[appeal.status]}
          </p>
          <blockquote>{appeal.statement}</blockquote>
          {appeal.decisionReason && appeal.decisionReason !== notice.reason ? (
            <p>
              <strong>Decision:</strong> {appeal.decisionReason}
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
