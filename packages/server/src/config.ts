import fs from 'node:fs';
import path from 'node:path';
import {
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
} from '@porchlight/tlog';

/** Validated runtime configuration. Parsed once at start; nothing else reads `process.env`. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | undefined;
  /** Live fan-out between API processes: in-process only, or PostgreSQL LISTEN/NOTIFY. */
  liveBus: 'memory' | 'postgres';
  /**
   * What this process does (`PORCHLIGHT_ROLE`): `api` serves HTTP only; `worker` runs the background job queue
   * and the log sequencer, with no HTTP listener; `all` (the default) does both.
   */
  role: 'api' | 'worker' | 'all';
  /** Seed the demo neighbourhood (idempotent: only into an empty database). */
  demo: boolean;
  /** MapLibre style URL served to the web app; empty means the built-in tile-less style. */
  mapStyleUrl: string;
  /**
   * A PMTiles v3 street basemap (`MAP_PMTILES_PATH`) served at `/tiles/basemap.pmtiles`; checked at start to
   * be a readable PMTiles v3 file.
   */
  mapPmtilesPath: string | undefined;
  /**
   * A Photon- or Nominatim-compatible geocoder the server proxies address search and place names through
   * (`/api/geocode`); undefined means no search (the UI hides it).
   */
  geocoder: { url: string; kind: 'photon' | 'nominatim' } | undefined;
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
  /**
   * Witnesses (c2sp.org/tlog-witness) asked to cosign each new checkpoint: the witness key's name, its
   * cosignature/v1 verifier key, and its submission prefix URL (`POST <url>/add-checkpoint`).
   */
  witnesses: { name: string; vkey: string; url: string }[];
  /**
   * A signed-note private key file holding the log's signing key; when set the database holds no private key.
   * Checked at start to be a readable Ed25519 note key named `logOrigin`.
   */
  logKeyFile: string | undefined;
  /** Where clip ciphertext is stored: the filesystem under `dataDir/blobs`, or an S3-compatible bucket. */
  blobStore: 'fs' | 's3';
  /** The S3 bucket and credentials; set exactly when `blobStore` is `s3`. */
  s3: S3Config | undefined;
  /** Largest clip (ciphertext bytes) an upload may declare. */
  maxClipBytes: number;
  /** Milliseconds between retention runs (expired clips, abandoned uploads). */
  retentionIntervalMs: number;
  /** How long a worker's claim on a job lasts (renewed while it runs); a dead worker's job runs again after it. */
  jobLeaseMs: number;
  /** Lowest scrypt work factor (log2) accepted for a wrapped vault identity; age's default is 18. */
  vaultMinWorkFactor: number;
  /**
   * Bearer token `/metrics` requires. Metrics show instance-wide activity (vault uploads, live streams), so
   * without a token the public listener does not serve them at all.
   */
  metricsToken: string | undefined;
  /** A separate listener (`host:port`, e.g. `127.0.0.1:9464`) that serves only `/metrics`. */
  metricsListen: { host: string; port: number } | undefined;
  /** SMTP server for outgoing mail (`smtp://` or `smtps://`); undefined means mail is only logged. */
  smtpUrl: string | undefined;
  /** The From address of outgoing mail. */
  mailFrom: string;
  /**
   * Web Push VAPID key pair (base64url, P-256) from `VAPID_PUBLIC_KEY`/`VAPID_PRIVATE_KEY`; undefined means the
   * pair kept in `<dataDir>/vapid.json`, generated on first start (modules/push/vapid.ts).
   */
  vapidKeys: { publicKey: string; privateKey: string } | undefined;
  /** Who push services contact about this server's pushes (`VAPID_SUBJECT`, mailto: or https:). */
  vapidSubject: string;
  /**
   * Accept push endpoints on http: or on loopback/private addresses (`PUSH_ALLOW_PRIVATE_ENDPOINTS`). Off by
   * default: the server POSTs to whatever endpoint a subscriber gives, so it must not reach internal services.
   */
  pushAllowPrivateEndpoints: boolean;
}

export interface S3Config {
  /** Endpoint URL for S3-compatible stores (MinIO, Ceph RGW); undefined means AWS S3 itself. */
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` rather than `https://bucket.host/key`; most self-hosted stores need it. */
  forcePathStyle: boolean;
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
  const roleRaw = env.PORCHLIGHT_ROLE || 'all';
  let role: Config['role'] = 'all';
  if (roleRaw === 'api' || roleRaw === 'worker' || roleRaw === 'all') role = roleRaw;
  else problems.push(`PORCHLIGHT_ROLE must be "api", "worker" or "all" (got "${roleRaw}")`);
  if (role !== 'all' && !databaseUrl) {
    problems.push(
      `PORCHLIGHT_ROLE=${role} needs DATABASE_URL (the embedded database has one process: use "all")`,
    );
  }
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

