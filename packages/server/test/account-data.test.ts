import { armor, Decrypter } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makePost, makeUser, nextTotpCode, enrolTotp, PASSWORD } from './support/factories.js';
import {
  ageDecrypt,
  ageEncrypt,
  CAMERA_POINT,
  makeCamera,
  pairHub,
  setUpVault,
  uploadClip,
} from './support/vault.js';
import { requestWorld } from './support/disclosures.js';
import { untar } from './support/tar.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function ownerWithClip() {
  const owner = await makeUser(t);
  const keys = await setUpVault(owner);
  const camera = await makeCamera(owner, { name: 'Front door' });
  const plaintext = Buffer.from(`ftypisom fake video ${Math.random()}`.repeat(2000));
  const ciphertext = await ageEncrypt(plaintext, keys.recipient);
  const clipId = await uploadClip(t.app, { user: owner }, camera.id, ciphertext);
  return { owner, keys, camera, plaintext, ciphertext, clipId };
}

describe('account export', () => {
  it('downloads a tar whose clip decrypts with the age CLI to the original bytes', async () => {
    const { owner, keys, plaintext, ciphertext, camera, clipId } = await ownerWithClip();
    const hub = await pairHub(owner);
    const post = await makePost(owner, { title: 'Lost cat', body: 'Grey, answers to Miso' });
    // The hub's snapshot of the camera for the zone editor goes into the archive as the ciphertext it is.
    const frame = Buffer.from('\xff\xd8\xff a camera frame');
    const snapshot = await ageEncrypt(frame, keys.recipient);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/hub/cameras/${camera.id}/snapshot`,
      headers: { authorization: `Bearer ${hub.token}` },
      payload: {
        ciphertext: snapshot.toString('base64'),
        width: 640,
        height: 360,
        takenAt: new Date().toISOString(),
      },
    });
    expect(put.statusCode).toBe(204);
    const res = await owner.raw('GET', '/api/account/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-tar');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="porchlight-export-\d{4}-\d\d-\d\d\.tar"$/,
    );
    const files = await untar(res.rawPayload);

    const json = JSON.parse(files.get('porchlight-export/account.json')!.toString()) as Record<
      string,
      Record<string, unknown>[]
    >;
    expect(json.profile![0]).not.toHaveProperty('password_hash');
    expect(json.posts!.map((p) => p.title)).toEqual(['Lost cat']);
    expect(JSON.stringify(json.posts)).toContain(post.id);
    // The owner's own camera, with its exact location.
    expect(json.cameras![0]).toMatchObject({
      name: 'Front door',
      lat: CAMERA_POINT.lat,
      lng: CAMERA_POINT.lng,
    });
    expect(json.clips).toHaveLength(1);
    expect(json.clips![0]).not.toHaveProperty('blob_key');
    // Cameras, clips and hubs are named by the ids the API uses; no row id of theirs is in the archive.
    expect(json.cameras![0]).toMatchObject({ id: camera.id });
    expect(json.clips![0]).toMatchObject({ id: clipId, camera_id: camera.id });
    expect(json.devices![0]).toMatchObject({ id: hub.id });
    for (const row of [...json.cameras!, ...json.clips!, ...json.devices!])
      expect(row).not.toHaveProperty('public_id');
    expect(json.clips![0]!.ciphertextFile).toBe(`clips/${clipId}.age`);

    const clipFile = json.clips![0]!.ciphertextFile as string;
    const stored = files.get(`porchlight-export/${clipFile}`)!;
    expect(stored.equals(ciphertext)).toBe(true);
    expect((await ageDecrypt(stored, keys.identity)).equals(plaintext)).toBe(true);

    // The passphrase-wrapped identity is in the archive, so the export opens with the passphrase alone.
    const d = new Decrypter();
    d.addPassphrase(keys.passphrase);
    const wrapped = files.get('porchlight-export/vault/identity.age')!.toString();
    expect(await d.decrypt(armor.decode(wrapped), 'text')).toBe(keys.identity);
    expect(files.get('porchlight-export/README.txt')!.toString()).toContain('age -d -i identity.txt');
    const storedFrame = files.get(`porchlight-export/cameras/${camera.id}-snapshot.jpg.age`)!;
    expect((await ageDecrypt(storedFrame, keys.identity)).equals(frame)).toBe(true);
  });

  it('names posts, comments, cameras, clips and hubs by the API’s public ids and shows no row number', async () => {
    // An account with one of everything the export lists: posts (edited, hidden, appealed), comments (edited),
    // a reaction, a report, a mute, a camera a footage request reached, a clip and a hub.
    const world = await requestWorld(t, new Date());
    const owner = world.owner;
    const cameraId = (await owner.api.GET('/api/cameras')).data!.items[0]!.id;
    const keys = (await owner.raw('GET', '/api/vault/keys')).json<{ recipient: string }>();
    const clipId = await uploadClip(
      t.app,
      { user: owner },
      cameraId,
      await ageEncrypt(Buffer.alloc(900, 7), keys.recipient),
    );
    const hub = await pairHub(owner);
    const neighbour = await makeUser(t);
    const theirs = await makePost(neighbour, { title: 'Street light out on Elm' });
    const mine = await makePost(owner, { title: 'Lost cat', body: 'Grey, answers to Miso' });
    const hidden = await makePost(owner, { title: 'Loud party at the corner' });
    expect(
      (await owner.raw('PATCH', `/api/posts/${mine.id}`, { body: 'Grey, answers to Miso; found!' }))
        .statusCode,
    ).toBe(200);
    const comment = await owner.raw('POST', `/api/posts/${theirs.id}/comments`, {
      body: 'Reported to the city',
    });
    expect(comment.statusCode, comment.body).toBe(201);
    const commentId = comment.json<{ id: string }>().id;
    expect(
      (await owner.raw('PATCH', `/api/comments/${commentId}`, { body: 'Reported to the city today' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await owner.raw('PUT', `/api/posts/${theirs.id}/reaction`, { kind: 'thanks' })).statusCode,
    ).toBeLessThan(300);
    const report = await owner.raw('POST', `/api/posts/${theirs.id}/reports`, {
      rule: 'other',
      reason: 'Duplicate post',
    });
    expect(report.statusCode, report.body).toBeLessThan(300);
    const mod = await makeUser(t, { role: 'moderator' });
    const hide = await mod.raw('POST', `/api/moderation/posts/${hidden.id}/decisions`, {
      action: 'hide',
      reason: 'Not about safety',
    });
    expect(hide.statusCode, hide.body).toBeLessThan(300);
    const appeal = await owner.raw('POST', `/api/posts/${hidden.id}/appeal`, {
      statement: 'It was a safety issue.',
    });
    expect(appeal.statusCode, appeal.body).toBeLessThan(300);
    expect((await owner.raw('PUT', `/api/me/mutes/${neighbour.id}`)).statusCode).toBeLessThan(300);
    await t.services.transparency.sequenceNow();
    expect((await owner.raw('GET', '/api/inbox/count')).json<{ count: number }>().count).toBe(1);

    const files = await untar((await owner.raw('GET', '/api/account/export')).rawPayload);
    const json = JSON.parse(files.get('porchlight-export/account.json')!.toString()) as Record<
      string,
      Record<string, unknown>[]
    >;
    // Anywhere in the archive, an id is either a random public id (po_, co_, ca_, cl_, dv_, rq_, …) or a person's
    // or agency's id the API also uses. A row number of a post, comment, report, appeal, moderation decision,
    // revision, camera, clip, hub or outbox event would show how many the instance holds; a staff member's id
    // (`…_by`) says who handled the account.
    const personKeys = new Set([
      'author_id',
      'user_id',
      'owner_id',
      'reporter_id',
      'muted_id',
      'affected_user_id',
    ]);
    const bad: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          walk(v, `${path}[${i}]`);
        });
      } else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          const at = `${path}.${k}`;
          if ((k === 'id' || k.endsWith('_id')) && typeof v !== 'object') {
            const publicId = typeof v === 'string' && /^[a-z]{2}_[A-Za-z0-9_-]{22}$/.test(v);
            const person = personKeys.has(k) && (v === owner.id || v === neighbour.id);
            const own = at === '.profile[0].id' && v === owner.id;
            const agency = k === 'agency_id' && v === world.agencyId;
            if (!publicId && !person && !own && !agency) bad.push(`${at} = ${JSON.stringify(v)}`);
          } else if (k.endsWith('_by') && v !== null) bad.push(`${at} = ${JSON.stringify(v)}`);
          walk(v, at);
        }
    };
    walk(json, '');
    expect(bad).toEqual([]);

    for (const kind of [
      'posts',
      'comments',
      'reactions',
      'reports',
      'appeals',
      'mutes',
      'cameras',
      'clips',
      'devices',
      'inbox',
    ])
      expect(json[kind]!.length, kind).toBeGreaterThan(0);

    // The ids are the ones the API gave out.
    expect(json.posts!.map((p) => p.id).sort()).toEqual([mine.id, hidden.id].sort());
    expect(json.posts!.find((p) => p.id === mine.id)!.revisions).toMatchObject([
      { body: 'Grey, answers to Miso' },
    ]);
    expect(json.comments).toMatchObject([
      {
        id: commentId,
        post_id: theirs.id,
        body: 'Reported to the city today',
        revisions: [{ body: 'Reported to the city' }],
      },
    ]);
    expect(json.reactions).toMatchObject([{ post_id: theirs.id, kind: 'thanks' }]);
    expect(json.reports).toMatchObject([{ post_id: theirs.id, reason: 'Duplicate post' }]);
    expect(json.appeals).toMatchObject([{ post_id: hidden.id, statement: 'It was a safety issue.' }]);
    expect(json.mutes).toMatchObject([{ muted_id: neighbour.id }]);
    expect(json.clips).toMatchObject([{ id: clipId, camera_id: cameraId }]);
    expect(json.devices).toMatchObject([{ id: hub.id }]);
    expect(json.inbox).toMatchObject([{ camera_id: cameraId, request: { id: world.request.id } }]);
    // The agency's drawn polygon and the filing member stay with the agency, as in the inbox itself.
    expect(json.inbox![0]!.request).not.toHaveProperty('area');
    expect(json.inbox![0]!.request).not.toHaveProperty('created_by');

    for (const kind of ['posts', 'comments', 'cameras', 'clips', 'devices'])
      for (const row of json[kind]!) expect(row, kind).not.toHaveProperty('public_id');
  }, 120_000);

  it('holds only the account’s own data', async () => {
    const { owner } = await ownerWithClip();
    const other = await ownerWithClip();
    await makePost(other.owner, { title: 'Someone else’s post' });
    const files = await untar((await owner.raw('GET', '/api/account/export')).rawPayload);
    const text = files.get('porchlight-export/account.json')!.toString();
    expect(text).not.toContain('Someone else’s post');
    const clipFiles = [...files.keys()].filter((n) => n.includes('/clips/'));
    expect(clipFiles).toHaveLength(1);
  });

  it('needs a session', async () => {
    const anon = await new TestUser(t.app).begin();
    expect((await anon.raw('GET', '/api/account/export')).statusCode).toBe(401);
  });
});

describe('account deletion', () => {
  it('removes keys, cameras, clips with their ciphertext, hubs and sessions; posts stay as "Deleted account"', async () => {
    const { owner, clipId } = await ownerWithClip();
    const hub = await pairHub(owner);
    const post = await makePost(owner, { title: 'Will outlive my account' });
    const neighbour = await makeUser(t);
    const blobKey = (
      await t.database.db.query<{ blob_key: string }>('SELECT blob_key FROM clips WHERE owner_id = $1', [
        owner.id,
      ])
    ).rows[0]!.blob_key;
    expect(await t.services.clips.blobs.list()).toContain(blobKey);
    const email = (await owner.raw('GET', '/api/account')).json<{ email: string }>().email;

    const wrong = await owner.raw('DELETE', '/api/account', { password: 'not my password' });
    expect(wrong.statusCode).toBe(401);
    const ok = await owner.raw('DELETE', '/api/account', { password: PASSWORD });
    expect(ok.statusCode, ok.body).toBe(204);

    for (const table of ['vault_keys', 'cameras', 'clips', 'devices', 'sessions']) {
      const col = ['vault_keys', 'sessions'].includes(table) ? 'user_id' : 'owner_id';
      const n = await t.database.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${col} = $1`,
        [owner.id],
      );
      expect(n.rows[0]!.n, table).toBe(0);
    }
    expect(await t.services.clips.blobs.list()).not.toContain(blobKey);
    expect((await owner.raw('GET', '/api/session')).json<{ user: unknown }>().user).toBeNull();
    expect((await owner.raw('GET', `/api/clips/${clipId}/ciphertext`)).statusCode).toBe(401);
    const hubConfig = await t.app.inject({
      url: '/api/hub/config',
      headers: { authorization: `Bearer ${hub.token}` },
    });
    expect(hubConfig.statusCode).toBe(401);
    const again = await new TestUser(t.app).begin();
    expect((await again.raw('POST', '/api/auth/signin', { email, password: PASSWORD })).statusCode).toBe(401);

    const seen = await neighbour.raw('GET', `/api/posts/${post.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('Will outlive my account');
    expect(seen.json<{ author: { displayName: string } }>().author.displayName).toBe('Deleted account');
    expect(seen.body).not.toContain(email);

    // The address is free again for a new account.
    const fresh = await new TestUser(t.app).begin();
    const signUp = await fresh.raw('POST', '/api/auth/signup', {
      email,
      password: PASSWORD,
      displayName: 'New me',
    });
    expect(signUp.statusCode).toBe(201);
  });

  it('asks for the second factor when the account has one', async () => {
    const u = await makeUser(t);
    await enrolTotp(t, u);
    const without = await u.raw('DELETE', '/api/account', { password: PASSWORD });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ code: 'second_factor_required' });
    const badCode = await u.raw('DELETE', '/api/account', {
      password: PASSWORD,
      secondFactor: { code: '000000' },
    });
    expect(badCode.statusCode).toBe(401);
    const ok = await u.raw('DELETE', '/api/account', {
      password: PASSWORD,
      secondFactor: { code: nextTotpCode(t, u) },
    });
    expect(ok.statusCode, ok.body).toBe(204);
  });

  it('refuses staff and agency accounts with a message saying what to do', async () => {
    const mod = await makeUser(t, { role: 'moderator' });
    const res = await mod.raw('DELETE', '/api/account', {
      password: PASSWORD,
      secondFactor: { code: nextTotpCode(t, mod) },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'account_has_duties' });
    expect(res.json<{ detail: string }>().detail).toMatch(/ask an admin/);
  });
});

describe('sessions page', () => {
  it('lists every signed-in browser with a browser summary, ends one, and signs out everywhere else', async () => {
    const u = await makeUser(t);
    const email = (await u.raw('GET', '/api/account')).json<{ email: string }>().email;
    const firefox = await new TestUser(t.app).begin();
    await firefox.raw(
      'POST',
      '/api/auth/signin',
      { email, password: PASSWORD },
      {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
    );
    // A request after sign-in is what records the browser.
    await firefox.raw('GET', '/api/account', undefined, {
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    });
    const phone = await new TestUser(t.app).begin();
    await phone.raw('POST', '/api/auth/signin', { email, password: PASSWORD });

    type List = {
      sessions: { id: string; current: boolean; browser: string | null; network: string | null }[];
    };
    const list = (await u.raw('GET', '/api/account/sessions')).json<List>();
    expect(list.sessions).toHaveLength(3);
    expect(list.sessions.filter((s) => s.current)).toHaveLength(1);
    const ff = list.sessions.find((s) => s.browser === 'Firefox 128 on Linux');
    expect(ff).toBeDefined();
    expect(ff!.network).toBe('127.0.x.x');

    // Another account cannot end it; the owner can.
    const stranger = await makeUser(t);
    expect((await stranger.raw('DELETE', `/api/account/sessions/${ff!.id}`)).statusCode).toBe(404);
    expect((await u.raw('DELETE', `/api/account/sessions/${ff!.id}`)).statusCode).toBe(204);
    expect((await firefox.raw('GET', '/api/session')).json<{ user: unknown }>().user).toBeNull();

    const ended = await u.raw('POST', '/api/account/sessions/end-others');
    expect(ended.json()).toEqual({ ended: 1 });
    expect((await phone.raw('GET', '/api/session')).json<{ user: unknown }>().user).toBeNull();
    expect((await u.raw('GET', '/api/session')).json<{ user: unknown }>().user).not.toBeNull();
    expect((await u.raw('GET', '/api/account/sessions')).json<List>().sessions).toHaveLength(1);
  });

  it('names a malformed session id', async () => {
    const u = await makeUser(t);
    const res = await u.raw('DELETE', '/api/account/sessions/123');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/params/id');
  });
});
