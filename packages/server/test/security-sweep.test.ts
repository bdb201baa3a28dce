/**
 * Issue 9, hole 8: no 5xx anywhere. Every operation in /openapi.json, as every kind of caller (anonymous, each
 * role, a paired hub), gets malformed path parameters, query strings and bodies — wrong types, huge and
 * negative numbers, out-of-range dates such as 0000-01-01, bad ids, junk JSON, NUL bytes, deep nesting — and
 * must answer with a 4xx (or a 2xx where the input happens to be acceptable), never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makePost, makeUser } from './support/factories.js';
import { makeCamera, pairHub, setUpVault } from './support/vault.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: { type?: string | string[] };
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  $ref?: string;
}
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Malformed values for a path parameter or a query parameter (sent percent-encoded). */
const BAD_VALUES = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e309',
  '99999999999999999999999999',
  '9007199254740993',
  '0000-01-01T00:00:00Z',
  '9999-99-99T99:99:99Z',
  '-000001-01-01T00:00:00Z',
  'NaN',
  "1' OR '1'='1",
  '\u0000',
  '%',
  'rq_' + 'x'.repeat(300),
  'x'.repeat(5000),
];

/** Malformed raw bodies (sent as application/json). */
const BAD_BODIES = [
  '{',
  'null',
  '[]',
  '"text"',
  '123',
  'true',
  '{"a":',
  '\u0000',
  '[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]',
];

/** Wrong-typed values for each property of a body schema. */
const BAD_PROPERTY_VALUES: unknown[] = [
  null,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '0000-01-01T00:00:00Z',
  'x'.repeat(100_000),
  { nested: { deeper: [1, 2, 3] } },
  [],
  true,
  '\u0000',
];

let t: TestApp;
/** Requests sent by the sweep, to show its size. */
let sent = 0;
let callers: [string, Record<string, string>][];
let operations: { method: Method; path: string; op: Operation }[];
let schemas: Record<string, Schema>;

function cookieHeaders(user: TestUser): Record<string, string> {
  return {
    cookie: [...user.jar].map(([k, v]) => `${k}=${v}`).join('; '),
    ...(user.csrf ? { 'x-csrf-token': user.csrf } : {}),
  };
}

beforeAll(async () => {
  t = await startTestApp();
  const resident = await makeUser(t);
  const owner = await makeUser(t);
  await setUpVault(owner);
  await makeCamera(owner);
  const hub = await pairHub(owner);
  await makePost(resident);
  const anonymous = await new TestUser(t.app).begin();
  callers = [
    ['anonymous', cookieHeaders(anonymous)],
    ['resident', cookieHeaders(resident)],
    ['vault owner', cookieHeaders(owner)],
    ['hub', { authorization: `Bearer ${hub.token}` }],
  ];
  for (const role of ['moderator', 'admin', 'agency'] as const) {
    callers.push([role, cookieHeaders(await makeUser(t, { role }))]);
  }
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, Schema> };
  }>();
  schemas = doc.components?.schemas ?? {};
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      // Ending the caller's own session would only make the rest of the sweep anonymous.
      .filter(([method]) => !(path === '/api/auth/signout' && method === 'post'))
      .map(([method, op]) => ({ method: method.toUpperCase() as Method, path, op })),
  );
}, 120_000);
afterAll(() => t.close());

/** `path` with every `{param}` set to `value` (or to 1, a plausible id, when `value` is undefined). */
const fill = (path: string, value?: string) =>
  path.replace(/\{[^}]+\}/g, () => encodeURIComponent(value ?? '1'));

function resolve(schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return schemas[schema.$ref.replace('#/components/schemas/', '')] ?? schema;
  return schema;
}

/** Sends one request and records it when the answer is a 5xx. */
async function probe(
  failures: string[],
  who: string,
  headers: Record<string, string>,
  method: Method,
  url: string,
  body?: string,
) {
  sent += 1;
  const res = await t.app.inject({
    method,
    url,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: body } : {}),
  });
  if (res.statusCode >= 500)
    failures.push(
      `${who}: ${method} ${url.slice(0, 120)} ${body?.slice(0, 80) ?? ''} → ${res.statusCode} ${res.body.slice(0, 200)}`,
    );
  return res;
}

describe('malformed input sweep over every documented operation', () => {
  it('documents enough operations to be worth sweeping', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('answers malformed path parameters without a 5xx, for every caller', async () => {
    const failures: string[] = [];
    for (const { method, path } of operations.filter((o) => o.path.includes('{'))) {
      for (const [who, headers] of callers) {
        for (const value of BAD_VALUES) await probe(failures, who, headers, method, fill(path, value));
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('answers malformed query strings without a 5xx, for every caller', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations) {
      const query = (op.parameters ?? []).filter((p) => p.in === 'query');
      if (query.length === 0) continue;
      for (const [who, headers] of callers) {
        for (const p of query) {
          for (const value of BAD_VALUES) {
            const url = `${fill(path)}?${encodeURIComponent(p.name)}=${encodeURIComponent(value)}`;
            await probe(failures, who, headers, method, url);
          }
          // The same parameter twice, and an unknown one.
          await probe(failures, who, headers, method, `${fill(path)}?${p.name}=1&${p.name}=2&zzz=1`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('answers junk and wrong-typed JSON bodies without a 5xx, for every caller', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations.filter((o) => o.op.requestBody)) {
      const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
      const properties = Object.keys(resolve(schema)?.properties ?? {});
      for (const [who, headers] of callers) {
        for (const body of BAD_BODIES) await probe(failures, who, headers, method, fill(path), body);
        for (const name of properties) {
          for (const value of BAD_PROPERTY_VALUES) {
            await probe(failures, who, headers, method, fill(path), JSON.stringify({ [name]: value }));
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('was a sweep of thousands of requests', () => {
    console.info(`security sweep: ${sent} malformed requests over ${operations.length} operations`);
    expect(sent).toBeGreaterThan(10_000);
  });
});
