import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import { PublicIdParams } from '../../public-ids.js';
import type { Services } from '../../services.js';
import { CameraList, CameraSchema, CreateCameraBody, UpdateCameraBody } from './cameras.schema.js';

export function camerasRoutes(app: App, { cameras }: Services): void {
  app.post(
    '/api/cameras',
    {
      schema: {
        operationId: 'createCamera',
        tags: ['vault'],
        summary: 'Register a camera (needs vault keys)',
        body: CreateCameraBody,
        response: responses(201, CameraSchema, 401, 403, 404),
      },
    },
    async (request, reply) => reply.status(201).send(await cameras.create(request.viewer, request.body)),
  );

  app.get(
    '/api/cameras',
    {
      schema: { operationId: 'listCameras', tags: ['vault'], response: responses(200, CameraList, 401) },
    },
    (request) => cameras.list(request.viewer),
  );

  app.get(
    '/api/cameras/:id',
    {
      schema: {
        operationId: 'getCamera',
        tags: ['vault'],
        params: PublicIdParams('ca'),
        response: responses(200, CameraSchema, 401, 404),
      },
    },
    (request) => cameras.get(request.viewer, request.params.id),
  );

  app.patch(
    '/api/cameras/:id',
    {
      schema: {
        operationId: 'updateCamera',
        tags: ['vault'],
        summary: 'Change a camera; a new retention recomputes its clips’ expiry',
        params: PublicIdParams('ca'),
        body: UpdateCameraBody,
        response: responses(200, CameraSchema, 401, 403, 404),
      },
    },
    (request) => cameras.update(request.viewer, request.params.id, request.body),
  );

  app.delete(
    '/api/cameras/:id',
    {
      schema: {
        operationId: 'deleteCamera',
        tags: ['vault'],
        summary: 'Delete a camera and every clip it has',
        params: PublicIdParams('ca'),
        response: responses(204, Type.Null(), 401, 403, 404),
      },
    },
    async (request, reply) => {
      await cameras.delete(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
