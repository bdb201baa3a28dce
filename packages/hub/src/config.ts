import { readFile } from 'node:fs/promises';
import { BLUR_KINDS, type BlurKind } from '@porchlight/redact';
import { HubError } from './errors.js';
import type { EncodeOptions } from './ffmpeg.js';
import type { FolderSourceConfig } from './sources/folder.js';
import type { FrigateSourceConfig } from './sources/frigate.js';
import type { HomeAssistantSourceConfig } from './sources/homeassistant.js';
import type { RtspSourceConfig } from './sources/rtsp.js';

export type SourceConfig =
  FrigateSourceConfig | HomeAssistantSourceConfig | RtspSourceConfig | FolderSourceConfig;

/** The daemon's config file (JSON), documented in `porchlight-hub run --help`. */
export interface HubFileConfig {
  sources: SourceConfig[];
  /** x264 settings for the privacy-zone burn-in. */
  encoder?: EncodeOptions;
  /** Base delay (ms) before retrying a clip after a network failure; doubles per attempt up to 5 minutes. */
  retryBaseMs?: number;
  /**
   * Auto-blur at ingest, per Porchlight camera id: faces found by the hub's detector are blurred after the
   * privacy zones and before encryption, so the vault never holds them unblurred.
   */
  autoBlur?: Record<string, AutoBlurConfig>;
}

/** One camera's auto-blur: what to find and blur (at least one of `faces` and `plates` is true). */
export interface AutoBlurConfig {
  faces?: boolean;
  /** Licence plates, found with Debian's opencv-data cascade (the package must be installed). */
  plates?: boolean;
  blur?: BlurKind;
  /** Extra margin around each box, as a fraction of its size (default 0.2). */
  padding?: number;
  /** Frames looked at per second (default 4). */
  sampleFps?: number;
}

type Check = (value: unknown, at: string, problems: string[]) => void;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** A check that reports `${at} ${message}` when `ok` fails. */
const rule =
  (ok: (v: unknown) => boolean, message: string): Check =>
  (v, at, p) => {
    if (!ok(v)) p.push(`${at} ${message}`);
  };
const str = rule((v) => typeof v === 'string' && v.length > 0, 'must be a non-empty string');
/** A Porchlight camera id: `ca_` and 22 base64url characters, as the web app and `porchlight-hub status` show. */
export const CAMERA_ID = /^ca_[A-Za-z0-9_-]{22}$/;
/** A camera id from before public ids (a row number), as older config files and journals hold them. */
export const isLegacyCameraId = (v: unknown): boolean =>
  (typeof v === 'string' && /^[1-9]\d{0,15}$/.test(v)) || (Number.isInteger(v) && (v as number) > 0);
const cameraId: Check = (v, at, p) => {
  if (typeof v === 'string' && CAMERA_ID.test(v)) return;
  if (isLegacyCameraId(v))
    p.push(
      `${at} ${JSON.stringify(v)} is an old numeric camera id; Porchlight now names cameras ca_…: ` +
        'run `porchlight-hub status` (or open Vault → Cameras) and use the id shown beside the camera',
    );
  else p.push(`${at} must be a Porchlight camera id (ca_… as shown in Vault → Cameras)`);
};
const url =
  (...protocols: string[]): Check =>
  (v, at, p) => {
    try {
      const u = new URL(String(v));
      if (!protocols.includes(u.protocol))
        p.push(`${at} must be a ${protocols.join(' or ')} URL, not ${JSON.stringify(v)}`);
    } catch {
      p.push(`${at} must be a ${protocols.join(' or ')} URL, not ${JSON.stringify(v)}`);
    }
  };
const int = (min: number, max: number): Check =>
  rule(
    (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
    `must be a whole number from ${min} to ${max}`,
  );
const oneOf = (...values: string[]): Check =>
  rule((v) => values.includes(v as string), `must be one of ${values.map((x) => `"${x}"`).join(', ')}`);

const SCHEMAS: Record<
  SourceConfig['type'],
  { required: Record<string, Check>; optional: Record<string, Check> }
> = {
  frigate: {
    required: {
      url: url('http:', 'https:'),
      cameras: (v, at, p) => {
        if (!isObj(v) || Object.keys(v).length === 0)
          p.push(`${at} must map Frigate camera names to Porchlight camera ids`);
        else for (const [k, id] of Object.entries(v)) cameraId(id, `${at}.${k}`, p);
      },
    },
    optional: {
      mqtt: url('mqtt:', 'mqtts:', 'ws:', 'wss:'),
      topicPrefix: str,
      severity: (v, at, p) => {
        if (!Array.isArray(v) || v.length === 0) p.push(`${at} must be a list of "alert" and/or "detection"`);
        else
          v.forEach((s, i) => {
            oneOf('alert', 'detection')(s, `${at}[${i}]`, p);
          });
      },
      pollSeconds: int(0, 86_400),
      lookbackMinutes: int(0, 7 * 24 * 60),
      clipRetryDelays: rule(
        (v) => Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0),
        'must be a list of milliseconds',
      ),
    },
  },
  homeassistant: {
    required: {
      token: rule(
        (v) => typeof v === 'string' && v.length >= 16,
        'must be a secret of at least 16 characters',
      ),
    },
    optional: {
      listen: rule(
        (v) => typeof v === 'string' && /^[^\s]*:\d{1,5}$/.test(v),
        'must be host:port, e.g. "0.0.0.0:8765"',
      ),
      path: rule((v) => typeof v === 'string' && v.startsWith('/'), 'must be a path starting with "/"'),
    },
  },
  rtsp: {
    required: { camera: cameraId, url: url('rtsp:', 'rtsps:') },
    optional: {
      name: str,
      seconds: int(1, 600),
      trigger: oneOf('homeassistant', 'interval'),
      everySeconds: int(10, 86_400),
    },
  },
  folder: {
    required: { path: str, camera: cameraId },
    optional: { pattern: str, stableMs: int(100, 600_000) },
  },
};

