/**
 * Porchlight's log entries: one canonical JSON object per accountability event. An entry never carries a
 * resident's identity or any location; staff (moderators, admins) appear by numeric account id, because
 * what they do in office is what the log exists to show.
 */

import { createHash } from 'node:crypto';
import { JURISDICTION_SLUG, validateRequestPolicy, type RequestPolicy } from './policy.js';

export const ENTRY_SCHEMA = 'porchlight.org/log-entry/v1';

type Role = 'resident' | 'agency' | 'moderator' | 'admin';

/**
 * The data of each entry type. Until the first release, types are still being added to v1; after it, adding a
 * type or field means a new schema version, because older auditors reject entries they do not know.
 */
export interface EntryData {
  'instance.created': { origin: string; key: string };
  'log.key_rotated': { old: string; new: string };
  'moderation.hidden': { post: number; moderator: number; reason: string };
  'moderation.restored': { post: number; moderator: number; reason: string };
  'appeal.filed': { post: number };
  'appeal.decided': { post: number; moderator: number; outcome: 'upheld' | 'overturned'; reason: string };
  'role.changed': { admin: number; from: Role; to: Role; reason: string };
  /** An admin verified an agency. Its name and jurisdiction are public; its members never appear. */
  'agency.verified': { agency: number; name: string; jurisdiction: string; admin: number; reason: string };
  'agency.suspended': { agency: number; name: string; jurisdiction: string; admin: number; reason: string };
  'agency.reinstated': { agency: number; name: string; jurisdiction: string; admin: number; reason: string };
  /** An account joined or left an agency; which account is not published, only that the agency changed. */
  'agency.member_added': { agency: number; admin: number };
  'agency.member_removed': { agency: number; admin: number };
  /** A new version of a jurisdiction's request policy; `sha256` is of the policy's canonical JSON. */
  'policy.changed': {
    jurisdiction: string;
    name: string;
    version: number;
    sha256: string;
    policy: RequestPolicy;
    admin: number;
    reason: string;
  };
}

export type EntryType = keyof EntryData;

export type Entry = {
  [T in EntryType]: { schema: typeof ENTRY_SCHEMA; seq: number; type: T; time: string; data: EntryData[T] };
}[EntryType];

type FieldSpec = 'string' | 'id' | 'vkey' | 'slug' | 'sha256' | 'policy' | readonly string[];

const ROLES = ['resident', 'agency', 'moderator', 'admin'] as const;

const AGENCY_FIELDS = {
  agency: 'id',
  name: 'string',
  jurisdiction: 'slug',
  admin: 'id',
  reason: 'string',
} as const;

const FIELDS: { [T in EntryType]: Record<keyof EntryData[T], FieldSpec> } = {
  'instance.created': { origin: 'string', key: 'vkey' },
  'log.key_rotated': { old: 'vkey', new: 'vkey' },
  'moderation.hidden': { post: 'id', moderator: 'id', reason: 'string' },
  'moderation.restored': { post: 'id', moderator: 'id', reason: 'string' },
  'appeal.filed': { post: 'id' },
  'appeal.decided': { post: 'id', moderator: 'id', outcome: ['upheld', 'overturned'], reason: 'string' },
  'role.changed': { admin: 'id', from: ROLES, to: ROLES, reason: 'string' },
  'agency.verified': AGENCY_FIELDS,
  'agency.suspended': AGENCY_FIELDS,
  'agency.reinstated': AGENCY_FIELDS,
  'agency.member_added': { agency: 'id', admin: 'id' },
  'agency.member_removed': { agency: 'id', admin: 'id' },
  'policy.changed': {
    jurisdiction: 'slug',
    name: 'string',
    version: 'id',
    sha256: 'sha256',
    policy: 'policy',
    admin: 'id',
    reason: 'string',
  },
};

export const ENTRY_TYPES = Object.keys(FIELDS) as EntryType[];

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const VKEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/;

