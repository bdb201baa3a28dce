import type { Static } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  BoundaryParams,
  BoundarySchema,
  JurisdictionList,
  PolicyHistory,
  PolicyQuery,
  PolicyVersionSchema,
  PublishPolicyBody,
  SlugParams,
} from './policies.schema.js';

/** Jurisdiction request policies: public reads, admin-only publishing of new versions. */
export function requestPoliciesRoutes(app: App, { requestPolicies }: Services): void {
  app.get(
    '/api/jurisdictions',
    {
      schema: {
        operationId: 'listJurisdictions',
        tags: ['policies'],
        summary: 'Every jurisdiction with its request policy in force; public',
        response: responses(200, JurisdictionList),
      },
    },
    () => requestPolicies.jurisdictions(),
  );

  app.get(
    '/api/jurisdictions/:slug/policy',
    {
      schema: {
        operationId: 'getJurisdictionPolicy',
        tags: ['policies'],
        summary: 'A version of a jurisdiction’s request policy (default: current); public',
        params: SlugParams,
        querystring: PolicyQuery,
        response: responses(200, PolicyVersionSchema, 404),
      },
    },
    (request) => requestPolicies.policy(request.params.slug, request.query.version),
  );

  app.get(
    '/api/jurisdictions/:slug/policies',
    {
      schema: {
        operationId: 'listJurisdictionPolicyVersions',
        tags: ['policies'],
        summary: 'Every version of a jurisdiction’s request policy, newest first; public',
        params: SlugParams,
        response: responses(200, PolicyHistory, 404),
      },
    },
    (request) => requestPolicies.history(request.params.slug),
  );

  // Beside the log it completes: a policy.changed entry logs only the boundary's hash (a boundary may exceed
  // the entry size limit); here is the boundary, content-addressed, as the exact bytes that were hashed.
  app.get(
    '/log/boundary/:sha256',
    {
      schema: {
        operationId: 'getLoggedBoundary',
        tags: ['policies', 'transparency'],
        summary:
          'A jurisdiction boundary by the SHA-256 a policy.changed entry logs; the body is its canonical JSON, so sha256sum of it is that hash; public',
        params: BoundaryParams,
        response: responses(200, BoundarySchema, 404),
      },
    },
    async (request, reply) => {
      const body = await requestPolicies.boundary(request.params.sha256);
      // The boundary's canonical JSON, sent as the very bytes hashed: Fastify sends a string as it is rather
      // than re-serialising it, which the typed reply cannot express. Immutable, like the log's tiles.
      return reply
        .type('application/json')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(body as unknown as Static<typeof BoundarySchema>);
    },
  );

  app.post(
    '/api/admin/jurisdictions/:slug/policies',
    {
      schema: {
        operationId: 'publishJurisdictionPolicy',
        tags: ['admin', 'policies'],
        summary:
          'Publish the next version of a jurisdiction’s request policy (the first creates the jurisdiction); logged publicly',
        params: SlugParams,
        body: PublishPolicyBody,
        response: responses(201, PolicyVersionSchema, 401, 403),
      },
    },
    async (request, reply) => {
      const version = await requestPolicies.publish(request.viewer, request.params.slug, request.body);
      return reply.code(201).send(version);
    },
  );
}
