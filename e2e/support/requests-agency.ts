import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, demoTotpCode } from './browser.js';

/*
 * The agency member's steps of the footage-request journey, driven through the web app as a member would:
 * header links, labelled fields and buttons. Owner steps live in requests-owner.ts.
 */

export const AGENCY_EMAIL = 'agency@demo.porchlight';
export const AGENCY_PASSPHRASE = 'lantern orbit meadow quartz';

/** Creates the member's agency key from the header link, confirms the recovery code and returns it. */
export async function setUpAgencyKey(page: Page, passphrase = AGENCY_PASSPHRASE): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agency key' }).click();
  await page.getByRole('heading', { name: 'Agency key', level: 1 }).waitFor();
  await page.getByLabel('Agency key passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat the passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create my agency key' }).click();
  const code =
    (await page.getByLabel('Recovery code', { exact: true }).textContent({ timeout: 30_000 }))?.trim() ?? '';
  await page.getByLabel('I have saved my recovery code somewhere safe').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Your key is unlocked in this tab' }).waitFor();
  return code;
}

/** A request as the form is filled in; corners as [latitude, longitude]. */
export interface RequestInput {
  caseNumber: string;
  offense: string;
  legalBasis: string;
  investigatorName: string;
  investigatorContact: string;
  narrative: string;
  corners: [number, number][];
  exigent?: boolean;
}

/** A square of about `sideM` metres around a point, as [latitude, longitude] corners. */
export function squareAround(lat: number, lng: number, sideM: number): [number, number][] {
  const dLat = sideM / 2 / 111_320;
  const dLng = dLat / Math.cos((lat * Math.PI) / 180);
  return [
    [lat - dLat, lng - dLng],
    [lat - dLat, lng + dLng],
    [lat + dLat, lng + dLng],
    [lat + dLat, lng - dLng],
  ];
}

/** Opens the new-request form from the header. */
export async function openRequestForm(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New request' }).click();
  await page.getByRole('heading', { name: 'New footage request', level: 1 }).waitFor();
}

/** Fills every field of the form (typing the corners, the keyboard way to draw the area). */
export async function fillRequest(page: Page, input: RequestInput): Promise<void> {
  const form = page.getByRole('form', { name: 'Footage request' });
  await form.getByLabel('Case number').fill(input.caseNumber);
  await form.getByLabel('Offense category').selectOption({ label: input.offense });
  await form.getByLabel('Legal basis').selectOption({ label: input.legalBasis });
  await form.getByLabel('Investigator name').fill(input.investigatorName);
  await form.getByLabel('Investigator contact').fill(input.investigatorContact);
  await form.getByLabel('Narrative').fill(input.narrative);
  await form
    .getByLabel('Corners (latitude, longitude — one per line)')
    .fill(input.corners.map(([lat, lng]) => `${lat.toFixed(6)}, ${lng.toFixed(6)}`).join('\n'));
  const exigent = form.getByLabel(/Emergency \(exigent\) request/);
  if (input.exigent) await exigent.check();
  else await exigent.uncheck();
}

/** Submits the form. */
export async function submitRequest(page: Page): Promise<void> {
  await page
    .getByRole('form', { name: 'Footage request' })
    .getByRole('button', { name: 'Submit request' })
    .click();
}

/** The rule ids listed in the server's refusal, once it is shown. */
export async function refusedRules(page: Page): Promise<string[]> {
  const list = page.locator('#refusal');
  await list.waitFor();
  return list
    .locator('li[data-rule]')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-rule') ?? ''));
}

/** Waits for the agency request page after publishing and returns the request id from its URL. */
export async function publishedRequestId(page: Page): Promise<string> {
  await page.waitForURL(/\/agency\/requests\/rq_[A-Za-z0-9_-]+$/, { timeout: 20_000 });
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** Unlocks the member's agency key where the page asks for it (a new tab or after a reload forgets it). */
export async function unlockAgencyKey(page: Page, passphrase = AGENCY_PASSPHRASE): Promise<void> {
  await page.getByLabel('Agency key passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

/**
 * Opens the agency's view of request `id`, waits until `count` clips have arrived (reloading: a disclosure is
 * listed only once its log entry is sequenced), unlocks the key if asked, and starts playing clip `n`.
 * Returns the clip's card; its `video` element plays the decrypted clip.
 */
export async function playDisclosure(
  page: Page,
  baseUrl: string,
  id: string,
  o: { count: number; n?: number; passphrase?: string },
) {
  const received = page.getByTestId('received-count');
  for (const deadline = Date.now() + 30_000; ;) {
    await page.goto(`${baseUrl}/agency/requests/${id}`);
    await received.waitFor();
    if (Number(await received.textContent()) >= o.count || Date.now() > deadline) break;
    await page.waitForTimeout(1000);
  }
  const n = o.n ?? 1;
  const clip = page
    .getByRole('list', { name: 'Disclosures' })
    .getByRole('article')
    .nth(n - 1);
  const play = clip.getByRole('button', { name: `Play clip ${n}`, disabled: false });
  // After a page load the key is locked: the page asks for the passphrase once it has loaded the key.
  const passphrase = page.getByLabel('Agency key passphrase', { exact: true });
  await passphrase.or(play).first().waitFor();
  if (await passphrase.isVisible()) await unlockAgencyKey(page, o.passphrase);
  await play.click();
  return clip;
}

/**
 * The demo agency member driven over the API (cookies, CSRF, second factor), for tests about the owner's side:
 * `call(method, path, json?)` answers the raw `Response`.
 */
export async function agencyApi(url: string, email = AGENCY_EMAIL) {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const pre = await fetch(`${url}/api/session`);
  keep(pre);
  let csrf = ((await pre.json()) as { csrfToken: string }).csrfToken;
  const call = async (method: string, p: string, json?: unknown): Promise<Response> => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: {
        cookie: cookie(),
        'x-csrf-token': csrf,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    keep(res);
    return res;
  };
  await call('POST', '/api/auth/signin', { email, password: DEMO_PASSWORD });
  const signedIn = await call('POST', '/api/auth/second-factor', { code: await demoTotpCode(email) });
  csrf = ((await signedIn.json()) as { csrfToken: string }).csrfToken;
  return call;
}
