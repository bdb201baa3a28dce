import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One mail the local SMTP server accepted, parsed. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** Envelope sender (MAIL FROM). */
  from: string;
  subject: string;
  text: string;
  html: string | undefined;
  /** Header fields, lower-case names (mailparser's parsed values). */
  headers: Map<string, unknown>;
  /** The message as received, RFC 5322. */
  raw: string;
}

export interface SmtpTestServer {
  /** `smtp://127.0.0.1:<port>` — pass as SMTP_URL. */
  url: string;
  /** Every mail received so far, oldest first. */
  messages: ReceivedMail[];
  /**
   * Recipients refused with a temporary failure (`451`) at RCPT TO, as a full or unreachable mailbox server
   * answers: add an address to make sending to it fail, delete it to let the next attempt through.
   */
  refused: Set<string>;
  /** Resolves with the first mail (already received or arriving) that matches, or rejects after `timeoutMs`. */
  waitFor(match?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port (no TLS, no auth) that keeps every mail it receives. */
export async function startSmtpServer(): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  const refused = new Set<string>();
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refused.has(address.address)) {
        callback();
        return;
      }
      callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              headers: parsed.headers,
              raw,
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch((err: unknown) => {
            callback(err instanceof Error ? err : new Error(String(err)));
          });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.server.address() as { port: number };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    waitFor(match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
