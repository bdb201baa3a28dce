import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  cosignatureVerifier,
  decodeEntry,
  ed25519Verifier,
  parseProofDocument,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  verifyProofDocument,
} from '@porchlight/tlog';
import type { NoteVerifier, ProofDocument, VerifiedProof } from '@porchlight/tlog';
import { HttpError, LogClient } from './fetch-log.js';
import type { Fetch } from './fetch-log.js';

const EXIT = { ok: 0, failed: 1, unreachable: 2, usage: 64 } as const;

export const PROOF_HELP = `usage: porchlight proof <url> <index> [--out <file>] [--key <vkey> | --key-file <file>]
       porchlight verify-proof <file> --key <vkey|file> [--entry <file>]

proof: fetches <url>/proof/<index> from a Porchlight transparency log (e.g.
https://porchlight.example.org/log), a c2sp.org/tlog-proof@v1 document showing
entry <index> is in the log, and verifies it. Writes the document to --out (or
to stdout) and prints the entry.

verify-proof: verifies a saved proof document offline: the checkpoint's
signature by the log key, and the inclusion proof from the entry to the
checkpoint's root. The entry is the one in the document's extra data, or the
exact bytes of --entry <file> (the entry's canonical JSON).

options:
  --key <vkey>         the log's verifier key (verify-proof: or a file holding
                       it). proof without --key trusts the server's /key, with
                       a warning.
  --key-file <file>    read the verifier key from a file
  --witness <vkey>     also require a cosignature by this witness (repeatable)
  --out <file>         (proof) where to write the document (.tlog-proof)
  --entry <file>       (verify-proof) the entry to check instead of the
                       document's extra data

exit status: 0 verified, 1 the proof does not verify (the reason is printed),
2 the log could not be read, 64 bad command line
`;

