/** Hub pairing codes: single use, valid for ten minutes, and guessing them is rate limited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import type { TestUser } from './support/client.js';
import { makeUser } from './support/factories.js';
import { setUpVault } from './support/vault.js';

const clock = testClock();
let t: TestApp;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { AUTH_RATE_LIMIT: '5' } });
  alice = await makeUser(t);
  await setUpVault(alice);
});
afterAll(() => t.close());

const pair = (code: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/devices/pair',
    payload: { code, name: 'Hub' },
    remoteAddress: ip,
  });

describe('pairing codes', () => {
  it('need vault keys', async () => {
    const bob = await makeUser(t);
    const res = await bob.api.POST('/api/devices/pairing-codes');
    expect(res.response.status).toBe(404);
    expect(res.error).toMatchObject({ code: 'vault_not_set_up' });
  });

  it('expire after ten minutes', async () => {
    const code = (await alice.api.POST('/api/devices/pairing-codes')).data!.code;
    clock.advance(10 * 60_000 + 1000);
    const res = await pair(code, '10.0.0.2');
    clock.set(new Date());
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'pairing_code_invalid' });
  });

  it('are typed forgivingly: case, spaces and dashes do not matter', async () => {
    const code = (await alice.api.POST('/api/devices/pairing-codes')).data!.code;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const res = await pair(` ${code.toLowerCase().replace('-', ' ')} `, '10.0.0.3');
    expect(res.statusCode).toBe(201);
  });

  it('cannot be guessed quickly: attempts are rate limited per client', async () => {
    const code = (await alice.api.POST('/api/devices/pairing-codes')).data!.code;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await pair(`WRONG-${i}0000`, '10.0.0.9')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses[5]).toBe(429);
    // Even the right code is refused from that client until the window passes.
    const blocked = await pair(code, '10.0.0.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'rate_limited' });
    expect((await pair(code, '10.0.0.10')).statusCode).toBe(201);
  });
});
