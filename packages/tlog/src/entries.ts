/**
 * Porchlight's log entries: one canonical JSON object per accountability event. An entry never carries a
 * resident's identity or any location; staff (moderators, admins) appear by numeric account id, because
 * what they do in office is what the log exists to show.
 */

import { sha256Hex } from './crypto.js';
import {
  canonicalBoundary,
  LEGAL_DEMAND_KINDS,
  LEGAL_PRODUCTIONS,
  LEGAL_BASES,
  OFFENSE_CATEGORIES,
  REPORT_RULES,
  ROLES,
  RULE_IDS,
  type Boundary,
  type LegalDemandKind,
  type LegalProduction,
  type ReportRule,
  type Role,
} from '@porchlight/policy';
import { JURISDICTION_SLUG, validateRequestPolicy, type RequestPolicy } from './policy.js';

export const ENTRY_SCHEMA = 'porchlight.org/log-entry/v1';

/**
 * The data of each entry type. Until the first release, types are still being added to v1; after it, adding a
 * type or field means a new schema version, because older auditors reject entries they do not know.
 */
/** A post as log entries name it: its public id, or (in entries published before public ids) a number. */
export type PostRef = string | number;

export interface EntryData {
  'instance.created': { origin: string; key: string };
  'log.key_rotated': { old: string; new: string };
  /**
   * `post` is the post's public id (`po_` and 22 base64url characters). Entries published before public ids
   * (issue 9) hold the post's former numeric id; published entries never change, so both stay valid.
   */
  'moderation.hidden': { post: PostRef; moderator: number; reason: string };
  'moderation.restored': { post: PostRef; moderator: number; reason: string };
  /** A moderator dismissed the post's open reports (how many) and left it visible. Reporters never appear. */
  'moderation.dismissed': { post: PostRef; moderator: number; reason: string; reports: number };
  /**
   * A moderator suspended an account for a community rule, until `until` (absent: until lifted). The account is
   * never named: `suspension` is the suspension's opaque id (`su_…`), which a later lift names too.
   */
  'account.suspended': {
    suspension: string;
    moderator: number;
    rule: ReportRule;
    reason: string;
    until?: string;
  };
  /** A moderator lifted a suspension before its end. */
  'account.suspension_lifted': { suspension: string; moderator: number; reason: string };
  'appeal.filed': { post: PostRef };
  'appeal.decided': { post: PostRef; moderator: number; outcome: 'upheld' | 'overturned'; reason: string };
  'role.changed': { admin: number; from: Role; to: Role; reason: string };
  /** An admin verified an agency. Its name and jurisdiction are public; its members never appear. */
  'agency.verified': { agency: number; name: string; jurisdiction: string; admin: number; reason: string };
  'agency.suspended': { agency: number; name: string; jurisdiction: string; admin: number; reason: string };
  'agency.reinstated': { agency: number; name: string; jurisdiction: string; admin: number; reason: string };
  /** An account joined or left an agency; which account is not published, only that the agency changed. */
  'agency.member_added': { agency: number; admin: number };
  'agency.member_removed': { agency: number; admin: number };
  /**
   * A new version of a jurisdiction's request policy; `sha256` is of the policy's canonical JSON. A v2 policy
   * comes with the jurisdiction's boundary: `boundarySha256` is of its canonical JSON (`boundaryDigest`), and
   * the boundary itself is public with the policy version (a 5,000-vertex boundary would not fit in an entry).
   */
  'policy.changed': {
    jurisdiction: string;
    name: string;
    version: number;
    sha256: string;
    policy: RequestPolicy;
    boundarySha256?: string;
    admin: number;
    reason: string;
  };
  /** The operator received a legal demand. Its document is named by hash; the affected owner never appears. */
  'legal.demand_received': {
    demand: string;
    kind: LegalDemandKind;
    authority: string;
    docket: string;
    date: string;
    scopeSummary: string;
    documentSha256: string;
    admin: number;
  };
  /** What the operator produced in answer: it holds no plaintext footage (G1). */
  'legal.demand_answered': { demand: string; produced: LegalProduction; admin: number };
  /** A non-disclosure order delays the owner's notice until `until` (capped by policy). */
  'legal.notice_delayed': { demand: string; until: string; admin: number; reason: string };
  /** The affected owner was told of the demand. */
  'legal.notice_sent': { demand: string };
  /** An agency member's age recipient joined the agency's recipient set (the member is never named). */
  'agency.key_added': { agency: number; recipient: string };
  /** A recipient left the set: replaced by its member, or the member left the agency. */
  'agency.key_removed': { agency: number; recipient: string };
  /** An owner shared a clip with a request's agency: hashes, sizes and capture times; never who or where. */
  'disclosure.created': {
    disclosure: string;
    request: string;
    plaintextSha256: string;
    ciphertextSha256: string;
    plaintextBytes: number;
    ciphertextBytes: number;
    captureStart: string;
    captureEnd: string;
  };
  /** A member of the agency downloaded the ciphertext (at most once per member per disclosure per day). */
  'disclosure.accessed': { disclosure: string; agency: number };
  /** The owner revoked it before its first download; the ciphertext was deleted. */
  'disclosure.revoked': { disclosure: string; request: string };
  /** The agency filed a legal hold keeping the copy until `until`. */
  'disclosure.held': {
    disclosure: string;
    request: string;
    caseNumber: string;
    justification: string;
    until: string;
  };
  /** The copy reached its retention (or its hold's end) and was deleted. */
  'disclosure.expired': { disclosure: string; request: string };
  /**
   * A jurisdiction's policy refused a footage request: every violated rule, never the narrative or the area
   * drawn (only its size, in whole m²) — what was wrong, not what was asked.
   */
  'request.refused': {
    agency: number;
    jurisdiction: string;
    policyVersion: number;
    policySha256: string;
    rules: string[];
    category: string;
    areaM2: number;
    windowHours: number;
  };
  /** A footage request was published: its area only as the H3 resolution-8 cells covering it (G8). */
  'request.published': {
    request: string;
    agency: number;
    jurisdiction: string;
    caseNumber: string;
    category: string;
    legalBasis: string;
    narrative: string;
    windowStart: string;
    windowEnd: string;
    responseDeadline: string;
    exigent: boolean;
    policyVersion: number;
    policySha256: string;
    cells: string[];
  };
  /** The agency closed its request (matches deleted). */
  'request.closed': { request: string; agency: number; reason: string };
  /** The response deadline passed (matches deleted). */
  'request.expired': { request: string };
  /** The written justification an exigent request owes. */
  'request.justified': { request: string; justification: string };
  /** An exigent request's justification deadline passed without one. */
  'request.justification_missed': { request: string };
  /**
   * A bystander request (someone shown in a public video post asked to be blurred or removed) was answered.
   * Only the counts' facts: what was asked, the outcome, and who answered — never the requester, the post or
   * the owner; a moderator who answered an overdue request appears by account id.
   */
  'bystander.answered': {
    kind: 'blur' | 'remove';
    outcome: 'blurred' | 'removed' | 'declined';
    answeredBy: 'owner' | 'moderator';
    moderator?: number;
  };
  /**
   * What a person wrote into an agency's annual surveillance report for `year` (`YYYY`): breaches or
   * unauthorised access (an admin), effectiveness, cost or requested policy changes (the agency). Only the
   * author's role, never a name or account: the text speaks for the office, and the log shows when.
   */
  'report.annotated': {
    agency: number;
    year: string;
    section: ReportAnnotationSection;
    text: string;
    author: 'admin' | 'agency';
  };
}

