import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, reloadUntilVisible, signIn, type Person } from './support/browser.js';
import { AGENCY_EMAIL, agencyApi } from './support/requests-agency.js';
import { startServer, type RunningServer } from './support/server.js';

const run = promisify(execFile);

/**
 * How many pixels of a map screenshot show each `rgb(…)` colour as a fill layer of opacity 0.7 draws it over
 * the blank basemap (#e8edf1), within 6 per channel. Decoded in the page, which has a 2D canvas.
 */
async function paintedPixels(page: Page, png: Buffer, colours: readonly string[]): Promise<number[]> {
  return page.evaluate(
    async ({ base64, colours }) => {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, image.width, image.height).data;
      const background = [0xe8, 0xed, 0xf1];
      const want = colours.map((c) =>
        (c.match(/\d+/g) ?? []).slice(0, 3).map((v, i) => Math.round(0.7 * Number(v) + 0.3 * background[i]!)),
      );
      const counts = want.map(() => 0);
      for (let p = 0; p < data.length; p += 4)
        want.forEach((w, k) => {
          if (w.every((v, i) => Math.abs(data[p + i]! - v) <= 6)) counts[k]!++;
        });
      return counts;
    },
    { base64: png.toString('base64'), colours },
  );
}
const CLI = path.resolve(import.meta.dirname, '../packages/cli/dist/main.js');

/*
 * The demo agency files footage requests (one refused by policy, one closed). A visitor with no account opens
 * the dashboard, filters to that agency and this month, sees the figures and downloads the CSV; every number
 * in it equals what `porchlight audit --stats` recomputes from the verified log. Then the agency's page (last
 * 30 days, month, year) and its annual surveillance report: page, CSV and a Chromium-printed PDF that pdftotext
 * reads, with the numbers `porchlight report` recomputes. Last, the agency logs its cost through the report's
 * form; the report shows it with the role and time, and `porchlight report` recomputes it.
 */
