import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  decodeEntry,
  ed25519Verifier,
  parseProofDocument,
  verifyConsistency,
  verifyProofDocument,
} from '@porchlight/tlog';
import type { Checkpoint, Entry, NoteVerifier } from '@porchlight/tlog';
import { readTar, type TarEntry } from './tar.js';

const EXIT = { ok: 0, failed: 1, unreadable: 2, usage: 64 } as const;

export const EVIDENCE_HELP = `usage: porchlight evidence verify <archive.tar> --key <vkey|file>

Verifies a Porchlight evidence archive (GET /api/requests/<id>/evidence) offline:

  - request.proof: a c2sp.org/tlog-proof document whose checkpoint is signed by
    the log key and whose inclusion proof leads from its entry to the root; the
    entry must be the request.published entry of the archive's request;
  - for each disclosures/<id>.age: its .proof is valid in the same way and
    proves the disclosure.created entry of that disclosure for that request;
    the .age file's SHA-256 and size are the ones logged; its .json manifest
    states the logged plaintext hash, ciphertext hash and capture times;
  - SHA256SUMS lists exactly the .age files with their logged hashes;
  - all proofs lead to one tree: their checkpoints are the same, or each
    smaller one is proven a prefix of the largest by consistency/<m>-<n>.proof
    (RFC 9162 consistency proof, one base64 hash a line); two different trees
    that cannot be proven consistent (a forked log) are refused.

Decrypt each clip with the age CLI: age -d -i member-identity.txt <file>.age

options:
  --key <vkey|file>   the log's verifier key (<name>+<id>+<base64>), or a file
                      holding it, obtained from a source you trust
  -h, --help          show this help

exit status: 0 verified; 1 something is wrong (every problem is printed);
2 the archive could not be read; 64 bad command line
`;

/** What a verified archive holds. */
export interface EvidenceReport {
  request: string;
  requestLogIndex: number;
  disclosures: { id: string; logIndex: number; ciphertextSha256: string; plaintextSha256: string }[];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks an archive's files against the log key. Returns the report and every problem found (empty when
 * the archive verifies); each problem names the file and what is wrong.
 */