  const blobRaw = env.PORCHLIGHT_BLOB_STORE || 'fs';
  let blobStore: Config['blobStore'] = 'fs';
  if (blobRaw === 'fs' || blobRaw === 's3') blobStore = blobRaw;
  else problems.push(`PORCHLIGHT_BLOB_STORE must be "fs" or "s3" (got "${blobRaw}")`);
  let s3: S3Config | undefined;
  if (blobStore === 's3') {
    const required = (name: string): string => {
      const raw = env[name];
      if (!raw) problems.push(`${name} is required when PORCHLIGHT_BLOB_STORE=s3`);
      return raw ?? '';
    };
    s3 = {
      endpoint: url('PORCHLIGHT_S3_ENDPOINT', ['http:', 'https:']),
      bucket: required('PORCHLIGHT_S3_BUCKET'),
      region: env.PORCHLIGHT_S3_REGION || 'us-east-1',
      accessKeyId: required('PORCHLIGHT_S3_ACCESS_KEY_ID'),
      secretAccessKey: required('PORCHLIGHT_S3_SECRET_ACCESS_KEY'),
      forcePathStyle: bool('PORCHLIGHT_S3_FORCE_PATH_STYLE', false),
    };
  }

  const logKeyFile = env.PORCHLIGHT_LOG_KEY_FILE ? path.resolve(cwd, env.PORCHLIGHT_LOG_KEY_FILE) : undefined;
  const keyProblem = logKeyFile === undefined ? undefined : logKeyFileProblem(logKeyFile, logOrigin);
  if (keyProblem) problems.push(`PORCHLIGHT_LOG_KEY_FILE ${keyProblem}`);

  const metricsToken = env.PORCHLIGHT_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    problems.push('PORCHLIGHT_METRICS_TOKEN must be 16–256 printable characters without spaces');
  }
  const metricsListen = parseListen(env.METRICS_LISTEN, 'METRICS_LISTEN', problems);

  const mapPmtilesPath = env.MAP_PMTILES_PATH ? path.resolve(cwd, env.MAP_PMTILES_PATH) : undefined;
  const pmtilesProblem = mapPmtilesPath === undefined ? undefined : pmtilesFileProblem(mapPmtilesPath);
  if (pmtilesProblem) problems.push(`MAP_PMTILES_PATH ${pmtilesProblem}`);

  const geocoderUrl = url('GEOCODER_URL', ['http:', 'https:']);
  const geocoderKind = env.GEOCODER_KIND || 'photon';
  if (geocoderKind !== 'photon' && geocoderKind !== 'nominatim') {
    problems.push(`GEOCODER_KIND must be "photon" or "nominatim" (got "${geocoderKind}")`);
  }

  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const mailFrom = env.MAIL_FROM || `Porchlight <no-reply@${publicHost.replace(/:\d+$/, '')}>`;
  if (!/^[^\r\n<>@]*<[^\s<>@]+@[^\s<>@]+>$|^[^\s<>@]+@[^\s<>@]+$/.test(mailFrom)) {
    problems.push(
      `MAIL_FROM must be an address, optionally with a name: "Name <a@b.example>" (got "${mailFrom}")`,
    );
  }

  const vapidKeys = parseVapidKeys(env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY, problems);
  const vapidSubject = env.VAPID_SUBJECT || `mailto:${/<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom}`;
  if (!/^mailto:\S+@\S+$|^https:\/\/\S+$/.test(vapidSubject)) {
    problems.push(`VAPID_SUBJECT must be a mailto: address or an https: URL (got "${vapidSubject}")`);
  }

  const config: Config = {
    port,
    host,
    dataDir,
    databaseUrl,
    liveBus,
    role,
    demo: bool('PORCHLIGHT_DEMO', databaseUrl === undefined),
    mapStyleUrl: url('MAP_STYLE_URL', ['http:', 'https:']) ?? '',
    mapPmtilesPath,
    geocoder: geocoderUrl
      ? { url: geocoderUrl.replace(/\/+$/, ''), kind: geocoderKind === 'nominatim' ? 'nominatim' : 'photon' }
      : undefined,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    cookieSecure: bool('COOKIE_SECURE', publicUrl.startsWith('https:')),
    logLevel,
    trustProxy: bool('TRUST_PROXY', false),
    authRateLimit: int('AUTH_RATE_LIMIT', 10, 1, 10_000),
    sessionTtlDays: int('SESSION_TTL_DAYS', 30, 1, 365),
    webDir: path.resolve(env.PORCHLIGHT_WEB_DIR || path.join(import.meta.dirname, '../../web/dist')),
    logOrigin,
    logIntervalMs: int('PORCHLIGHT_LOG_INTERVAL_MS', 1000, 10, 3_600_000),
    witnesses: parseWitnesses(env.PORCHLIGHT_WITNESSES ?? '', problems),
    logKeyFile,
    blobStore,
    s3,
    maxClipBytes: int('PORCHLIGHT_MAX_CLIP_BYTES', 2 * 1024 ** 3, 1024, 5 * 1024 ** 4),
    retentionIntervalMs: int('PORCHLIGHT_RETENTION_INTERVAL_MS', 3_600_000, 100, 86_400_000),
    jobLeaseMs: int('PORCHLIGHT_JOB_LEASE_MS', 300_000, 1_000, 3_600_000),
    vaultMinWorkFactor: int('PORCHLIGHT_VAULT_MIN_WORK_FACTOR', 18, 10, 22),
    metricsToken,
    metricsListen,
    smtpUrl,
    mailFrom,
    vapidKeys,
    vapidSubject,
    pushAllowPrivateEndpoints: bool('PUSH_ALLOW_PRIVATE_ENDPOINTS', false),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Both VAPID keys or neither: a public key of 65 bytes (uncompressed P-256 point) and a private key of 32. */
function parseVapidKeys(
  publicKey: string | undefined,
  privateKey: string | undefined,
  problems: string[],
): Config['vapidKeys'] {
  if (!publicKey && !privateKey) return undefined;
  const bytes = (v: string | undefined) =>
    v && /^[A-Za-z0-9_-]+$/.test(v) ? Buffer.from(v, 'base64url').length : -1;
  if (bytes(publicKey) !== 65)
    problems.push(
      'VAPID_PUBLIC_KEY must be a base64url P-256 public key (65 bytes), set with VAPID_PRIVATE_KEY',
    );
  if (bytes(privateKey) !== 32)
    problems.push(
      'VAPID_PRIVATE_KEY must be a base64url P-256 private key (32 bytes), set with VAPID_PUBLIC_KEY',
    );
  return bytes(publicKey) === 65 && bytes(privateKey) === 32
    ? { publicKey: publicKey!, privateKey: privateKey! }
    : undefined;
}

/** Parses a `host:port` listen address (`[::1]:9464` for IPv6); undefined when unset. */
function parseListen(
  raw: string | undefined,
  name: string,
  problems: string[],
): { host: string; port: number } | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    problems.push(`${name} must be host:port, e.g. 127.0.0.1:9464 (got "${raw}")`);
    return undefined;
  }
  return { host: m[1] ?? m[2]!, port };
}

