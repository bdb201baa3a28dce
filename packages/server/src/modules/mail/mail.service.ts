import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config.js';

/** One outgoing mail. `headers` are extra header fields, e.g. `List-Unsubscribe`. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

type Log = Pick<FastifyBaseLogger, 'info' | 'warn'>;
const silent: Log = { info: () => undefined, warn: () => undefined };

/**
 * Sends mail through `SMTP_URL`. Without one (the zero-setup default) each mail is written to the log as one
 * line and, once {@link MailService.saveTo} names a directory, as an `.eml` file there, so sign-up and password
 * reset work on a laptop with no mail server.
 */
export class MailService {
  private readonly transport: Transporter;
  private log: Log = silent;
  private saveDir: string | undefined;

  constructor(private readonly config: Pick<Config, 'smtpUrl' | 'mailFrom'>) {
    this.transport = config.smtpUrl
      ? nodemailer.createTransport(config.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  /** Whether mail leaves this server (SMTP_URL is set) rather than only reaching the log. */
  get delivers(): boolean {
    return this.config.smtpUrl !== undefined;
  }

  /** The logger that records unsent mail and delivery failures. */
  useLog(log: Log): void {
    this.log = log;
  }

  /** Without SMTP_URL, also keep each mail as `<dir>/<time>-<id>.eml` (npm start uses `<dataDir>/mail`). */
  saveTo(dir: string): void {
    this.saveDir = dir;
  }

  /**
   * Sends one mail from `MAIL_FROM`. Rejects when the SMTP server cannot be reached or refuses the mail, so a
   * caller that must not fail (sign-up) catches it and a job can retry.
   */
  async send(mail: Mail): Promise<void> {
    const message = {
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html === undefined ? {} : { html: mail.html }),
      ...(mail.headers === undefined ? {} : { headers: mail.headers }),
    };
    const info = (await this.transport.sendMail(message)) as { message?: Buffer };
    if (this.delivers) return;
    this.log.info(
      { mail: { to: mail.to, subject: mail.subject, text: mail.text } },
      'mail (no SMTP_URL set)',
    );
    if (this.saveDir && info.message) {
      await fs.mkdir(this.saveDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await fs.writeFile(path.join(this.saveDir, `${stamp}-${randomUUID().slice(0, 8)}.eml`), info.message);
    }
  }

  /** Sends without waiting; a failure is logged rather than thrown (for mail an action must not hang on). */
  sendLater(mail: Mail, what: string): void {
    this.send(mail).catch((err: unknown) => {
      this.log.warn({ err, to: mail.to }, `${what} mail not sent`);
    });
  }

  close(): void {
    this.transport.close();
  }
}
