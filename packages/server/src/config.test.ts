import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSigner, SIGNATURE_TYPE_COSIGNATURE } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    ['an unknown process role', { PORCHLIGHT_ROLE: 'scheduler' }, 'PORCHLIGHT_ROLE'],
    ['a worker-only process on the embedded database', { PORCHLIGHT_ROLE: 'worker' }, 'PORCHLIGHT_ROLE'],
  ])('refuses %s', (_label, env, name) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}[ =]`));
  });

  it('runs API and jobs in one process unless PORCHLIGHT_ROLE splits them (PostgreSQL only)', () => {
    expect(loadConfig({}).role).toBe('all');
    const db = { DATABASE_URL: 'postgres://localhost/porchlight' };
    expect(loadConfig({ ...db, PORCHLIGHT_ROLE: 'api' }).role).toBe('api');
    expect(loadConfig({ ...db, PORCHLIGHT_ROLE: 'worker' }).role).toBe('worker');
  });

  it('accepts the documented spellings of true and false', () => {
    for (const yes of ['1', 'true', 'YES', 'on'])
      expect(loadConfig({ TRUST_PROXY: yes }).trustProxy).toBe(true);
    for (const no of ['0', 'false', 'No', 'off'])
      expect(loadConfig({ TRUST_PROXY: no }).trustProxy).toBe(false);
  });
});

describe('loadConfig: the transparency log', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-config-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the log after the public host by default, and takes an interval and a key file', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://porchlight.example' })).toMatchObject({
      logOrigin: 'porchlight.example/log',
      logIntervalMs: 1000,
      logKeyFile: undefined,
    });
    const key = write('log.key', `${generateSigner('porchlight.example/log').skey}\n`);
    const config = loadConfig(
      {
        PORCHLIGHT_LOG_ORIGIN: 'porchlight.example/log',
        PORCHLIGHT_LOG_INTERVAL_MS: '250',
        PORCHLIGHT_LOG_KEY_FILE: 'log.key',
      },
      dir,
    );
    expect(config).toMatchObject({
      logOrigin: 'porchlight.example/log',
      logIntervalMs: 250,
      logKeyFile: key,
    });
  });

  it.each([
    ['an origin with a scheme', { PORCHLIGHT_LOG_ORIGIN: 'https://porchlight.example/log' }, 'schema-less'],
    ['an origin with a space', { PORCHLIGHT_LOG_ORIGIN: 'porchlight example/log' }, 'without spaces'],
    ['an origin with a plus sign', { PORCHLIGHT_LOG_ORIGIN: 'porchlight+example/log' }, '"+"'],
    ['a sequencing interval below 10 ms', { PORCHLIGHT_LOG_INTERVAL_MS: '5' }, 'from 10 to 3600000'],
    ['a sequencing interval that is not a number', { PORCHLIGHT_LOG_INTERVAL_MS: 'soon' }, '"soon"'],
  ])('refuses %s, naming the variable', (_label, env, detail) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${Object.keys(env)[0]!} `));
    expect(problems[0]).toContain(detail);
  });

  it('refuses a key file that is missing, not a key, a witness key, or named for another log', () => {
    const origin = 'porchlight.example/log';
    const cases: [string, string][] = [
      [path.join(dir, 'missing.key'), 'cannot be read'],
      [write('garbage.key', 'not a key at all\n'), 'is not a signed-note private key'],
      [write('vkey.key', `${generateSigner(origin).vkey}\n`), 'is not a signed-note private key'],
      [
        write('witness.key', generateSigner(origin, SIGNATURE_TYPE_COSIGNATURE).skey),
        'not an Ed25519 note key',
      ],
      [write('other.key', generateSigner('elsewhere.example/log').skey), 'named "elsewhere.example/log"'],
    ];
    for (const [file, detail] of cases) {
      const problems = problemsOf({ PORCHLIGHT_LOG_ORIGIN: origin, PORCHLIGHT_LOG_KEY_FILE: file });
      expect(problems, file).toHaveLength(1);
      expect(problems[0]).toMatch(/^PORCHLIGHT_LOG_KEY_FILE /);
      expect(problems[0]).toContain(detail);
    }
  });

  it('names a bad key file together with the other bad variables', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      PORCHLIGHT_LOG_INTERVAL_MS: '0',
      PORCHLIGHT_LOG_KEY_FILE: path.join(dir, 'missing.key'),
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'PORCHLIGHT_LOG_INTERVAL_MS',
      'PORCHLIGHT_LOG_KEY_FILE',
      'PORT',
    ]);
  });
});

