import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

/**
 * An HTTP reverse proxy in front of the test server that can freeze an upload part-way: once `stallAfter`
 * bytes of tus PATCH bodies have passed, it stops forwarding (the server keeps what it got), as a network
 * drop or a power cut would leave it. Records every request as `METHOD path`.
 */
export async function startStallingProxy(target: string, stallAfter: number) {
  const upstream = new URL(target);
  const requests: string[] = [];
  let patched = 0;
  let stalling = true;
  let onStall: (() => void) | undefined;
  const stalled = new Promise<void>((resolve) => (onStall = resolve));
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    const gate = new Transform({
      transform(chunk: Buffer, _enc, done) {
        if (req.method !== 'PATCH' || !stalling) {
          done(null, chunk);
          return;
        }
        const room = stallAfter - patched;
        if (room > 0) {
          patched += Math.min(room, chunk.length);
          this.push(chunk.subarray(0, room));
        }
        if (patched >= stallAfter)
          onStall?.(); // and never call done: the upload hangs here
        else done();
      },
    });
    req.pipe(gate).pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stalled,
    passThrough() {
      stalling = false;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
