import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../src/modules/auth/totp.js';
import { updateRole } from '../src/modules/users/users.repository.js';
import type { Role } from '../src/policies.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { PASSWORD, enrolTotp, makeUser } from './support/factories.js';

let t: TestApp;
// Ten seconds into a 30-second step, so ±1 step is exact and no test straddles a boundary by accident.
const clock = testClock(new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000));
const STEP = 30_000;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

async function emailOf(u: TestUser): Promise<string> {
  return (await u.api.GET('/api/me')).data!.email;
}

/** Signs `email` in with the password in a fresh browser; returns the browser and the sign-in response. */
async function passwordStep(email: string) {
  const u = await new TestUser(t.app).begin();
  const res = await u.raw('POST', '/api/auth/signin', { email, password: PASSWORD });
  return { u, res, body: res.json<{ user: unknown; secondStep?: { methods: string[] } }>() };
}

const secondStep = (u: TestUser, proof: Record<string, unknown>) =>
  u.raw('POST', '/api/auth/second-factor', proof);
const codeAt = (u: TestUser, offsetSteps: number) =>
  totpCode(u.totpSecret!, new Date(clock.now().getTime() + offsetSteps * STEP));

describe('adding an authenticator app', () => {
  it('shows an otpauth:// URI and its QR code, and only the current code confirms it', async () => {
    const u = await makeUser(t);
    const start = await u.raw('POST', '/api/me/second-factors/totp');
    expect(start.statusCode).toBe(201);
    const { secret, otpauthUri, qrSvg } = start.json<{ secret: string; otpauthUri: string; qrSvg: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Porchlight:user-[0-9a-f]+%40example\.test\?/);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    expect(new URL(otpauthUri).searchParams.get('issuer')).toBe('Porchlight');
    expect(qrSvg).toMatch(/^<svg[^>]*>/);

    const wrong = await u.raw('POST', '/api/me/second-factors/totp/confirm', { code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_second_factor', errors: [{ field: '/body/code' }] });
    expect((await u.raw('GET', '/api/me/second-factors')).json()).toMatchObject({ totp: false });

    const ok = await u.raw('POST', '/api/me/second-factors/totp/confirm', {
      code: totpCode(secret, clock.now()),
    });
    expect(ok.statusCode).toBe(200);
    const body = ok.json<{ factors: { totp: boolean }; recoveryCodes: string[] }>();
    expect(body.factors).toMatchObject({ totp: true, recoveryCodesLeft: 10, required: false });
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    for (const c of body.recoveryCodes) expect(c).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);

    // Recovery codes are stored hashed only; the page cannot show them again.
    const stored = await t.database.db.query<{ code_hash: string }>(
      'SELECT code_hash FROM recovery_codes WHERE user_id = $1',
      [u.id],
    );
    expect(stored.rows).toHaveLength(10);
    for (const c of body.recoveryCodes) {
      expect(stored.rows.map((r) => r.code_hash).join()).not.toContain(c.replace('-', ''));
    }
    expect(JSON.stringify((await u.raw('GET', '/api/me/second-factors')).json())).not.toContain(
      body.recoveryCodes[0]!,
    );
    // A second app cannot silently replace the first.
    expect((await u.raw('POST', '/api/me/second-factors/totp')).statusCode).toBe(409);
  });
});

describe('signing in with an authenticator app', () => {
  let alice: TestUser;
  let email: string;
  beforeAll(async () => {
    alice = await makeUser(t);
    await enrolTotp(t, alice);
    email = await emailOf(alice);
    clock.advance(STEP); // the enrolment code's step is behind us
  });

  it('asks for the second step after the password, and until then there is no session', async () => {
    const { u, res, body } = await passwordStep(email);
    expect(res.statusCode).toBe(200);
    expect(body.user).toBeNull();
    expect(body.secondStep).toEqual({ methods: ['totp', 'recovery_code'] });
    expect(res.cookies.find((c) => c.name === 'pl_session')).toBeUndefined();
    expect((await u.raw('GET', '/api/me')).statusCode).toBe(401);
    expect((await u.raw('GET', '/api/session')).json()).toMatchObject({ user: null });
    const post = { category: 'community', title: 'Street party', body: 'Bring a chair' };
    expect((await u.raw('POST', '/api/posts', post)).statusCode).toBe(401);
  });

  it('accepts the current code once: the same code again is refused (replay)', async () => {
    const code = codeAt(alice, 0);
    const first = await passwordStep(email);
    const ok = await secondStep(first.u, { code });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { email } });
    expect((await first.u.raw('GET', '/api/me')).statusCode).toBe(200);

    const second = await passwordStep(email);
    const replay = await secondStep(second.u, { code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'invalid_second_factor' });
    expect((await second.u.raw('GET', '/api/me')).statusCode).toBe(401);
  });

  it('accepts a code one step either side (clock drift) but not two', async () => {
    clock.advance(10 * STEP);
    const a = await passwordStep(email);
    expect((await secondStep(a.u, { code: codeAt(alice, -2) })).statusCode).toBe(401);
    expect((await secondStep(a.u, { code: codeAt(alice, 2) })).statusCode).toBe(401);
    expect((await secondStep(a.u, { code: codeAt(alice, -1) })).statusCode).toBe(200);

    const b = await passwordStep(email);
    expect((await secondStep(b.u, { code: codeAt(alice, 1) })).statusCode).toBe(200);
    // Step +1 was used: the current step's code is older and so refused too (no going back).
    const c = await passwordStep(email);
    expect((await secondStep(c.u, { code: codeAt(alice, 0) })).statusCode).toBe(401);
  });

  it('refuses a wrong code, a malformed one, and a second step without a password first', async () => {
    clock.advance(10 * STEP);
    const a = await passwordStep(email);
    const wrong = await secondStep(a.u, { code: codeAt(alice, 0) === '123456' ? '654321' : '123456' });
    expect(wrong.statusCode).toBe(401);
    const malformed = await secondStep(a.u, { code: '12345' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'validation_failed' });

    const stranger = await new TestUser(t.app).begin();
    const none = await secondStep(stranger, { code: codeAt(alice, 0) });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'second_step_expired' });
  });

  it('lets the second step expire after five minutes', async () => {
    clock.advance(10 * STEP);
    const a = await passwordStep(email);
    clock.advance(5 * 60_000 + 1000);
    const late = await secondStep(a.u, { code: codeAt(alice, 0) });
    expect(late.json()).toMatchObject({ code: 'second_step_expired' });
  });
});

