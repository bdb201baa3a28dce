import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AgencyIdParams,
  AgencyKeySchema,
  AgencyRecipientList,
  SetAgencyKeyBody,
} from './agency-keys.schema.js';

/** Agency members' keys and each agency's public, logged recipient history. */
export function agencyKeysRoutes(app: App, { agencyKeys }: Services): void {
  app.get(
    '/api/agency/keys',
    {
      schema: {
        operationId: 'getAgencyKey',
        tags: ['agencies'],
        summary:
          'Your agency key: recipient and wrapped identity (unwrap it with your passphrase, in the browser)',
        response: responses(200, AgencyKeySchema, 401, 403, 404),
      },
    },
    (request) => agencyKeys.get(request.viewer),
  );

  app.put(
    '/api/agency/keys',
    {
      schema: {
        operationId: 'setAgencyKey',
        tags: ['agencies'],
        summary:
          'Set your agency key. A new recipient replaces your old one in the agency’s set (both logged); the ' +
          'same recipient only replaces the wrapped copies',
        body: SetAgencyKeyBody,
        response: responses(200, AgencyKeySchema, 401, 403, 409),
      },
    },
    (request) => agencyKeys.set(request.viewer, request.body),
  );

  app.get(
    '/api/agencies/:id/recipients',
    {
      schema: {
        operationId: 'listAgencyRecipients',
        tags: ['agencies'],
        summary: 'The agency’s recipients, current and past, with their log entries; public',
        params: AgencyIdParams,
        response: responses(200, AgencyRecipientList, 404),
      },
    },
    (request) => agencyKeys.recipients(request.params.id),
  );
}
