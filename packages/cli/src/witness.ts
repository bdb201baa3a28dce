import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  cosignatureSigner,
  ed25519Verifier,
  formatVerifierKey,
  generateSigner,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
} from '@porchlight/tlog';
import type { NoteVerifier, WitnessedLog } from '@porchlight/tlog';
import { listenWitness } from './witness-server.js';
import type { WitnessLogLine } from './witness-server.js';
import { openWitnessState, StateLockedError } from './witness-state.js';

const EXIT = { ok: 0, failed: 1, internal: 3, usage: 64 } as const;
const DEFAULT_LISTEN = '127.0.0.1:7380';

export const WITNESS_HELP = `usage: porchlight witness <command> [options]

Runs an independent transparency-log witness (c2sp.org/tlog-witness). A witness
cosigns a log's checkpoints only after checking that each one extends the last
checkpoint it cosigned. With its cosignature on a checkpoint, nobody can be shown
a different history (a fork) or an older one (a rollback) without the witness
having refused it. Run one if you oversee a Porchlight instance: an oversight
board, a rights group, a newsroom. Give the instance operator your verifier key
and URL; they add "<vkey> <url>" to PORCHLIGHT_WITNESSES.

commands:
  keygen --name <name> --out <file>
      Creates a witness key (Ed25519, cosignature/v1). Writes the secret key to
      <file> (mode 0600; refuses to overwrite) and prints the verifier key
      (<name>+<id>+<base64>) on stdout: publish that one. <name> is a
      schema-less URL naming your witness, e.g. witness.example.org/porchlight.

  vkey --key <file>
      Prints the verifier key of a witness secret key file.

  serve --key <file> --log <vkey> [--log <vkey> ...] --state-dir <dir>
        [--listen <host>:<port>]
      Serves POST /add-checkpoint (so the submission prefix to give the log is
      http://<host>:<port>). Each --log is a log's verifier key, as served at
      <instance>/log/key; the key name is the log's origin. Give several keys of
      one origin when a log rotates its key.

      The latest cosigned checkpoint of each log is kept in <dir> and written
      durably (fsync) before a cosignature is returned, so a crash or restart
      never cosigns a rollback or a fork. Keep <dir>: a witness that forgets a
      log, or is restored from an older copy of <dir>, would accept a fork from
      the point it remembers. Back up the key, not the state.
      A refused checkpoint that the log did sign (a fork, a rollback, a bad
      proof) is kept in <dir>/evidence. One request log line (JSON) per request
      goes to stderr. Stops cleanly on SIGINT or SIGTERM.

      --listen   address to listen on (default ${DEFAULT_LISTEN}); use a reverse
                 proxy for TLS

  -h, --help     show this help

exit status: 0 ok, 1 cannot start (bad key file, state locked or corrupt,
address in use), 3 internal error, 64 bad command line
`;

