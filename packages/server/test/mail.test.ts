import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { MailService } from '../src/modules/mail/mail.service.js';
import { startSmtpServer, type SmtpTestServer } from './support/smtp.js';

let smtp: SmtpTestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

describe('mail through SMTP_URL', () => {
  it('delivers text, html and extra headers from MAIL_FROM to a real SMTP server', async () => {
    const config = loadConfig({ SMTP_URL: smtp.url, MAIL_FROM: 'Porchlight <alerts@porch.example>' });
    const mail = new MailService(config);
    await mail.send({
      to: 'ana@example.com',
      subject: 'Réinitialiser — test',
      text: 'Plain body https://porch.example/x',
      html: '<p>HTML body</p>',
      headers: { 'List-Unsubscribe': '<https://porch.example/u/1>' },
    });
    mail.close();
    const got = await smtp.waitFor((m) => m.to.includes('ana@example.com'));
    expect(got.from).toBe('alerts@porch.example');
    expect(got.subject).toBe('Réinitialiser — test');
    expect(got.text.trim()).toBe('Plain body https://porch.example/x');
    expect(got.html).toContain('<p>HTML body</p>');
    expect(got.raw).toMatch(/^List-Unsubscribe: <https:\/\/porch\.example\/u\/1>\r?$/m);
  });

  it('rejects when the SMTP server cannot be reached, so a caller can retry', async () => {
    const mail = new MailService(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:1' }));
    await expect(mail.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow();
    mail.close();
  });
});

describe('mail without SMTP_URL (zero setup)', () => {
  it('logs one line and keeps the message as an .eml file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'porchlight-mail-'));
    const lines: unknown[] = [];
    const mail = new MailService(loadConfig({ PUBLIC_URL: 'https://porch.example' }));
    mail.useLog({ info: (obj: unknown) => lines.push(obj), warn: () => undefined });
    mail.saveTo(dir);
    await mail.send({ to: 'bo@example.com', subject: 'Hello', text: 'link: https://porch.example/r#t' });
    expect(mail.delivers).toBe(false);
    expect(lines).toEqual([
      { mail: { to: 'bo@example.com', subject: 'Hello', text: 'link: https://porch.example/r#t' } },
    ]);
    const files = await fs.readdir(dir);
    expect(files).toHaveLength(1);
    const eml = await fs.readFile(path.join(dir, files[0]!), 'utf8');
    expect(eml).toMatch(/^From: Porchlight <no-reply@porch\.example>$/m);
    expect(eml).toMatch(/^Subject: Hello$/m);
    expect(eml).toContain('link: https://porch.example/r#t');
    await fs.rm(dir, { recursive: true });
  });
});

describe('mail configuration', () => {
  it('names a wrong SMTP_URL scheme and a malformed MAIL_FROM', () => {
    const err = (() => {
      try {
        loadConfig({ SMTP_URL: 'http://mail.example', MAIL_FROM: 'not an address' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.problems.join('\n')).toMatch(/SMTP_URL must use smtp: or smtps:/);
    expect(err?.problems.join('\n')).toMatch(/MAIL_FROM must be an address/);
  });
});
