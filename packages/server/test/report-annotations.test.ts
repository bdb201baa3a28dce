import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateRole } from '../src/modules/users/users.repository.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestUser } from './support/client.js';
import { makeAgency, requestWorld } from './support/disclosures.js';
import { lastEventId, makeUser } from './support/factories.js';
import { publishPolicy } from './support/policies.js';
import { LOG_ORIGIN } from './support/transparency.js';

/*
 * What a person must write into an agency's annual surveillance report (breaches by an admin; effectiveness,
 * cost and requested policy changes by the agency) is a logged `report.annotated` entry with the author's role
 * and time, never the person: only the right role of the right, active agency may write it, and the report
 * shows every one in its section, the latest first.
 */

interface Annotation {
  section: string;
  text: string;
  author: string;
  time: string;
}
interface Report {
  sections: { id: string; text: string[]; annotations: Annotation[] }[];
}

let t: TestApp;
let admin: TestUser;
let member: TestUser;
let otherMember: TestUser;
let agencyId: number;
let otherAgencyId: number;
const year = new Date().toISOString().slice(0, 4);

const annotate = (user: TestUser, body: unknown, agency = agencyId, y = year) =>
  user.raw('POST', `/api/dashboard/agencies/${agency}/report/${y}/annotations`, body);

async function report(agency = agencyId): Promise<Report> {
  const res = await t.app.inject({ method: 'GET', url: `/api/dashboard/agencies/${agency}/report/${year}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Report>();
}
const section = (r: Report, id: string) => r.sections.find((s) => s.id === id)!;

async function loggedAnnotations(): Promise<{ time: string; data: Record<string, unknown> }[]> {
  const res = await t.database.db.query<{ data: Uint8Array }>(
    "SELECT data FROM log_entries WHERE type = 'report.annotated' ORDER BY index",
  );
  return res.rows.map((r) => JSON.parse(Buffer.from(r.data).toString('utf8')) as never);
}

beforeAll(async () => {
  t = await startTestApp({ env: { PORCHLIGHT_LOG_ORIGIN: LOG_ORIGIN } });
  const world = await requestWorld(t, new Date(), { members: 1 });
  ({ admin, agencyId } = world);
  member = world.members[0]!;
  const jurisdiction = `jo${Math.random().toString(36).slice(2, 8)}`;
  await publishPolicy(admin, jurisdiction);
  const other = await makeAgency(t, admin, jurisdiction, 1);
  otherAgencyId = other.agencyId;
  otherMember = other.members[0]!;
  await t.services.transparency.sequenceNow();
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('annual report annotations', () => {
  it('logs what the agency and an admin write with role and time only, and the report shows it latest first', async () => {
    const before = await report();
    expect(section(before, 'cost').annotations).toEqual([]);
    expect(section(before, 'cost').text).toContain(`Nothing was entered for ${year}.`);

    for (const [user, body] of [
      [member, { section: 'cost', text: 'About 40 hours of staff time.' }],
      [member, { section: 'effectiveness', text: 'Two cases closed with shared footage.' }],
      [admin, { section: 'breaches', text: 'No unauthorised access was found.' }],
      [member, { section: 'cost', text: '  Corrected: about 55 hours of staff time.  ' }],
      [member, { section: 'policy_changes', text: 'Allow 72-hour windows for arson.' }],
    ] as const) {
      const res = await annotate(user, body);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ agencyId, year, section: body.section, text: body.text.trim() });
    }
    // Not yet in a checkpoint: the report counts only what the log covers.
    expect(section(await report(), 'cost').annotations).toEqual([]);
    await t.services.transparency.sequenceNow();

    const after = await report();
    const cost = section(after, 'cost').annotations;
    expect(cost.map((a) => [a.text, a.author])).toEqual([
      ['Corrected: about 55 hours of staff time.', 'agency'],
      ['About 40 hours of staff time.', 'agency'],
    ]);
    expect(cost[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(section(after, 'breaches').annotations).toMatchObject([
      { text: 'No unauthorised access was found.', author: 'admin' },
    ]);
    expect(section(after, 'policy_changes').annotations).toHaveLength(1);
    expect(section(after, 'effectiveness').annotations).toHaveLength(1);
    // Another agency's report is not touched.
    expect(section(await report(otherAgencyId), 'cost').annotations).toEqual([]);

    // The log holds exactly these fields: the role, never the member's or admin's account.
    const logged = await loggedAnnotations();
    expect(logged).toHaveLength(5);
    for (const e of logged)
      expect(Object.keys(e.data).sort()).toEqual(['agency', 'author', 'section', 'text', 'year']);
    expect(logged[2]!.data).toEqual({
      agency: agencyId,
      year,
      section: 'breaches',
      text: 'No unauthorised access was found.',
      author: 'admin',
    });
    expect(logged.map((e) => e.time)).toContain(cost[0]!.time);
  });

  it('lets only the right role of the right agency write, and logs nothing otherwise', async () => {
    const resident = await makeUser(t);
    const nobody = await new TestUser(t.app).begin();
    const mark = await lastEventId(t);
    for (const [user, body, agency, status, code] of [
      [nobody, { section: 'cost', text: 'x' }, agencyId, 401, 'unauthenticated'],
      [resident, { section: 'cost', text: 'x' }, agencyId, 403, 'forbidden'],
      [resident, { section: 'breaches', text: 'x' }, agencyId, 403, 'forbidden'],
      // Breaches are the operator's to declare, the agency's own account is not.
      [member, { section: 'breaches', text: 'None' }, agencyId, 403, 'forbidden'],
      [admin, { section: 'cost', text: 'x' }, agencyId, 403, 'forbidden'],
      [otherMember, { section: 'cost', text: 'x' }, agencyId, 403, 'forbidden'],
      [admin, { section: 'breaches', text: 'x' }, 999_999, 404, 'not_found'],
    ] as const) {
      const res = await annotate(user, body, agency);
      expect(res.statusCode, `${user.id} ${body.section}: ${res.body}`).toBe(status);
      expect(res.json<{ code: string }>().code).toBe(code);
    }
    expect(await lastEventId(t)).toBe(mark);
  });

  it('refuses a member of a suspended agency and one without a second factor', async () => {
    const unfactored = await makeUser(t, { home: null });
    await updateRole(t.database.db, unfactored.id, 'agency');
    const link = await admin.raw('PUT', `/api/admin/agencies/${otherAgencyId}/members/${unfactored.id}`);
    expect(link.statusCode, link.body).toBe(200);
    const noFactor = await annotate(unfactored, { section: 'cost', text: 'x' }, otherAgencyId);
    expect(noFactor.statusCode, noFactor.body).toBe(403);
    expect(noFactor.json<{ code: string }>().code).toBe('second_factor_required');

    const ok = await annotate(otherMember, { section: 'cost', text: 'Before suspension.' }, otherAgencyId);
    expect(ok.statusCode, ok.body).toBe(201);
    const suspend = await admin.raw('POST', `/api/admin/agencies/${otherAgencyId}/suspend`, {
      reason: 'Under review',
    });
    expect(suspend.statusCode, suspend.body).toBe(200);
    const refused = await annotate(
      otherMember,
      { section: 'cost', text: 'After suspension.' },
      otherAgencyId,
    );
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json<{ code: string }>().code).toBe('agency_suspended');
  });

  it('answers bad input with 400 naming the field, and logs nothing', async () => {
    const mark = await lastEventId(t);
    const next = String(Number(year) + 1);
    for (const [body, y, field] of [
      [{ section: 'budget', text: 'x' }, year, '/body/section'],
      [{ section: 'cost' }, year, '/body/text'],
      [{ section: 'cost', text: '' }, year, '/body/text'],
      [{ section: 'cost', text: '   \n ' }, year, '/body/text'],
      [{ section: 'cost', text: 'x'.repeat(2001) }, year, '/body/text'],
      // 2000 characters, but 4000 UTF-16 code units: longer than a log entry holds.
      [{ section: 'cost', text: '😀'.repeat(2000) }, year, '/body/text'],
      [{ section: 'cost', text: 'x', author: 'Chief Smith' }, year, '/body/author'],
      [{ section: 'cost', text: 'x' }, '26', '/params/year'],
      [{ section: 'cost', text: 'x' }, next, '/params/year'],
    ] as const) {
      const res = await annotate(member, body, agencyId, y);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 60)} ${y}: ${res.body}`).toBe(400);
      const problem = res.json<{ errors?: { field: string }[] }>();
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await lastEventId(t)).toBe(mark);
  });
});