const AUTO_BLUR_OPTIONS: Record<string, Check> = {
  faces: rule((v) => typeof v === 'boolean', 'must be true or false'),
  plates: rule((v) => typeof v === 'boolean', 'must be true or false'),
  blur: oneOf(...BLUR_KINDS),
  padding: rule((v) => typeof v === 'number' && v >= 0 && v <= 1, 'must be a number from 0 to 1'),
  sampleFps: int(1, 15),
};

function checkAutoBlur(value: unknown, problems: string[]): void {
  if (!isObj(value)) {
    problems.push('autoBlur must map Porchlight camera ids to auto-blur settings');
    return;
  }
  for (const [camera, settings] of Object.entries(value)) {
    const at = `autoBlur.${camera}`;
    cameraId(camera, `autoBlur key ${JSON.stringify(camera)}`, problems);
    if (!isObj(settings)) {
      problems.push(`${at} must be an object such as {"faces": true}`);
      continue;
    }
    if (settings.faces !== true && settings.plates !== true) {
      problems.push(`${at} must turn on "faces" or "plates" (leave the camera out to turn auto-blur off)`);
    }
    for (const [key, v] of Object.entries(settings)) {
      const check = AUTO_BLUR_OPTIONS[key];
      if (!check) problems.push(`${at}.${key} is not an auto-blur option`);
      else check(v, `${at}.${key}`, problems);
    }
  }
}

/** Validates a parsed config file; the error lists every problem with its JSON path. */
export function validateConfig(value: unknown, file = 'config'): HubFileConfig {
  const problems: string[] = [];
  if (!isObj(value) || !Array.isArray(value.sources) || value.sources.length === 0) {
    throw new HubError(`${file}: must be a JSON object with a non-empty "sources" list`);
  }
  value.sources.forEach((source: unknown, i) => {
    const at = `sources[${i}]`;
    if (!isObj(source) || !(String(source.type) in SCHEMAS)) {
      problems.push(
        `${at}.type must be one of ${Object.keys(SCHEMAS)
          .map((t) => `"${t}"`)
          .join(', ')}`,
      );
      return;
    }
    const schema = SCHEMAS[source.type as SourceConfig['type']];
    for (const [key, check] of Object.entries(schema.required)) {
      if (source[key] === undefined) problems.push(`${at}.${key} is required`);
      else check(source[key], `${at}.${key}`, problems);
    }
    for (const [key, v] of Object.entries(source)) {
      if (key === 'type' || key in schema.required) continue;
      const check = schema.optional[key];
      if (!check) problems.push(`${at}.${key} is not a ${String(source.type)} option`);
      else check(v, `${at}.${key}`, problems);
    }
  });
  if (value.encoder !== undefined) {
    if (!isObj(value.encoder)) problems.push('encoder must be an object');
    else {
      if (value.encoder.preset !== undefined)
        oneOf(
          'ultrafast',
          'superfast',
          'veryfast',
          'faster',
          'fast',
          'medium',
          'slow',
        )(value.encoder.preset, 'encoder.preset', problems);
      if (value.encoder.crf !== undefined) int(0, 51)(value.encoder.crf, 'encoder.crf', problems);
    }
  }
  if (value.retryBaseMs !== undefined) int(10, 600_000)(value.retryBaseMs, 'retryBaseMs', problems);
  if (value.autoBlur !== undefined) checkAutoBlur(value.autoBlur, problems);
  if (problems.length > 0)
    throw new HubError(`${file} has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  return value as unknown as HubFileConfig;
}

/** Reads and validates the config file at `file`. */
export async function loadConfig(file: string): Promise<HubFileConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HubError(
      `cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'unreadable',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HubError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return validateConfig(parsed, file);
}
