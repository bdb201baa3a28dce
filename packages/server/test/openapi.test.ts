import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';

interface Operation {
  operationId?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

const COMMITTED = new URL('../../api-client/openapi.json', import.meta.url);

let t: TestApp;
let doc: Document;
beforeAll(async () => {
  t = await startTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json<Document>();
});
afterAll(() => t.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1.0 and documents the API', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/feed', '/api/posts', '/api/me']));
  });

  it('gives every operation a unique operationId, which names the typed client’s calls', () => {
    const missing = operations()
      .filter(({ op }) => !op.operationId)
      .map(({ name }) => name);
    expect(missing, 'operations without an operationId').toEqual([]);
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares a success response on every operation, and the 400 problem on every one that takes input', () => {
    for (const { name, op } of operations()) {
      const codes = Object.keys(op.responses ?? {});
      expect(
        codes.some((c) => c.startsWith('2')),
        name,
      ).toBe(true);
      if (op.requestBody || op.parameters?.length) expect(codes, name).toContain('400');
    }
  });

  it('matches the committed packages/api-client/openapi.json, so the typed client is not stale', async () => {
    const committed: unknown = JSON.parse(await fs.readFile(COMMITTED, 'utf8'));
    const current: unknown = JSON.parse(JSON.stringify(t.app.swagger()));
    expect(
      current,
      'packages/api-client/openapi.json is out of date: run `npm run openapi` and commit the result',
    ).toEqual(committed);
  });
});
