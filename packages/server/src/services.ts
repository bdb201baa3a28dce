import type { Deps } from './deps.js';
import { AuthService } from './modules/auth/auth.service.js';
import { LiveService } from './modules/live/live.service.js';
import { ModerationService } from './modules/moderation/moderation.service.js';
import { PostsService } from './modules/posts/posts.service.js';
import { TransparencyService } from './modules/transparency/transparency.service.js';
import { UsersService } from './modules/users/users.service.js';

/** Every domain service, built once per app from the same infrastructure. */
export interface Services {
  auth: AuthService;
  users: UsersService;
  posts: PostsService;
  moderation: ModerationService;
  live: LiveService;
  transparency: TransparencyService;
}

export function createServices(deps: Deps): Services {
  return {
    auth: new AuthService(deps),
    users: new UsersService(deps),
    posts: new PostsService(deps),
    moderation: new ModerationService(deps),
    live: new LiveService(deps),
    transparency: new TransparencyService(deps),
  };
}
