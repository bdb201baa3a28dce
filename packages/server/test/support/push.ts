import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import http from 'node:http';

/** One push the local push service accepted, decrypted with the subscription's private key. */
export interface ReceivedPush {
  /** Which subscription (the last path segment of its endpoint). */
  subscription: string;
  /** The decrypted payload, parsed as JSON. */
  message: unknown;
  /** The VAPID JWT claims, after its ES256 signature checked out against the `k` key. */
  vapid: { aud: string; sub: string; exp: number; publicKey: string };
  ttl: number;
  /** Bytes on the wire (the encrypted record), for checking nothing went in clear. */
  body: Buffer;
}

/** A browser-side subscription: what `PushSubscription.toJSON()` gives, plus the private half kept here. */
export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushTestService {
  url: string;
  /** A new subscription on this service, with its own P-256 key pair and auth secret (as a browser makes). */
  subscribe(): TestSubscription;
  /** Answer pushes to this subscription with 410 Gone from now on (the browser unsubscribed). */
  expire(subscription: TestSubscription): void;
  received: ReceivedPush[];
  waitFor(match?: (p: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush>;
  close(): Promise<void>;
}

const b64u = (b: Buffer) => b.toString('base64url');

/**
 * Decrypts an RFC 8291 (Web Push, aes128gcm content coding of RFC 8188) body with the receiving user agent's
 * key pair and auth secret: the same steps a browser takes. Throws on any mismatch (wrong key, tampered body).
 */
export function decryptWebPush(
  body: Buffer,
  ua: { privateKey: Buffer; publicKey: Buffer; auth: Buffer },
): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, not a P-256 public key`);
  if (records.length > rs) throw new Error('more than one record: a push payload must fit one');

  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(ua.privateKey);
  const secret = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.publicKey, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, ua.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));

  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 followed by zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('missing the last-record padding delimiter');
  return padded.subarray(0, end);
}

/** Checks a `vapid t=<jwt>, k=<key>` Authorization (RFC 8292) and returns its claims. */
function verifyVapid(header: string | undefined): ReceivedPush['vapid'] {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`not a VAPID authorization: ${header}`);
  const [jwt, k] = [m[1]!, m[2]!];
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const raw = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new Error('VAPID signature does not verify');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
    aud: string;
    sub: string;
    exp: number;
  };
  return { ...claims, publicKey: k };
}

/**
 * A push service on a local port (the role FCM or Mozilla's autopush plays): accepts RFC 8030 pushes, checks
 * VAPID, and decrypts each payload with the private key of the subscription it made, as the browser would.
 */
export async function startPushService(): Promise<PushTestService> {
  const keys = new Map<string, { privateKey: Buffer; publicKey: Buffer; auth: Buffer }>();
  const gone = new Set<string>();
  const received: ReceivedPush[] = [];
  const waiters = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (req.url ?? '').split('/').pop() ?? '';
      const ua = keys.get(id);
      if (req.method !== 'POST' || !ua) return void res.writeHead(404).end();
      if (gone.has(id)) return void res.writeHead(410).end();
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm')
          throw new Error('content coding is not aes128gcm');
        const vapid = verifyVapid(req.headers.authorization);
        const body = Buffer.concat(chunks);
        const message = JSON.parse(decryptWebPush(body, ua).toString('utf8')) as unknown;
        received.push({ subscription: id, message, vapid, ttl: Number(req.headers.ttl), body });
        for (const wake of waiters) wake();
        res.writeHead(201, { location: `/messages/${received.length}` }).end();
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    received,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = b64u(randomBytes(12));
      keys.set(id, { privateKey: ecdh.getPrivateKey(), publicKey, auth });
      return { endpoint: `${url}/push/${id}`, keys: { p256dh: b64u(publicKey), auth: b64u(auth) } };
    },
    expire(subscription) {
      gone.add(subscription.endpoint.split('/').pop()!);
    },
    waitFor(match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching push within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
