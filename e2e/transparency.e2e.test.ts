import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, signIn, type Person } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

/*
 * An admin publishes a new version of the demo jurisdiction's request policy and verifies, then suspends, an
 * agency in the admin pages. A visitor with no account reads the policy and the agency's standing on /policies,
 * finds their entries on /transparency by searching, opens an entry's inclusion proof, and follows a policy's
 * link to its entry. The visitor reads the policy entry's rules in words, verifies the entry in the page and
 * downloads its proof, which is the API's proof and which `porchlight verify-proof` accepts.
 */
const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../packages/cli/dist/main.js');

describe('public policies and transparency log, end to end', () => {
  let server: RunningServer | undefined;
  let work = '';
  const people: Person[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'porchlight-transparency-'));
    server = await startServer();
    people.push(...(await Promise.all([openBrowser(), openBrowser()])));
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(people.map((p) => p.close()));
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('shows a new policy version and an agency’s suspension, and their log entries, to a visitor without an account', async () => {
    const [admin, visitor] = people as [Person, Person];
    const url = server!.url;
    const tag = Date.now().toString(36);
    const reason = `Adopted by council resolution ${tag}`;

    await signIn(admin.page, url, 'admin@demo.porchlight');
    await admin.page.getByRole('link', { name: 'Admin' }).click();
    await admin.page.getByRole('link', { name: 'Request policies' }).click();
    const form = admin.page.getByRole('form', { name: 'Publish a policy' });
    // The demo instance has version 1 of Portland's policy; the admin starts from it.
    await admin.page.getByRole('button', { name: 'Edit Portland, Oregon (v1)' }).click();
    expect(await form.getByLabel('Jurisdiction slug').inputValue()).toBe('portland-or');
    await form.getByLabel('Longest time window (hours)').fill('48');
    await form.getByLabel('Reason for this version').fill(reason);
    await form.getByRole('button', { name: 'Publish new version' }).click();
    await form.getByRole('status').filter({ hasText: 'Published version 2 of Portland, Oregon' }).waitFor();

    // The admin verifies an agency, then suspends it; both are public, by name.
    const sheriff = `Multnomah County Sheriff ${tag}`;
    await admin.page
      .getByRole('navigation', { name: 'Admin' })
      .getByRole('link', { name: 'Agencies' })
      .click();
    const verify = admin.page.getByRole('form', { name: 'Verify an agency' });
    await verify.getByLabel('Agency name').fill(sheriff);
    await verify.getByLabel('Official contact').fill('records@sheriff.example');
    await verify.getByLabel('How it was verified').fill('Confirmed with the county records office');
    await verify.getByRole('button', { name: 'Verify agency' }).click();
    const agencyCard = admin.page.getByRole('article', { name: sheriff });
    await agencyCard.getByLabel('Reason for suspending').fill('Requests outside its jurisdiction');
    await agencyCard.getByRole('button', { name: 'Suspend agency' }).click();
    await agencyCard.getByRole('button', { name: 'Reinstate agency' }).waitFor();

    // A visitor with no account reads the policy in force.
    await visitor.page.goto(`${url}/policies`);
    const card = visitor.page.getByRole('region', { name: 'Portland, Oregon' });
    await card.waitFor();
    await card.getByText('48 hours', { exact: true }).waitFor();
    await card.getByText(reason).waitFor();
    await card.getByText('Portland Police Bureau, Central Precinct').waitFor();
    await card.getByRole('listitem').filter({ hasText: sheriff }).getByText('suspended').waitFor();
    expect(await visitor.page.getByText('records@sheriff.example').count()).toBe(0);
    await card.getByText('Version history (2 versions)').click();
    await card
      .getByRole('list', { name: 'Versions of portland-or' })
      .getByText(/Demo policy/)
      .waitFor();
    // Version 2 says what it changed against version 1: the one rule the admin edited, old → new.
    const changes = card.locator('.policy-changes[data-version="2"]');
    await changes.getByRole('heading', { name: 'Changes from version 1' }).waitFor();
    expect(
      await changes
        .getByRole('row')
        .filter({ has: visitor.page.getByRole('rowheader') })
        .allInnerTexts(),
    ).toEqual(['Longest time window\t72 hours\t48 hours']);
    expect(await visitor.page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);

    // …and finds its entry in the log. The sequencer publishes within a second or so; search until it has.
    await visitor.page
      .getByRole('navigation', { name: 'Public' })
      .getByRole('link', { name: 'Transparency log' })
      .click();
    await visitor.page.getByRole('heading', { name: 'Transparency log', level: 1 }).waitFor();
    const search = visitor.page.getByRole('search', { name: 'Search the log' });
    await search.getByLabel('Search entries').fill(`resolution ${tag}`);
    const entries = visitor.page.getByRole('list', { name: 'Log entries' });
    const entry = entries.getByRole('article', { name: /Policy published/ });
    const deadline = Date.now() + 20_000;
    for (;;) {
      await search.getByRole('button', { name: 'Search' }).click();
      await visitor.page.waitForFunction(
        () => document.querySelector('[aria-label="Log entries"]')?.getAttribute('aria-busy') === 'false',
      );
      if ((await entry.count()) > 0 || Date.now() > deadline) break;
      await visitor.page.waitForTimeout(500);
    }
    await entry.waitFor();
    expect(await entries.getByRole('article').count()).toBe(1);
    await entry.getByText(reason, { exact: true }).waitFor();
    await entry.getByText('portland-or', { exact: true }).waitFor();

    // The log's facts are shown, with how to audit it.
    expect(Number(await visitor.page.getByTestId('log-size').textContent())).toBeGreaterThanOrEqual(2);
    await visitor.page.getByText(`npx porchlight audit ${url}/log`).waitFor();

    // The policy reads as rules in words, as on /policies; its JSON is only behind "Show raw entry".
    await entry.getByText('Longest time window', { exact: true }).waitFor();
    await entry.getByText('48 hours', { exact: true }).waitFor();
    const raw = entry.getByText(/"maxWindowHours": 48/);
    expect(await raw.isVisible()).toBe(false);
    await entry.getByText('Show raw entry').click();
    await raw.waitFor();

    // "Verify this entry" checks the inclusion proof in the page and explains it.
    await entry.getByRole('button', { name: 'Verify this entry' }).click();
    const panel = entry.getByRole('region', { name: /Proof that entry #\d+ is in the log/ });
    const verdict = panel.getByRole('status');
    await verdict.filter({ hasText: 'Verified in this browser' }).waitFor();
    expect(await panel.getByRole('alert').count()).toBe(0);
    const note = (await panel.getByLabel('Signed checkpoint').textContent())!;
    const [, size, root] = note.split('\n');
    expect(await verdict.textContent()).toContain(`one of the ${size!} entries`);
    await panel.getByText(root!, { exact: true }).waitFor();

    // The downloaded proof is the API's proof for the entry, and the CLI verifies it offline.
    const href = await entry.getByRole('link', { name: 'Inclusion proof' }).getAttribute('href');
    const [download] = await Promise.all([
      visitor.page.waitForEvent('download'),
      panel.getByRole('button', { name: 'Download proof' }).click(),
    ]);
    const file = path.join(work, download.suggestedFilename());
    await download.saveAs(file);
    const saved = await readFile(file, 'utf8');
    const served = await visitor.page.request.get(`${url}${href!}`);
    expect(served.status()).toBe(200);
    const api = await served.text();
    expect(saved.startsWith('c2sp.org/tlog-proof@v1\n')).toBe(true);
    // The log may have grown since the page fetched its proof: then only the checkpoint and hashes differ.
    if (api.includes(`\n\n${note}`)) expect(saved).toBe(api);
    else expect(saved.split('\n').slice(0, 3)).toEqual(api.split('\n').slice(0, 3));
    expect(saved.endsWith(note)).toBe(true);
    const { verifierKey } = (await (await fetch(`${url}/api/transparency`)).json()) as {
      verifierKey: string;
    };
    await panel
      .getByText(`npx porchlight verify-proof ${download.suggestedFilename()} --key '${verifierKey}'`)
      .waitFor();
    const checked = await run(process.execPath, [CLI, 'verify-proof', file, '--key', verifierKey]);
    expect(checked.stdout).toContain('proof verified: entry ');
    expect(checked.stdout).toContain('"maxWindowHours":48');
    // The same proof for an entry with a longer window does not verify.
    const lines = saved.split('\n');
    const forged = Buffer.from(lines[1]!.slice('extra '.length), 'base64')
      .toString('utf8')
      .replace('"maxWindowHours":48', '"maxWindowHours":480');
    expect(forged).toContain('480');
    const forgedFile = path.join(work, 'forged.tlog-proof');
    await writeFile(
      forgedFile,
      [lines[0], `extra ${Buffer.from(forged).toString('base64')}`, ...lines.slice(2)].join('\n'),
    );
    const refused = await run(process.execPath, [CLI, 'verify-proof', forgedFile, '--key', verifierKey]).then(
      () => 'accepted',
      (err: unknown) => (err as { stderr: string }).stderr,
    );
    expect(refused).toContain('proof FAILED');

    // The agency's verification and suspension are in the log under its name.
    await search.getByLabel('Search entries').fill(sheriff);
    await search.getByRole('button', { name: 'Search' }).click();
    await entries.getByRole('article', { name: /Agency suspended/ }).waitFor();
    await entries.getByRole('article', { name: /Agency verified/ }).waitFor();
    expect(await entries.getByRole('article').count()).toBe(2);

    // From the policy, a link leads straight to its entry in the log.
    await visitor.page.goto(`${url}/policies`);
    await card.getByRole('link', { name: 'Version 2 in the transparency log' }).click();
    await visitor.page.getByRole('heading', { name: 'Transparency log', level: 1 }).waitFor();
    await entries
      .getByRole('article', { name: /Policy published/ })
      .getByText(reason, { exact: true })
      .waitFor();
    expect(await entries.getByRole('article').count()).toBe(1);

    for (const p of people) expect(p.errors).toEqual([]);
  }, 90_000);
});