/** The annual report's sections a person writes into, each a logged `report.annotated` entry. */
export const REPORT_ANNOTATION_SECTIONS = ['breaches', 'effectiveness', 'cost', 'policy_changes'] as const;
export type ReportAnnotationSection = (typeof REPORT_ANNOTATION_SECTIONS)[number];

export type EntryType = keyof EntryData;

export type Entry = {
  [T in EntryType]: { schema: typeof ENTRY_SCHEMA; seq: number; type: T; time: string; data: EntryData[T] };
}[EntryType];

type FieldSpec =
  | 'string'
  | 'id'
  | 'post'
  | 'vkey'
  | 'slug'
  | 'sha256'
  | 'policy'
  | 'opaque'
  | 'recipient'
  | 'time'
  | 'date'
  | 'bytes'
  | 'count'
  | 'boolean'
  | 'caseNumber'
  | 'cells'
  | 'rules'
  | 'year'
  | readonly string[];

/** A disclosure's fields that only name it and its request. */
const DISCLOSURE_FIELDS = { disclosure: 'opaque', request: 'opaque' } as const;

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
  'moderation.hidden': { post: 'post', moderator: 'id', reason: 'string' },
  'moderation.restored': { post: 'post', moderator: 'id', reason: 'string' },
  'moderation.dismissed': { post: 'post', moderator: 'id', reason: 'string', reports: 'count' },
  'account.suspended': {
    suspension: 'opaque',
    moderator: 'id',
    rule: REPORT_RULES,
    reason: 'string',
    until: 'time',
  },
  'account.suspension_lifted': { suspension: 'opaque', moderator: 'id', reason: 'string' },
  'appeal.filed': { post: 'post' },
  'appeal.decided': { post: 'post', moderator: 'id', outcome: ['upheld', 'overturned'], reason: 'string' },
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
    boundarySha256: 'sha256',
    admin: 'id',
    reason: 'string',
  },
  'legal.demand_received': {
    demand: 'opaque',
    kind: LEGAL_DEMAND_KINDS,
    authority: 'string',
    docket: 'string',
    date: 'date',
    scopeSummary: 'string',
    documentSha256: 'sha256',
    admin: 'id',
  },
  'legal.demand_answered': { demand: 'opaque', produced: LEGAL_PRODUCTIONS, admin: 'id' },
  'legal.notice_delayed': { demand: 'opaque', until: 'time', admin: 'id', reason: 'string' },
  'legal.notice_sent': { demand: 'opaque' },
  'agency.key_added': { agency: 'id', recipient: 'recipient' },
  'agency.key_removed': { agency: 'id', recipient: 'recipient' },
  'disclosure.created': {
    ...DISCLOSURE_FIELDS,
    plaintextSha256: 'sha256',
    ciphertextSha256: 'sha256',
    plaintextBytes: 'bytes',
    ciphertextBytes: 'bytes',
    captureStart: 'time',
    captureEnd: 'time',
  },
  'disclosure.accessed': { disclosure: 'opaque', agency: 'id' },
  'disclosure.revoked': DISCLOSURE_FIELDS,
  'disclosure.held': { ...DISCLOSURE_FIELDS, caseNumber: 'string', justification: 'string', until: 'time' },
  'disclosure.expired': DISCLOSURE_FIELDS,
  'request.refused': {
    agency: 'id',
    jurisdiction: 'slug',
    policyVersion: 'id',
    policySha256: 'sha256',
    rules: 'rules',
    category: OFFENSE_CATEGORIES,
    areaM2: 'count',
    windowHours: 'count',
  },
  'request.published': {
    request: 'opaque',
    agency: 'id',
    jurisdiction: 'slug',
    caseNumber: 'caseNumber',
    category: OFFENSE_CATEGORIES,
    // Empty when the policy requires none and none was cited.
    legalBasis: ['', ...LEGAL_BASES],
    narrative: 'string',
    windowStart: 'time',
    windowEnd: 'time',
    responseDeadline: 'time',
    exigent: 'boolean',
    policyVersion: 'id',
    policySha256: 'sha256',
    cells: 'cells',
  },
  'request.closed': { request: 'opaque', agency: 'id', reason: 'string' },
  'request.expired': { request: 'opaque' },
  'request.justified': { request: 'opaque', justification: 'string' },
  'request.justification_missed': { request: 'opaque' },
  'bystander.answered': {
    kind: ['blur', 'remove'],
    outcome: ['blurred', 'removed', 'declined'],
    answeredBy: ['owner', 'moderator'],
    moderator: 'id',
  },
  'report.annotated': {
    agency: 'id',
    year: 'year',
    section: REPORT_ANNOTATION_SECTIONS,
    text: 'string',
    author: ['admin', 'agency'],
  },
};

