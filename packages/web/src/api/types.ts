import type { paths } from '@porchlight/api-client';

/** The JSON body type of an openapi-typescript response or request. */
export type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Session = Json<paths['/api/session']['get']['responses'][200]>;
export type Me = NonNullable<Session['user']>;
export type Role = Me['role'];
export type CoarseLocation = NonNullable<Me['home']>;

export type PostPage = Json<paths['/api/feed']['get']['responses'][200]>;
export type Post = PostPage['items'][number];
export type Category = Post['category'];
export type ReactionKind = keyof Post['reactions'];
export type Person = NonNullable<Post['person']>;
export type ModerationNotice = NonNullable<Post['moderation']>;

export type NewPost = NonNullable<paths['/api/posts']['post']['requestBody']>['content']['application/json'];
export type Comment = Json<paths['/api/posts/{id}/comments']['post']['responses'][201]>;
export type PostEdit = NonNullable<
  paths['/api/posts/{id}']['patch']['requestBody']
>['content']['application/json'];
export type PostRevision = Json<paths['/api/posts/{id}/revisions']['get']['responses'][200]>['items'][number];

export type UserSummary = Json<paths['/api/admin/users']['get']['responses'][200]>['items'][number];

export type QueueItem = Json<paths['/api/moderation/queue']['get']['responses'][200]>['items'][number];
export type PendingAppeal = Json<paths['/api/moderation/appeals']['get']['responses'][200]>['items'][number];
export type ClientConfig = Json<paths['/api/config']['get']['responses'][200]>;
