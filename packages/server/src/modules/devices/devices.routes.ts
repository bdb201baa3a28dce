import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import { PublicIdParams } from '../../public-ids.js';
import type { Services } from '../../services.js';
import { DeviceList, HubConfigSchema, PairBody, PairedSchema, PairingCodeSchema } from './devices.schema.js';

export function devicesRoutes(app: App, { devices }: Services, config: Config): void {
  app.post(
    '/api/devices/pairing-codes',
    {
      schema: {
        operationId: 'createPairingCode',
        tags: ['devices'],
        summary: 'A single-use code (10 minutes) to pair a home hub with your vault',
        response: responses(201, PairingCodeSchema, 401, 403, 404),
      },
    },
    async (request, reply) => reply.status(201).send(await devices.createPairingCode(request.viewer)),
  );

  app.post(
    '/api/devices/pair',
    {
      // The hub has no session: the pairing code is the credential, so there is nothing for CSRF to protect.
      config: { csrf: false, rateLimit: { max: config.authRateLimit, timeWindow: '1 minute' } },
      schema: {
        operationId: 'pairDevice',
        tags: ['devices'],
        summary: 'Exchange a pairing code for a device token (used by the hub)',
        body: PairBody,
        response: responses(201, PairedSchema, 429),
      },
    },
    async (request, reply) => reply.status(201).send(await devices.pair(request.body)),
  );

  app.get(
    '/api/devices',
    {
      schema: {
        operationId: 'listDevices',
        tags: ['devices'],
        response: responses(200, DeviceList, 401),
      },
    },
    (request) => devices.list(request.viewer),
  );

  app.delete(
    '/api/devices/:id',
    {
      schema: {
        operationId: 'revokeDevice',
        tags: ['devices'],
        summary: 'Revoke a hub: its token stops working at once',
        params: PublicIdParams('dv'),
        response: responses(204, Type.Null(), 401, 403, 404),
      },
    },
    async (request, reply) => {
      await devices.revoke(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/hub/config',
    {
      config: { deviceAuth: true },
      schema: {
        operationId: 'getHubConfig',
        tags: ['devices'],
        summary: 'The recipient and cameras a paired hub works with (device token)',
        security: [{ device: [] }],
        response: responses(200, HubConfigSchema, 401, 404),
      },
    },
    (request) => devices.hubConfig(request.headers.authorization),
  );
}
