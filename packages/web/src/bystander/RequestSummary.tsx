import { Link } from '../router';
import { rangeText, type BystanderRequest } from './api';

const ANSWERED: Record<NonNullable<BystanderRequest['answer']>['outcome'], string> = {
  blurred: 'Blurred',
  removed: 'Video removed',
  declined: 'Declined',
};

/** What a bystander asked, about which post and where in its video; never who asked. */
export function RequestSummary({ request }: { request: BystanderRequest }) {
  return (
    <>
      <p>
        <strong>
          {request.kind === 'blur' ? 'Asked to be blurred' : 'Asked for the video to be removed'}
        </strong>{' '}
        at {rangeText(request.startSeconds, request.endSeconds)} in{' '}
        <Link to={`/posts/${request.post}`}>your post</Link>.
      </p>
      <blockquote>{request.description}</blockquote>
      <p className="muted">
        Filed {new Date(request.filedAt).toLocaleString()}
        {request.answer
          ? ` · ${ANSWERED[request.answer.outcome]}${request.answer.reason ? `: ${request.answer.reason}` : ''}`
          : ''}
      </p>
    </>
  );
}
