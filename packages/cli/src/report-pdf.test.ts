import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printPdf } from './report.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'porchlight-pdf-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('printing the annual report to PDF with the system Chromium', () => {
  it('writes a real A4 PDF that pdftotext reads, replacing an older file', async () => {
    const out = path.join(dir, 'report.pdf');
    await writeFile(out, 'an older file');
    const html =
      '<!doctype html><html><head><meta charset="utf-8"><style>@page { size: A4; }</style></head>' +
      '<body><h1>Annual surveillance report 2026</h1><p>Requests published: 17</p></body></html>';
    await printPdf(html, out);
    const text = (await run('pdftotext', ['-layout', out, '-'])).stdout;
    expect(text).toContain('Annual surveillance report 2026');
    expect(text).toContain('Requests published: 17');
    const info = (await run('pdfinfo', [out])).stdout;
    expect(info).toMatch(/Page size:.*\(A4\)/);
  }, 120_000);

  it('says so when Chromium cannot be started, and leaves no file', async () => {
    const out = path.join(dir, 'none.pdf');
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = path.join(dir, 'no-such-chromium');
    try {
      await expect(printPdf('<p>x</p>', out)).rejects.toThrow(/no-such-chromium/);
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
    await expect(run('ls', [out])).rejects.toThrow();
  });
});
