import { getResolution, isValidCell } from 'h3-js';
import { Value } from 'typebox/value';
import type { FieldError } from '../../errors.js';
import type { Manifest } from './disclosures.repository.js';
import { OwnerRedaction, PrivacyZoneRedaction, type RedactionApplied } from './disclosures.schema.js';

const HEX64 = /^[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** A manifest is a few hundred bytes; this bounds what the database and the log's outbox take in. */
export const MAX_MANIFEST_BYTES = 16 * 1024;
const FIELDS = new Set([
  'plaintextSha256',
  'ciphertextSha256',
  'captureStart',
  'captureEnd',
  'coarseCell',
  'redactions',
  'requestId',
]);
/** The coarsest detail a camera's cell may carry: resolution 8 (~0.7 km²), never finer (G8). */
const FINEST_COARSE_CELL = 8;

const field = (key: string) => `/headers/upload-metadata/manifest/${key}`;
const MAX_REDACTIONS = 100;
const REDACTION_KINDS = { privacy_zone: PrivacyZoneRedaction, owner_redaction: OwnerRedaction } as const;

/** Each item of `redactions` against the schema of its `kind`, so a problem names the item's own field. */
function redactionErrors(items: unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  items.forEach((item, i) => {
    const at = field(`redactions/${i}`);
    const kind = (item as { kind?: unknown } | null)?.kind;
    const schema =
      typeof kind === 'string' && Object.hasOwn(REDACTION_KINDS, kind)
        ? REDACTION_KINDS[kind as keyof typeof REDACTION_KINDS]
        : undefined;
    if (!schema) {
      errors.push({
        field: `${at}/kind`,
        message: `must be one of ${Object.keys(REDACTION_KINDS).join(', ')}`,
      });
      return;
    }
    for (const e of Value.Errors(schema, item))
      errors.push({ field: `${at}${e.instancePath}`, message: e.message });
  });
  return errors;
}

/**
 * Parses the `manifest` upload metadata (JSON): what the owner's browser says it shares. Returns the manifest
 * or every problem, each naming its field. Hashes are lowercase hex; times RFC 3339 with a zone; the camera's
 * cell only if coarse; redactions a list of what was applied, each checked against the schema of its kind.
 */
export function parseManifest(
  raw: string | null | undefined,
  requestId: string,
): { manifest: Manifest } | { errors: FieldError[] } {
  const at = '/headers/upload-metadata/manifest';
  if (!raw) return { errors: [{ field: at, message: 'is required: the disclosure manifest as JSON' }] };
  if (Buffer.byteLength(raw) > MAX_MANIFEST_BYTES)
    return { errors: [{ field: at, message: `must be at most ${MAX_MANIFEST_BYTES} bytes` }] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { errors: [{ field: at, message: 'is not JSON' }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { errors: [{ field: at, message: 'must be a JSON object' }] };
  const m = value as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(m))
    if (!FIELDS.has(k)) errors.push({ field: field(k), message: 'is not a manifest field' });
  if (typeof m.plaintextSha256 !== 'string' || !HEX64.test(m.plaintextSha256))
    errors.push({
      field: field('plaintextSha256'),
      message: 'is required: lowercase hex SHA-256 of the clip',
    });
  if (
    m.ciphertextSha256 !== undefined &&
    (typeof m.ciphertextSha256 !== 'string' || !HEX64.test(m.ciphertextSha256))
  )
    errors.push({ field: field('ciphertextSha256'), message: 'must be lowercase hex SHA-256' });
  const times: Date[] = [];
  for (const k of ['captureStart', 'captureEnd'] as const) {
    const v = m[k];
    const d = typeof v === 'string' && TIME.test(v) ? new Date(v) : undefined;
    if (!d || Number.isNaN(d.getTime()))
      errors.push({ field: field(k), message: 'is required: an RFC 3339 time with a zone' });
    else times.push(d);
  }
  if (times.length === 2 && times[1]! < times[0]!)
    errors.push({ field: field('captureEnd'), message: 'must not be before captureStart' });
  if (m.coarseCell !== undefined) {
    const c = m.coarseCell;
    if (typeof c !== 'string' || !isValidCell(c) || getResolution(c) > FINEST_COARSE_CELL)
      errors.push({
        field: field('coarseCell'),
        message: `must be an H3 cell of resolution ${FINEST_COARSE_CELL} or coarser`,
      });
  }
  if (!Array.isArray(m.redactions) || m.redactions.length > MAX_REDACTIONS)
    errors.push({
      field: field('redactions'),
      message: `is required: a list (at most ${MAX_REDACTIONS}) of redactions applied`,
    });
  else errors.push(...redactionErrors(m.redactions));
  if (m.requestId !== undefined && m.requestId !== requestId)
    errors.push({ field: field('requestId'), message: 'must be the upload’s requestId' });
  if (errors.length > 0) return { errors };
  return {
    manifest: {
      requestId,
      plaintextSha256: m.plaintextSha256 as string,
      ...(m.ciphertextSha256 !== undefined && { ciphertextSha256: m.ciphertextSha256 as string }),
      captureStart: times[0]!.toISOString(),
      captureEnd: times[1]!.toISOString(),
      ...(m.coarseCell !== undefined && { coarseCell: m.coarseCell as string }),
      redactions: m.redactions as RedactionApplied[],
    },
  };
}

/** age's payload: a 16-byte nonce, then 64 KiB chunks each followed by a 16-byte tag (at least one chunk). */
const CHUNK = 64 * 1024;
const TAG = 16;
const NONCE = 16;

/** The plaintext length of an age payload of `payloadBytes` bytes (nonce included), or undefined if impossible. */
export function plaintextLength(payloadBytes: number): number | undefined {
  const sealed = payloadBytes - NONCE;
  if (sealed < TAG) return undefined;
  const chunks = Math.ceil(sealed / (CHUNK + TAG));
  const plain = sealed - chunks * TAG;
  return plain >= 0 ? plain : undefined;
}
