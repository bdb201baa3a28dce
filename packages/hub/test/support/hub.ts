import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HubFileConfig } from '../../src/config.js';
import { Hub, type HubOptions } from '../../src/hub.js';
import type { ClipRecord } from '../../src/journal.js';
import { main } from '../../src/main.js';
import { recipientFingerprint } from '../../src/pin.js';
import { loadCredentials } from '../../src/state.js';
import { memoryReporter } from './context.js';
import type { HubTestServer } from './server.js';

/**
 * Pairs a new state dir with the test server through the real `pair` command (optionally through a proxy at
 * `via`); returns the state dir.
 */
export async function pairedStateDir(server: HubTestServer, via = server.url): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-state-'));
  const code = await server.pairingCode();
  const out: string[] = [];
  const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
  const exit = await main(
    [
      ...['pair', '--server', via, '--code', code, '--name', 'test hub', '--state-dir', dir],
      ...['--fingerprint', recipientFingerprint(server.recipient)],
    ],
    sink,
  );
  if (exit !== 0) throw new Error(`pair exited ${exit}: ${out.join('')}`);
  return dir;
}

/** Starts an in-process hub on `stateDir` with `config`; `settled(n)` waits for n clips to finish. */
export async function runHub(stateDir: string, config: HubFileConfig, extra: Partial<HubOptions> = {}) {
  const reporter = memoryReporter();
  const hub = new Hub({
    stateDir,
    credentials: await loadCredentials(stateDir),
    config,
    reporter,
    chunkSize: 256 * 1024,
    ...extra,
  });
  const settled: ClipRecord[] = [];
  hub.on('settled', (r: ClipRecord) => settled.push(r));
  await hub.start();
  return {
    hub,
    lines: reporter.lines,
    settled,
    waitSettled: async (n = 1, timeoutMs = 45_000): Promise<ClipRecord[]> => {
      const deadline = Date.now() + timeoutMs;
      while (settled.length < n) {
        if (hub.fatal) throw hub.fatal;
        if (Date.now() > deadline)
          throw new Error(`no clip settled in time; log:\n${reporter.lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return settled;
    },
  };
}
