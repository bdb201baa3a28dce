import { Type, type TLiteral, type TProperties, type TSchema, type TUnion } from 'typebox';

/** An object schema that rejects unknown properties. Use for every request and response object. */
export const Obj = <P extends TProperties>(
  properties: P,
  options: { description?: string; $id?: string; minProperties?: number } = {},
) => Type.Object(properties, { additionalProperties: false, ...options });

/**
 * A union of string literals built from one of `@porchlight/policy`'s vocabularies, so a schema can never list
 * a different set of values than the rest of the system.
 */
export function Literals<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnion<LiteralTuple<T>> {
  const union = Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
  // `map` forgets the tuple's positions; the cast restores them so the schema's static type is the union.
  return union as unknown as TUnion<LiteralTuple<T>>;
}

type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    instance: Type.Optional(Type.String()),
    violations: Type.Optional(
      Type.Array(
        Obj({
          rule: Type.String({ description: 'Stable rule id, e.g. area_too_small' }),
          policyVersion: Type.Integer({ description: 'The version of the policy that has the rule' }),
          message: Type.String({ description: 'What was wrong, in words' }),
        }),
        { description: 'With `request_refused`: every rule of the jurisdiction’s policy the request breaks' },
      ),
    ),
    errors: Type.Optional(
      Type.Array(
        Obj({
          field: Type.String({ description: 'JSON pointer, e.g. /body/title' }),
          message: Type.String(),
        }),
      ),
    ),
    suspension: Type.Optional(
      Obj(
        {
          id: Type.String(),
          rule: Type.String(),
          reason: Type.String(),
          since: Type.String({ format: 'date-time' }),
          until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          appealed: Type.Boolean(),
          appeal: Type.String({ description: 'Where to appeal it' }),
        },
        { description: 'With `account_suspended`: the suspension in force, its end (null: until lifted)' },
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** Response map for a route: the success schema plus problem documents for the given 4xx statuses. */
export function responses<S extends TSchema, C extends number>(status: C, schema: S, ...errors: number[]) {
  const problems: Record<number, unknown> = {};
  for (const e of [400, ...errors]) problems[e] = Type.Ref('Problem');
  return { [status]: schema, ...problems } as { [K in C]: S };
}

/** Largest id a client may send: bigger numbers lose precision in JSON and overflow `bigint` columns. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

export const IdParams = Obj({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

/** Pagination cursor: opaque to clients. */
export const CursorQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from a previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

export const CoarseLocationSchema = Obj(
  {
    cell: Type.String({ description: 'H3 resolution-9 cell' }),
    lat: Type.Number({ description: 'Latitude of the cell centre (never an exact point)' }),
    lng: Type.Number({ description: 'Longitude of the cell centre (never an exact point)' }),
  },
  { description: 'A location coarsened to an H3 cell (G8)' },
);
