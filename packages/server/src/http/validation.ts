import { Ajv, type Options } from 'ajv';
import addFormatsImport from 'ajv-formats';
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

/**
 * Bodies are validated strictly ("5" is not a number); query strings and path parameters are text on the
 * wire, so those are coerced to the declared types. PostgreSQL text cannot hold U+0000, so a string containing
 * it is refused here as a field error rather than failing later as a 500.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => {
    const validate = (httpPart === 'body' ? strict : coercing).compile(schema as object);
    const checked: ReturnType<FastifySchemaCompiler<unknown>> = (data: unknown) => {
      if (!validate(data)) {
        checked.errors = validate.errors as FastifySchemaValidationError[];
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
