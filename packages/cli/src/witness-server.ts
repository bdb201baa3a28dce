import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cosignCheckpoint,
  decideAddCheckpoint,
  formatTreeSize,
  parseAddCheckpoint,
  TREE_SIZE_CONTENT_TYPE,
} from '@porchlight/tlog';
import type { NoteSigner, WitnessedLog } from '@porchlight/tlog';
import type { WitnessState } from './witness-state.js';

/** A checkpoint note with a few signatures and up to 63 proof lines fits easily; anything bigger is abuse. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** One line of the witness's request log. */
export interface WitnessLogLine {
  readonly status: number;
  readonly origin?: string;
  readonly size?: number;
  readonly oldSize?: number;
  readonly message?: string;
  readonly evidence?: string;
}

export interface WitnessServerOptions {
  /** The witness's cosigner key(s) (cosignature/v1). */
  readonly signers: readonly NoteSigner[];
  /** The logs it vouches for, by origin. */
  readonly logs: ReadonlyMap<string, WitnessedLog>;
  readonly state: WitnessState;
  /** Called once per request, after the response is decided. */
  readonly onRequest?: (line: WitnessLogLine) => void;
}

export interface RunningWitness {
  /** `http://host:port`, the submission prefix to configure in logs. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * An HTTP server implementing c2sp.org/tlog-witness `POST /add-checkpoint`. Requests are decided one at a time,
 * and an accepted checkpoint is durably stored before its cosignature leaves the process, so neither two
 * concurrent requests nor a crash can make the witness cosign a rollback or a fork.
 */
export function createWitnessServer(options: WitnessServerOptions): http.Server {
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  return http.createServer((request, response) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      if (status === 413) response.setHeader('connection', 'close');
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    const url = new URL(request.url ?? '/', 'http://witness');
    if (url.pathname !== '/add-checkpoint') {
      reply(404, 'not found: this witness serves POST /add-checkpoint (c2sp.org/tlog-witness)\n');
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      reply(405, 'add-checkpoint must be a POST\n');
      return;
    }
    readBody(request)
      .then((body) => {
        if (body === undefined) {
          reply(413, `request body over ${MAX_REQUEST_BYTES} bytes\n`);
          options.onRequest?.({ status: 413 });
          return;
        }
        return serialised(() => addCheckpoint(options, body)).then(({ status, body: out, type, line }) => {
          reply(status, out, type);
          options.onRequest?.(line);
        });
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (!response.headersSent) reply(500, 'internal error; nothing was cosigned\n');
        options.onRequest?.({ status: 500, message });
      });
  });
}

/** Starts {@link createWitnessServer} on `host:port` (port 0 picks a free one). */
export async function listenWitness(
  options: WitnessServerOptions,
  host: string,
  port: number,
): Promise<RunningWitness> {
  const server = createWitnessServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

async function addCheckpoint(
  options: WitnessServerOptions,
  body: Buffer,
): Promise<{ status: number; body: string; type?: string; line: WitnessLogLine }> {
  let request;
  try {
    request = parseAddCheckpoint(new Uint8Array(body));
  } catch (err) {
    const message = `malformed add-checkpoint request: ${err instanceof Error ? err.message : String(err)}`;
    return { status: 400, body: `${message}\n`, line: { status: 400, message } };
  }
  const { state } = options;
  const decision = decideAddCheckpoint(request, options.logs, (origin) => state.latest(origin));
  if (decision.kind === 'refuse') {
    const origin = originOf(request.checkpoint);
    const evidence =
      decision.evidence && origin !== undefined
        ? await state.keepEvidence(origin, body.toString('utf8'), `${decision.status} ${decision.message}`)
        : undefined;
    const line = {
      status: decision.status,
      origin,
      oldSize: request.oldSize,
      message: decision.message,
      evidence,
    };
    if (decision.status === 409) {
      return {
        status: 409,
        body: formatTreeSize(decision.knownSize ?? 0),
        type: TREE_SIZE_CONTENT_TYPE,
        line,
      };
    }
    return { status: decision.status, body: `${decision.message}\n`, line };
  }
  const previous = state.latest(decision.origin);
  // Re-cosigning the checkpoint already stored changes nothing, so there is nothing to write.
  if (previous?.size !== decision.next.size) await state.save(decision.text);
  return {
    status: 200,
    body: cosignCheckpoint(decision.text, options.signers),
    line: { status: 200, origin: decision.origin, oldSize: request.oldSize, size: decision.next.size },
  };
}

function originOf(note: string): string | undefined {
  const end = note.indexOf('\n');
  return end > 0 ? note.slice(0, end) : undefined;
}

/** The request body, or undefined once it passes {@link MAX_REQUEST_BYTES}. */
async function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    length += buffer.length;
    // Leaving the loop destroys the request: an endless body is cut off, not read to the end.
    if (length > MAX_REQUEST_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
