#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { fetchServerConfig, pairDevice } from './api.js';
import { loadConfig } from './config.js';
import { HubError } from './errors.js';
import { probeVideo } from './ffmpeg.js';
import { RUN_HELP } from './help.js';
import { Hub } from './hub.js';
import { Journal } from './journal.js';
import { processClip } from './pipeline.js';
import {
  clientRefOf,
  KEY_CHANGED_MESSAGE,
  newRefKey,
  normaliseFingerprint,
  recipientFingerprint,
} from './pin.js';
import { streamReporter } from './progress.js';
import { ensureStateDir, loadCredentials, resolveStateDir, saveCredentials } from './state.js';

/** Exit codes: 0 ok, 1 a problem the message explains, 2 the hub was revoked, 64 bad command line. */
const EXIT = { ok: 0, failed: 1, revoked: 2, usage: 64 } as const;

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
    .requiredOption(
      '--fingerprint <print>',
      "your vault key's fingerprint as your unlocked browser shows it (Vault → Hubs); the hub encrypts only " +
        'to that key',
    )
    .option('--name <name>', 'a name for this hub', os.hostname())
    .action(async (o: { server: string; code: string; fingerprint: string; name: string }) => {
      const server = o.server.replace(/\/+$/, '');
      const expected = normaliseFingerprint(o.fingerprint);
      // Checked before the code is spent, so a typo does not cost a new code.
      if (!expected) {
        throw new HubError(
          `--fingerprint ${o.fingerprint} is not a key fingerprint (20 letters and digits, e.g. 7K2Q-D0XA-…)`,
        );
      }
      const { token, device } = await pairDevice(server, o.code, o.name);
      const { recipient } = await fetchServerConfig(server, token);
      const actual = recipientFingerprint(recipient);
      if (actual !== expected) {
        // Nothing is saved: this hub never encrypts to a key the owner's browser did not show.
        throw new HubError(
          `the server's vault key has fingerprint ${actual}, not the ${expected} your browser shows; ` +
            `this hub was not paired (revoke "${device.name}" in Vault → Hubs) — the server may be trying to ` +
            'read your clips',
          'key_changed',
        );
      }
      const dir = stateDir();
      // Re-pairing keeps the ref secret, so a file uploaded before is still recognised as the same upload.
      const previous = await loadCredentials(dir).catch(() => undefined);
      await saveCredentials(dir, {
        server,
        token,
        deviceId: device.id,
        name: device.name,
        pairedAt: new Date().toISOString(),
        recipient,
        refKey: previous?.refKey ?? newRefKey(),
      });
      print(
        `paired as "${device.name}" with ${server}; clips are encrypted only to your key ${actual}; ` +
          `token stored in ${dir}/device.json (mode 0600)`,
      );
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
      const hub = new Hub({ stateDir: dir, credentials, config, reporter, configFile: o.config });
      await hub.start();
      reporter.stage(
        'hub',
        `running with ${hub.sources.length} source(s); state in ${dir}; changes to ${o.config} apply as it is saved`,
      );
      // The usual daemon signal to re-read the config (the file is also watched).
      const reload = () => {
        void hub.reloadConfig();
      };
      process.on('SIGHUP', reload);
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          resolve();
        });
        hub.once('fatal', () => {
          resolve();
        });
      });
      process.off('SIGHUP', reload);
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
      let key = credentials.recipient
        ? `pinned ${recipientFingerprint(credentials.recipient)}`
        : 'not pinned — pair again from your browser (Vault → Hubs)';
      try {
        const config = await fetchServerConfig(credentials.server, credentials.token);
        server = `ok (${config.cameras.length} camera(s): ${config.cameras.map((c) => `${c.name} [${c.id}]`).join(', ')})`;
        if (credentials.recipient && config.recipient !== credentials.recipient)
          key = `REFUSING TO ENCRYPT: ${KEY_CHANGED_MESSAGE}`;
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
              key,
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
      print(`key: ${key}`);
      print(
        `clips: ${
          Object.entries(counts)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'none yet'
        }`,
      );
      for (const c of clips.slice(-20))
        print(
          `  ${c.updatedAt}  ${c.stage.padEnd(9)} ${c.ref}${c.error ? `  (${c.error})` : c.note ? `  (${c.note})` : ''}`,
        );
    });

  root
    .command('upload')
    .description('encrypt and upload one video file now (privacy zones of the camera are burned in first)')
    .argument('<file>', 'the video file')
    .requiredOption('--camera <id>', 'the Porchlight camera id (ca_…) it belongs to')
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
      if (!credentials.refKey) {
        throw new HubError(
          'this hub was paired before upload refs were keyed; pair again from your browser (Vault → Hubs)',
        );
      }
      // Keyed with the hub's secret: the same file twice is recognised, yet the ref reveals nothing about it.
      const ref = await clientRefOf(credentials.refKey, file);
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
