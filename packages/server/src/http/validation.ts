import { Ajv, type Options } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

const common: Options = {
  allErrors: true,
  // Unknown properties are rejected (schemas say additionalProperties: false), never silently stripped.
  removeAdditional: false,
  useDefaults: true,
  strict: false,
};

/** The JSON pointer of the first string containing U+0000 in `value`, if any. */
function nulAt(value: unknown, pointer: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = nulAt(child, `${pointer}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Earliest and latest years a date-time input may name (both databases store far more; people don't). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;
const DATE_TIME_MESSAGE = `must be an ISO 8601 date-time with a zone, in the years ${MIN_YEAR}–${MAX_YEAR}`;

const baseDateTime = fullFormats['date-time'] as { validate: (s: string) => boolean };

/**
 * RFC 3339 date-time, bounded: `0000-01-01T00:00:00Z` is valid RFC 3339 but no PostgreSQL timestamp (there is
 * no year 0), and reached the database as a 500 (issue 9, hole 8). Bounding the format here covers every
 * date-time in every schema, query and body alike. The bound is on the instant, so a zone offset cannot
 * push it past the edge.
 */
function boundedDateTime(value: string): boolean {
  if (!baseDateTime.validate(value)) return false;
  const year = new Date(value).getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

function withFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: boundedDateTime });
  return ajv;
}

/**
 * Bodies are validated strictly ("5" is not a number); query strings and path parameters are text on the
 * wire, so those are coerced to the declared types. PostgreSQL text cannot hold U+0000, so a string containing
 * it is refused here as a field error rather than failing later as a 500.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = withFormats(new Ajv({ ...common, coerceTypes: false }));
  const coercing = withFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => {
    const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
    const checked: ReturnType<FastifySchemaCompiler<unknown>> = (data: unknown) => {
      if (!validate(data)) {
        checked.errors = (validate.errors ?? []).map((e) =>
          e.keyword === 'format' && e.params.format === 'date-time'
            ? { ...e, message: DATE_TIME_MESSAGE }
            : e,
        ) as FastifySchemaValidationError[];
        return false;
      }
      const at = nulAt(data, '');
      checked.errors =
        at === undefined
          ? null
          : [
              {
                keyword: 'nul',
                instancePath: at,
                schemaPath: '',
                params: {},
                message: 'must not contain NUL',
              },
            ];
      return at === undefined;
    };
    return checked;
  };
}
