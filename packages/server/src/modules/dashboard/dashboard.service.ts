import { dashboardView, JURISDICTION_SLUG, NOT_AVAILABLE, type DashboardScope } from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { invalid, notFound } from '../../errors.js';
import { dashboardCsv, entriesLink } from './dashboard.presenter.js';
import * as repo from './dashboard.repository.js';

export interface DashboardQueryInput {
  scope?: 'instance' | 'jurisdiction' | 'agency' | undefined;
  id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The scope a query names; a 400 naming the parameter when it does not make sense. */
function parseScope(query: DashboardQueryInput): DashboardScope {
  const kind = query.scope ?? 'instance';
  if (kind === 'instance') {
    if (query.id !== undefined)
      throw invalid('/querystring/id', 'give id only with scope=jurisdiction or agency');
    return { kind };
  }
  if (query.id === undefined) throw invalid('/querystring/id', `scope=${kind} needs an id`);
  if (kind === 'jurisdiction') {
    if (!JURISDICTION_SLUG.test(query.id)) throw invalid('/querystring/id', 'must be a jurisdiction slug');
    return { kind, id: query.id };
  }
  const id = Number(query.id);
  if (!/^[1-9][0-9]{0,15}$/.test(query.id) || !Number.isSafeInteger(id))
    throw invalid('/querystring/id', 'must be an agency’s numeric id');
  return { kind, id };
}

/**
 * The public transparency dashboard: what agencies and staff did, per place and month, counted from the log's
 * entries with the same function (`@porchlight/tlog`'s dashboard) that `porchlight audit --stats` runs on the
 * verified log. Public, no account: every figure is already public in the log.
 */
export class DashboardService {
  constructor(private readonly deps: Deps) {}

  async view(query: DashboardQueryInput) {
    const scope = parseScope(query);
    if (query.from !== undefined && query.to !== undefined && query.from > query.to)
      throw invalid('/querystring/to', 'must not be before from');
    const range = { ...(query.from && { from: query.from }), ...(query.to && { to: query.to }) };
    const db = this.deps.db;
    const name = await repo.scopeName(db, scope);
    if (name === undefined) throw notFound(scope.kind === 'agency' ? 'agency' : 'jurisdiction');
    const read = await repo.countersAtCheckpoint(db, scope, range);
    const view = dashboardView(read.counters, scope, range);
    const logUrl = `${this.deps.config.publicUrl}/log`;
    return {
      view,
      checkpointSize: read.size,
      body: {
        scope: { ...view.scope, name },
        from: view.from,
        to: view.to,
        checkpoint: {
          size: read.size,
          rootHash: read.root ? Buffer.from(read.root).toString('base64') : null,
          href: `/log/checkpoints/${read.size}`,
        },
        figures: view.figures.map((f) => ({ ...f, entries: entriesLink(f, scope, view) })),
        notAvailable: [...NOT_AVAILABLE],
        recompute: recomputeCommand(logUrl, scope, range),
      },
    };
  }

  async csv(query: DashboardQueryInput): Promise<string> {
    const { view, checkpointSize } = await this.view(query);
    return dashboardCsv(view, checkpointSize);
  }
}

function recomputeCommand(
  logUrl: string,
  scope: DashboardScope,
  range: { from?: string; to?: string },
): string {
  const args = [`npx porchlight audit ${logUrl} --stats`];
  if (scope.kind !== 'instance') args.push(`--scope ${scope.kind} --id ${scope.id}`);
  if (range.from) args.push(`--from ${range.from}`);
  if (range.to) args.push(`--to ${range.to}`);
  return args.join(' ');
}
