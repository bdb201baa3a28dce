import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { RewrapBody, RotateKeysBody, SetVaultKeysBody, VaultKeysSchema } from './vault.schema.js';

export function vaultRoutes(app: App, { vault }: Services): void {
  app.get(
    '/api/vault/keys',
    {
      schema: {
        operationId: 'getVaultKeys',
        tags: ['vault'],
        summary: 'Your vault recipient and wrapped identity (unwrap it with your passphrase, in the browser)',
        response: responses(200, VaultKeysSchema, 401, 404),
      },
    },
    (request) => vault.get(request.viewer),
  );

  app.put(
    '/api/vault/keys',
    {
      schema: {
        operationId: 'setVaultKeys',
        tags: ['vault'],
        summary: 'Set up your vault keys, once',
        body: SetVaultKeysBody,
        response: responses(201, VaultKeysSchema, 401, 403, 409),
      },
    },
    async (request, reply) => reply.status(201).send(await vault.setUp(request.viewer, request.body)),
  );

  app.put(
    '/api/vault/keys/wrapping',
    {
      schema: {
        operationId: 'rewrapVaultIdentity',
        tags: ['vault'],
        summary: 'Replace the passphrase-wrapped identity (passphrase change)',
        body: RewrapBody,
        response: responses(200, VaultKeysSchema, 401, 403, 404),
      },
    },
    (request) => vault.rewrap(request.viewer, request.body.wrappedIdentity),
  );

  app.post(
    '/api/vault/keys/rotation',
    {
      schema: {
        operationId: 'rotateVaultKeys',
        tags: ['vault'],
        summary:
          'Replace the vault identity with a new one; the retired identities are kept sealed to the new key',
        body: RotateKeysBody,
        response: responses(200, VaultKeysSchema, 400, 401, 403, 404, 409),
      },
    },
    (request) => vault.rotate(request.viewer, request.body),
  );
}
