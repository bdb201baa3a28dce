import { timingSafeEqual, createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrigateSource } from './frigate.js';
import type { RtspSource } from './rtsp.js';
import { sleep, type Source, type SourceContext } from './source.js';

/** How long the webhook waits for Frigate before answering anyway (Home Assistant gives up at 10 s). */
const ANSWER_MS = 5000;

/** The `homeassistant` source as written in the hub's config file. */
export interface HomeAssistantSourceConfig {
  type: 'homeassistant';
  /** `host:port` the webhook listens on (default `0.0.0.0:8765`). */
  listen?: string;
  /** URL path of the webhook (default `/porchlight`). */
  path?: string;
  /** Bearer token Home Assistant must send; at least 16 characters. */
  token: string;
}

/** The Home Assistant configuration that calls the hub's webhook (shown in `--help` and the README). */
export const HOME_ASSISTANT_YAML = `rest_command:
  porchlight_clip:
    url: "http://HUB_ADDRESS:8765/porchlight"
    method: post
    headers:
      authorization: "Bearer YOUR_HUB_WEBHOOK_TOKEN"
    content_type: "application/json"
    payload: '{"camera": "{{ camera }}", "seconds": {{ seconds | default(20) }}}'

automation:
  - alias: "Porchlight: record the porch when the doorbell rings"
    triggers:
      - trigger: state
        entity_id: binary_sensor.doorbell
        to: "on"
    actions:
      - action: rest_command.porchlight_clip
        data:
          camera: front_door`;

const sha = (s: string) => createHash('sha256').update(s).digest();

/**
 * A webhook for Home Assistant's `rest_command`: `POST <path>` with `Authorization: Bearer <token>` and
 * `{"camera": "<rtsp source name or camera id>", "seconds"?: n}` starts a recording of that RTSP camera and
 * answers 202 at once (Home Assistant's call times out after 10 s). Wrong token → 401; unknown camera → 404
 * listing the cameras it knows; bad body → 400.
 */
export class HomeAssistantSource implements Source {
  readonly name = 'homeassistant';
  private server: http.Server | undefined;

  constructor(
    readonly config: HomeAssistantSourceConfig,
    private readonly cameras: RtspSource[],
    private readonly frigates: FrigateSource[] = [],
  ) {}

  /** The address the webhook listens on (after start). */
  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async start(ctx: SourceContext): Promise<void> {
    const [host, port] = (this.config.listen ?? '0.0.0.0:8765').split(/:(?=\d+$)/);
    this.server = http.createServer((req, res) => {
      this.handle(ctx, req, res).catch((err: unknown) => {
        ctx.reporter.error(`webhook: ${(err as Error).message}`);
        if (!res.headersSent) reply(res, 500, { error: 'internal error' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(Number(port), host, resolve);
    });
    const a = this.address!;
    ctx.reporter.stage(
      'homeassistant',
      `webhook listening on http://${a.address}:${a.port}${this.config.path ?? '/porchlight'}`,
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server)
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
  }

  private async handle(
    ctx: SourceContext,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub');
    if (url.pathname !== (this.config.path ?? '/porchlight')) {
      reply(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'POST') {
      reply(res, 405, { error: 'use POST' });
      return;
    }
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(sha(given), sha(this.config.token))) {
      reply(res, 401, { error: 'wrong or missing bearer token' });
      return;
    }
    let body: { camera?: unknown; seconds?: unknown };
    try {
      body = JSON.parse(await readBody(req, 16_384)) as typeof body;
    } catch {
      reply(res, 400, { error: 'body must be JSON like {"camera": "front_door"}' });
      return;
    }
    if (typeof body.camera !== 'string') {
      reply(res, 400, { error: '"camera" (string) is required' });
      return;
    }
    const seconds = body.seconds === undefined ? undefined : Number(body.seconds);
    if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 1 && seconds <= 600)) {
      reply(res, 400, { error: '"seconds" must be a whole number from 1 to 600' });
      return;
    }
    const camera = body.camera;
    const source = this.cameras.find((c) => c.answersTo(camera));
    const frigate = this.frigates.find((f) => Object.hasOwn(f.config.cameras, camera));
    if (!source && frigate) {
      // A camera Frigate records: let Frigate make the event, and the clip arrives as a review. Home
      // Assistant's rest_command gives up after 10 s, so a slow Frigate is answered 202 after ANSWER_MS and
      // the event is still created (its outcome goes to the log).
      const created = frigate.createEvent(camera, seconds ?? 20).then(
        (eventId) => {
          ctx.reporter.stage('homeassistant', `Frigate event ${eventId} for ${camera}`);
          return eventId;
        },
        (err: unknown) => {
          ctx.reporter.error((err as Error).message);
          return err as Error;
        },
      );
      const eventId = await Promise.race([created, sleep(ANSWER_MS).then(() => undefined)]);
      if (eventId instanceof Error) {
        reply(res, 502, { error: eventId.message });
        return;
      }
      reply(res, 202, { frigateEvent: eventId ?? 'pending', camera, seconds: seconds ?? 20 });
      return;
    }
    if (!source) {
      const known = [
        ...this.cameras.map((c) => c.config.name ?? c.config.camera),
        ...this.frigates.flatMap((f) => Object.keys(f.config.cameras)),
      ];
      reply(res, 404, { error: `no camera "${camera}"; known: ${known.join(', ') || 'none'}` });
      return;
    }
    // A camera already recording records again right after: say so rather than answer as if it started now.
    const after = source.isRecording;
    ctx.reporter.stage(
      'homeassistant',
      `trigger for ${body.camera}${after ? ' (already recording: another recording follows the current one)' : ''}`,
    );
    source.capture(seconds).catch((err: unknown) => {
      ctx.reporter.error((err as Error).message);
    });
    reply(res, 202, {
      recording: body.camera,
      seconds: seconds ?? source.config.seconds ?? 20,
      ...(after ? { startsAfterCurrent: true } : {}),
    });
  }
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
