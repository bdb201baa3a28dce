import { Type, type Static } from 'typebox';
import { responses } from '../../http/schema.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import {
  AnnotationBody,
  AnnotationParams,
  AnnotationSchema,
  AnnualReportSchema,
  DashboardQuery,
  DashboardSchema,
  ReportParams,
  ReportQuery,
} from './dashboard.schema.js';

/** The public transparency dashboard. No account needed. */
export function dashboardRoutes(app: App, { dashboard }: Services): void {
  app.get(
    '/api/dashboard',
    {
      schema: {
        operationId: 'getDashboard',
        tags: ['transparency'],
        summary:
          'Figures of the transparency log per month for the instance, a jurisdiction or an agency, at a ' +
          'checkpoint, each linked to its entries; ?format=csv for CSV; public',
        querystring: DashboardQuery,
        response: responses(
          200,
          Type.Unsafe<Static<typeof DashboardSchema> | string>({
            description: 'The figures as JSON, or as CSV with format=csv',
            content: {
              'application/json': { schema: DashboardSchema },
              'text/csv': { schema: { type: 'string' } },
            },
          }),
          404,
        ),
      },
    },
    async (request, reply) => {
      if (request.query.format === 'csv') {
        const csv = await dashboard.csv(request.query);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="porchlight-dashboard.csv"')
          .send(csv);
      }
      return (await dashboard.view(request.query)).body;
    },
  );

  app.get(
    '/api/dashboard/agencies/:id/report/:year',
    {
      schema: {
        operationId: 'getAnnualReport',
        tags: ['transparency'],
        summary:
          'An agency’s annual surveillance report for a calendar year, computed from the log at a checkpoint ' +
          '(?format=csv for CSV); public',
        params: ReportParams,
        querystring: ReportQuery,
        response: responses(
          200,
          Type.Unsafe<Static<typeof AnnualReportSchema> | string>({
            description: 'The report as JSON, or as CSV with format=csv',
            content: {
              'application/json': { schema: AnnualReportSchema },
              'text/csv': { schema: { type: 'string' } },
            },
          }),
          404,
        ),
      },
    },
    async (request, reply) => {
      const { id, year } = request.params;
      if (request.query.format === 'csv') {
        const csv = await dashboard.annualReportCsv(id, year);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="porchlight-report-agency-${id}-${year}.csv"`)
          .send(csv);
      }
      return (await dashboard.annualReport(id, year)).body;
    },
  );

  app.post(
    '/api/dashboard/agencies/:id/report/:year/annotations',
    {
      schema: {
        operationId: 'annotateAnnualReport',
        tags: ['transparency'],
        summary:
          'Write into an agency’s annual report, logged as a report annotation with the author’s role: ' +
          'breaches by admins; effectiveness, cost and requested policy changes by the agency’s members',
        params: AnnotationParams,
        body: AnnotationBody,
        response: responses(201, AnnotationSchema, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const { id, year } = request.params;
      return reply.status(201).send(await dashboard.annotate(request.viewer, id, year, request.body));
    },
  );
}
