import { ENTRY_TYPES } from '@porchlight/tlog';
import { Type } from 'typebox';
import { CursorQuery, Obj } from '../../http/schema.js';

export const EntryTypeSchema = Type.Union(
  ENTRY_TYPES.map((t) => Type.Literal(t)),
  { description: 'A log entry type (porchlight.org/log-entry/v1)' },
);

export const WitnessSchema = Obj({
  name: Type.String(),
  vkey: Type.String({ description: 'The witness’s verifier key (C2SP vkey)' }),
  url: Type.String(),
});

export const TransparencySummary = Obj(
  {
    origin: Type.String({ description: 'The log’s C2SP origin line' }),
    logUrl: Type.String({ description: 'Base URL of the C2SP tlog-tiles resources' }),
    size: Type.Integer({ minimum: 0, description: 'Entries covered by the latest checkpoint' }),
    checkpoint: Type.Union([Type.String(), Type.Null()], {
      description: 'The latest signed checkpoint note, with any witness cosignatures; null before the first',
    }),
    verifierKey: Type.Union([Type.String(), Type.Null()]),
    witnesses: Type.Array(WitnessSchema),
    counts: Type.Array(Obj({ type: Type.String(), count: Type.Integer() }), {
      description: 'Entries by type',
    }),
    auditCommand: Type.String({ description: 'How anyone can verify the log from outside' }),
  },
  { description: 'The public transparency log at a glance' },
);

export const EntryQuery = Obj({
  type: Type.Optional(EntryTypeSchema),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Text to find anywhere in the entry JSON' }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this time' })),
  ...CursorQuery,
});

export const LogEntrySchema = Obj({
  schema: Type.String(),
  seq: Type.Integer(),
  type: Type.String(),
  time: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const EntryItemSchema = Obj({
  index: Type.Integer({ minimum: 0, description: 'Leaf index in the log' }),
  type: Type.String(),
  time: Type.String({ format: 'date-time' }),
  entry: LogEntrySchema,
  leafHash: Type.String({ description: 'Hex RFC 6962 leaf hash of the entry’s bytes' }),
  proof: Type.String({ description: 'Path of the entry’s inclusion proof (c2sp.org/tlog-proof)' }),
});

export const EntryPage = Obj(
  {
    items: Type.Array(EntryItemSchema),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
    size: Type.Integer({ description: 'The log size this page was read at' }),
  },
  { description: 'Log entries, newest first' },
);
