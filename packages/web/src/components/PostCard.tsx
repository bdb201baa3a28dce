import type { ReactNode } from 'react';
import type { CoarseLocation, Post } from '../api/types';
import { describeDistance } from '../format';
import { Link } from '../router';
import { AgencyBadge, CategoryBadge } from './Badges';
import { DeletePostButton } from './DeletePostButton';
import { MuteButton } from './MuteButton';
import { ShareLinkButton } from './ShareLinkButton';
import { PersonDetails } from './PersonDetails';
import { PostMedia } from './PostMedia';
import { ReactionBar } from './ReactionBar';
import { RelativeTime } from './RelativeTime';
import { ReportButton } from './ReportButton';
import { LinkedText } from './LinkedText';
import { CommentIcon } from './Icons';

interface PostCardProps {
  post: Post;
  home: CoarseLocation | null;
  onChange: (post: Post) => void;
  /** On the post's own page: the title is not a link and the heading is the page's. */
  standalone?: boolean;
  /** Arrived live since the feed loaded. */
  fresh?: boolean;
  /** Extra content under the body: moderation notices, appeal forms. */
  children?: ReactNode;
  /** Content under the reactions, e.g. a moderator's decision form. */
  after?: ReactNode;
  /** Offer "Report" (default: on others' visible posts). */
  reportable?: boolean;
  /** Offer the author "Delete"; called once the post is deleted. */
  onDeleted?: (postId: string) => void;
  /** Offer "Mute" on others' posts; called with the author's id once muted. */
  onMuted?: (authorId: number) => void;
}

/** One post: category, title, author, when, roughly where, the text, reactions and comments. */
export function PostCard({
  post,
  home,
  onChange,
  standalone = false,
  fresh = false,
  children,
  after,
  reportable = true,
  onDeleted,
  onMuted,
}: PostCardProps) {
  const titleId = `post-${post.id}-title`;
  const Heading = standalone ? 'h1' : 'h2';
  const noun = post.commentCount === 1 ? 'comment' : 'comments';
  return (
    <article
      className={`post${fresh ? ' post--fresh' : ''}${post.status === 'hidden' ? ' post--hidden' : ''}`}
      aria-labelledby={titleId}
    >
      <div className="post__tags">
        <CategoryBadge category={post.category} />
        {post.author.isAgency ? <AgencyBadge /> : null}
        {fresh ? <span className="badge badge--new">New</span> : null}
        {post.status === 'hidden' ? <span className="badge badge--hidden">Hidden</span> : null}
        {post.resolvedAt ? <span className="badge badge--resolved">Resolved</span> : null}
      </div>
      <Heading id={titleId} className="post__title" tabIndex={standalone ? -1 : undefined}>
        {standalone ? post.title : <Link to={`/posts/${post.id}`}>{post.title}</Link>}
      </Heading>
      <p className="post__byline">
        <span className="post__author">{post.isMine ? 'You' : post.author.displayName}</span>
        <span aria-hidden="true"> · </span>
        <RelativeTime iso={post.createdAt} />
        {post.editedAt ? (
          <span className="post__edited">
            {' '}
            (edited <RelativeTime iso={post.editedAt} />)
          </span>
        ) : null}
        <span aria-hidden="true"> · </span>
        <span title="Locations are shown as a neighbourhood cell, never an exact address">
          {describeDistance(home, post.location)}
        </span>
      </p>
      <p className="post__body">
        <LinkedText text={post.body} />
      </p>
      <PostMedia post={post} onChange={onChange} />
      {post.person ? <PersonDetails person={post.person} /> : null}
      {children}
      <div className="post__actions">
        <ReactionBar post={post} onChange={onChange} />
        <div className="post__secondary">
          {standalone ? (
            <span className="post__comment-count">
              {post.commentCount} {noun}
            </span>
          ) : (
            <Link className="post__comment-count" to={`/posts/${post.id}`}>
              <CommentIcon /> {post.commentCount}
              <span className="post__comment-noun"> {noun}</span>
              <span className="visually-hidden"> on “{post.title}”</span>
            </Link>
          )}
          {reportable && !post.isMine && post.status === 'visible' ? <ReportButton post={post} /> : null}
          {post.isMine && onDeleted ? <DeletePostButton post={post} onDeleted={onDeleted} /> : null}
          {standalone && post.status === 'visible' ? <ShareLinkButton post={post} /> : null}
          {!post.isMine && onMuted ? <MuteButton post={post} onMuted={onMuted} /> : null}
        </div>
      </div>
      {after ? <div className="post__after">{after}</div> : null}
    </article>
  );
}
