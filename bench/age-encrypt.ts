/**
 * age encryption throughput: `encryptFile`/`decryptFile` from @porchlight/age/node (OpenSSL ChaCha20-Poly1305)
 * against Debian's `age` CLI on the same random file, side by side in the same run and interleaved per
 * repetition, so machine noise hits both alike. References: the same file path on the browser backend
 * (@noble/ciphers), and the age-encryption npm package (typage) in memory.
 *
 *   npx tsx bench/age-encrypt.ts [MiB=256] [repetitions=5]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, writeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decrypter, Encrypter } from 'age-encryption';
import { nobleBackend } from '../packages/age/src/backend-noble.js';
import { decryptFileWith, encryptFileWith } from '../packages/age/src/files.js';
import { decryptFile, encryptFile, generateIdentity } from '../packages/age/src/node.js';

const MIB = Number(process.argv[2] ?? 256);
const REPS = Number(process.argv[3] ?? 5);
const REFERENCE_MIB = Math.min(MIB, 64);

interface Sample {
  wall: number;
  cpu: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mbps = (mib: number, ms: number): number => (mib * 1024 * 1024) / 1e6 / (ms / 1000);

/** Wall and CPU (user + system, all threads) milliseconds of in-process work. */
async function time(work: () => unknown): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
}

/** Wall and CPU milliseconds of a child process, from GNU time. */
function timeCli(args: string[]): Sample {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'age', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (run.status !== 0) throw new Error(`age failed: ${run.stderr.toString()}`);
  const [wall, user, system] = run.stderr.toString().trim().split('\n').pop()!.split(' ').map(Number);
  return { wall: wall! * 1000, cpu: (user! + system!) * 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'age-bench-'));
try {
  const plainPath = join(dir, 'plain.bin');
  const fd = openSync(plainPath, 'w');
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < MIB; i++) writeSync(fd, randomFillSync(block));
  closeSync(fd);

  const { identity, recipient } = await generateIdentity();
  const keyPath = join(dir, 'key.txt');
  writeFileSync(keyPath, `${identity}\n`, { mode: 0o600 });
  const cliAge = join(dir, 'cli.age');
  const oursAge = join(dir, 'ours.age');
  const out = join(dir, 'out.bin');

  const t: Record<string, Sample[]> = {
    cliEnc: [],
    oursEnc: [],
    cliDec: [],
    oursDec: [],
    nobleEnc: [],
    nobleDec: [],
  };
  for (let rep = 0; rep < REPS; rep++) {
    t.cliEnc!.push(timeCli(['-r', recipient, '-o', cliAge, plainPath]));
    t.oursEnc!.push(await time(() => encryptFile(plainPath, oursAge, [recipient])));
    // Both decrypt the file the CLI made, so neither reads its own output.
    t.cliDec!.push(timeCli(['-d', '-i', keyPath, '-o', out, cliAge]));
    t.oursDec!.push(await time(() => decryptFile(cliAge, out, [identity])));
    process.stderr.write(`rep ${rep + 1}/${REPS} done\n`);
  }
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  if (!readFileSync(out).equals(readFileSync(plainPath))) throw new Error('decrypted output differs');
  execFileSync('age', ['-d', '-i', keyPath, '-o', out, oursAge]);
  if (!readFileSync(out).equals(readFileSync(plainPath))) throw new Error('age could not decrypt our file');

  for (let rep = 0; rep < Math.min(REPS, 3); rep++) {
    t.nobleEnc!.push(await time(() => encryptFileWith(nobleBackend, plainPath, oursAge, [recipient])));
    t.nobleDec!.push(await time(() => decryptFileWith(nobleBackend, cliAge, out, [identity])));
  }

  const reference = readFileSync(plainPath).subarray(0, REFERENCE_MIB * 1024 * 1024);
  const typageEnc: Sample[] = [];
  const typageDec: Sample[] = [];
  for (let rep = 0; rep < Math.min(REPS, 3); rep++) {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    let ciphertext: Uint8Array = new Uint8Array(0);
    typageEnc.push(await time(async () => (ciphertext = await encrypter.encrypt(reference))));
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    typageDec.push(await time(() => decrypter.decrypt(ciphertext)));
  }

  const wall = (xs: Sample[]): number => median(xs.map((x) => x.wall));
  const cpu = (xs: Sample[]): number => median(xs.map((x) => x.cpu));
  const row = (name: string, mib: number, enc: Sample[], dec: Sample[]): string =>
    `| ${name} | ${mib} | ${enc.length} | ${wall(enc).toFixed(0)} | ${mbps(mib, wall(enc)).toFixed(0)} | ${mbps(mib, cpu(enc)).toFixed(0)} | ${wall(dec).toFixed(0)} | ${mbps(mib, wall(dec)).toFixed(0)} | ${mbps(mib, cpu(dec)).toFixed(0)} |`;
  const ratio = (cli: Sample[], ours: Sample[], of: (xs: Sample[]) => number): string =>
    `${((of(cli) / of(ours)) * 100).toFixed(0)}%`;
  const age = execFileSync('age', ['--version']).toString().trim();
  console.log(
    `${MIB} MiB random file, ${REPS} interleaved repetitions, medians; Node ${process.version}, age ${age}\n`,
  );
  console.log(
    '| implementation | MiB | runs | encrypt ms | MB/s (wall) | MB/s (CPU) | decrypt ms | MB/s (wall) | MB/s (CPU) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(row('`age` CLI (Go), file → file', MIB, t.cliEnc!, t.cliDec!));
  console.log(row('**encryptFile/decryptFile, node:crypto**', MIB, t.oursEnc!, t.oursDec!));
  console.log(row('same file path, @noble/ciphers (browser backend)', MIB, t.nobleEnc!, t.nobleDec!));
  console.log(row('age-encryption npm (typage), in memory', REFERENCE_MIB, typageEnc, typageDec));
  console.log(
    `\nours / age CLI, by wall clock: encrypt ${ratio(t.cliEnc!, t.oursEnc!, wall)}, decrypt ${ratio(t.cliDec!, t.oursDec!, wall)}; ` +
      `by CPU time: encrypt ${ratio(t.cliEnc!, t.oursEnc!, cpu)}, decrypt ${ratio(t.cliDec!, t.oursDec!, cpu)} (target ≥ 50%)`,
  );
  console.log(
    `peak RSS of the benchmark process after the file runs: ${maxRssMiB.toFixed(0)} MiB (file is ${MIB} MiB)`,
  );
  console.log(
    `raw samples: ${JSON.stringify(t, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
