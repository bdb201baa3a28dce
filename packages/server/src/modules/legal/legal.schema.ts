import { JURISDICTION_SLUG, LEGAL_DEMAND_KINDS, LEGAL_PRODUCTIONS } from '@porchlight/policy';
import { Type } from 'typebox';
import { Literals, Obj } from '../../http/schema.js';

const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });

const Kind = Literals(LEGAL_DEMAND_KINDS, {
  description: 'warrant, subpoena, court_order or emergency (claim)',
});
const Produced = Literals(LEGAL_PRODUCTIONS, {
  description: 'What the operator produced: none, ciphertext (it holds no plaintext) or account_metadata',
});
const Sha256 = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'Lowercase hex SHA-256 of the document',
});
const Time = Type.String({ format: 'date-time', description: 'RFC 3339' });
const Reason = Type.String({
  minLength: 3,
  maxLength: 1000,
  pattern: '\\S',
  description: 'Published in the log',
});

export const DemandIdParams = Obj({
  id: Type.String({ pattern: '^ld_[A-Za-z0-9_-]{22}$', description: 'A legal demand id (ld_…)' }),
});

export const RecordDemandBody = Obj({
  kind: Kind,
  authority: Text(200, 'Issuing court or authority, as published'),
  docket: Text(100, 'Docket or reference number (never a person’s name)'),
  date: Type.String({ format: 'date', description: 'Date on the demand (YYYY-MM-DD)' }),
  scopeSummary: Text(2000, 'What it asks for, in words fit to publish (no names, no addresses)'),
  documentSha256: Sha256,
  jurisdiction: Type.String({
    maxLength: 64,
    pattern: JURISDICTION_SLUG.source,
    description: 'Jurisdiction whose policy caps a non-disclosure order',
  }),
  affectedAccount: Type.String({
    format: 'email',
    maxLength: 254,
    description: 'Email of the account the demand concerns; it is told, and never named in the log',
  }),
  nonDisclosure: Type.Optional(
    Obj(
      { until: Time, reason: Reason },
      { description: 'A non-disclosure order delaying the owner’s notice' },
    ),
  ),
});

export const AnswerBody = Obj({ produced: Produced });
export const DelayNoticeBody = Obj({ until: Time, reason: Reason });

export const LegalDemandSchema = Obj(
  {
    id: Type.String(),
    kind: Kind,
    authority: Type.String(),
    docket: Type.String(),
    date: Type.String({ format: 'date' }),
    scopeSummary: Type.String(),
    documentSha256: Type.String(),
    jurisdiction: Type.String(),
    receivedAt: Time,
    produced: Type.Union([Produced, Type.Null()]),
    answeredAt: Type.Union([Time, Type.Null()]),
    noticeDueAt: Type.String({ format: 'date-time', description: 'When the owner is (or was) to be told' }),
    noticeSentAt: Type.Union([Time, Type.Null()]),
  },
  { description: 'A legal demand the operator received (admin view)' },
);
export const LegalDemandList = Obj({ items: Type.Array(LegalDemandSchema) });

export const LegalNoticeSchema = Obj(
  {
    demand: Type.String(),
    kind: Kind,
    authority: Type.String(),
    docket: Type.String(),
    date: Type.String({ format: 'date' }),
    scopeSummary: Type.String(),
    documentSha256: Type.String(),
    receivedAt: Time,
    produced: Type.Union([Produced, Type.Null()]),
    delayed: Type.Boolean({ description: 'A non-disclosure order delayed this notice' }),
    sentAt: Time,
  },
  { description: 'A legal demand concerning your account, of which you are notified' },
);
export const LegalNoticeList = Obj({ items: Type.Array(LegalNoticeSchema) });

const Counts = (keys: readonly string[]) => Obj(Object.fromEntries(keys.map((k) => [k, Type.Integer()])));

export const LegalStatsSchema = Obj(
  {
    total: Type.Integer(),
    byKind: Counts(LEGAL_DEMAND_KINDS),
    byProduced: Counts(LEGAL_PRODUCTIONS),
    unanswered: Type.Integer(),
    noticesDelayed: Type.Integer(),
  },
  { description: 'Public counts of legal demands, recomputable from the log' },
);
