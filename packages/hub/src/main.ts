#!/usr/bin/env node
import { createHash } from 'node:crypto';
import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { fetchHubConfig, pairDevice } from './api.js';
import { loadConfig } from './config.js';
import { HubError } from './errors.js';
import { probeVideo } from './ffmpeg.js';
import { RUN_HELP } from './help.js';
import { Hub } from './hub.js';
import { Journal } from './journal.js';
import { processClip } from './pipeline.js';
import { streamReporter } from './progress.js';
import { ensureStateDir, loadCredentials, resolveStateDir, saveCredentials } from './state.js';

/** Exit codes: 0 ok, 1 a problem the message explains, 2 the hub was revoked, 64 bad command line. */
const EXIT = { ok: 0, failed: 1, revoked: 2, usage: 64 } as const;

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function program(out: NodeJS.WritableStream, signal: AbortSignal): Command {
  const reporter = streamReporter(process.stderr);
  const print = (s: string) => out.write(s + '\n');
  const root = new Command('porchlight-hub')
    .description(
      'The Porchlight home hub: takes clips from Frigate, Home Assistant + RTSP cameras and watched folders, ' +
        'burns in privacy zones, encrypts them to you (age) and uploads them to your Porchlight vault. ' +
        'Run `porchlight-hub run --help` for the config file and every source.',
    )
    .option(
      '--state-dir <dir>',
      'where the device token and journal live (default $PORCHLIGHT_HUB_STATE or ~/.config/porchlight-hub)',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => process.stderr.write(s) });
  const stateDir = () => resolveStateDir(root.opts<{ stateDir?: string }>().stateDir);

  root
    .command('pair')
    .description('pair this hub with your Porchlight account using a code from the web app (Vault → Hubs)')
    .requiredOption('--server <url>', 'your Porchlight server, e.g. https://porchlight.example.org')
    .requiredOption('--code <code>', 'the pairing code (single use, valid 10 minutes)')
    .option('--name <name>', 'a name for this hub', os.hostname())
    .action(async (o: { server: string; code: string; name: string }) => {
      const server = o.server.replace(/\/+$/, '');
      const { token, device } = await pairDevice(server, o.code, o.name);
      const dir = stateDir();
      await saveCredentials(dir, {
        server,
        token,
        deviceId: String(device.id),
        name: device.name,
        pairedAt: new Date().toISOString(),
      });
      print(`paired as "${device.name}" with ${server}; token stored in ${dir}/device.json (mode 0600)`);
    });

  root
    .command('run')
    .description('run the hub: watch the configured sources and upload every clip')
    .requiredOption('--config <file>', 'JSON config file describing the sources (see below)')
    .addHelpText('after', RUN_HELP)
    .action(async (o: { config: string }) => {
      const dir = stateDir();
      const config = await loadConfig(o.config);
      const credentials = await loadCredentials(dir);
      const hub = new Hub({ stateDir: dir, credentials, config, reporter });
      await hub.start();
      reporter.stage('hub', `running with ${hub.sources.length} source(s); state in ${dir}`);
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          resolve();
        });
        hub.once('fatal', () => {
          resolve();
        });
      });
      await hub.stop();
      if (hub.fatal) throw hub.fatal;
    });

  root
    .command('status')
    .description('show pairing, the server connection and the clips in the journal')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const dir = stateDir();
      const credentials = await loadCredentials(dir);
      const journal = await Journal.open(dir);
      let server: string;
      try {
        const config = await fetchHubConfig(credentials.server, credentials.token);
        server = `ok (${config.cameras.length} camera(s): ${config.cameras.map((c) => `${c.name} [${c.id}]`).join(', ')})`;
      } catch (err) {
        if (err instanceof HubError && err.code === 'revoked') throw err;
        server = `unreachable: ${(err as Error).message}`;
      }
      const clips = journal.all();
      const counts: Record<string, number> = {};
      for (const c of clips) counts[c.stage] = (counts[c.stage] ?? 0) + 1;
      if (o.json) {
        print(
          JSON.stringify(
            {
              stateDir: dir,
              server: credentials.server,
              device: credentials.name,
              connection: server,
              counts,
              clips,
            },
            null,
            2,
          ),
        );
        return;
      }
      print(`hub "${credentials.name}" paired with ${credentials.server} on ${credentials.pairedAt}`);
      print(`server: ${server}`);
      print(
        `clips: ${
          Object.entries(counts)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'none yet'
        }`,
      );
      for (const c of clips.slice(-20))
        print(`  ${c.updatedAt}  ${c.stage.padEnd(9)} ${c.ref}${c.error ? `  (${c.error})` : ''}`);
    });

  root
    .command('upload')
    .description('encrypt and upload one video file now (privacy zones of the camera are burned in first)')
    .argument('<file>', 'the video file')
    .requiredOption('--camera <id>', 'the Porchlight camera id it belongs to')
    .option('--started-at <iso>', 'when the recording started (default: modification time minus duration)')
    .action(async (file: string, o: { camera: string; startedAt?: string }) => {
      const dir = stateDir();
      const credentials = await loadCredentials(dir);
      await ensureStateDir(dir);
      const journal = await Journal.open(dir);
      const [info, st] = await Promise.all([probeVideo(file), stat(file)]);
      const started = o.startedAt
        ? new Date(o.startedAt)
        : new Date(st.mtimeMs - info.durationSeconds * 1000);
      if (Number.isNaN(started.getTime())) throw new HubError(`--started-at ${o.startedAt} is not a date`);
      // The ref is the content hash, so uploading the same file twice is recognised by the server.
      const ref = `upload:${(await sha256File(file)).slice(0, 40)}`;
      const known = journal.get(ref);
      const record = known ?? {
        ref,
        source: 'upload',
        cameraId: o.camera,
        startedAt: started.toISOString(),
        endedAt: new Date(started.getTime() + info.durationSeconds * 1000).toISOString(),
        stage: 'queued' as const,
        input: file,
        ownsInput: false,
        attempts: 0,
        updatedAt: '',
      };
      if (!known) await journal.put(record);
      const result = await processClip(
        record.stage === 'failed' ? { ...record, stage: 'queued', input: file, ownsInput: false } : record,
        {
          stateDir: dir,
          credentials,
          journal,
          reporter,
          signal,
        },
      );
      if (result.stage === 'failed') throw new HubError(result.error ?? 'upload failed');
      print(
        result.duplicate
          ? `uploaded (the server already had this clip${result.clipId ? `: clip ${result.clipId}` : ''})`
          : `uploaded: clip ${result.clipId ?? '?'}`,
      );
    });
  return root;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  try {
    await program(out, signal).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof HubError) {
      process.stderr.write(`porchlight-hub: ${err.message}\n`);
      return err.code === 'revoked' ? EXIT.revoked : EXIT.failed;
    }
    process.stderr.write(`porchlight-hub: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}

// Through `npx` the script is reached by a symlink in node_modules/.bin, so compare real paths.
const invoked = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (import.meta.url === invoked) {
  const stop = new AbortController();
  process.once('SIGINT', () => {
    stop.abort();
  });
  process.once('SIGTERM', () => {
    stop.abort();
  });
  process.exitCode = await main(process.argv.slice(2), process.stdout, stop.signal);
}
