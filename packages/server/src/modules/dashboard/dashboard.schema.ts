import { DASHBOARD_FIGURE_IDS } from '@porchlight/tlog';
import { Type } from 'typebox';
import { Literals, Obj } from '../../http/schema.js';

const MONTH = '^[0-9]{4}-(0[1-9]|1[0-2])$';
const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));

export const DashboardQuery = Obj({
  scope: Type.Optional(
    Literals(['instance', 'jurisdiction', 'agency'], {
      description: 'Whose figures: the whole instance (default), one jurisdiction or one agency',
    }),
  ),
  id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'With scope=jurisdiction its slug; with scope=agency its numeric id',
    }),
  ),
  from: Type.Optional(Type.String({ pattern: MONTH, description: 'First month counted (YYYY-MM, UTC)' })),
  to: Type.Optional(Type.String({ pattern: MONTH, description: 'Last month counted (YYYY-MM, UTC)' })),
  format: Type.Optional(
    Literals(['json', 'csv'], { description: 'csv: the same figures as text/csv, one row per number' }),
  ),
});

export const DashboardFigureSchema = Obj({
  id: Type.String({ description: `One of ${DASHBOARD_FIGURE_IDS.join(', ')}` }),
  label: Type.String(),
  entryType: Type.String({ description: 'The log entry type the figure counts' }),
  unit: Literals(['entries', 'bytes']),
  total: Type.Integer({ minimum: 0 }),
  byMonth: Counts,
  breakdowns: Type.Record(Type.String(), Counts, {
    description: 'Per dimension (category, legal_basis, rule, kind, produced, outcome, to): value → count',
  }),
  entries: Obj({
    href: Type.String({
      description: 'The transparency page’s entry search for the entries behind the figure',
    }),
    exact: Type.Boolean({
      description:
        'True when the search lists exactly those entries; false when it lists the type and months only ' +
        '(the entries name their request, not the agency or jurisdiction)',
    }),
  }),
});

export const DashboardSchema = Obj(
  {
    scope: Obj({
      kind: Literals(['instance', 'jurisdiction', 'agency']),
      id: Type.Union([Type.String(), Type.Null()]),
      name: Type.String(),
    }),
    from: Type.Union([Type.String(), Type.Null()]),
    to: Type.Union([Type.String(), Type.Null()]),
    checkpoint: Obj({
      size: Type.Integer({
        minimum: 0,
        description: 'The figures count exactly the entries of this checkpoint',
      }),
      rootHash: Type.Union([Type.String(), Type.Null()], { description: 'Its root hash, base64' }),
      href: Type.String({ description: 'The signed checkpoint note' }),
    }),
    figures: Type.Array(DashboardFigureSchema),
    notAvailable: Type.Array(Obj({ figure: Type.String(), reason: Type.String() }), {
      description: 'Figures the log cannot give, and why',
    }),
    recompute: Type.String({ description: 'The command that recomputes these figures from the log' }),
  },
  { description: 'Transparency dashboard figures, recomputable from the public log' },
);
