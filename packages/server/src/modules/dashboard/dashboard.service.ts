import {
  ANNOTATED_SECTIONS,
  annualReport,
  annualReportCsv,
  DashboardTotals,
  dashboardView,
  dayBounds,
  JURISDICTION_SLUG,
  NOT_AVAILABLE,
  REPORT_YEAR,
  type DashboardScope,
  type ReportAnnotationSection,
} from '@porchlight/tlog';
import type { Deps } from '../../deps.js';
import { AppError, invalid, notFound } from '../../errors.js';
import { authorize, type Viewer } from '../../policies.js';
import type { AgenciesService } from '../agencies/agencies.service.js';
import { insertEvent } from '../events/events.repository.js';
import { dashboardCsv, entriesLink, presentHold, presentNotice } from './dashboard.presenter.js';
import { RecordsFold } from './dashboard.records.js';
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
  readonly #lists: RecordsFold;

  constructor(
    private readonly deps: Deps,
    private readonly agencies: AgenciesService,
  ) {
    this.#lists = new RecordsFold(deps.db);
  }

  async view(query: DashboardQueryInput) {
    const scope = parseScope(query);
    for (const name of ['from', 'to'] as const) {
      const v = query[name];
      if (v?.length === 10 && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)
        throw invalid(`/querystring/${name}`, `${v} is not a day of the calendar`);
    }
    const bounds = dayBounds({ from: query.from, to: query.to });
    if (bounds.from !== undefined && bounds.to !== undefined && bounds.from > bounds.to)
      throw invalid('/querystring/to', 'must not be before from');
    const range = { ...(query.from && { from: query.from }), ...(query.to && { to: query.to }) };
    const db = this.deps.db;
    const name = await repo.scopeName(db, scope);
    if (name === undefined) throw notFound(scope.kind === 'agency' ? 'agency' : 'jurisdiction');
    const read = await repo.countersAtCheckpoint(db, scope, range);
    const view = dashboardView(read.counters, scope, range);
    const records = await this.#lists.at(read.size);
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
        holds: records.holds(scope, range).map(presentHold),
        notices: scope.kind === 'instance' ? records.notices(range).map(presentNotice) : [],
        notAvailable: [...NOT_AVAILABLE],
        recompute: recomputeCommand(logUrl, scope, range),
      },
    };
  }

  /**
   * An agency's annual surveillance report: its figures and the instance's (legal demands) for the calendar
   * year, all at one checkpoint, with its name, jurisdiction and policy versions read from the log's entries,
   * exactly as `porchlight report` recomputes them from the verified log.
   */
  async annualReport(agencyId: number, year: string) {
    if (!REPORT_YEAR.test(year)) throw invalid('/params/year', 'must be a year YYYY');
    const range = { from: `${year}-01`, to: `${year}-12` };
    const db = this.deps.db;
    // Both views must count the same checkpoint; a checkpoint landing between the two reads is retried.
    for (let attempt = 0; ; attempt++) {
      const agencyRead = await repo.countersAtCheckpoint(db, { kind: 'agency', id: agencyId }, range);
      const instanceRead = await repo.countersAtCheckpoint(db, { kind: 'instance' }, range);
      const entries = await repo.reportEntries(db, agencyRead.size, agencyId, year);
      if (instanceRead.size !== agencyRead.size && attempt < 5) continue;
      const totals = new DashboardTotals();
      for (const e of entries) totals.add(e);
      const agency = totals.agency(agencyId);
      if (!agency) throw notFound('agency');
      const records = await this.#lists.at(agencyRead.size);
      const report = annualReport({
        agency: { id: agencyId, ...agency },
        year,
        agencyView: dashboardView(agencyRead.counters, { kind: 'agency', id: agencyId }, range),
        instanceView: dashboardView(instanceRead.counters, { kind: 'instance' }, range),
        policyVersions: totals.policyVersions(agency.jurisdiction),
        annotations: totals.annotations(agencyId, year),
        holds: records.holds({ kind: 'agency', id: agencyId }, range),
      });
      const logUrl = `${this.deps.config.publicUrl}/log`;
      return {
        report,
        checkpointSize: agencyRead.size,
        body: {
          agency: report.agency,
          year: report.year,
          sections: report.sections.map((x) => ({
            ...x,
            text: [...x.text],
            rows: [...x.rows],
            annotations: [...x.annotations],
          })),
          checkpoint: {
            size: agencyRead.size,
            rootHash: agencyRead.root ? Buffer.from(agencyRead.root).toString('base64') : null,
            href: `/log/checkpoints/${agencyRead.size}`,
          },
          recompute: `npx porchlight report ${logUrl} --agency ${agencyId} --year ${year}`,
        },
      };
    }
  }

  /**
   * Writes into an agency's annual report, logged as a `report.annotated` entry with the author's role (never
   * the account): breaches or unauthorised access by an admin; effectiveness, cost and requested policy changes
   * by a member of that agency while it is active. The report shows it once a checkpoint covers it.
   */
  async annotate(
    viewer: Viewer | null,
    agencyId: number,
    year: string,
    input: { section: ReportAnnotationSection; text: string },
  ) {
    const by = ANNOTATED_SECTIONS.find((x) => x.id === input.section)?.by;
    if (by === undefined) throw invalid('/body/section', 'is not a section people write into');
    let actor: Viewer;
    if (by === 'admin') {
      // Breaches are the operator's to declare: only an admin, for any registered agency.
      actor = authorize(viewer, 'agency.manage');
      if (!(await repo.agencyExists(this.deps.db, agencyId))) throw notFound('agency');
    } else {
      const member = await this.agencies.requireActiveAgency(viewer);
      if (member.agency.id !== agencyId)
        throw new AppError('forbidden', 'you may write only into your own agency’s report');
      actor = member.viewer;
    }
    if (!REPORT_YEAR.test(year)) throw invalid('/params/year', 'must be a year YYYY');
    const now = this.deps.clock.now();
    if (Number(year) > now.getUTCFullYear()) throw invalid('/params/year', 'must not be a future year');
    const text = input.text.trim();
    // The log entry bounds text in UTF-16 code units; the schema counts characters.
    if (text.length === 0 || text.length > 2000)
      throw invalid('/body/text', 'must be 1–2000 characters, not only spaces');
    await insertEvent(this.deps.db, {
      type: 'report.annotated',
      actorId: actor.id,
      subjectType: 'agency',
      subjectId: agencyId,
      data: { agency: agencyId, year, section: input.section, text, author: by },
    });
    return { agencyId, year, section: input.section, text, author: by };
  }

  async annualReportCsv(agencyId: number, year: string): Promise<string> {
    const { report, checkpointSize } = await this.annualReport(agencyId, year);
    return annualReportCsv(report, checkpointSize);
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
