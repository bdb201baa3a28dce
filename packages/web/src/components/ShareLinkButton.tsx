import { useState } from 'react';
import type { Post } from '../api/types';
import { useAnnounce } from '../state/announcer';

/**
 * "Share link" on a post: the phone's share sheet where there is one, else the link copied. The link opens
 * only for people whose area the post is in (and its author and moderators); anyone else gets "not available".
 */
export function ShareLinkButton({ post }: { post: Post }) {
  const announce = useAnnounce();
  const [copied, setCopied] = useState(false);
  const url = `${window.location.origin}/posts/${post.id}`;
  const share = async () => {
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: post.title, url });
        return;
      } catch (err) {
        // Dismissing the share sheet is not an error worth showing.
        if (err instanceof DOMException && err.name === 'AbortError') return;
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      announce('Link copied. Only neighbours in this area can open it.');
    } catch {
      window.prompt('Copy this link', url);
    }
  };
  return (
    <button type="button" className="button button--small button--quiet" onClick={() => void share()}>
      {copied ? 'Link copied' : 'Share link'}
      <span className="visually-hidden"> to “{post.title}”</span>
    </button>
  );
}
