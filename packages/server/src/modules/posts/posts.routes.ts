import { Type } from 'typebox';
import { Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import { PublicIdParams } from '../../public-ids.js';
import type { Services } from '../../services.js';
import {
  CommentPage,
  CommentSchema,
  CreateCommentBody,
  CreatePostBody,
  CommentRevisions,
  EditCommentBody,
  EditPostBody,
  FeedQuery,
  PageQuery,
  PostPage,
  PostIdParams,
  PostRevisions,
  PostSchema,
  ReactionBody,
  ReportBody,
} from './posts.schema.js';

export function postsRoutes(app: App, { posts }: Services): void {
  app.get(
    '/api/feed',
    {
      schema: {
        operationId: 'getFeed',
        tags: ['feed'],
        summary: 'Posts within your radius, newest first',
        querystring: FeedQuery,
        response: responses(200, PostPage, 401, 409),
      },
    },
    (request) => posts.feed(request.viewer, request.query),
  );

  app.get(
    '/api/me/posts',
    {
      schema: {
        operationId: 'getMyPosts',
        tags: ['feed'],
        summary: 'Your own posts, with moderation decisions',
        querystring: PageQuery,
        response: responses(200, PostPage, 401),
      },
    },
    (request) => posts.mine(request.viewer, request.query),
  );

  app.post(
    '/api/posts',
    {
      schema: {
        operationId: 'createPost',
        tags: ['feed'],
        body: CreatePostBody,
        response: responses(201, PostSchema, 401, 403, 409, 422),
      },
    },
    async (request, reply) => reply.status(201).send(await posts.create(request.viewer, request.body)),
  );

  app.get(
    '/api/posts/:id',
    {
      schema: {
        operationId: 'getPost',
        tags: ['feed'],
        params: PostIdParams,
        response: responses(200, PostSchema, 401, 404),
      },
    },
    (request) => posts.get(request.viewer, request.params.id),
  );

  app.get(
    '/api/posts/:id/comments',
    {
      schema: {
        operationId: 'getComments',
        tags: ['feed'],
        params: PostIdParams,
        querystring: PageQuery,
        response: responses(200, CommentPage, 401, 404),
      },
    },
    (request) => posts.comments(request.viewer, request.params.id, request.query),
  );

  app.post(
    '/api/posts/:id/comments',
    {
      schema: {
        operationId: 'createComment',
        tags: ['feed'],
        params: PostIdParams,
        body: CreateCommentBody,
        response: responses(201, CommentSchema, 401, 403, 404, 409),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await posts.comment(request.viewer, request.params.id, request.body.body)),
  );

  app.patch(
    '/api/posts/:id',
    {
      schema: {
        operationId: 'editPost',
        tags: ['feed'],
        description:
          'The author edits their post (the composer rules apply again; the replaced version is kept for ' +
          'moderators) or marks it resolved / open again',
        params: PostIdParams,
        body: EditPostBody,
        response: responses(200, PostSchema, 401, 403, 404, 422),
      },
    },
    (request) => posts.edit(request.viewer, request.params.id, request.body),
  );

  app.get(
    '/api/posts/:id/revisions',
    {
      schema: {
        operationId: 'getPostRevisions',
        tags: ['moderation'],
        summary: 'Earlier versions of an edited post (its author and moderators only)',
        params: PostIdParams,
        response: responses(200, PostRevisions, 401, 403, 404),
      },
    },
    (request) => posts.revisions(request.viewer, request.params.id),
  );

  app.patch(
    '/api/comments/:id',
    {
      schema: {
        operationId: 'editComment',
        tags: ['feed'],
        description: 'The author edits their comment; the replaced text is kept for moderators',
        params: PublicIdParams('co'),
        body: EditCommentBody,
        response: responses(200, CommentSchema, 401, 403, 404, 409, 422),
      },
    },
    (request) => posts.editComment(request.viewer, request.params.id, request.body.body),
  );

  app.get(
    '/api/comments/:id/revisions',
    {
      schema: {
        operationId: 'getCommentRevisions',
        tags: ['moderation'],
        summary: 'Earlier versions of an edited comment (its author and moderators only)',
        params: PublicIdParams('co'),
        response: responses(200, CommentRevisions, 401, 403, 404),
      },
    },
    (request) => posts.commentRevisions(request.viewer, request.params.id),
  );

  app.delete(
    '/api/posts/:id',
    {
      schema: {
        operationId: 'deletePost',
        tags: ['feed'],
        description:
          'The author deletes their post, with its comments, reactions and reports; it leaves open feeds at once',
        params: PostIdParams,
        response: responses(204, Type.Null(), 401, 403, 404),
      },
    },
    async (request, reply) => {
      await posts.delete(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/comments/:id',
    {
      schema: {
        operationId: 'deleteComment',
        tags: ['feed'],
        description: 'The author deletes their comment; it leaves open threads at once',
        params: PublicIdParams('co'),
        response: responses(204, Type.Null(), 401, 403, 404),
      },
    },
    async (request, reply) => {
      await posts.deleteComment(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/posts/:id/reaction',
    {
      schema: {
        operationId: 'setReaction',
        tags: ['feed'],
        params: PostIdParams,
        body: ReactionBody,
        response: responses(200, PostSchema, 401, 403, 404, 409),
      },
    },
    (request) => posts.react(request.viewer, request.params.id, request.body.kind),
  );

  app.delete(
    '/api/posts/:id/reaction',
    {
      schema: {
        operationId: 'removeReaction',
        tags: ['feed'],
        params: PostIdParams,
        response: responses(200, PostSchema, 401, 403, 404, 409),
      },
    },
    (request) => posts.react(request.viewer, request.params.id, null),
  );

  app.post(
    '/api/posts/:id/reports',
    {
      schema: {
        operationId: 'reportPost',
        tags: ['moderation'],
        summary: 'Report a post to the moderators',
        params: PostIdParams,
        body: ReportBody,
        response: responses(201, Obj({ reported: Type.Literal(true) }), 401, 403, 404, 409),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await posts.report(request.viewer, request.params.id, request.body)),
  );
}