/** Runs `porchlight witness …` with the arguments after `witness`; resolves with the exit code. */
export async function witnessMain(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        out: { type: 'string' },
        key: { type: 'string' },
        log: { type: 'string', multiple: true, default: [] },
        'state-dir': { type: 'string' },
        listen: { type: 'string', default: DEFAULT_LISTEN },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(WITNESS_HELP);
    return EXIT.ok;
  }
  if (extra.length > 0) return usage(`unexpected argument ${extra[0]!}`);
  try {
    switch (command) {
      case 'keygen':
        return await keygen(values.name, values.out);
      case 'vkey':
        return await printVkey(values.key);
      case 'serve':
        return await serve(values.key, values.log, values['state-dir'], values.listen);
      case undefined:
        return usage('missing witness command');
      default:
        return usage(`unknown witness command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    if (err instanceof StartError || err instanceof StateLockedError) {
      process.stderr.write(`porchlight witness: ${err.message}\n`);
      return EXIT.failed;
    }
    process.stderr.write(
      `porchlight witness: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return EXIT.internal;
  }
}

class UsageError extends Error {}
class StartError extends Error {}

async function keygen(name: string | undefined, out: string | undefined): Promise<number> {
  if (name === undefined) throw new UsageError('keygen needs --name <name>');
  if (out === undefined) throw new UsageError('keygen needs --out <file>');
  let key;
  try {
    key = generateSigner(name, SIGNATURE_TYPE_COSIGNATURE);
  } catch {
    throw new UsageError(`--name must be a key name without spaces or "+", got "${name}"`);
  }
  try {
    await fs.writeFile(out, `${key.skey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StartError(
      code === 'EEXIST' ? `${out} exists; not overwriting a key` : `cannot write ${out}: ${code}`,
    );
  }
  process.stdout.write(`${key.vkey}\n`);
  process.stderr.write(`secret key written to ${path.resolve(out)}; keep it private and backed up\n`);
  return EXIT.ok;
}

async function printVkey(keyFile: string | undefined): Promise<number> {
  if (keyFile === undefined) throw new UsageError('vkey needs --key <file>');
  const key = await readWitnessKey(keyFile);
  process.stdout.write(`${formatVerifierKey(key.name, key.signatureType, key.publicKey)}\n`);
  return EXIT.ok;
}

async function serve(
  keyFile: string | undefined,
  logKeys: readonly string[],
  stateDir: string | undefined,
  listen: string,
): Promise<number> {
  if (keyFile === undefined) throw new UsageError('serve needs --key <file>');
  if (logKeys.length === 0) throw new UsageError('serve needs at least one --log <vkey>');
  if (stateDir === undefined) throw new UsageError('serve needs --state-dir <dir>');
  const { host, port } = parseListen(listen);
  const logs = parseLogs(logKeys);
  const key = await readWitnessKey(keyFile);
  const signer = cosignatureSigner(key.skey);
  const vkey = formatVerifierKey(key.name, key.signatureType, key.publicKey);

  const state = await openWitnessState(stateDir);
  let running;
  try {
    running = await listenWitness({ signers: [signer], logs, state, onRequest: logRequest }, host, port);
  } catch (err) {
    await state.close();
    throw new StartError(`cannot listen on ${listen}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }

  const lines = [
    `witness ${key.name} listening on ${running.url} (POST ${running.url}/add-checkpoint)`,
    `  vkey   ${vkey}`,
    ...[...logs.values()].map((log) => {
      const last = state.latest(log.origin);
      return `  log    ${log.origin}: ${last ? `last cosigned size ${last.size}` : 'nothing cosigned yet'}`;
    }),
    `  state  ${path.resolve(stateDir)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => {
      resolve('SIGINT');
    });
    process.once('SIGTERM', () => {
      resolve('SIGTERM');
    });
  });
  process.stderr.write(`porchlight witness: ${signal}: stopping\n`);
  await running.close();
  await state.close();
  return EXIT.ok;
}

async function readWitnessKey(file: string) {
  let text;
  try {
    text = (await fs.readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new StartError(`cannot read --key ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let key;
  try {
    key = parseSignerKey(text);
  } catch (err) {
    throw new StartError(
      `--key ${file} is not a signer key: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (key.signatureType !== SIGNATURE_TYPE_COSIGNATURE) {
    throw new StartError(
      `--key ${file} is not a witness (cosignature/v1) key; create one with witness keygen`,
    );
  }
  const mode = (await fs.stat(file)).mode;
  if ((mode & 0o077) !== 0) {
    process.stderr.write(
      `WARNING: ${file} is readable by other users (mode ${(mode & 0o777).toString(8)})\n`,
    );
  }
  return { ...key, skey: text };
}

/** Groups log verifier keys by origin (the key name), so a log can be trusted under several keys. */
function parseLogs(vkeys: readonly string[]): Map<string, WitnessedLog> {
  const byOrigin = new Map<string, NoteVerifier[]>();
  for (const vkey of vkeys) {
    let parsed;
    try {
      parsed = parseVerifierKey(vkey);
    } catch (err) {
      throw new UsageError(
        `--log ${vkey} is not a verifier key: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (parsed.signatureType !== SIGNATURE_TYPE_ED25519) {
      throw new UsageError(`--log ${vkey} is not an Ed25519 log key`);
    }
    const verifiers = byOrigin.get(parsed.name) ?? [];
    if (!verifiers.some((v) => v.keyId === parsed.keyId)) verifiers.push(ed25519Verifier(vkey));
    byOrigin.set(parsed.name, verifiers);
  }
  return new Map([...byOrigin].map(([origin, verifiers]) => [origin, { origin, verifiers }]));
}

function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UsageError(`--listen must be <host>:<port>, got ${listen}`);
  return { host: match[1] ?? match[2]!, port };
}

function logRequest(line: WitnessLogLine): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
}

function usage(problem: string): number {
  process.stderr.write(`porchlight witness: ${problem}\n\n${WITNESS_HELP}`);
  return EXIT.usage;
}
