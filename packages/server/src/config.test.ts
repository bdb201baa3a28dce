import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/porchlight');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig defaults', () => {
  it('runs on port 8080 with the embedded database in ./data when nothing is set', () => {
    const config = loadConfig({}, '/srv/porchlight');
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('/srv/porchlight', 'data'),
      databaseUrl: undefined,
      liveBus: 'memory',
      demo: true,
      mapStyleUrl: '',
      publicUrl: 'http://localhost:8080',
      cookieSecure: false,
      logLevel: 'info',
      trustProxy: false,
      authRateLimit: 10,
      sessionTtlDays: 30,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '' }, '/srv/porchlight')).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  it('uses PostgreSQL LISTEN/NOTIFY for live fan-out and no demo data when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db.internal/porchlight' });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://db.internal/porchlight',
      liveBus: 'postgres',
      demo: false,
    });
  });

  it('secures cookies behind an https public URL and drops its trailing slash', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://porchlight.example/' });
    expect(config.publicUrl).toBe('https://porchlight.example');
    expect(config.cookieSecure).toBe(true);
  });

  it('resolves a relative data directory against the working directory', () => {
    expect(loadConfig({ PORCHLIGHT_DATA: 'var/pl' }, '/srv/porchlight').dataDir).toBe(
      '/srv/porchlight/var/pl',
    );
  });
});

describe('loadConfig errors', () => {
  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/porchlight',
      PORCHLIGHT_LIVE_BUS: 'redis',
      PUBLIC_URL: 'ftp://porchlight.example',
      MAP_STYLE_URL: 'not a url',
      LOG_LEVEL: 'loud',
      COOKIE_SECURE: 'maybe',
      TRUST_PROXY: 'perhaps',
      PORCHLIGHT_DEMO: 'sure',
      AUTH_RATE_LIMIT: '0',
      SESSION_TTL_DAYS: '366',
    });
    const named = [
      'PORT',
      'DATABASE_URL',
      'PORCHLIGHT_LIVE_BUS',
      'PUBLIC_URL',
      'MAP_STYLE_URL',
      'LOG_LEVEL',
      'COOKIE_SECURE',
      'TRUST_PROXY',
      'PORCHLIGHT_DEMO',
      'AUTH_RATE_LIMIT',
      'SESSION_TTL_DAYS',
    ];
    expect(problems).toHaveLength(named.length);
    for (const name of named) {
      expect(
        problems.filter((p) => p.startsWith(`${name} `)),
        name,
      ).toHaveLength(1);
    }
  });

  it('puts every problem in the error message, one per line', () => {
    let message = '';
    try {
      loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (err) {
      message = err instanceof Error ? err.message : '';
    }
    expect(message).toContain('PORT must be an integer from 0 to 65535 (got "70000")');
    expect(message).toContain('LOG_LEVEL must be one of');
    expect(message.split('\n')).toHaveLength(3);
  });

  it.each([
    ['a fractional port', { PORT: '80.5' }, 'PORT'],
    ['a negative session lifetime', { SESSION_TTL_DAYS: '-1' }, 'SESSION_TTL_DAYS'],
    ['a database URL that is not a URL', { DATABASE_URL: 'localhost:5432' }, 'DATABASE_URL'],
    [
      'the postgres live bus without a database URL',
      { PORCHLIGHT_LIVE_BUS: 'postgres' },
      'PORCHLIGHT_LIVE_BUS',
    ],
  ])('refuses %s', (_label, env, name) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}[ =]`));
  });

  it('accepts the documented spellings of true and false', () => {
    for (const yes of ['1', 'true', 'YES', 'on'])
      expect(loadConfig({ TRUST_PROXY: yes }).trustProxy).toBe(true);
    for (const no of ['0', 'false', 'No', 'off'])
      expect(loadConfig({ TRUST_PROXY: no }).trustProxy).toBe(false);
  });
});
