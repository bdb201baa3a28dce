import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { EntryPage, EntryQuery, TransparencySummary } from './transparency-public.schema.js';

/** The public transparency API for the web page: a summary and a searchable entry list. No account needed. */
export function transparencyPublicRoutes(app: App, { transparencyPublic }: Services): void {
  app.get(
    '/api/transparency',
    {
      schema: {
        operationId: 'getTransparency',
        tags: ['transparency'],
        summary:
          'The log’s origin, size, latest checkpoint, verifier key, witnesses and entry counts; public',
        response: responses(200, TransparencySummary),
      },
    },
    () => transparencyPublic.summary(),
  );

  app.get(
    '/api/transparency/entries',
    {
      schema: {
        operationId: 'listTransparencyEntries',
        tags: ['transparency'],
        summary:
          'Log entries newest first; filter by type, free text over the entry JSON and time; public, paginated',
        querystring: EntryQuery,
        response: responses(200, EntryPage),
      },
    },
    (request) => transparencyPublic.entries(request.query),
  );
}
