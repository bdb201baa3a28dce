import type { App } from '../../http/types.js';
import { responses } from '../../http/schema.js';
import type { Services } from '../../services.js';
import { PostIdParams } from '../posts/posts.schema.js';
import { FollowState } from './follows.schema.js';

/** Follow and unfollow a post; a post you cannot read is 404. */
export function followsRoutes(app: App, { follows }: Services): void {
  app.get(
    '/api/posts/:id/follow',
    {
      schema: {
        operationId: 'getPostFollow',
        tags: ['feed'],
        params: PostIdParams,
        response: responses(200, FollowState, 400, 401, 404),
      },
    },
    (request) => follows.state(request.viewer, request.params.id),
  );

  app.put(
    '/api/posts/:id/follow',
    {
      schema: {
        operationId: 'followPost',
        tags: ['feed'],
        description: 'Hear of new comments and updates on this post. Following again changes nothing.',
        params: PostIdParams,
        response: responses(200, FollowState, 400, 401, 404),
      },
    },
    (request) => follows.follow(request.viewer, request.params.id),
  );

  app.delete(
    '/api/posts/:id/follow',
    {
      schema: {
        operationId: 'unfollowPost',
        tags: ['feed'],
        params: PostIdParams,
        response: responses(200, FollowState, 400, 401, 404),
      },
    },
    (request) => follows.unfollow(request.viewer, request.params.id),
  );
}
