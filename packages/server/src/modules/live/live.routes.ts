import client from 'prom-client';
import { Type } from 'typebox';
import { SESSION_COOKIE } from '../../http/session.js';
import type { App } from '../../http/types.js';
import type { Services } from '../../services.js';
import { SessionBatch } from './live.sessions.js';
import { openLiveStream } from './live.stream.js';

const DESCRIPTION = `Server-Sent Events for the signed-in user's home and radius as they were at connect time.
Events: \`post\` (a Post, as GET /api/posts/{id} returns it to you), \`comment\` (a Comment),
\`post-hidden\` and \`post-deleted\` (\`{"postId": "po_…"}\`: drop it), \`comment-deleted\`
(\`{"postId": "po_…", "commentId": "co_…"}\`), \`post-restored\` and \`post-updated\` (a Post: edited or
resolved by its author; replace it where shown), \`comment-updated\` (a Comment, edited), and \`inbox\` (an InboxItem: a footage request just
published that reached one of your cameras, as GET /api/inbox/{requestId} returns it; only to you). A \`: ping\`
comment keeps the connection open.
Event ids are not resumable: after a reconnect, re-read the feed. One account may hold a limited number of
open streams per API process (8); beyond that the request gets 429 \`rate_limited\`.`;

/** `GET /api/live`, plus gauges of open streams for `/metrics`. */
export function liveRoutes(app: App, { live, auth }: Services, registry: client.Registry): void {
  live.useLogger(app.log);
  // Open streams would otherwise hold `app.close()` until every client hung up.
  app.addHook('preClose', (done) => {
    live.closeAll();
    done();
  });

  const sent = registerMetrics(registry, live);
  // Streams ping together (LiveService.everyPing), so their session re-checks arrive together and are batched.
  const sessions = new SessionBatch((tokens) => auth.resolveMany(tokens));

  app.get(
    '/api/live',
    {
      // A HEAD request would otherwise open a stream that sends nothing and never ends.
      exposeHeadRoute: false,
      schema: {
        operationId: 'streamLive',
        tags: ['feed'],
        summary: 'Live posts and comments near your home',
        description: DESCRIPTION,
        response: {
          200: {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          400: Type.Ref('Problem'),
          401: Type.Ref('Problem'),
          409: Type.Ref('Problem'),
          429: Type.Ref('Problem'),
        },
      },
    },
    async (request, reply) => {
      const area = await live.area(request.viewer);
      const token = request.cookies[SESSION_COOKIE];
      openLiveStream({
        reply,
        area,
        live,
        recheck: async () => {
          const viewer = await sessions.check(token);
          return viewer?.id === area.viewer.id ? viewer : undefined;
        },
        onSent: (event) => {
          sent.inc({ event });
        },
      });
      return reply;
    },
  );
}

function registerMetrics(registry: client.Registry, live: Services['live']) {
  new client.Gauge({
    name: 'porchlight_live_streams',
    help: 'Open live event streams in this process',
    registers: [registry],
    collect() {
      this.set(live.hub.subscriberCount);
    },
  });
  new client.Gauge({
    name: 'porchlight_live_area_cells',
    help: 'Area cells with at least one live subscriber in this process',
    registers: [registry],
    collect() {
      this.set(live.hub.cellCount);
    },
  });
  return new client.Counter({
    name: 'porchlight_live_events_sent_total',
    help: 'Live events written to streams, by event name',
    labelNames: ['event'] as const,
    registers: [registry],
  });
}