describe('recovery codes', () => {
  it('each signs in once, in any letter case, and then never again', async () => {
    clock.advance(10 * STEP);
    const bob = await makeUser(t);
    const codes = await enrolTotp(t, bob);
    const email = await emailOf(bob);
    const a = await passwordStep(email);
    const ok = await secondStep(a.u, { recoveryCode: codes[0]!.toUpperCase() });
    expect(ok.statusCode).toBe(200);
    expect((await a.u.raw('GET', '/api/me/second-factors')).json()).toMatchObject({ recoveryCodesLeft: 9 });

    const b = await passwordStep(email);
    const again = await secondStep(b.u, { recoveryCode: codes[0]! });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: 'invalid_second_factor' });
    expect((await secondStep(b.u, { recoveryCode: 'aaaaa-aaaaa' })).statusCode).toBe(401);
    expect((await secondStep(b.u, { recoveryCode: codes[1]! })).statusCode).toBe(200);
  });
});

describe('rate limits on the second step', () => {
  it('ends a pending sign-in after five wrong codes, and locks the account’s second step after ten', async () => {
    clock.advance(10 * STEP);
    const carol = await makeUser(t);
    await enrolTotp(t, carol);
    const email = await emailOf(carol);
    clock.advance(STEP);
    const right = codeAt(carol, 0);
    const wrong = right === '111111' ? '222222' : '111111';

    const a = await passwordStep(email);
    for (let i = 0; i < 4; i++) expect((await secondStep(a.u, { code: wrong })).statusCode).toBe(401);
    const fifth = await secondStep(a.u, { code: wrong });
    expect(fifth.json()).toMatchObject({ code: 'second_step_expired' });
    // Even the right code no longer works for that pending sign-in: the password is needed again.
    expect((await secondStep(a.u, { code: right })).json()).toMatchObject({ code: 'second_step_expired' });

    const b = await passwordStep(email);
    for (let i = 0; i < 5; i++) await secondStep(b.u, { code: wrong });
    // Ten wrong answers in fifteen minutes: the right code is refused too, from any new sign-in.
    const c = await passwordStep(email);
    const locked = await secondStep(c.u, { code: right });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'rate_limited' });

    clock.advance(15 * 60_000 + STEP);
    const d = await passwordStep(email);
    expect((await secondStep(d.u, { code: codeAt(carol, 0) })).statusCode).toBe(200);
  });
});