describe('loadConfig: the clip vault', () => {
  const s3 = {
    PORCHLIGHT_BLOB_STORE: 's3',
    PORCHLIGHT_S3_ENDPOINT: 'http://minio.internal:9000',
    PORCHLIGHT_S3_BUCKET: 'clips',
    PORCHLIGHT_S3_ACCESS_KEY_ID: 'AKIA',
    PORCHLIGHT_S3_SECRET_ACCESS_KEY: 'secret',
  };

  it('stores clips on the filesystem by default, up to 2 GiB each, with hourly retention', () => {
    expect(loadConfig({}, '/srv/porchlight')).toMatchObject({
      blobStore: 'fs',
      s3: undefined,
      maxClipBytes: 2 * 1024 ** 3,
      retentionIntervalMs: 3_600_000,
    });
  });

  it('takes an S3-compatible bucket, with path-style addressing on request', () => {
    const config = loadConfig({
      ...s3,
      PORCHLIGHT_S3_FORCE_PATH_STYLE: 'true',
      PORCHLIGHT_S3_REGION: 'eu-1',
    });
    expect(config.s3).toEqual({
      endpoint: 'http://minio.internal:9000',
      bucket: 'clips',
      region: 'eu-1',
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    expect(loadConfig(s3).s3).toMatchObject({ region: 'us-east-1', forcePathStyle: false });
  });

  it('names every missing S3 setting and every bad vault variable at once', () => {
    const problems = problemsOf({
      PORCHLIGHT_BLOB_STORE: 's3',
      PORCHLIGHT_S3_ENDPOINT: 'minio:9000',
      PORCHLIGHT_S3_FORCE_PATH_STYLE: 'sometimes',
      PORCHLIGHT_MAX_CLIP_BYTES: '-1',
      PORCHLIGHT_RETENTION_INTERVAL_MS: '1.5',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'PORCHLIGHT_MAX_CLIP_BYTES',
      'PORCHLIGHT_RETENTION_INTERVAL_MS',
      'PORCHLIGHT_S3_ACCESS_KEY_ID',
      'PORCHLIGHT_S3_BUCKET',
      'PORCHLIGHT_S3_ENDPOINT',
      'PORCHLIGHT_S3_FORCE_PATH_STYLE',
      'PORCHLIGHT_S3_SECRET_ACCESS_KEY',
    ]);
  });

  it('refuses an unknown blob store', () => {
    expect(problemsOf({ PORCHLIGHT_BLOB_STORE: 'ftp' })).toEqual([
      'PORCHLIGHT_BLOB_STORE must be "fs" or "s3" (got "ftp")',
    ]);
  });
});

describe('loadConfig: security', () => {
  it('serves no public metrics, and wants 2^18 scrypt wrappings, by default', () => {
    const c = loadConfig({}, '/srv/porchlight');
    expect(c.metricsToken).toBeUndefined();
    expect(c.metricsListen).toBeUndefined();
    expect(c.vaultMinWorkFactor).toBe(18);
  });

  it('takes a metrics token and a private listen address (IPv4, IPv6 or a name)', () => {
    const token = 'a-long-scrape-token-123';
    expect(loadConfig({ PORCHLIGHT_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadConfig({ METRICS_LISTEN: '127.0.0.1:9464' }).metricsListen).toEqual({
      host: '127.0.0.1',
      port: 9464,
    });
    expect(loadConfig({ METRICS_LISTEN: '[::1]:9464' }).metricsListen).toEqual({ host: '::1', port: 9464 });
    expect(loadConfig({ METRICS_LISTEN: 'metrics.internal:9100' }).metricsListen).toEqual({
      host: 'metrics.internal',
      port: 9100,
    });
  });

  it('names a short token, a bad listen address and an unsafe work factor', () => {
    const problems = problemsOf({
      PORCHLIGHT_METRICS_TOKEN: 'short',
      METRICS_LISTEN: '9464',
      PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '4',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'METRICS_LISTEN',
      'PORCHLIGHT_METRICS_TOKEN',
      'PORCHLIGHT_VAULT_MIN_WORK_FACTOR',
    ]);
    expect(problemsOf({ METRICS_LISTEN: '127.0.0.1:70000' })).toHaveLength(1);
  });
});
