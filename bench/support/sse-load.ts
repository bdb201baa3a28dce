/**
 * The load side of the SSE benches, run as its own process (child_process.fork) so the API processes' event
 * loops and this one's do not share a thread. It opens real `GET /api/live` sockets, records when each `post`
 * event arrives (wall clock, comparable across processes on one machine), and answers over IPC:
 *
 *   { type: 'open', origins, tokens, concurrency } → { type: 'opened', ok, failed, ms, errors }
 *   { type: 'arrivals', postIds }                   → { type: 'arrivals', arrivals: { [postId]: [ms, origin][] } }
 *   { type: 'stats' }                               → { type: 'stats', open, dropped, events }
 *   { type: 'close' }                               → exits
 */
import http from 'node:http';

const wallMs = (): number => performance.timeOrigin + performance.now();

interface Open {
  type: 'open';
  origins: string[];
  tokens: string[];
  concurrency: number;
}
type Message = Open | { type: 'arrivals'; postIds: string[] } | { type: 'stats' } | { type: 'close' };

/** Post id → [arrival wall ms, index of the origin the stream was on]. */
const arrivals = new Map<string, [number, number][]>();
const requests: http.ClientRequest[] = [];
let open = 0;
let dropped = 0;
let events = 0;
const ID = /"id":"(po_[A-Za-z0-9_-]+)"/;

function openOne(origin: string, originIndex: number, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${origin}/api/live`, { agent: false, headers: { cookie: `pl_session=${token}` } });
    requests.push(req);
    req.once('error', reject);
    req.once('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET /api/live: ${String(res.statusCode)}`));
        return;
      }
      open += 1;
      req.removeListener('error', reject);
      req.on('error', () => undefined);
      res.on('close', () => {
        open -= 1;
        dropped += 1;
      });
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!message.startsWith('event: post\n')) continue;
          const at = wallMs();
          events += 1;
          const id = ID.exec(message)?.[1];
          if (!id) continue;
          let list = arrivals.get(id);
          if (!list) arrivals.set(id, (list = []));
          list.push([at, originIndex]);
        }
      });
      resolve();
    });
  });
}

async function openAll(m: Open): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  let ok = 0;
  const errors = new Map<string, number>();
  const worker = async () => {
    while (next < m.tokens.length) {
      const i = next++;
      try {
        await openOne(m.origins[i % m.origins.length]!, i % m.origins.length, m.tokens[i]!);
        ok += 1;
      } catch (err) {
        const key = err instanceof Error ? err.message : String(err);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  process.send!({
    type: 'opened',
    ok,
    failed: m.tokens.length - ok,
    ms: performance.now() - t0,
    errors: Object.fromEntries(errors),
  });
}

process.on('message', (m: Message) => {
  switch (m.type) {
    case 'open':
      void openAll(m);
      break;
    case 'arrivals':
      process.send!({
        type: 'arrivals',
        arrivals: Object.fromEntries(m.postIds.map((id) => [id, arrivals.get(id) ?? []])),
      });
      break;
    case 'stats':
      process.send!({ type: 'stats', open, dropped, events });
      break;
    case 'close':
      for (const r of requests) r.destroy();
      process.exit(0);
  }
});