export const ENTRY_TYPES = Object.keys(FIELDS) as EntryType[];

/** Fields an entry may leave out (absent in entries written before the field existed). */
const OPTIONAL_FIELDS: Partial<Record<EntryType, readonly string[]>> = {
  'policy.changed': ['boundarySha256'],
  'account.suspended': ['until'],
  'bystander.answered': ['moderator'],
};

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const OPAQUE_ID = /^(?:rq|ds|ld|su)_[A-Za-z0-9_-]{22}$/;
const POST_ID = /^po_[A-Za-z0-9_-]{22}$/;
/** age's Bech32 recipient: "age1" and 58 characters of the Bech32 alphabet (no 1, b, i, o). */
const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
const VKEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/;

/** An H3 resolution-8 cell index (hex). */
const H3_RES8 = /^88[0-9a-f]{13}$/;

/** A sorted, duplicate-free, non-empty list: a request's area cells or a refusal's rules. */
function checkList(spec: 'cells' | 'rules', value: unknown): string | undefined {
  const what = spec === 'cells' ? 'H3 resolution-8 cells' : 'rule ids of @porchlight/policy';
  const max = spec === 'cells' ? 20_000 : RULE_IDS.length;
  const valid = (item: string) =>
    spec === 'cells' ? H3_RES8.test(item) : (RULE_IDS as readonly string[]).includes(item);
  if (!Array.isArray(value) || value.length === 0 || value.length > max)
    return `must be a list of 1 to ${max} ${what}`;
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string' || !valid(item)) return `item ${i} is not one of the ${what}`;
    if (i > 0 && (value[i - 1] as string) >= item) return 'must be sorted and without duplicates';
  }
  return undefined;
}

