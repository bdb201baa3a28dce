import type { paths } from '@porchlight/api-client';
import { api } from './client';
import { call } from './problem';
import type { Json } from './types';

export type DashboardQuery = NonNullable<paths['/api/dashboard']['get']['parameters']['query']>;
export type Dashboard = Json<paths['/api/dashboard']['get']['responses'][200]>;
export type DashboardFigure = Dashboard['figures'][number];

/** The public transparency dashboard: figures counted from the log, per place and month. */
export const dashboard = {
  get: async (query: DashboardQuery): Promise<Dashboard> => {
    const body = await call(api.GET('/api/dashboard', { params: { query: { ...query, format: 'json' } } }));
    // format=json always answers JSON; the declared union includes the CSV form.
    if (typeof body === 'string') throw new Error('the dashboard answered CSV to a JSON request');
    return body;
  },
  /** The same view as CSV, for a download link. */
  csvUrl: (query: DashboardQuery): string =>
    `/api/dashboard?${new URLSearchParams({ ...clean(query), format: 'csv' }).toString()}`,
  jsonUrl: (query: DashboardQuery): string =>
    `/api/dashboard?${new URLSearchParams(clean(query)).toString()}`,
};

function clean(query: DashboardQuery): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}
