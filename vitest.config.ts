import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const resolve = {
  alias: {
    '@porchlight/api-client': fileURLToPath(new URL('packages/api-client/src/index.ts', import.meta.url)),
    '@porchlight/policy': fileURLToPath(new URL('packages/policy/src/index.ts', import.meta.url)),
    '@porchlight/redact': fileURLToPath(new URL('packages/redact/src/index.ts', import.meta.url)),
    '@porchlight/tlog': fileURLToPath(new URL('packages/tlog/src/index.ts', import.meta.url)),
    // Subpaths first: a bare '@porchlight/age' alias would also capture '@porchlight/age/node'.
    '@porchlight/age/node': fileURLToPath(new URL('packages/age/src/node.ts', import.meta.url)),
    '@porchlight/age/browser': fileURLToPath(new URL('packages/age/src/browser.ts', import.meta.url)),
    '@porchlight/age': fileURLToPath(new URL('packages/age/src/index.ts', import.meta.url)),
  },
};

const server = (name: string, database: 'pglite' | 'postgres') => ({
  resolve,
  test: {
    name,
    include: ['packages/server/test/**/*.test.ts'],
    env: { PORCHLIGHT_TEST_DB: database },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { resolve, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts'] } },
      server('api:pglite', 'pglite'),
      server('api:postgres', 'postgres'),
      {
        resolve,
        test: {
          name: 'hub',
          include: ['packages/hub/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