describe('staff and agency accounts need a second factor', () => {
  /** A staff account made the way an admin would make one: a resident promoted, with no factor yet. */
  async function promoted(role: Role) {
    const u = await makeUser(t);
    await updateRole(t.database.db, u.id, role);
    const email = await emailOf(u);
    const { u: fresh, body } = await passwordStep(email);
    return { u: fresh, email, body: body as { secondFactorRequired?: boolean } };
  }

  it.each(['moderator', 'admin', 'agency'] as const)(
    'a %s without one signs in only to enrol: every other API route answers 403 second_factor_required',
    async (role) => {
      const { u, body } = await promoted(role);
      expect(body.secondFactorRequired).toBe(true);
      expect((await u.raw('GET', '/api/session')).json()).toMatchObject({ secondFactorRequired: true });

      const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
      // Only enrolment, signing in and out, and one's own account are open to such a session.
      const allowed = new Set(
        [...t.app.secondFactorEnrolmentRoutes].map((r) => r.replace(/:(\w+)/g, '{$1}')),
      );
      for (const r of allowed) {
        expect(r).toMatch(
          /^(GET|HEAD|POST|PUT|DELETE) \/api\/(session|me|auth\/|me\/second-factors|account)/,
        );
      }
      expect(allowed).toContain('POST /api/me/second-factors/totp/confirm');
      let tried = 0;
      for (const [path, ops] of Object.entries(spec.paths)) {
        if (!path.startsWith('/api/')) continue;
        const url = path.replace(/\{[^}]+\}/g, '1');
        for (const method of Object.keys(ops)) {
          const m = method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
          if (allowed.has(`${m} ${path}`) || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) continue;
          const res = await u.raw(m, url, m === 'GET' || m === 'DELETE' ? undefined : {});
          // Device-token routes ignore the session; everything else refuses this one.
          if (res.statusCode === 401 && res.json<{ code: string }>().code === 'unauthenticated') continue;
          expect(res.statusCode, `${m} ${path}`).toBe(403);
          expect(res.json<{ code: string; detail: string }>(), `${m} ${path}`).toMatchObject({
            code: 'second_factor_required',
            detail: expect.stringContaining('/account/security') as string,
          });
          tried++;
        }
      }
      // The staff route families are among those tried.
      expect(tried).toBeGreaterThan(40);
      for (const path of ['/api/moderation/queue', '/api/admin/users', '/api/agencies']) {
        expect((await u.raw('GET', path)).json(), path).toMatchObject({ code: 'second_factor_required' });
      }
    },
  );

  it('once the agency member adds an app, the same session acts; a session signed in before stays limited', async () => {
    clock.advance(10 * STEP);
    const { u, email } = await promoted('moderator');
    const { u: other } = await passwordStep(email);
    expect((await u.raw('GET', '/api/moderation/queue')).statusCode).toBe(403);
    await enrolTotp(t, u);
    expect((await u.raw('GET', '/api/moderation/queue')).statusCode).toBe(200);
    expect((await u.raw('GET', '/api/session')).json()).not.toHaveProperty('secondFactorRequired');
    // The other browser signed in with the password alone: it must sign in again, with the app this time.
    const still = await other.raw('GET', '/api/moderation/queue');
    expect(still.json()).toMatchObject({ code: 'second_factor_required' });
    const again = await passwordStep(email);
    expect(again.body.secondStep).toEqual({ methods: ['totp', 'recovery_code'] });
    clock.advance(STEP);
    expect((await secondStep(again.u, { code: codeAt(u, 0) })).statusCode).toBe(200);
    expect((await again.u.raw('GET', '/api/moderation/queue')).statusCode).toBe(200);
  });

  it('a resident without one acts as before', async () => {
    const u = await makeUser(t);
    const email = await emailOf(u);
    const { u: fresh, body } = await passwordStep(email);
    expect(body).not.toHaveProperty('secondFactorRequired');
    expect(
      (await fresh.raw('POST', '/api/posts', { category: 'community', title: 'Hello', body: 'Neighbours' }))
        .statusCode,
    ).toBe(201);
  });
});