/** Runs `porchlight proof …` or `porchlight verify-proof …` (`argv` starts with the command). */
export async function proofMain(argv: readonly string[], fetch: Fetch = globalThis.fetch): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        'key-file': { type: 'string' },
        witness: { type: 'string', multiple: true, default: [] },
        out: { type: 'string' },
        entry: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage(message(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(PROOF_HELP);
    return EXIT.ok;
  }
  const [command, ...args] = positionals;
  if (values.key !== undefined && values['key-file'] !== undefined)
    return usage('give --key or --key-file, not both');
  try {
    const witnesses = values.witness.map(witnessVerifier);
    if (command === 'proof') {
      const [url, index, ...extra] = args;
      if (url === undefined || index === undefined) return usage('proof needs <url> and <index>');
      if (extra.length > 0) return usage(`unexpected argument ${extra[0]!}`);
      if (!/^https?:\/\//.test(url)) return usage(`<url> must be an http or https URL, got ${url}`);
      if (!/^(?:0|[1-9][0-9]*)$/.test(index))
        return usage(`<index> must be a non-negative integer, got ${index}`);
      if (values.entry !== undefined) return usage('--entry is for verify-proof');
      return await fetchProof(url, index, values, witnesses, fetch);
    }
    const [file, ...extra] = args;
    if (file === undefined) return usage('verify-proof needs <file>');
    if (extra.length > 0) return usage(`unexpected argument ${extra[0]!}`);
    if (values.out !== undefined) return usage('--out is for proof');
    const key = await keyOption(values.key, values['key-file']);
    if (key === undefined) return usage('verify-proof needs the log key: --key <vkey|file>');
    const text = await readFile(file, 'utf8');
    const entry = values.entry === undefined ? undefined : new Uint8Array(await readFile(values.entry));
    return check(text, key, witnesses, entry, file);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    if (err instanceof HttpError || isSystemError(err)) {
      process.stderr.write(`porchlight: ${message(err)}\n`);
      return EXIT.unreachable;
    }
    throw err;
  }
}

async function fetchProof(
  url: string,
  index: string,
  values: { key?: string; 'key-file'?: string; out?: string },
  witnesses: NoteVerifier[],
  fetch: Fetch,
): Promise<number> {
  const client = new LogClient(url, fetch);
  let key = await keyOption(values.key, values['key-file']);
  if (key === undefined) {
    process.stderr.write(
      `WARNING: no --key given: trusting the verifier key served by ${client.url('key')} itself. ` +
        'A proof checked against the server’s own word proves little; pass the key you trust.\n',
    );
    key = await client.key();
  }
  const text = await getText(fetch, client.url(`proof/${index}`));
  const status = check(
    text,
    key,
    witnesses,
    undefined,
    client.url(`proof/${index}`),
    values.out === undefined,
  );
  if (status === EXIT.ok) {
    if (values.out === undefined) process.stdout.write(text);
    else await writeFile(values.out, text);
  }
  return status;
}

async function getText(fetch: Fetch, url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new HttpError(url, undefined, message(err));
  }
  const body = await response.text();
  if (!response.ok)
    throw new HttpError(url, response.status, `HTTP ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

/** Verifies a document and reports; the summary goes to stderr when stdout carries the document. */
function check(
  text: string,
  key: string,
  witnesses: NoteVerifier[],
  entryFile: Uint8Array | undefined,
  source: string,
  summaryToStderr = false,
): number {
  let doc: ProofDocument;
  let verified: VerifiedProof;
  let entry: Uint8Array;
  try {
    const log = logVerifier(key);
    doc = parseProofDocument(text);
    const candidate = entryFile ?? doc.extra;
    if (candidate === undefined)
      throw new Error('the document carries no entry: pass the entry with --entry <file>');
    ({ verified, entry } = verifyEither(doc, candidate, { log: [log], witnesses }));
  } catch (err) {
    process.stderr.write(`proof FAILED for ${source}: ${message(err)}\n`);
    return EXIT.failed;
  }
  const out = summaryToStderr ? process.stderr : process.stdout;
  const { checkpoint } = verified;
  out.write(
    `proof verified: entry ${verified.index} is in ${checkpoint.origin} (tree size ${checkpoint.size})\n` +
      `  signed by   ${verified.signatures.map((s) => s.name).join(', ')}\n` +
      `  entry       ${describeEntry(entry)}\n`,
  );
  if (entryFile !== undefined && doc.extra !== undefined && Buffer.compare(doc.extra, entry) !== 0) {
    out.write('  note        the document’s extra data is not this entry; the entry file was checked\n');
  }
  return EXIT.ok;
}

/** Verifies `entry`, or the same bytes without a trailing newline (an entry file saved by a text editor). */
function verifyEither(
  doc: ProofDocument,
  entry: Uint8Array,
  policy: { log: NoteVerifier[]; witnesses: NoteVerifier[] },
): { verified: VerifiedProof; entry: Uint8Array } {
  try {
    return { verified: verifyProofDocument(doc, entry, policy), entry };
  } catch (err) {
    if (entry.at(-1) !== 0x0a) throw err;
    const trimmed = entry.subarray(0, -1);
    try {
      return { verified: verifyProofDocument(doc, trimmed, policy), entry: trimmed };
    } catch {
      throw err;
    }
  }
}

function describeEntry(entry: Uint8Array): string {
  const text = new TextDecoder().decode(entry);
  try {
    decodeEntry(entry);
    return text;
  } catch (err) {
    return `${text} (in the log, but not a valid Porchlight entry: ${message(err)})`;
  }
}

class UsageError extends Error {}

/** A --key value is a vkey, or (for files saved from /log/key) a path to one. */
async function keyOption(key: string | undefined, keyFile: string | undefined): Promise<string | undefined> {
  const file = keyFile ?? (key !== undefined && !key.includes('+') ? key : undefined);
  if (file === undefined) return key;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new UsageError(`cannot read the key file: ${message(err)}`);
  }
}

function logVerifier(vkey: string): NoteVerifier {
  try {
    return ed25519Verifier(vkey);
  } catch (err) {
    throw new Error(`log key ${JSON.stringify(vkey)} is not a usable verifier key: ${message(err)}`, {
      cause: err,
    });
  }
}

function witnessVerifier(vkey: string): NoteVerifier {
  try {
    return parseVerifierKey(vkey).signatureType === SIGNATURE_TYPE_COSIGNATURE
      ? cosignatureVerifier(vkey)
      : ed25519Verifier(vkey);
  } catch (err) {
    throw new UsageError(`witness key ${JSON.stringify(vkey)} is not a usable verifier key: ${message(err)}`);
  }
}

function usage(problem: string): number {
  process.stderr.write(`porchlight: ${problem}\n\n${PROOF_HELP}`);
  return EXIT.usage;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isSystemError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}
