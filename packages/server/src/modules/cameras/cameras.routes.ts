import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import { PublicIdParams } from '../../public-ids.js';
import type { Services } from '../../services.js';
import {
  CameraList,
  CameraSchema,
  CameraSnapshotSchema,
  CreateCameraBody,
  MAX_SNAPSHOT_BYTES,
  PutSnapshotBody,
  UpdateCameraBody,
} from './cameras.schema.js';

export function camerasRoutes(app: App, { cameras, cameraSnapshots }: Services): void {
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

  app.get(
    '/api/cameras/:id/snapshot',
    {
      schema: {
        operationId: 'getCameraSnapshot',
        tags: ['vault'],
        summary: 'The camera’s latest frame from its hub, encrypted to you (for drawing privacy zones)',
        params: PublicIdParams('ca'),
        response: responses(200, CameraSnapshotSchema, 401, 403, 404),
      },
    },
    (request) => cameraSnapshots.get(request.viewer, request.params.id),
  );

  app.put(
    '/api/hub/cameras/:id/snapshot',
    {
      // Base64 of the largest ciphertext kept, plus the JSON around it.
      bodyLimit: Math.ceil(MAX_SNAPSHOT_BYTES / 3) * 4 + 4096,
      config: { deviceAuth: true },
      schema: {
        operationId: 'putHubCameraSnapshot',
        tags: ['devices'],
        summary: 'A hub replaces a camera’s snapshot: one frame, age-encrypted to the owner (device token)',
        security: [{ device: [] }],
        params: PublicIdParams('ca'),
        body: PutSnapshotBody,
        response: responses(204, Type.Null(), 400, 401, 404),
      },
    },
    async (request, reply) => {
      await cameraSnapshots.put(request.headers.authorization, request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );
}
