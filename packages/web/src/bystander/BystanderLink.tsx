import type { Post } from '../api/types';
import { Link } from '../router';
import { askPath } from './api';

/** On a post with video: where someone shown in it asks to be blurred or removed (the page needs no account). */
export function BystanderLink({ post }: { post: Post }) {
  if (!post.media.some((m) => m.kind === 'video' && m.status === 'ready')) return null;
  return (
    <p className="bystander-link">
      <Link to={askPath(post.id)}>Ask to be blurred or removed</Link>
      {post.isMine ? null : <span className="muted"> — if you are shown in this video</span>}
    </p>
  );
}