function checkField(spec: FieldSpec, value: unknown): string | undefined {
  if (spec === 'id')
    return Number.isSafeInteger(value) && (value as number) > 0 ? undefined : 'must be a positive integer';
  if (spec === 'post')
    return (Number.isSafeInteger(value) && (value as number) > 0) ||
      (typeof value === 'string' && POST_ID.test(value))
      ? undefined
      : 'must be a post id (po_ and 22 base64url characters, or a positive integer before public ids)';
  if (spec === 'count')
    return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'must be a whole number';
  if (spec === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  if (spec === 'cells' || spec === 'rules') return checkList(spec, value);
  if (spec === 'caseNumber')
    return typeof value === 'string' && value.length <= 64
      ? undefined
      : 'must be a string of at most 64 characters';
  if (spec === 'bytes')
    return Number.isSafeInteger(value) && (value as number) >= 0
      ? undefined
      : 'must be a whole number of bytes';
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
  if (spec === 'opaque')
    return OPAQUE_ID.test(value)
      ? undefined
      : 'must be an opaque id (rq_/ds_/ld_ and 22 base64url characters)';
  if (spec === 'recipient') return AGE_RECIPIENT.test(value) ? undefined : 'must be an age X25519 recipient';
  if (spec === 'time')
    return TIME.test(value) && !Number.isNaN(Date.parse(value))
      ? undefined
      : 'must be an RFC 3339 UTC time to the second';
  if (spec === 'date')
    return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
      ? undefined
      : 'must be a date (YYYY-MM-DD)';
  if (spec === 'year') return /^(19|20)\d{2}$/.test(value) ? undefined : 'must be a year (YYYY)';
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
  const optional = OPTIONAL_FIELDS[e.type as EntryType] ?? [];
  for (const [k, spec] of Object.entries(fields)) {
    if (data[k] === undefined && optional.includes(k)) continue;
    const p = checkField(spec, data[k]);
    if (p) problems.push(`data.${k} ${p}`);
  }
  // The hash is what people quote and compare; it must be of exactly the policy the entry carries.
  if (e.type === 'policy.changed' && problems.length === 0 && data.sha256 !== policyDigest(data.policy))
    problems.push('data.sha256 must be the SHA-256 of data.policy in canonical JSON');
  // A v2 policy is bound to the boundary that decides which requests it governs; a v1 policy had none.
  if (e.type === 'policy.changed' && problems.length === 0) {
    const v2 = (data.policy as Record<string, unknown>).version === 2;
    if (v2 && data.boundarySha256 === undefined)
      problems.push('data.boundarySha256 is required with a v2 policy');
    if (!v2 && data.boundarySha256 !== undefined)
      problems.push('data.boundarySha256 comes only with a v2 policy');
  }
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
  return sha256Hex(canonicalJson(policy));
}

/** The lowercase hex SHA-256 of a jurisdiction boundary's canonical JSON: a `policy.changed` entry's `boundarySha256`. */
export function boundaryDigest(boundary: Boundary): string {
  return sha256Hex(canonicalBoundary(boundary));
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
