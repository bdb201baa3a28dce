import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type client from 'prom-client';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';

/**
 * Who may read `/metrics`. Metrics are instance-wide (vault uploads, open live streams, log health), so they
 * are not public: with `PORCHLIGHT_METRICS_TOKEN` set a scraper sends `Authorization: Bearer <token>`; without
 * it the public listener serves no metrics (use `METRICS_LISTEN` for a private listener instead).
 * Throws the problem to answer, or returns when the request may read them.
 */
export function checkMetricsAccess(config: Config, authorization: string | undefined): void {
  const token = config.metricsToken;
  if (token === undefined) {
    throw new AppError(
      'not_found',
      'metrics are not served here: set PORCHLIGHT_METRICS_TOKEN, or METRICS_LISTEN for a private listener',
    );
  }
  const sent = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (sent === undefined || !sameToken(sent, token)) {
    throw new AppError('unauthenticated', 'send the metrics token as Authorization: Bearer <token>');
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A running private metrics listener. */
export interface MetricsListener {
  address(): AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and nothing else) on its own address, e.g. 127.0.0.1:9464, which a reverse proxy
 * never forwards to. The token, when set, is required here too, so setting one never opens a second door.
 */
export async function listenForMetrics(
  config: Config,
  registry: client.Registry,
  at: { host: string; port: number },
): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' || path !== '/metrics') {
      reply(404, 'text/plain', 'not found\n');
      return;
    }
    if (config.metricsToken !== undefined) {
      try {
        checkMetricsAccess(config, req.headers.authorization);
      } catch {
        reply(401, 'text/plain', 'send the metrics token as Authorization: Bearer <token>\n');
        return;
      }
    }
    registry.metrics().then(
      (text) => {
        reply(200, registry.contentType, text);
      },
      () => {
        reply(500, 'text/plain', 'metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      resolve();
    });
  });
  return {
    address: () => server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
