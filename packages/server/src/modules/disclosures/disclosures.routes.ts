import { Type } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AgencyDisclosureList,
  CiphertextResponse,
  DisclosureIdParams,
  HoldBody,
  OwnDisclosureList,
  RequestIdParams,
} from './disclosures.schema.js';

/** Disclosures: the owner's list and revocation; the requesting agency's list, download, holds and export. */
export function disclosuresRoutes(app: App, { disclosures, evidence }: Services): void {
  app.get(
    '/api/disclosures/mine',
    {
      schema: {
        operationId: 'listMyDisclosures',
        tags: ['disclosures'],
        summary: 'Clips you shared with agencies, newest first',
        response: responses(200, OwnDisclosureList, 401),
      },
    },
    (request) => disclosures.mine(request.viewer),
  );

  app.delete(
    '/api/disclosures/:id',
    {
      schema: {
        operationId: 'revokeDisclosure',
        tags: ['disclosures'],
        summary: 'Revoke your disclosure before the agency first downloads it (ciphertext deleted, logged)',
        params: DisclosureIdParams,
        response: responses(204, Type.Null(), 401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      await disclosures.revoke(request.viewer, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/requests/:id/disclosures',
    {
      schema: {
        operationId: 'listRequestDisclosures',
        tags: ['disclosures'],
        summary: 'Disclosures made to your agency’s request, each listed once its log entry is checkpointed',
        params: RequestIdParams,
        response: responses(200, AgencyDisclosureList, 401, 403, 404),
      },
    },
    (request) => disclosures.listForRequest(request.viewer, request.params.id),
  );

  app.get(
    '/api/disclosures/:id/ciphertext',
    {
      schema: {
        operationId: 'getDisclosureCiphertext',
        tags: ['disclosures'],
        summary:
          'The disclosure’s age ciphertext (Range supported; each member’s access is logged once a day)',
        params: DisclosureIdParams,
        response: {
          ...responses(200, Type.Unsafe(CiphertextResponse), 401, 403, 404, 409),
          206: Type.Unsafe(CiphertextResponse),
          416: Type.Null({ description: 'Range not satisfiable' }),
        },
      },
    },
    async (request, reply) => {
      const h = request.headers;
      const out = await disclosures.ciphertext(request.viewer, request.params.id, {
        range: h.range,
        ifRange: typeof h['if-range'] === 'string' ? h['if-range'] : undefined,
      });
      void reply.status(out.status).headers(out.headers);
      return reply.send(out.body ?? null);
    },
  );

  app.post(
    '/api/disclosures/:id/hold',
    {
      schema: {
        operationId: 'holdDisclosure',
        tags: ['disclosures'],
        summary:
          'File a legal hold: keep the copy until a later date (within the policy maximum; logged, public)',
        params: DisclosureIdParams,
        body: HoldBody,
        response: responses(200, AgencyDisclosureList.properties.items.items, 401, 403, 404, 409),
      },
    },
    (request) => disclosures.hold(request.viewer, request.params.id, request.body),
  );

  app.get(
    '/api/requests/:id/evidence',
    {
      schema: {
        operationId: 'getRequestEvidence',
        tags: ['disclosures'],
        summary:
          'Evidence archive (tar): ciphertexts as uploaded, manifests, tlog-proof documents, SHA256SUMS, VERIFY.txt',
        params: RequestIdParams,
        response: {
          ...responses(
            200,
            Type.Unsafe({
              description: 'ustar archive',
              content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } },
            }),
            401,
            403,
            404,
            409,
          ),
        },
      },
    },
    async (request, reply) => {
      const out = await evidence.archive(request.viewer, request.params.id);
      void reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="${out.filename}"`)
        .header('cache-control', 'private, no-store');
      return reply.send(out.body);
    },
  );
}
