import type { Role } from '@porchlight/policy';
import { AppError } from './errors.js';

export { ROLES, type Role } from '@porchlight/policy';

/** The signed-in user a request acts for. */
export interface Viewer {
  id: number;
  role: Role;
  displayName: string;
  /**
   * The viewer's home and radius as read with the session at the start of this request (null: none set), so
   * the feed needs no second lookup. Absent where a viewer was made without it; read the user row then.
   */
  home?: ViewerHome | null;
}

/** Where a resident's feed is centred, and how far it reaches. */
export interface ViewerHome {
  lat: number;
  lng: number;
  radiusM: number;
}

export type Action =
  | 'feed.read'
  | 'post.create'
  | 'post.read'
  /** Delete a post; services allow only its author. */
  | 'post.delete'
  /** Edit a post or mark it resolved; services allow only its author. */
  | 'post.edit'
  | 'comment.create'
  /** Delete a comment; services allow only its author. */
  | 'comment.delete'
  /** Edit a comment; services allow only its author. */
  | 'comment.edit'
  | 'reaction.set'
  | 'report.create'
  | 'moderation.queue'
  | 'moderation.decide'
  | 'appeal.file'
  | 'appeal.decide'
  | 'user.manage'
  /** Verify, suspend and reinstate agencies and link their members. */
  | 'agency.manage'
  /** Publish a new version of a jurisdiction's request policy. */
  | 'policy.publish'
  /** Act as an agency member; services also check the agency is verified, not suspended. */
  | 'agency.act'
  /** Record legal demands the operator receives, their answers and non-disclosure orders. */
  | 'legal.manage'
  /** Read the legal demands concerning one's own account, once one may be told of them. */
  | 'legal.notices'
  /** Keys, cameras, devices and clips of one's own vault. Nobody, of any role, reaches another's vault. */
  | 'vault.own';

/** Whether a role may perform an action at all. Resource rules (own post, different moderator) are in services. */
function roleAllows(role: Role, action: Action): boolean {
  switch (action) {
    case 'feed.read':
    case 'post.read':
    case 'post.create':
    case 'post.delete':
    case 'post.edit':
    case 'comment.create':
    case 'comment.delete':
    case 'comment.edit':
    case 'reaction.set':
    case 'report.create':
    case 'appeal.file':
    case 'vault.own':
    case 'legal.notices':
      return true;
    case 'moderation.queue':
    case 'moderation.decide':
    case 'appeal.decide':
      return role === 'moderator' || role === 'admin';
    case 'user.manage':
    case 'agency.manage':
    case 'policy.publish':
    case 'legal.manage':
      return role === 'admin';
    case 'agency.act':
      return role === 'agency';
  }
}

/**
 * The one access check every service method starts with. Deny by default: no viewer, no access; a role not
 * listed for an action, no access.
 */
export function authorize(viewer: Viewer | null, action: Action): Viewer {
  if (!viewer) throw new AppError('unauthenticated');
  if (!roleAllows(viewer.role, action)) throw new AppError('forbidden', `your role may not ${action}`);
  return viewer;
}