export function verifyEvidence(
  files: readonly TarEntry[],
  log: NoteVerifier,
): { report: EvidenceReport | undefined; problems: string[] } {
  const problems: string[] = [];
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const dirs = new Set(files.map((f) => f.name.split('/')[0]!));
  if (dirs.size !== 1)
    return { report: undefined, problems: ['the archive must hold one request directory'] };
  const dir = [...dirs][0]!;
  const requestId = dir;

  const checkpoints: { name: string; checkpoint: Checkpoint }[] = [];
  /** Verifies a proof file; returns its entry when it proves one. */
  const proven = (name: string): { entry: Entry; index: number } | undefined => {
    const bytes = byName.get(`${dir}/${name}`);
    if (!bytes) {
      problems.push(`${name} is missing`);
      return undefined;
    }
    try {
      const doc = parseProofDocument(decoder.decode(bytes));
      if (!doc.extra) throw new Error('the proof carries no entry');
      const verified = verifyProofDocument(doc, doc.extra, { log: [log] });
      checkpoints.push({ name, checkpoint: verified.checkpoint });
      return { entry: decodeEntry(doc.extra), index: verified.index };
    } catch (err) {
      problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };

  const request = proven('request.proof');
  if (request && (request.entry.type !== 'request.published' || request.entry.data.request !== requestId))
    problems.push(
      `request.proof proves a ${request.entry.type} entry, not request.published for ${requestId}`,
    );

  const sums = new Map<string, string>();
  const sumsFile = byName.get(`${dir}/SHA256SUMS`);
  if (!sumsFile) problems.push('SHA256SUMS is missing');
  else
    for (const line of decoder.decode(sumsFile).split('\n').filter(Boolean)) {
      const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (!m) problems.push(`SHA256SUMS: malformed line ${JSON.stringify(line)}`);
      else sums.set(m[2]!, m[1]!);
    }

  const disclosures: EvidenceReport['disclosures'] = [];
  const ids = files
    .map((f) => /^[^/]+\/disclosures\/(ds_[A-Za-z0-9_-]{22})\.age$/.exec(f.name)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) {
    const age = byName.get(`${dir}/disclosures/${id}.age`)!;
    const proof = proven(`disclosures/${id}.proof`);
    if (!proof) continue;
    const { entry } = proof;
    if (
      entry.type !== 'disclosure.created' ||
      entry.data.disclosure !== id ||
      entry.data.request !== requestId
    ) {
      problems.push(
        `disclosures/${id}.proof proves another entry (${entry.type}), not this disclosure of ${requestId}`,
      );
      continue;
    }
    const d = entry.data;
    const hash = sha256(age);
    if (hash !== d.ciphertextSha256)
      problems.push(`disclosures/${id}.age: SHA-256 ${hash} is not the logged ${d.ciphertextSha256}`);
    if (age.length !== d.ciphertextBytes)
      problems.push(`disclosures/${id}.age: ${age.length} bytes, the log says ${d.ciphertextBytes}`);
    if (sums.get(`disclosures/${id}.age`) !== d.ciphertextSha256)
      problems.push(`SHA256SUMS: disclosures/${id}.age is not listed with its logged hash`);
    const manifestBytes = byName.get(`${dir}/disclosures/${id}.json`);
    if (!manifestBytes) problems.push(`disclosures/${id}.json is missing`);
    else {
      try {
        const m = JSON.parse(decoder.decode(manifestBytes)) as Record<string, unknown>;
        for (const k of ['plaintextSha256', 'ciphertextSha256', 'captureStart', 'captureEnd'] as const) {
          const logged = d[k];
          const stated = k.startsWith('capture') && typeof m[k] === 'string' ? isoSeconds(m[k]) : m[k];
          if (stated !== (k.startsWith('capture') ? isoSeconds(logged) : logged))
            problems.push(`disclosures/${id}.json: ${k} ${JSON.stringify(m[k])} is not the logged ${logged}`);
        }
      } catch {
        problems.push(`disclosures/${id}.json is not JSON`);
      }
    }
    disclosures.push({
      id,
      logIndex: proof.index,
      ciphertextSha256: hash,
      plaintextSha256: d.plaintextSha256,
    });
  }
  for (const name of sums.keys())
    if (!ids.some((id) => name === `disclosures/${id}.age`))
      problems.push(`SHA256SUMS lists ${name}, which is not in the archive`);
  problems.push(...oneTree(checkpoints, (name) => byName.get(`${dir}/${name}`)));
  const report = request ? { request: requestId, requestLogIndex: request.index, disclosures } : undefined;
  return { report, problems };
}

/**
 * Problems unless every proof's (signed) checkpoint is of one tree: the largest, or a prefix of it proven by
 * a consistency proof in the archive. Without this, a log could show the agency a request and its
 * disclosures in two forks of itself, each proof valid on its own.
 */
function oneTree(
  checkpoints: readonly { name: string; checkpoint: Checkpoint }[],
  file: (name: string) => Uint8Array | undefined,
): string[] {
  const largest = checkpoints.reduce<(typeof checkpoints)[number] | undefined>(
    (a, c) => (a === undefined || c.checkpoint.size > a.checkpoint.size ? c : a),
    undefined,
  );
  if (!largest) return [];
  const head = largest.checkpoint;
  const problems: string[] = [];
  const proven = new Set<number>();
  for (const { name, checkpoint } of checkpoints) {
    const { size, rootHash } = checkpoint;
    if (size === head.size) {
      if (!bytesEqual(rootHash, head.rootHash))
        problems.push(
          `${name} and ${largest.name} lead to two different trees of size ${size}: the log forked`,
        );
      continue;
    }
    if (proven.has(size)) continue;
    const proofName = `consistency/${size}-${head.size}.proof`;
    const bytes = file(proofName);
    if (!bytes) {
      problems.push(
        `${name} (tree size ${size}) and ${largest.name} (tree size ${head.size}) lead to different ` +
          `checkpoints and ${proofName}, which would prove them one log, is missing`,
      );
      continue;
    }
    try {
      const hashes = decoder
        .decode(bytes)
        .split('\n')
        .filter(Boolean)
        .map((line, i) => {
          const hash = Buffer.from(line, 'base64');
          if (hash.length !== 32 || hash.toString('base64') !== line)
            throw new Error(`line ${i + 1} is not a base64 SHA-256 hash`);
          return new Uint8Array(hash);
        });
      verifyConsistency(size, head.size, hashes, rootHash, head.rootHash);
      proven.add(size);
    } catch (err) {
      problems.push(
        `${proofName}: ${name}'s tree is not proven a prefix of ${largest.name}'s: ` +
          (err instanceof Error ? err.message : String(err)),
      );
    }
  }
  return problems;
}

const bytesEqual = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Times compared to the second: the log writes RFC 3339 to the second, a manifest may carry milliseconds. */
function isoSeconds(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(Math.floor(t / 1000) * 1000).toISOString();
}

/** Runs `porchlight evidence …` (`argv` starts after `evidence`). */
export async function evidenceMain(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { key: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) {
    process.stdout.write(EVIDENCE_HELP);
    return EXIT.ok;
  }
  const [command, file, ...extra] = parsed.positionals;
  if (command !== 'verify') return usage('the only evidence command is verify');
  if (file === undefined) return usage('evidence verify needs <archive.tar>');
  if (extra.length > 0) return usage(`unexpected argument ${extra[0]!}`);
  if (parsed.values.key === undefined) return usage('evidence verify needs the log key: --key <vkey|file>');
  let log: NoteVerifier;
  let files: TarEntry[];
  try {
    const key = parsed.values.key.includes('+')
      ? parsed.values.key
      : (await readFile(parsed.values.key, 'utf8')).trim();
    log = ed25519Verifier(key);
  } catch (err) {
    return usage(`--key: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    files = readTar(new Uint8Array(await readFile(file)));
  } catch (err) {
    process.stderr.write(
      `porchlight: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return EXIT.unreadable;
  }
  const { report, problems } = verifyEvidence(files, log);
  if (problems.length > 0 || !report) {
    process.stderr.write(
      `porchlight: ${file} does NOT verify:\n${problems.map((p) => `  - ${p}\n`).join('')}`,
    );
    return EXIT.failed;
  }
  process.stdout.write(
    `verified: request ${report.request} (log entry ${report.requestLogIndex}) and ` +
      `${report.disclosures.length} disclosure(s):\n` +
      report.disclosures
        .map((d) => `  ${d.id}  log entry ${d.logIndex}  ciphertext sha256 ${d.ciphertextSha256}\n`)
        .join(''),
  );
  return EXIT.ok;
}

function usage(msg: string): number {
  process.stderr.write(`porchlight evidence: ${msg}\n\n${EVIDENCE_HELP}`);
  return EXIT.usage;
}
