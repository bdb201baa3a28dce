import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateEntry } from '@porchlight/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryForEvent, type OutboxEvent } from '../src/modules/transparency/transparency.entries.js';
import { startTestApp, testClock, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { eventsAfter, lastEventId, makePost, makeUser } from './support/factories.js';
import { videoWithLocation } from './support/media.js';
import { startSmtpServer, type SmtpTestServer } from './support/smtp.js';
import { untar } from './support/tar.js';
import { encodeMetadata, tus, uploadPostMedia } from './support/vault.js';

const DAY = 86_400_000;
const clock = testClock(new Date('2026-06-01T12:00:00.000Z'));
const quiet = { info() {}, warn() {}, error() {} } as never;
let t: TestApp;
let smtp: SmtpTestServer;
let dir: string;
let video: Buffer;
let moderator: TestUser;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
  dir = await mkdtemp(path.join(tmpdir(), 'porchlight-bystander-'));
  // A 3-second clip, as a resident would post it.
  video = await videoWithLocation(path.join(dir, 'street.mp4'), { seconds: 3, format: 'mp4' });
  moderator = await makeUser(t, { role: 'moderator' });
}, 180_000);
afterAll(async () => {
  await t.close();
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

/** Uploads a video over tus as the web app does; `redaction` is the redaction step's summary, sent with it. */
const uploadVideo = (owner: TestUser, redaction?: unknown): Promise<string> =>
  uploadPostMedia(t.app, owner, video, {
    filetype: 'video/mp4',
    filename: 'street.mp4',
    ...(redaction !== undefined && { redaction: JSON.stringify(redaction) }),
  });

/** A post with a transcoded, ready video, made the way the web app makes it (tus upload, then the job queue). */
async function videoPost(owner: TestUser): Promise<{ id: string; mediaId: string }> {
  const mediaId = await uploadVideo(owner);
  const res = await owner.raw('POST', '/api/posts', {
    category: 'community',
    title: 'Fox on the street',
    body: 'Filmed from the porch.',
    media: [mediaId],
  });
  expect(res.statusCode, res.body).toBe(201);
  await t.services.jobs.runDue(quiet);
  return { id: res.json<{ id: string }>().id, mediaId };
}

/** What the browser's redaction step reports for a copy with one face box drawn by the detector. */
const summary = (over: Record<string, unknown> = {}) => ({
  version: 1,
  trimmed: null,
  blur: 'pixelate',
  regions: { face: 1, plate: 0, manual: 0 },
  placedBy: { detector: 1, frigate: 0, owner: 0 },
  frameBlurSeconds: 0,
  muted: false,
  ...over,
});

/** Someone with no account: a fresh cookie jar that has only fetched the session (for its CSRF token). */
const visitor = () => new TestUser(t.app).begin();

const request = (email: string, over: Record<string, unknown> = {}) => ({
  kind: 'blur',
  startSeconds: 0.5,
  endSeconds: 2,
  description: 'The person in the red coat walking past the gate',
  email,
  ...over,
});

async function file(postId: string, body: Record<string, unknown>) {
  const v = await visitor();
  return v.raw('POST', `/api/posts/${postId}/bystander-requests`, body);
}

/** The token of the confirmation link mailed to `email`. */
async function confirmToken(email: string): Promise<string> {
  const mail = await smtp.waitFor((m) => m.to.includes(email) && /Confirm your request/.test(m.subject));
  const m = /\/bystander\/confirm#token=([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!m) throw new Error(`no confirmation link in: ${mail.text}`);
  return m[1]!;
}

const confirm = async (token: string) =>
  (await visitor()).raw('POST', '/api/bystander-requests/confirm', { token });

/** Files a request and opens the mailed link, as a requester does. */
async function fileConfirmed(postId: string, body: { email: string } & Record<string, unknown>) {
  const res = await file(postId, body);
  expect(res.statusCode, res.body).toBe(202);
  expect((await confirm(await confirmToken(body.email))).statusCode).toBe(200);
}

interface Listed {
  id: string;
  post: string;
  kind: string;
  startSeconds: number;
  endSeconds: number;
  description: string;
  answer: { outcome: string; reason: string | null; answeredBy: string } | null;
}

async function listOf(user: TestUser, url: string): Promise<{ body: string; items: Listed[] }> {
  const res = await user.raw('GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return { body: res.body, items: res.json<{ items: Listed[] }>().items };
}

/** The log entry the sequencer publishes for an outbox event. */
function entryOf(e: { id: number; type: string; actor_id: number | null; data: unknown }) {
  return entryForEvent({
    id: e.id,
    type: e.type,
    actorId: e.actor_id,
    data: e.data,
    time: '2026-06-01T12:00:00Z',
  } as OutboxEvent as Parameters<typeof entryForEvent>[0]);
}

describe('a bystander asks to be blurred in a video post', () => {
  it('reaches the owner without the requester’s email; the answer is mailed, then the address is gone', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    const email = `walker-${Date.now()}@example.org`;
    const before = await lastEventId(t);

    const filed = await file(post.id, request(email));
    expect(filed.statusCode, filed.body).toBe(202);
    expect(filed.body).not.toContain(email);
    // Nothing reaches the owner until the requester opens the mailed link.
    expect((await listOf(owner, '/api/me/bystander-requests')).items).toEqual([]);
    const token = await confirmToken(email);
    expect((await confirm(token)).statusCode).toBe(200);
    // The link works once.
    expect((await confirm(token)).json<{ code: string }>().code).toBe('link_invalid');

    const mine = await listOf(owner, '/api/me/bystander-requests');
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      post: post.id,
      kind: 'blur',
      startSeconds: 0.5,
      endSeconds: 2,
      description: 'The person in the red coat walking past the gate',
      answer: null,
    });
    expect(mine.body).not.toContain(email);
    expect(mine.body).not.toContain('walker-');
    // Nor is it in the post anyone in the area reads.
    expect((await owner.raw('GET', `/api/posts/${post.id}`)).body).not.toContain(email);

    const answered = await owner.raw('POST', `/api/me/bystander-requests/${mine.items[0]!.id}/answer`, {
      outcome: 'declined',
      reason: 'You are not identifiable: the clip is too dark',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.body).not.toContain(email);
    expect(answered.json<Listed>().answer).toMatchObject({ outcome: 'declined', answeredBy: 'owner' });

    // The answer is mailed from the job queue (a worker runs it in `npm start`; the test runs it here).
    await t.services.jobs.runDue(quiet);
    const mail = await smtp.waitFor((m) => m.to.includes(email) && /answered/.test(m.subject));
    expect(mail.subject).toMatch(/answered/);
    expect(mail.text).toContain('The owner declined your request.');
    expect(mail.text).toContain('You are not identifiable: the clip is too dark');

    // Kept only as long as needed: once the answer is sent, no row holds the address.
    const stored = await t.database.db.query<{ email: string | null }>(
      'SELECT email FROM bystander_requests WHERE public_id = $1',
      [mine.items[0]!.id],
    );
    expect(stored.rows[0]!.email).toBeNull();

    // The outbox and the log: one answered entry with the outcome only — no requester, post, or owner.
    const events = await eventsAfter(t, before);
    expect(JSON.stringify(events)).not.toContain(email);
    const answeredEvent = events.find((e) => e.type === 'bystander.answered')!;
    const entry = entryOf(answeredEvent);
    expect(() => validateEntry(entry)).not.toThrow();
    expect(entry.data).toEqual({ kind: 'blur', outcome: 'declined', answeredBy: 'owner' });
    const published = JSON.stringify(entry);
    expect(published).not.toContain(post.id);
    // Filing itself never reaches the log.
    expect(events.find((e) => e.type === 'bystander.requested')!.data).toEqual({});
  });

  it('removes the post’s video when the owner answers "removed", and an answer cannot be given twice', async () => {
    const owner = await makeUser(t);
    const neighbour = await makeUser(t);
    const post = await videoPost(owner);
    await fileConfirmed(post.id, request('remove-me@example.org', { kind: 'remove' }));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;

    const answered = await owner.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, {
      outcome: 'removed',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const seen = await neighbour.raw('GET', `/api/posts/${post.id}`);
    expect(seen.json<{ media: unknown[] }>().media).toEqual([]);
    expect((await neighbour.raw('GET', `/api/media/${post.mediaId}`)).statusCode).toBe(404);
    await t.services.jobs.runDue(quiet);
    const mail = await smtp.waitFor(
      (m) => m.to.includes('remove-me@example.org') && /answered/.test(m.subject),
    );
    expect(mail.text).toContain('The video has been removed from the post.');

    const again = await owner.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, {
      outcome: 'declined',
      reason: 'Changed my mind',
    });
    expect(again.statusCode).toBe(409);
    // The post has no video now, so nobody can file about it any more.
    expect((await file(post.id, request('late@example.org'))).statusCode).toBe(404);
  });

  it('is answered only by the post’s owner: anyone else finds no such request', async () => {
    const owner = await makeUser(t);
    const other = await makeUser(t);
    const post = await videoPost(owner);
    await fileConfirmed(post.id, request('only-owner@example.org'));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;
    expect((await listOf(other, '/api/me/bystander-requests')).items).toEqual([]);
    const res = await other.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, {
      outcome: 'declined',
      reason: 'not mine to answer',
    });
    expect(res.statusCode).toBe(404);
    const anonymous = await (
      await visitor()
    ).raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, { outcome: 'removed' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('an unconfirmed request', () => {
  it('never reaches the owner, and after a day its link is dead and the address deleted', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    expect((await file(post.id, request('someone-else@example.org'))).statusCode).toBe(202);
    const token = await confirmToken('someone-else@example.org');
    clock.advance(DAY);
    expect((await confirm(token)).json<{ code: string }>().code).toBe('link_invalid');
    expect((await listOf(owner, '/api/me/bystander-requests')).items).toEqual([]);
    // The next filing sweeps it away, with the address it held.
    await file(post.id, request('next@example.org'));
    const left = await t.database.db.query('SELECT 1 FROM bystander_requests WHERE email = $1', [
      'someone-else@example.org',
    ]);
    expect(left.rows).toEqual([]);
  });
});

describe('what a bystander cannot file', () => {
  it('refuses a post without video, a hidden post and an unknown id with the same 404', async () => {
    const owner = await makeUser(t);
    const textPost = await makePost(owner, { title: 'Bins go out on Tuesday' });
    const hidden = await videoPost(owner);
    const hide = await moderator.raw('POST', `/api/moderation/posts/${hidden.id}/decisions`, {
      action: 'hide',
      reason: 'Off-topic video for this test',
    });
    expect(hide.statusCode, hide.body).toBeLessThan(300);
    const answers = await Promise.all(
      [textPost.id, hidden.id, 'po_AAAAAAAAAAAAAAAAAAAAAA'].map((id) => file(id, request('x@example.org'))),
    );
    for (const a of answers) expect(a.statusCode, a.body).toBe(404);
    expect(new Set(answers.map((a) => a.json<{ detail: string }>().detail)).size).toBe(1);
    expect((await listOf(owner, '/api/me/bystander-requests')).items).toEqual([]);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    const cases: [Record<string, unknown>, string][] = [
      [request('not-an-email'), '/body/email'],
      [request('a@example.org', { kind: 'delete' }), '/body/kind'],
      [request('a@example.org', { startSeconds: 2, endSeconds: 1 }), '/body/endSeconds'],
      // The clip is 3 s long.
      [request('a@example.org', { startSeconds: 1, endSeconds: 40 }), '/body/endSeconds'],
      [request('a@example.org', { startSeconds: 10, endSeconds: 12 }), '/body/startSeconds'],
      [request('a@example.org', { description: '   ' }), '/body/description'],
      [request('a@example.org', { ownerEmail: 'who@example.org' }), '/body'],
    ];
    for (const [body, field] of cases) {
      const res = await file(post.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      expect(
        fields.some((f) => f.startsWith(field)),
        `${field} in ${res.body}`,
      ).toBe(true);
    }
    expect((await file('42', request('a@example.org'))).statusCode).toBe(400);
    const declined = await owner.raw('POST', '/api/me/bystander-requests/by_AAAAAAAAAAAAAAAAAAAAAA/answer', {
      outcome: 'declined',
    });
    expect(declined.statusCode).toBe(400);
    expect(declined.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/body/reason');
  });
});

describe('the answer mail when the mail server refuses it', () => {
  const storedEmail = async (id: string) =>
    (
      await t.database.db.query<{ email: string | null }>(
        'SELECT email FROM bystander_requests WHERE public_id = $1',
        [id],
      )
    ).rows[0]!.email;
  const answeredMails = (to: string) =>
    smtp.messages.filter((m) => m.to.includes(to) && /answered/.test(m.subject));

  it('is retried until it goes out, once, and only then is the address deleted', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    const email = `busy-${Date.now()}@example.org`;
    await fileConfirmed(post.id, request(email));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;
    smtp.refused.add(email);
    const answered = await owner.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, {
      outcome: 'declined',
      reason: 'Only the gate is visible',
    });
    // The owner's answer stands whatever the mail server does.
    expect(answered.statusCode, answered.body).toBe(200);

    await t.services.jobs.runDue(quiet);
    expect(answeredMails(email)).toEqual([]);
    // Not sent, so still kept: deleting it now would leave the requester without their answer.
    expect(await storedEmail(item!.id)).toBe(email);

    // The mail server recovers; the job's backoff comes round.
    smtp.refused.delete(email);
    clock.advance(60_000);
    await t.services.jobs.runDue(quiet);
    const mail = await smtp.waitFor((m) => m.to.includes(email) && /answered/.test(m.subject));
    expect(mail.text).toContain('Only the gate is visible');
    expect(await storedEmail(item!.id)).toBeNull();

    // Later sweeps send nothing again.
    clock.advance(20 * 60_000);
    await t.services.jobs.runDue(quiet);
    expect(answeredMails(email)).toHaveLength(1);
  });

  it('gives up after 3 days and deletes the address unsent', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    const email = `gone-${Date.now()}@example.org`;
    await fileConfirmed(post.id, request(email));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;
    smtp.refused.add(email);
    const answered = await owner.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, {
      outcome: 'removed',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    await t.services.jobs.runDue(quiet);
    clock.advance(3 * DAY - 60_000);
    await t.services.jobs.runDue(quiet);
    expect(await storedEmail(item!.id)).toBe(email);
    clock.advance(60_000);
    await t.services.jobs.runDue(quiet);
    expect(await storedEmail(item!.id)).toBeNull();
    smtp.refused.delete(email);
    expect(answeredMails(email)).toEqual([]);
  });
});

describe('answering "blurred" with a redacted copy', () => {
  it('replaces the post’s video with the copy, which shows what was redacted; the original is gone', async () => {
    const owner = await makeUser(t);
    const neighbour = await makeUser(t);
    const post = await videoPost(owner);
    await fileConfirmed(post.id, request(`blur-${Date.now()}@example.org`));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;
    const answer = (body: Record<string, unknown>) =>
      owner.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, body);

    // "Blurred" is no longer the owner's word: the answer needs the redacted copy.
    const bare = await answer({ outcome: 'blurred' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/body/media');
    // A copy that went through no redaction step, or one that blurs and trims nothing, is refused.
    for (const media of [
      await uploadVideo(owner),
      await uploadVideo(owner, summary({ regions: { face: 0, plate: 0, manual: 0 } })),
      post.mediaId,
    ]) {
      const res = await answer({ outcome: 'blurred', media });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('/body/media');
    }
    // Nor can someone else's upload stand in.
    const stranger = await makeUser(t);
    const theirs = await uploadVideo(stranger, summary());
    expect((await answer({ outcome: 'blurred', media: theirs })).statusCode).toBe(400);
    expect(
      (await answer({ outcome: 'declined', reason: 'no', media: theirs })).json<{
        errors: { field: string }[];
      }>().errors[0]!.field,
    ).toBe('/body/reason');
    // Nothing was answered by the refusals.
    expect((await listOf(owner, '/api/me/bystander-requests')).items[0]!.answer).toBeNull();

    const copy = await uploadVideo(owner, summary({ trimmed: { start: 0.5, end: 2.5 } }));
    const done = await answer({ outcome: 'blurred', media: copy });
    expect(done.statusCode, done.body).toBe(200);
    await t.services.jobs.runDue(quiet);

    const seen = (await neighbour.raw('GET', `/api/posts/${post.id}`)).json<{
      media: { id: string; kind: string; status: string; redaction: unknown }[];
    }>();
    expect(seen.media).toHaveLength(1);
    expect(seen.media[0]).toMatchObject({
      id: copy,
      kind: 'video',
      status: 'ready',
      redaction: summary({ trimmed: { start: 0.5, end: 2.5 } }),
    });
    expect((await neighbour.raw('GET', `/api/media/${post.mediaId}`)).statusCode).toBe(404);
    expect((await neighbour.raw('GET', `/api/media/${copy}`)).statusCode).toBe(200);
  });

  it('refuses a bad redaction summary at upload with a 400 naming the field', async () => {
    const owner = await makeUser(t);
    const cases: [string, string][] = [
      ['not json', '/headers/upload-metadata/redaction'],
      [JSON.stringify(summary({ blur: 'swirl' })), '/headers/upload-metadata/redaction/blur'],
      [JSON.stringify(summary({ faces: [[1, 2, 3, 4]] })), '/headers/upload-metadata/redaction'],
    ];
    for (const [redaction, field] of cases) {
      const res = await tus(t.app, { user: owner }, 'POST', '/api/media/uploads', {
        'upload-length': String(video.length),
        'upload-metadata': encodeMetadata({ filetype: 'video/mp4', redaction }),
      });
      expect(res.statusCode, redaction).toBe(400);
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      expect(
        fields.some((f) => f.startsWith(field)),
        `${field} in ${res.body}`,
      ).toBe(true);
    }
    const photo = await tus(t.app, { user: owner }, 'POST', '/api/media/uploads', {
      'upload-length': '1000',
      'upload-metadata': encodeMetadata({ filetype: 'image/jpeg', redaction: JSON.stringify(summary()) }),
    });
    expect(photo.statusCode).toBe(400);
  });
});

describe('the owner’s account export', () => {
  it('lists the requests about their posts with the answers, never the requester’s address', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    const email = `export-${Date.now()}@example.org`;
    await fileConfirmed(post.id, request(email));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;
    const answered = await owner.raw('POST', `/api/me/bystander-requests/${item!.id}/answer`, {
      outcome: 'declined',
      reason: 'The coat is not in this clip',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    // Before the answer mail goes out the address is still stored: the export must leave it out all the same.
    const res = await owner.raw('GET', '/api/account/export');
    expect(res.statusCode).toBe(200);
    const files = await untar(res.rawPayload);
    const text = files.get('porchlight-export/account.json')!.toString();
    expect(text).not.toContain(email);
    const json = JSON.parse(text) as { bystanderRequests: Record<string, unknown>[] };
    expect(json.bystanderRequests).toHaveLength(1);
    expect(json.bystanderRequests[0]).toMatchObject({
      id: item!.id,
      post_id: post.id,
      kind: 'blur',
      start_ms: 500,
      end_ms: 2000,
      description: 'The person in the red coat walking past the gate',
      outcome: 'declined',
      reason: 'The coat is not in this clip',
      answered_by: 'owner',
    });
    for (const hidden of ['email', 'confirm_token_hash', 'public_id'])
      expect(json.bystanderRequests[0]).not.toHaveProperty(hidden);
    expect(files.get('porchlight-export/README.txt')!.toString()).toContain('bystander requests');
    // Nobody else's export holds it.
    const other = await makeUser(t);
    const theirs = await untar((await other.raw('GET', '/api/account/export')).rawPayload);
    expect(
      (JSON.parse(theirs.get('porchlight-export/account.json')!.toString()) as typeof json).bystanderRequests,
    ).toEqual([]);
    await t.services.jobs.runDue(quiet);
  });
});

describe('moderators see a request the owner left unanswered for 7 days', () => {
  it('not before: then they can decline or remove, never "blurred", and the log names the moderator', async () => {
    const owner = await makeUser(t);
    const post = await videoPost(owner);
    await fileConfirmed(post.id, request('overdue@example.org', { kind: 'remove' }));
    const [item] = (await listOf(owner, '/api/me/bystander-requests')).items;
    const overdue = () => listOf(moderator, '/api/moderation/bystander-requests');

    expect((await overdue()).items.map((r) => r.id)).not.toContain(item!.id);
    const early = await moderator.raw('POST', `/api/moderation/bystander-requests/${item!.id}/answer`, {
      outcome: 'removed',
    });
    expect(early.statusCode).toBe(403);
    expect((await owner.raw('GET', '/api/moderation/bystander-requests')).statusCode).toBe(403);

    clock.advance(7 * DAY - 60_000);
    expect((await overdue()).items.map((r) => r.id)).not.toContain(item!.id);
    clock.advance(60_000);
    const listed = await overdue();
    expect(listed.items.map((r) => r.id)).toContain(item!.id);
    expect(listed.body).not.toContain('overdue@example.org');

    const blurred = await moderator.raw('POST', `/api/moderation/bystander-requests/${item!.id}/answer`, {
      outcome: 'blurred',
    });
    expect(blurred.statusCode).toBe(400);
    const before = await lastEventId(t);
    const removed = await moderator.raw('POST', `/api/moderation/bystander-requests/${item!.id}/answer`, {
      outcome: 'removed',
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await overdue()).items.map((r) => r.id)).not.toContain(item!.id);
    await t.services.jobs.runDue(quiet);
    const mail = await smtp.waitFor(
      (m) => m.to.includes('overdue@example.org') && /answered/.test(m.subject),
    );
    expect(mail.text).toContain('A moderator answered');

    const [event] = (await eventsAfter(t, before)).filter((e) => e.type === 'bystander.answered');
    expect(entryOf(event!).data).toEqual({
      kind: 'remove',
      outcome: 'removed',
      answeredBy: 'moderator',
      moderator: moderator.id,
    });
  });
});

describe('filing is rate-limited per client, like sign-in', () => {
  it('answers 429 once the limit is reached', async () => {
    const limited = await startTestApp({ env: { AUTH_RATE_LIMIT: '2' } });
    try {
      const v = await new TestUser(limited.app).begin();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (
            await v.raw(
              'POST',
              '/api/posts/po_AAAAAAAAAAAAAAAAAAAAAA/bystander-requests',
              request('r@example.org'),
            )
          ).statusCode,
        );
      expect(statuses).toEqual([404, 404, 429]);
    } finally {
      await limited.close();
    }
  }, 120_000);
});