describe('transparency dashboard, end to end', () => {
  let server: RunningServer | undefined;
  let visitor: Person | undefined;
  let stateDir = '';

  beforeAll(async () => {
    server = await startServer();
    visitor = await openBrowser();
    stateDir = await mkdtemp(path.join(tmpdir(), 'porchlight-dashboard-e2e-'));
  }, 300_000);

  afterAll(async () => {
    await visitor?.close();
    await server?.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 30_000);

  it('shows an agency’s month to a visitor, whose CSV equals the CLI’s recount', async () => {
    const url = server!.url;
    const agency = await agencyApi(url);
    const request = (caseNumber: string, d: number, east = 0) => {
      const [lat, lng] = [45.5152, -122.6784 + east];
      const now = Date.now();
      return agency('POST', '/api/requests', {
        caseNumber,
        offenseCategory: 'burglary',
        legalBasis: 'warrant',
        investigatorName: 'Det. R. Alvarez',
        investigatorContact: 'ralvarez@central-precinct.example',
        narrative: 'Residential burglary on SW Alder St; two people left on foot carrying a television.',
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [lng - d, lat - d],
              [lng + d, lat - d],
              [lng + d, lat + d],
              [lng - d, lat + d],
              [lng - d, lat - d],
            ],
          ],
        },
        windowStart: new Date(now - 8 * 3600_000).toISOString(),
        windowEnd: new Date(now - 6 * 3600_000).toISOString(),
        exigent: false,
      });
    };
    const ids: string[] = [];
    // The third request is about 800 m east, so the cells are not all counted alike.
    for (const n of [1, 2, 3]) {
      const res = await request(`PPB-DASH-${n}`, 0.0025, n === 3 ? 0.01 : 0);
      expect(res.status, await res.clone().text()).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    expect((await request('PPB-DASH-4', 0.2)).status).toBe(422);
    expect(
      (await agency('POST', `/api/requests/${ids[0]!}/close`, { reason: 'Suspect identified' })).status,
    ).toBe(200);

    const agencies = (await (await fetch(`${url}/api/agencies`)).json()) as {
      items: { id: number; name: string; jurisdiction: string }[];
    };
    const ppb = agencies.items.find((a) => a.name.startsWith('Portland Police Bureau'))!;
    const month = new Date().toISOString().slice(0, 7);
    // The sequencer publishes within a second or so; wait until the closure is counted.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const d = (await (await fetch(`${url}/api/dashboard?scope=agency&id=${ppb.id}`)).json()) as {
        figures: { id: string; total: number }[];
      };
      if (d.figures.find((f) => f.id === 'requests.closed')?.total === 1) break;
      if (Date.now() > deadline) throw new Error('the log did not publish the requests in time');
      await new Promise((r) => setTimeout(r, 500));
    }

    // A signed-out visitor: from the transparency page to the dashboard, then one agency and one month.
    const page = visitor!.page;
    await page.goto(`${url}/transparency`);
    await page.getByRole('main').getByRole('link', { name: 'The dashboard' }).click();
    await page.getByRole('heading', { name: 'Transparency dashboard', level: 1 }).waitFor();
    const filters = page.getByRole('form', { name: 'Choose what to show' });
    await filters.getByLabel('Show').selectOption('agency');
    await filters.getByLabel('Agency').selectOption({ label: `${ppb.name} (${ppb.jurisdiction})` });
    await filters.getByLabel('From month').fill(month);
    await filters.getByLabel('To month').fill(month);
    await filters.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('heading', { name: `${ppb.name}, ${month} to ${month}` }).waitFor();
    expect(new URL(page.url()).search).toBe(`?scope=agency&id=${ppb.id}&from=${month}&to=${month}`);
    const published = page.getByRole('article', { name: 'Footage requests published' });
    expect(await published.locator('[data-total]').getAttribute('data-total')).toBe('3');
    await page.getByRole('img', { name: /Requests refused by policy, by policy rule broken/ }).waitFor();
    // Where: requests per coarse cell for the same agency and month, on a map shaded by count with its
    // legend, beside the table; the two requests at one place count 2 in their cells, the third elsewhere.
    const cells = page.getByRole('table', { name: 'Where: requests per coarse cell' });
    await cells.waitFor();
    const perCell: Record<string, number> = {};
    const shadeOfCount = new Map<number, string>();
    for (const r of await cells.locator('tbody tr').all()) {
      const n = Number(await r.locator('td').textContent());
      perCell[(await r.getAttribute('data-cell'))!] = n;
      const shade = (await r.getAttribute('data-shade'))!;
      expect(shadeOfCount.get(n) ?? shade).toBe(shade);
      shadeOfCount.set(n, shade);
    }
    expect(Object.keys(perCell).every((c) => /^88[0-9a-f]{13}$/.test(c))).toBe(true);
    expect(Math.max(...Object.values(perCell))).toBeGreaterThanOrEqual(2);
    expect(shadeOfCount.size).toBeGreaterThan(1);
    // Each count its own shade, and the legend names every count's range.
    expect(new Set(shadeOfCount.values()).size).toBe(shadeOfCount.size);
    const legend = await page
      .getByRole('list', { name: 'Legend: requests per cell' })
      .getByRole('listitem')
      .allTextContents();
    expect(legend.length).toBe(Math.max(...Object.values(perCell)));
    expect(legend[0]).toBe('1 request');
    const mapRegion = page.getByRole('region', {
      name: 'Where: requests per coarse cell: each cell shaded by its number of requests',
      exact: true,
    });
    await mapRegion.waitFor();
    // MapLibre really paints the cells: every shade a cell has covers pixels of the drawn map (its colour at the
    // layer's 0.7 opacity over the blank basemap), and a shade no cell has covers none beyond stray edges.
    const legendShades = await page
      .getByRole('list', { name: 'Legend: requests per cell' })
      .locator('.cell-legend__swatch')
      .evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
    const used = new Set(
      await cells
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => getComputedStyle(r.querySelector('.cell-legend__swatch')!).backgroundColor),
        ),
    );
    let painted: number[] = [];
    const paintBy = Date.now() + 30_000;
    for (;;) {
      painted = await paintedPixels(page, await mapRegion.locator('canvas').screenshot(), legendShades);
      if (legendShades.every((c, i) => !used.has(c) || painted[i]! >= 30) || Date.now() > paintBy) break;
      await page.waitForTimeout(500);
    }
    expect(legendShades.map((c, i) => [c, used.has(c), painted[i]! >= 30])).toEqual(
      legendShades.map((c) => [c, used.has(c), used.has(c)]),
    );
    expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV', exact: true }).first().click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const rows = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    const fromCsv = Object.fromEntries(rows.map((r) => [`${r[5]!} ${r[8]!} ${r[9]!}`, Number(r[10])]));
    const checkpoint = Number(rows[0]![4]);
    expect(fromCsv[`requests.published total `]).toBe(3);
    expect(fromCsv[`requests.refused total `]).toBe(1);
    // The download has the cells the page shows.
    expect(
      Object.fromEntries(
        Object.entries(fromCsv)
          .filter(([k]) => k.startsWith('requests.published cell '))
          .map(([k, n]) => [k.slice('requests.published cell '.length), n]),
      ),
    ).toEqual(perCell);

    const { stdout } = await run(process.execPath, [
      CLI,
      'audit',
      `${url}/log`,
      '--state-dir',
      stateDir,
      '--stats',
      '--json',
      '--scope',
      'agency',
      '--id',
      String(ppb.id),
      '--from',
      month,
      '--to',
      month,
    ]);
    const report = JSON.parse(stdout) as {
      size: number;
      dashboard: {
        figures: {
          id: string;
          total: number;
          byMonth: Record<string, number>;
          breakdowns: Record<string, Record<string, number>>;
        }[];
      };
    };
    expect(report.size).toBe(checkpoint);
    const fromCli: Record<string, number> = {};
    for (const f of report.dashboard.figures) {
      fromCli[`${f.id} total `] = f.total;
      for (const [m, n] of Object.entries(f.byMonth)) fromCli[`${f.id} month ${m}`] = n;
      for (const [d, counts] of Object.entries(f.breakdowns))
        for (const [k, n] of Object.entries(counts)) fromCli[`${f.id} ${d} ${k}`] = n;
    }
    expect(fromCsv).toEqual(fromCli);
    expect(visitor!.errors).toEqual([]);

    // The agency's own page: its policy in force and this month's counts.
    await page.getByRole('link', { name: 'This agency’s page' }).click();
    await page.getByRole('heading', { name: ppb.name, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'The policy it must follow' }).waitFor();
    const row = page.getByRole('row', { name: /Footage requests published/ });
    // Last 30 days (exact UTC days), this month, this year.
    expect(await row.getByRole('cell').allTextContents()).toEqual(['3', '3', '3']);

    // The annual surveillance report: the page, its CSV, a PDF printed by Chromium, and the CLI's recount.
    const year = new Date().toISOString().slice(0, 4);
    await page.getByRole('link', { name: year, exact: true }).click();
    await page
      .getByRole('heading', { name: `Annual surveillance report ${year}: ${ppb.name}`, level: 1 })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dashboard/agencies/${ppb.id}/report/${year}`);
    const onPage = async (figure: string, breakdown = '') =>
      Number(
        await page
          .locator(`tr[data-figure="${figure}"][data-breakdown="${breakdown}"] td`)
          .first()
          .textContent(),
      );
    expect(await onPage('requests.published')).toBe(3);
    expect(await onPage('requests.refused')).toBe(1);
    await page.getByText('None: Porchlight forbids re-sharing', { exact: false }).waitFor();
    const [reportDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const reportCsv = (await readFile(await reportDownload.path(), 'utf8')).trim().split('\r\n');
    expect(reportCsv).toContain(
      `${ppb.id},${year},${checkpoint},use,requests.published,,Footage requests published,3,,,`,
    );
    const pdfPath = path.join(stateDir, 'report.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdfPath, format: 'A4' });
    // pdftotext keeps the page's line breaks (a long heading wraps), so whitespace is compared loosely.
    const pdfText = (await run('pdftotext', ['-layout', pdfPath, '-'])).stdout.replace(/\s+/g, ' ');
    expect(pdfText).toContain(`Annual surveillance report ${year}: ${ppb.name}`);
    expect(pdfText).toMatch(/Footage requests published\s+3\b/);
    expect(pdfText).not.toContain('Print or save as PDF');

    const recount = await run(process.execPath, [
      CLI,
      'report',
      `${url}/log`,
      '--agency',
      String(ppb.id),
      '--year',
      year,
      '--state-dir',
      stateDir,
      '--json',
    ]);
    const cliReport = JSON.parse(recount.stdout) as {
      size: number;
      sections: { rows: { figure: string; breakdown: string; value: number }[] }[];
    };
    const fromPage: Record<string, number> = {};
    for (const r of await page.locator('tr[data-figure]').all())
      fromPage[`${(await r.getAttribute('data-figure'))!} ${(await r.getAttribute('data-breakdown'))!}`] =
        Number(await r.locator('td').first().textContent());
    const fromReport: Record<string, number> = {};
    for (const section of cliReport.sections)
      for (const r of section.rows) fromReport[`${r.figure} ${r.breakdown}`] = r.value;
    expect(fromPage).toEqual(fromReport);
    expect(visitor!.errors).toEqual([]);

    // The agency writes its cost into the report through the form; once logged, anyone sees it with the role
    // and time (never the member), and `porchlight report` recomputes it from the verified log.
    await page.emulateMedia({ media: 'screen' });
    await signIn(page, url, AGENCY_EMAIL);
    await page.goto(`${url}/dashboard/agencies/${ppb.id}/report/${year}`);
    const form = page.getByRole('form', { name: 'Add to this report' });
    await form.getByLabel('Section').selectOption('cost');
    await form.getByLabel('Text').fill('About 12 hours of detective time.');
    await form.getByRole('button', { name: 'Log this annotation' }).click();
    await form.getByRole('status').waitFor();
    const cost = page.getByRole('region', { name: 'Cost' });
    const note = cost.getByText('About 12 hours of detective time.');
    await reloadUntilVisible(page, note, 'the annotation in the report');
    await cost.getByText(/Latest entry, by the agency, logged/).waitFor();
    const logged = await cost.locator('time').first().getAttribute('datetime');
    const again = await run(process.execPath, [
      CLI,
      'report',
      `${url}/log`,
      '--agency',
      String(ppb.id),
      '--year',
      year,
      '--state-dir',
      stateDir,
      '--json',
    ]);
    const annotated = JSON.parse(again.stdout) as {
      sections: { id: string; annotations: { text: string; author: string; time: string }[] }[];
    };
    expect(annotated.sections.find((x) => x.id === 'cost')!.annotations).toEqual([
      { section: 'cost', text: 'About 12 hours of detective time.', author: 'agency', time: logged },
    ]);
    expect(visitor!.errors).toEqual([]);
  }, 180_000);

  it('lists a notice delayed by court order, with its end and that it is not sent yet', async () => {
    const url = server!.url;
    const admin = await agencyApi(url, 'admin@demo.porchlight');
    const until = new Date(Date.now() + 30 * 86_400_000);
    const res = await admin('POST', '/api/legal-demands', {
      kind: 'subpoena',
      authority: 'Multnomah County Circuit Court',
      docket: '26-GJ-E2E',
      date: new Date().toISOString().slice(0, 10),
      scopeSummary: 'Account records of one resident',
      documentSha256: 'c'.repeat(64),
      jurisdiction: 'portland-or',
      affectedAccount: 'alice@demo.porchlight',
      nonDisclosure: { until: until.toISOString(), reason: 'Order 26-GJ-E2E-NDO' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const page = visitor!.page;
    await page.goto(`${url}/dashboard`);
    const notices = page.getByRole('table', { name: 'Each delayed notice of a legal demand' });
    const row = notices.locator(`tr[data-demand="${id}"]`);
    // The sequencer logs it within a second or so; the dashboard counts the latest checkpoint.
    await reloadUntilVisible(page, row, 'the delayed notice on the dashboard');
    expect(await row.getAttribute('data-lapse')).toBe('not_sent');
    expect(await row.locator('td').allInnerTexts()).toEqual([
      id,
      new Date().toISOString().slice(0, 10),
      until.toISOString().slice(0, 10),
      'Not sent yet',
    ]);
    await page.getByRole('heading', { name: 'Each legal hold, with its case and reason' }).waitFor();
    expect(visitor!.errors).toEqual([]);
  }, 120_000);
});