describe('removing a factor and new recovery codes', () => {
  it('needs the password and a current factor', async () => {
    clock.advance(10 * STEP);
    const dana = await makeUser(t);
    const codes = await enrolTotp(t, dana);
    clock.advance(STEP);
    const remove = (body: Record<string, unknown>) => dana.raw('POST', '/api/me/second-factors/remove', body);

    const badPassword = await remove({
      factor: { kind: 'totp' },
      password: 'nope',
      proof: { code: codeAt(dana, 0) },
    });
    expect(badPassword.statusCode).toBe(401);
    expect(badPassword.json()).toMatchObject({
      code: 'invalid_credentials',
      errors: [{ field: '/body/password' }],
    });
    const noProof = await remove({ factor: { kind: 'totp' }, password: PASSWORD });
    expect(noProof.statusCode).toBe(400);
    const badProof = await remove({
      factor: { kind: 'totp' },
      password: PASSWORD,
      proof: { recoveryCode: 'aaaaa-bbbbb' },
    });
    expect(badProof.json()).toMatchObject({ code: 'invalid_second_factor' });
    expect((await dana.raw('GET', '/api/me/second-factors')).json()).toMatchObject({ totp: true });

    const fresh = await dana.raw('POST', '/api/me/second-factors/recovery-codes', {
      password: PASSWORD,
      proof: { recoveryCode: codes[0] },
    });
    expect(fresh.statusCode).toBe(200);
    const newCodes = fresh.json<{ recoveryCodes: string[] }>().recoveryCodes;
    expect(newCodes).toHaveLength(10);
    // The old codes stopped working.
    const oldCode = await remove({
      factor: { kind: 'totp' },
      password: PASSWORD,
      proof: { recoveryCode: codes[1] },
    });
    expect(oldCode.json()).toMatchObject({ code: 'invalid_second_factor' });

    const ok = await remove({
      factor: { kind: 'totp' },
      password: PASSWORD,
      proof: { code: codeAt(dana, 0) },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ totp: false, passkeys: [], recoveryCodesLeft: 0 });
    // Without a factor, the password alone signs in again.
    const { body } = await passwordStep(await emailOf(dana));
    expect(body.user).toMatchObject({ id: dana.id });
  });

  it('verifySecondFactor: nothing to prove without a factor; with one, a proof is required and used up', async () => {
    clock.advance(10 * STEP);
    const erin = await makeUser(t);
    await expect(t.services.auth.verifySecondFactor(erin.id, undefined)).resolves.toBeUndefined();
    const codes = await enrolTotp(t, erin);
    await expect(t.services.auth.verifySecondFactor(erin.id, undefined)).rejects.toMatchObject({
      code: 'second_factor_required',
    });
    await expect(
      t.services.auth.verifySecondFactor(erin.id, { recoveryCode: codes[2]! }),
    ).resolves.toBeUndefined();
    await expect(
      t.services.auth.verifySecondFactor(erin.id, { recoveryCode: codes[2]! }),
    ).rejects.toMatchObject({
      code: 'invalid_second_factor',
    });
  });
});
