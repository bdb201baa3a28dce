import { IdParams, responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AdminAgencyList,
  AdminAgencySchema,
  AgencyMemberParams,
  AgencyStatusBody,
  MyAgencySchema,
  PublicAgencyList,
  RegisterAgencyBody,
} from './agencies.schema.js';

/** Verified agencies: a public list, the member's own agency, and admin verification and membership. */
export function agenciesRoutes(app: App, { agencies }: Services): void {
  app.get(
    '/api/agencies',
    {
      schema: {
        operationId: 'listAgencies',
        tags: ['agencies'],
        summary: 'Registered agencies with their jurisdiction and standing; public, members never shown',
        response: responses(200, PublicAgencyList),
      },
    },
    () => agencies.listPublic(),
  );

  app.get(
    '/api/agencies/mine',
    {
      schema: {
        operationId: 'getMyAgency',
        tags: ['agencies'],
        summary: 'The agency the signed-in agency member belongs to, and whether it may act',
        response: responses(200, MyAgencySchema, 401, 403),
      },
    },
    (request) => agencies.mine(request.viewer),
  );

  app.get(
    '/api/admin/agencies',
    {
      schema: {
        operationId: 'listAgenciesAdmin',
        tags: ['admin', 'agencies'],
        response: responses(200, AdminAgencyList, 401, 403),
      },
    },
    (request) => agencies.list(request.viewer),
  );

  app.post(
    '/api/admin/agencies',
    {
      schema: {
        operationId: 'registerAgency',
        tags: ['admin', 'agencies'],
        summary: 'Register a verified agency in a jurisdiction with a published policy; logged publicly',
        body: RegisterAgencyBody,
        response: responses(201, AdminAgencySchema, 401, 403, 409),
      },
    },
    async (request, reply) => reply.status(201).send(await agencies.register(request.viewer, request.body)),
  );

  app.post(
    '/api/admin/agencies/:id/suspend',
    {
      schema: {
        operationId: 'suspendAgency',
        tags: ['admin', 'agencies'],
        summary: 'Suspend an agency: its members cannot act for it; logged publicly',
        params: IdParams,
        body: AgencyStatusBody,
        response: responses(200, AdminAgencySchema, 401, 403, 404, 409),
      },
    },
    (request) => agencies.suspend(request.viewer, request.params.id, request.body.reason),
  );

  app.post(
    '/api/admin/agencies/:id/reinstate',
    {
      schema: {
        operationId: 'reinstateAgency',
        tags: ['admin', 'agencies'],
        summary: 'Reinstate a suspended agency; logged publicly',
        params: IdParams,
        body: AgencyStatusBody,
        response: responses(200, AdminAgencySchema, 401, 403, 404, 409),
      },
    },
    (request) => agencies.reinstate(request.viewer, request.params.id, request.body.reason),
  );

  app.put(
    '/api/admin/agencies/:id/members/:userId',
    {
      schema: {
        operationId: 'addAgencyMember',
        tags: ['admin', 'agencies'],
        summary: 'Link an agency-role account to the agency (the log records the change, not the account)',
        params: AgencyMemberParams,
        response: responses(200, AdminAgencySchema, 401, 403, 404, 409),
      },
    },
    (request) => agencies.addMember(request.viewer, request.params.id, request.params.userId),
  );

  app.delete(
    '/api/admin/agencies/:id/members/:userId',
    {
      schema: {
        operationId: 'removeAgencyMember',
        tags: ['admin', 'agencies'],
        summary: 'Unlink an account from the agency',
        params: AgencyMemberParams,
        response: responses(200, AdminAgencySchema, 401, 403, 404),
      },
    },
    (request) => agencies.removeMember(request.viewer, request.params.id, request.params.userId),
  );
}
