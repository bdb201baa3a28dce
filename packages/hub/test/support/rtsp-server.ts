/**
 * A minimal RTSP 1.0 relay for tests, over TCP-interleaved RTP only: one publisher (`ffmpeg -f rtsp
 * -rtsp_transport tcp rtsp://…/cam`, which ANNOUNCEs an SDP and RECORDs) and any number of players (the
 * hub's `ffmpeg -rtsp_transport tcp -i rtsp://…/cam`, which DESCRIBEs, SETUPs and PLAYs). RTP/RTCP packets from
 * the publisher are forwarded unchanged. ffmpeg's RTSP muxer cannot listen, so tests need something in between.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';

interface Session {
  socket: net.Socket;
  playing: boolean;
}

export interface RtspRelay {
  url: string;
  /** Resolves when a publisher is recording. */
  publishing(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the relay on an ephemeral port; `path` is the stream path (default `/cam`). */
export async function startRtspRelay(path = '/cam'): Promise<RtspRelay> {
  let sdp: string | undefined;
  let recording = false;
  const waiting: (() => void)[] = [];
  const players = new Set<Session>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const session: Session = { socket, playing: false };
    let buffer = Buffer.alloc(0);
    let publisher = false;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer.length > 0 && buffer[0] === 0x24) {
          if (buffer.length < 4) return;
          const size = buffer.readUInt16BE(2);
          if (buffer.length < 4 + size) return;
          const packet = buffer.subarray(0, 4 + size);
          buffer = buffer.subarray(4 + size);
          if (publisher)
            for (const p of players) if (p.playing && !p.socket.destroyed) p.socket.write(packet);
          continue;
        }
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const headers = new Map<string, string>();
        const [requestLine, ...lines] = head.split('\r\n');
        for (const l of lines) {
          const i = l.indexOf(':');
          if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
        }
        const length = Number(headers.get('content-length') ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('latin1');
        buffer = buffer.subarray(end + 4 + length);
        const [method, uri] = (requestLine ?? '').split(' ');
        const reply = (status: string, extra: Record<string, string> = {}, content = '') => {
          const h = { CSeq: headers.get('cseq') ?? '0', Session: '12345678', ...extra };
          if (content) Object.assign(h, { 'Content-Length': String(Buffer.byteLength(content)) });
          socket.write(
            `RTSP/1.0 ${status}\r\n${Object.entries(h)
              .map(([k, v]) => `${k}: ${v}`)
              .join('\r\n')}\r\n\r\n${content}`,
          );
        };
        switch (method ?? '') {
          case 'OPTIONS':
            reply('200 OK', { Public: 'OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, TEARDOWN' });
            break;
          case 'ANNOUNCE':
            sdp = body;
            publisher = true;
            reply('200 OK');
            break;
          case 'DESCRIBE':
            if (!sdp || !recording) reply('404 Not Found');
            else reply('200 OK', { 'Content-Type': 'application/sdp', 'Content-Base': `${uri}/` }, sdp);
            break;
          case 'SETUP':
            reply('200 OK', { Transport: headers.get('transport') ?? 'RTP/AVP/TCP;unicast;interleaved=0-1' });
            break;
          case 'RECORD':
            recording = true;
            reply('200 OK');
            waiting.splice(0).forEach((w) => {
              w();
            });
            break;
          case 'PLAY':
            session.playing = true;
            players.add(session);
            socket.on('close', () => players.delete(session));
            reply('200 OK', { Range: 'npt=0.000-' });
            break;
          case 'TEARDOWN':
            reply('200 OK');
            socket.end();
            break;
          default:
            reply('501 Not Implemented');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `rtsp://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    url,
    publishing: () =>
      new Promise<void>((resolve) => {
        if (recording) resolve();
        else waiting.push(resolve);
      }),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** Publishes an endless `testsrc` H.264 stream (a keyframe every second) to `url`; kill the process to stop. */
export function publishTestStream(url: string, size = '320x240'): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=${size}:rate=10`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '10',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rtsp',
      '-rtsp_transport',
      'tcp',
      url,
    ],
    { stdio: 'ignore' },
  );
}