function checkField(spec: FieldSpec, value: unknown): string | undefined {
  if (spec === 'id')
    return Number.isSafeInteger(value) && (value as number) > 0 ? undefined : 'must be a positive integer';
  if (spec === 'policy') {
    const problems = validateRequestPolicy(value);
    return problems.length > 0 ? `is not a request policy: ${problems.join('; ')}` : undefined;
  }
  if (typeof value !== 'string') return 'must be a string';
  if (spec === 'string')
    return value.length > 0 && value.length <= 2000 ? undefined : 'must be 1–2000 characters';
  if (spec === 'vkey') return VKEY.test(value) ? undefined : 'must be a verifier key';
  if (spec === 'slug')
    return value.length <= 64 && JURISDICTION_SLUG.test(value) ? undefined : 'must be a jurisdiction slug';
  if (spec === 'sha256') return /^[0-9a-f]{64}$/.test(value) ? undefined : 'must be a lowercase hex SHA-256';
  return spec.includes(value) ? undefined : `must be one of ${spec.join(', ')}`;
}

/**
 * Checks a decoded value against the entry schema. Returns a list of problems, each naming the field
 * (`data.reason must be a string`); empty when the entry is valid.
 */
export function validateEntry(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['entry must be an object'];
  const e = value as Record<string, unknown>;
  const problems: string[] = [];
  const keys = Object.keys(e).sort().join(',');
  if (keys !== 'data,schema,seq,time,type')
    problems.push(`entry must have exactly data, schema, seq, time, type (has ${keys})`);
  if (e.schema !== ENTRY_SCHEMA) problems.push(`schema must be ${ENTRY_SCHEMA}`);
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) problems.push('seq must be a positive integer');
  if (typeof e.time !== 'string' || !TIME.test(e.time) || Number.isNaN(Date.parse(e.time))) {
    problems.push('time must be an RFC 3339 UTC time to the second');
  }
  const fields =
    typeof e.type === 'string' ? (FIELDS as Record<string, Record<string, FieldSpec>>)[e.type] : undefined;
  if (!fields) return [...problems, `type must be one of ${ENTRY_TYPES.join(', ')}`];
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data))
    return [...problems, 'data must be an object'];
  const data = e.data as Record<string, unknown>;
  for (const k of Object.keys(data))
    if (!(k in fields)) problems.push(`data.${k} is not a field of ${String(e.type)}`);
  for (const [k, spec] of Object.entries(fields)) {
    const p = checkField(spec, data[k]);
    if (p) problems.push(`data.${k} ${p}`);
  }
  // The hash is what people quote and compare; it must be of exactly the policy the entry carries.
  if (e.type === 'policy.changed' && problems.length === 0 && data.sha256 !== policyDigest(data.policy))
    problems.push('data.sha256 must be the SHA-256 of data.policy in canonical JSON');
  return problems;
}

/**
 * Canonical JSON (RFC 8785 for the values entries hold: strings, safe integers, objects): object keys in
 * code-unit order, no whitespace. Two encoders that agree on the entry produce the same leaf bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error('canonical json: only safe integers');
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new Error(`canonical json: unsupported ${typeof value}`);
}

/** The lowercase hex SHA-256 of a request policy's canonical JSON: the hash a `policy.changed` entry names. */
export function policyDigest(policy: unknown): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}

/** The leaf bytes of an entry: its canonical JSON in UTF-8. Throws when the entry is not valid. */
export function encodeEntry(entry: Entry): Uint8Array {
  const problems = validateEntry(entry);
  if (problems.length > 0) throw new Error(`invalid entry: ${problems.join('; ')}`);
  return new TextEncoder().encode(canonicalJson(entry));
}

/**
 * Decodes leaf bytes into an entry, checking both the schema and that the bytes are the entry's canonical
 * encoding (so two different byte strings can never stand for one entry).
 */
export function decodeEntry(bytes: Uint8Array): Entry {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const value: unknown = JSON.parse(text);
  const problems = validateEntry(value);
  if (problems.length > 0) throw new Error(`invalid entry: ${problems.join('; ')}`);
  if (canonicalJson(value) !== text) throw new Error('invalid entry: not in canonical form');
  return value as Entry;
}
