import path from 'node:path';

/** Validated runtime configuration. Parsed once at start; nothing else reads `process.env`. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | undefined;
  /** Live fan-out between API processes: in-process only, or PostgreSQL LISTEN/NOTIFY. */
  liveBus: 'memory' | 'postgres';
  /** Seed the demo neighbourhood (idempotent: only into an empty database). */
  demo: boolean;
  /** MapLibre style URL served to the web app; empty means the built-in tile-less style. */
  mapStyleUrl: string;
  /** Externally visible origin, e.g. https://porchlight.example; used for CSRF origin checks and cookies. */
  publicUrl: string;
  cookieSecure: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  /** Requests per minute per client IP on the sign-in and sign-up endpoints. */
  authRateLimit: number;
  sessionTtlDays: number;
  /** Directory of the built web app; served at `/` when it exists. */
  webDir: string;
  /** The transparency log's C2SP origin (schema-less, e.g. `porchlight.example/log`); also its key name. */
  logOrigin: string;
  /** Milliseconds between sequencer runs that publish new outbox events to the log. */
  logIntervalMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Parses and validates the environment. Throws a {@link ConfigError} naming every bad variable at once,
 * so an operator fixes them in one go rather than one restart per mistake.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const dataDir = path.resolve(cwd, env.PORCHLIGHT_DATA || './data');
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);

  const liveRaw = env.PORCHLIGHT_LIVE_BUS || (databaseUrl ? 'postgres' : 'memory');
  let liveBus: Config['liveBus'] = 'memory';
  if (liveRaw === 'memory' || liveRaw === 'postgres') liveBus = liveRaw;
  else problems.push(`PORCHLIGHT_LIVE_BUS must be "memory" or "postgres" (got "${liveRaw}")`);
  if (liveBus === 'postgres' && !databaseUrl) {
    problems.push('PORCHLIGHT_LIVE_BUS=postgres needs DATABASE_URL (the embedded database has one process)');
  }

  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const logRaw = env.LOG_LEVEL || 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logRaw)
    ? (logRaw as Config['logLevel'])
    : 'info';
  if (logLevel !== logRaw)
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logRaw}")`);

  // C2SP origins carry no scheme; the key name is the origin, so it must also be a valid note key name.
  const publicHost = URL.canParse(publicUrl) ? new URL(publicUrl).host : 'localhost';
  const logOrigin = env.PORCHLIGHT_LOG_ORIGIN || `${publicHost}/log`;
  if (!/^[^\s+]+$/.test(logOrigin) || logOrigin.includes('://')) {
    problems.push(
      `PORCHLIGHT_LOG_ORIGIN must be a schema-less name without spaces or "+" (got "${logOrigin}")`,
    );
  }

  const config: Config = {
    port,
    host,
    dataDir,
    databaseUrl,
    liveBus,
    demo: bool('PORCHLIGHT_DEMO', databaseUrl === undefined),
    mapStyleUrl: url('MAP_STYLE_URL', ['http:', 'https:']) ?? '',
    publicUrl: publicUrl.replace(/\/+$/, ''),
    cookieSecure: bool('COOKIE_SECURE', publicUrl.startsWith('https:')),
    logLevel,
    trustProxy: bool('TRUST_PROXY', false),
    authRateLimit: int('AUTH_RATE_LIMIT', 10, 1, 10_000),
    sessionTtlDays: int('SESSION_TTL_DAYS', 30, 1, 365),
    webDir: path.resolve(env.PORCHLIGHT_WEB_DIR || path.join(import.meta.dirname, '../../web/dist')),
    logOrigin,
    logIntervalMs: int('PORCHLIGHT_LOG_INTERVAL_MS', 1000, 10, 3_600_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
