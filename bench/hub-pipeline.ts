/**
 * Home-hub pipeline benchmark: a 30 s 1080p camera clip through privacy-zone burn-in (ffmpeg overlay +
 * libx264), age encryption (`@porchlight/age/node`, streamed) and a tus upload to a local Porchlight server
 * (PGlite, filesystem blobs), each stage timed over several runs. Baselines measured in the same run on the
 * same bytes: a plain `ffmpeg -c copy` remux (the floor for any ffmpeg pass), the same libx264 encode without
 * the zone overlay (what the overlay itself costs), and the Debian `age` CLI encrypting the same file (7 times
 * per run, alternating with ours). Medians; the machine may be shared, so read the ratios rather than the seconds.
 *
 *   npx tsx bench/hub-pipeline.ts [runs=3] [preset=veryfast]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateIdentity, wrapIdentity } from '@porchlight/age';
import { encryptFile } from '@porchlight/age/node';
import { pairDevice } from '../packages/hub/src/api.js';
import { burnInZones, probeVideo, runTool } from '../packages/hub/src/ffmpeg.js';
import { uploadClip } from '../packages/hub/src/upload.js';
import { buildApp } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { migrate } from '../packages/server/src/infra/db/migrate.js';
import { memoryBus } from '../packages/server/src/infra/live/bus.js';
import { TestUser } from '../packages/server/test/support/client.js';
import { withPglite } from './support/databases.js';

const RUNS = Number(process.argv[2] ?? 3);
const PRESET = process.argv[3] ?? 'veryfast';
const ENCRYPT_REPEATS = 7;
const ZONES = ['0,0,0.35,0,0.35,0.6,0,0.6', '0.7,0.55,1,0.55,1,1,0.7,1'];
const exec = promisify(execFile);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

await withPglite(async (db) => {
  await migrate(db);
  const work = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-'));
  const config = loadConfig({
    PORCHLIGHT_WEB_DIR: '/nonexistent',
    PORCHLIGHT_DATA: work,
    LOG_LEVEL: 'silent',
    PORCHLIGHT_VAULT_MIN_WORK_FACTOR: '10', // test keys are wrapped at 2^10 for speed
  });
  const { app } = await buildApp(
    { config, db, live: memoryBus(), clock: { now: () => new Date() } },
    { logger: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    // An owner with vault keys, a camera and a paired hub, set up through the API.
    const owner = await new TestUser(app).begin();
    await owner.api.POST('/api/auth/signup', {
      body: { email: 'bench@example.test', password: 'correct horse battery', displayName: 'Bench' },
    });
    const { identity, recipient } = await generateIdentity();
    const wrapped = await wrapIdentity(identity, 'pass', { logN: 10 });
    await owner.api.PUT('/api/vault/keys', {
      body: { recipient, wrappedIdentity: wrapped, recoveryWrappedIdentity: wrapped },
    });
    const camera = await owner.api.POST('/api/cameras', {
      body: { name: 'Porch', location: { lat: 45.5152, lng: -122.6784 }, privacyZones: ZONES },
    });
    const code = await owner.api.POST('/api/devices/pairing-codes');
    const { token } = await pairDevice(server, code.data!.code, 'bench hub');
    const cameraId = camera.data!.id;

    // A camera-like source: 30 s of 1080p at 15 fps, ~4 Mbit/s H.264 with sensor noise.
    const source = path.join(work, 'camera.mp4');
    await runTool('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1920x1080:rate=15:duration=30,noise=alls=10:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '4M',
      '-pix_fmt',
      'yuv420p',
      '-y',
      source,
    ]);
    const info = await probeVideo(source);
    const sourceMB = (await stat(source)).size / 1e6;

    const t = {
      copy: [] as number[],
      encodeOnly: [] as number[],
      burnIn: [] as number[],
      encrypt: [] as number[],
      ageCli: [] as number[],
      upload: [] as number[],
    };
    let zonedMB = 0;
    let cipherMB = 0;
    for (let run = 0; run < RUNS; run++) {
      const copy = path.join(work, 'copy.mp4');
      const plain = path.join(work, 'plain.mp4');
      const zoned = path.join(work, 'zoned.mp4');
      const cipher = path.join(work, 'zoned.age');
      const cli = path.join(work, 'cli.age');
      t.copy.push(
        await timed(() =>
          runTool('ffmpeg', [
            '-v',
            'error',
            '-i',
            source,
            '-c',
            'copy',
            '-movflags',
            '+faststart',
            '-y',
            copy,
          ]),
        ),
      );
      t.encodeOnly.push(
        await timed(() =>
          runTool('ffmpeg', [
            '-v',
            'error',
            '-i',
            source,
            '-c:v',
            'libx264',
            '-preset',
            PRESET,
            '-crf',
            '23',
            '-pix_fmt',
            'yuv420p',
            '-an',
            '-movflags',
            '+faststart',
            '-y',
            plain,
          ]),
        ),
      );
      t.burnIn.push(
        await timed(() => burnInZones(source, zoned, ZONES, { workDir: work, preset: PRESET, info })),
      );
      // Encryption takes a fraction of a second, so it is repeated, alternating ours and the CLI, to even out noise.
      for (let rep = 0; rep < ENCRYPT_REPEATS; rep++) {
        t.encrypt.push(await timed(() => encryptFile(zoned, cipher, [recipient])));
        t.ageCli.push(await timed(() => exec('age', ['-r', recipient, '-o', cli, zoned])));
      }
      t.upload.push(
        await timed(() =>
          uploadClip({
            server,
            token,
            file: cipher,
            metadata: {
              cameraId,
              startedAt: new Date(Date.now() - 30_000).toISOString(),
              endedAt: new Date().toISOString(),
              clientRef: `bench:${run}:${Date.now()}`,
            },
          }),
        ),
      );
      zonedMB = (await stat(zoned)).size / 1e6;
      cipherMB = (await stat(cipher)).size / 1e6;
      process.stderr.write(
        `run ${run + 1}/${RUNS}: burn-in ${t.burnIn.at(-1)!.toFixed(2)} s, encrypt ${t.encrypt.at(-1)!.toFixed(3)} s, upload ${t.upload.at(-1)!.toFixed(3)} s\n`,
      );
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<
      keyof typeof t,
      number
    >;
    const total = m.burnIn + m.encrypt + m.upload;
    const pct = (x: number) => `${((x / total) * 100).toFixed(1)} %`;
    const row = (name: string, s: number, mb: number, share = '') =>
      `| ${name} | ${s.toFixed(3)} | ${(mb / s).toFixed(1)} | ${share} |`;
    console.log(
      `## Hub pipeline, ${info.width}×${info.height}, ${info.durationSeconds.toFixed(1)} s, ${sourceMB.toFixed(1)} MB source, x264 preset ${PRESET}, ${RUNS} runs, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})\n`,
    );
    console.log('| stage | median s | MB/s | share of pipeline |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(row('zone burn-in (overlay + libx264)', m.burnIn, sourceMB, pct(m.burnIn)));
    console.log(row('encrypt (@porchlight/age/node)', m.encrypt, zonedMB, pct(m.encrypt)));
    console.log(row('tus upload to local server', m.upload, cipherMB, pct(m.upload)));
    console.log(
      `| **pipeline total** | **${total.toFixed(3)}** | | ${(info.durationSeconds / total).toFixed(2)}× real time |`,
    );
    console.log('\n| baseline (same bytes, same run) | median s | MB/s | vs our stage |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(
      `${row('ffmpeg -c copy remux', m.copy, sourceMB)} |`.replace(
        / \|\s*\|$/,
        ` burn-in is ${(m.burnIn / m.copy).toFixed(0)}× |`,
      ),
    );
    console.log(
      row(`libx264 ${PRESET} encode, no overlay`, m.encodeOnly, sourceMB).replace(
        / \|$/,
        ` overlay adds ${(((m.burnIn - m.encodeOnly) / m.encodeOnly) * 100).toFixed(1)} % |`,
      ),
    );
    console.log(
      row('age CLI encrypt (Debian age)', m.ageCli, zonedMB).replace(
        / \|$/,
        ` ours is ${((m.ageCli / m.encrypt) * 100).toFixed(0)} % of its throughput |`,
      ),
    );
    console.log(
      `\nsizes: source ${sourceMB.toFixed(2)} MB, zoned ${zonedMB.toFixed(2)} MB, ciphertext ${cipherMB.toFixed(2)} MB`,
    );
  } finally {
    await app.close();
    await rm(work, { recursive: true, force: true });
  }
});
