import { Type } from 'typebox';
import { IdParams, Obj, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  MeSchema,
  SetHomeBody,
  SetRadiusBody,
  SetRoleBody,
  UserListQuery,
  UserSummarySchema,
} from './users.schema.js';

export function usersRoutes(app: App, { users }: Services): void {
  app.get(
    '/api/me',
    { schema: { operationId: 'getMe', tags: ['users'], response: responses(200, MeSchema, 401) } },
    (request) => users.me(request.viewer),
  );

  app.put(
    '/api/me/home',
    {
      schema: {
        operationId: 'setHome',
        tags: ['users'],
        summary: 'Set the home point (kept exact server-side only) and feed radius',
        body: SetHomeBody,
        response: responses(200, MeSchema, 401, 403),
      },
    },
    (request) => users.setHome(request.viewer, request.body),
  );

  app.put(
    '/api/me/radius',
    {
      schema: {
        operationId: 'setRadius',
        tags: ['users'],
        body: SetRadiusBody,
        response: responses(200, MeSchema, 401, 403, 409),
      },
    },
    (request) => users.setRadius(request.viewer, request.body.radiusM),
  );

  app.get(
    '/api/admin/users',
    {
      schema: {
        operationId: 'listUsers',
        tags: ['admin'],
        querystring: UserListQuery,
        response: responses(
          200,
          Obj({ items: Type.Array(UserSummarySchema), nextAfter: Type.Union([Type.Integer(), Type.Null()]) }),
          401,
          403,
        ),
      },
    },
    (request) => users.list(request.viewer, request.query),
  );

  app.put(
    '/api/admin/users/:id/role',
    {
      schema: {
        operationId: 'setUserRole',
        tags: ['admin'],
        summary: 'Change a user’s role; logged publicly with the reason',
        params: IdParams,
        body: SetRoleBody,
        response: responses(200, UserSummarySchema, 401, 403, 404),
      },
    },
    (request) => users.setRole(request.viewer, request.params.id, request.body.role, request.body.reason),
  );
}