/**
 * Parses `PORCHLIGHT_WITNESSES`: entries `<vkey> <url>` separated by `;` or newlines. Each vkey must be a
 * cosignature/v1 (type 0x04) key and each URL http(s); every bad entry is named in `problems`.
 */
function parseWitnesses(raw: string, problems: string[]): Config['witnesses'] {
  const witnesses: Config['witnesses'] = [];
  const entries = raw
    .split(/[;\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, i) => {
    const bad = (why: string) => problems.push(`PORCHLIGHT_WITNESSES entry ${i + 1} ("${entry}") ${why}`);
    const [vkey = '', url = '', ...extra] = entry.split(/\s+/);
    if (url === '' || extra.length > 0) return bad('must be "<vkey> <url>"');
    let key;
    try {
      key = parseVerifierKey(vkey);
    } catch (err) {
      return bad(`has an invalid verifier key: ${(err as Error).message}`);
    }
    if (key.signatureType !== SIGNATURE_TYPE_COSIGNATURE) {
      return bad('has a verifier key that is not a cosignature/v1 (witness) key');
    }
    if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
      return bad(`has a URL that is not http(s): "${url}"`);
    }
    if (witnesses.some((w) => w.name === key.name)) return bad(`repeats the witness "${key.name}"`);
    witnesses.push({ name: key.name, vkey, url: url.replace(/\/+$/, '') });
  });
  return witnesses;
}

/** What is wrong with a log key file, if anything: unreadable, not an Ed25519 note key, or named otherwise. */
/** Why `file` is not a PMTiles v3 archive (its 127-byte header starts "PMTiles" then version 3), if it is not. */
function pmtilesFileProblem(file: string): string | undefined {
  const header = Buffer.alloc(127);
  let read: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      if (!fs.fstatSync(fd).isFile()) return `is not a file (${file})`;
      read = fs.readSync(fd, header, 0, header.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return `cannot be read (${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (read < header.length || header.toString('latin1', 0, 7) !== 'PMTiles') {
    return `${file} is not a PMTiles archive (no "PMTiles" header)`;
  }
  if (header[7] !== 3) return `${file} is PMTiles version ${header[7]}, but only version 3 is supported`;
  return undefined;
}

function logKeyFileProblem(file: string, origin: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return `cannot be read (${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  let key;
  try {
    key = parseSignerKey(text.trim());
  } catch (err) {
    return `${file} is not a signed-note private key (PRIVATE+KEY+<name>+<id>+<key>): ${(err as Error).message}`;
  }
  if (key.signatureType !== SIGNATURE_TYPE_ED25519) return `${file} is not an Ed25519 note key`;
  if (key.name !== origin) {
    return `${file} holds a key named "${key.name}", but the log's origin (PORCHLIGHT_LOG_ORIGIN) is "${origin}"`;
  }
  return undefined;
}
