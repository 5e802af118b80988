import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE } from '../../src/core/reporting/export-types.ts';
import { now } from '../../src/db/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { INJECTION, csvObjects, parseCsv, reportingFixture, xmlProblem, type ReportingFixture } from './reporting-fixture.ts';

let t: TestApp;
let a: { clientId: number; token: string; userId: number };
let fx: ReportingFixture;
beforeAll(async () => {
  t = await createTestApp({ DECOY_API_RATE_LIMIT: '100000000' });
  a = await t.tenant('Exporting client');
  fx = await reportingFixture(t, a);
}, 120_000);
afterAll(async () => {
  await t?.core.exports.idle();
  await t?.close();
});

interface Generated {
  export: Record<string, any>;
  body: string;
  headers: Record<string, unknown>;
}

/** Generates an export, waits until the background job has written it, and downloads it. */
async function generate(body: Record<string, unknown>, token = a.token): Promise<Generated> {
  const res = await t.call('POST', '/api/export/generate', { token, body });
  expect(res.statusCode, res.body).toBe(200);
  const created = res.json().export;
  expect(created).toMatchObject({ type: body.type, status: 10, extension: body.extension ?? 'csv' });
  expect(Object.keys(created)).toEqual(expect.arrayContaining(['name', 'type', 'extension', 'status', 'created_at', 'id', 'filter']));
  await t.core.exports.idle();
  const got = await t.call('GET', `/api/export/${created.id}`, { token });
  expect(got.statusCode).toBe(200);
  const e = got.json().export;
  expect(e.status, e.error).toBe(20);
  // The stored file (people's names, addresses, results) and its directory are this user's only.
  const stored = path.join(t.config.dataDir, 'exports', `${e.id}.${e.extension}`);
  expect(statSync(stored).mode & 0o777).toBe(0o600);
  expect(statSync(path.dirname(stored)).mode & 0o777).toBe(0o700);
  const file = await t.call('GET', `/api/export/download/${e.id}`, { token });
  expect(file.statusCode, file.body).toBe(200);
  return { export: e, body: file.body, headers: file.headers };
}

const csv = async (type: number, extra: Record<string, unknown> = {}) => csvObjects((await generate({ type, campaign_id: fx.campaignId, ...extra })).body);
const emails = (rows: Record<string, string>[]) => rows.map((r) => r.email.split('@')[0]).sort();

describe('campaign victims (types 10-22)', () => {
  it('type 10 lists every victim as CSV, with spreadsheet formulas neutralised, as a download', async () => {
    const g = await generate({ name: 'All of them', type: 10, campaign_id: fx.campaignId });
    expect(g.export).toMatchObject({ name: 'All of them', filter: `campaign_id=${fx.campaignId}`, rows: 5 });
    expect(g.export.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(g.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(g.headers['content-disposition']).toMatch(/^attachment; filename="All of them\.csv"/);
    expect(g.headers['x-content-type-options']).toBe('nosniff');
    const rows = parseCsv(g.body);
    expect(rows[0]).toEqual([
      'victim_id', 'email', 'name', 'firstname', 'lastname', 'division', 'location', 'staff_type', 'scenario', 'submitted_at', 'opened_at', 'clicked_at', 'succeeded_at',
      'reported_at', 'awareness_submitted_at', 'awareness_opened_at', 'trained_at', 'clicks', 'vulnerable', 'os', 'browser', 'ip', 'country', 'error_text',
    ]);
    const objects = csvObjects(g.body);
    expect(emails(objects)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    const carol = objects.find((r) => r.email.startsWith('carol'))!;
    // The formula is shown as typed, never run: a leading single quote.
    expect(carol.name).toBe(`'${INJECTION}`);
    expect(g.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const alice = objects.find((r) => r.email.startsWith('alice'))!;
    expect(alice).toMatchObject({ scenario: 'Parcel notice', division: 'Finance', clicked_at: '2030-01-02T09:06:00Z', succeeded_at: '2030-01-02T09:07:00Z', os: 'Windows 10', country: 'CH' });
    expect(objects.find((r) => r.email.startsWith('dave'))!.name).toBe('Dave <b>Doe</b>');
  });

  it('types 11-21 filter the victims by what happened to them', async () => {
    expect(emails(await csv(11))).toEqual(['alice']);
    expect(emails(await csv(12))).toEqual(['bob', 'carol', 'dave', 'erin']);
    expect(emails(await csv(13))).toEqual(['alice', 'dave']);
    expect(emails(await csv(14))).toEqual(['dave']);
    expect(emails(await csv(15))).toEqual(['alice', 'bob', 'dave']);
    expect(emails(await csv(16))).toEqual(['erin']);
    expect(emails(await csv(17))).toEqual(['dave']);
    // A scanner's download (erin) is not a person downloading the file.
    expect(emails(await csv(20))).toEqual(['dave']);
    expect(emails(await csv(21))).toEqual(['dave']);
  });

  it('type 22 adds the recipient group of each victim', async () => {
    const rows = await csv(22);
    expect(rows).toHaveLength(5);
    const groups = Object.fromEntries(rows.map((r) => [r.email.split('@')[0], r.recipient_group]));
    expect(groups).toEqual({ alice: 'Group 1', bob: 'Group 1', carol: 'Group 2', dave: 'Group 2', erin: 'Group 2' });
  });
});

describe('tracking events (types 30-50)', () => {
  it('type 40 lists every visit with its verdict and reasons; 41 the attack, 42 the awareness', async () => {
    const all = await csv(40);
    expect(all).toHaveLength(10);
    const scanner = all.find((r) => r.verdict === 'automated' && r.type === 'click')!;
    expect(scanner).toMatchObject({ email: 'alice@example-corp.test', reasons: 'scanner user agent; known scanner range', user_agent: 'Proofpoint URL Defense' });
    expect(all.filter((r) => r.verdict === 'human')).toHaveLength(8);
    const attack = await csv(41);
    expect(attack.map((r) => r.type).sort()).toEqual(['click', 'click', 'click', 'download', 'download', 'open', 'report', 'submit']);
    const awareness = await csv(42);
    expect(awareness.map((r) => r.type).sort()).toEqual(['awareness_complete', 'awareness_open']);
  });

  it('type 30 lists the collected data as stored (masked), never secrets', async () => {
    const g = await generate({ type: 30, campaign_id: fx.campaignId });
    expect(g.body).not.toContain('SHOULD-NOT-APPEAR');
    const rows = csvObjects(g.body);
    expect(rows).toEqual([
      expect.objectContaining({ email: 'alice@example-corp.test', field: 'username', value: 'a***@e***.test', valid: 'yes', password_entered: 'yes', verdict: 'human' }),
    ]);
  });

  it('type 50 lists the quiz answers', async () => {
    expect(await csv(50)).toEqual([expect.objectContaining({ email: 'dave@example-corp.test', score: '80', answers: '1: b; 2: a; 3: c' })]);
  });
});

describe('campaign figures (types 60-210)', () => {
  it('type 60 is the schedule plan, 210 the mail and web results', async () => {
    const plan = await csv(60);
    expect(plan).toHaveLength(5);
    expect(plan.every((r) => r.state === 'sent' && r.submitted_at === '2030-01-02T09:00:00Z')).toBe(true);
    const results = await csv(210);
    expect(results.find((r) => r.email.startsWith('alice'))).toMatchObject({ clicks: '2', submits: '1', ip: '203.0.113.5', error: 'no' });
  });

  it('type 121 lists the scenarios with their figures; 80 compares campaigns; 90 benchmarks', async () => {
    const scenarios = await csv(121);
    expect(scenarios).toEqual([
      expect.objectContaining({ scenario_id: String(fx.scenarioId), name: 'Parcel notice', victims: '5', submitted: '5', clicked: '2', succeeded: '1', reported: '1', automated_hits: '2', click_rate: '40' }),
    ]);
    const comparisons = await csv(80);
    expect(comparisons.find((r) => r.this_campaign === 'yes')).toMatchObject({ campaign_id: String(fx.campaignId), victims: '5', success_rate: '20' });
    const benchmarks = await csv(90);
    expect(benchmarks.map((r) => r.metric)).toEqual(['open_rate', 'click_rate', 'success_rate', 'report_rate', 'training_rate', 'error_rate']);
    expect(benchmarks.find((r) => r.metric === 'click_rate')).toMatchObject({ campaign: '40', campaigns_compared: '0', client_other_campaigns: '' });
  });
});

describe('recipients and common data', () => {
  it('type 300 exports the recipients of a group; the group is required', async () => {
    const rows = csvObjects((await generate({ type: 300, group_id: fx.groupIds[1] })).body);
    expect(emails(rows)).toEqual(['carol', 'dave', 'erin']);
    expect(rows.find((r) => r.email.startsWith('carol'))!.name).toBe(`'${INJECTION}`);
    const res = await t.call('POST', '/api/export/generate', { token: a.token, body: { type: 300 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^group_id: is required/);
  });

  it('common data (70, 100, 110, 120, 500, 600) covers the caller\'s client only', async () => {
    const other = await t.tenant('Someone else');
    await t.call('PUT', '/api/campaigns', { token: other.token, body: { name: 'Not yours', client_id: other.clientId } });
    await t.user(a.clientId, 'enduser');

    const clients = csvObjects((await generate({ type: 100 })).body);
    expect(clients.map((c) => c.name)).toEqual(['Exporting client']);
    const campaigns = csvObjects((await generate({ type: 110 })).body);
    expect(campaigns.map((c) => c.name)).toEqual(['Quarterly test']);
    expect(campaigns[0]).toMatchObject({ victims: '5', clicked: '2' });
    const scenarios = csvObjects((await generate({ type: 120 })).body);
    expect(scenarios).toEqual([expect.objectContaining({ name: 'Parcel notice', campaign: 'Quarterly test', victims: '5' })]);
    const log = csvObjects((await generate({ type: 70 })).body);
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((e) => e.client_id === String(a.clientId))).toBe(true);
    expect(log.map((e) => e.campaign)).not.toContain('Not yours');
    const endusers = csvObjects((await generate({ type: 500 })).body);
    expect(endusers).toHaveLength(1);
    expect(endusers[0].client_id).toBe(String(a.clientId));
    const people = csvObjects((await generate({ type: 600 })).body);
    expect(emails(people)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(people.find((p) => p.email.startsWith('alice'))).toMatchObject({ campaigns: '1', messages: '1', clicked: '1', succeeded: '1', recipient_group: 'Group 1' });
    expect(people.find((p) => p.email.startsWith('carol'))).toMatchObject({ reported: '1', name: `'${INJECTION}` });

    // A super admin without a client sees every client; the export then belongs to no client.
    const all = await generate({ type: 100 }, t.rootToken);
    expect(csvObjects(all.body).map((c) => c.name)).toEqual(expect.arrayContaining(['Exporting client', 'Someone else']));
    expect((await t.call('GET', `/api/export/${all.export.id}`, { token: a.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/export/download/${all.export.id}`, { token: other.token })).statusCode).toBe(404);
  });
});

describe('XML', () => {
  it('is well-formed, with every value escaped and kept as typed', async () => {
    const g = await generate({ type: 10, campaign_id: fx.campaignId, extension: 'xml', name: 'Victims <&> "all"' });
    expect(g.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(g.headers['content-disposition']).toMatch(/^attachment; filename="Victims _ _all_\.xml"; filename\*=UTF-8''Victims%20%3C%26%3E%20%22all%22\.xml$/);
    expect(xmlProblem(g.body)).toBeNull();
    expect(g.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    expect(g.body.match(/<row>/g)).toHaveLength(5);
    expect(g.body).toContain('<name>Dave &lt;b&gt;Doe&lt;/b&gt;</name>');
    expect(g.body).toContain('<name>=HYPERLINK(&quot;http://x&quot;)</name>');
    expect(g.body).toContain('name="Victims &lt;&amp;&gt; &quot;all&quot;"');
    const events = await generate({ type: 40, campaign_id: fx.campaignId, extension: 'xml' });
    expect(xmlProblem(events.body)).toBeNull();
    expect(events.body.match(/<row>/g)).toHaveLength(10);
  });

  it('checks well-formedness strictly (the checker itself)', () => {
    expect(xmlProblem('<a><b>x</a>')).not.toBeNull();
    expect(xmlProblem('<a>x & y</a>')).not.toBeNull();
    expect(xmlProblem('<a/><b/>')).not.toBeNull();
    expect(xmlProblem('<?xml version="1.0"?>\n<a k="v"><b>x &amp; y</b><c/></a>\n')).toBeNull();
  });
});

describe('large campaigns', () => {
  it('are written page by page, every victim exactly once', async () => {
    const b = await t.tenant('Big client');
    const big = await reportingFixture(t, b);
    const db = t.core.database.db;
    const extra = PAGE * 2 + 17;
    const stamp = now();
    for (let i = 0; i < extra; i += 500) {
      const values = [];
      for (let j = i; j < Math.min(extra, i + 500); j++) {
        values.push({
          client_id: b.clientId, campaign_id: big.campaignId, scenario_id: big.scenarioId, email: `p${j}@big.test`, name: j % 1000 === 0 ? `@SUM(A1:A${j})` : `Person ${j}`,
          firstname: '', lastname: '', phone: '', staff_type: '', location: '', division: '', comment: '', link: '', gender: '', custom_fields: '[]',
          os: '', browser: '', ip: '', proxy_ip: '', country: '', plugins: '', error_text: '', error_type: '', attempts: 0, lure_attempts: 0,
          awareness_attempts: 0, error: 0, clicks: 0, opens: 0, submits: 0, vulnerable: 0, created_at: stamp, updated_at: stamp,
        });
      }
      await db.insertInto('victims').values(values as never).execute();
    }
    const g = await generate({ type: 10, campaign_id: big.campaignId }, b.token);
    const rows = csvObjects(g.body);
    expect(rows).toHaveLength(extra + 5);
    expect(new Set(rows.map((r) => r.victim_id)).size).toBe(extra + 5);
    expect(g.export.rows).toBe(extra + 5);
    expect(rows.filter((r) => r.name.startsWith("'@SUM("))).toHaveLength(Math.ceil(extra / 1000));
    expect(rows.some((r) => r.name.startsWith('@'))).toBe(false);
  });
});

describe('bad requests and other tenants', () => {
  const post = (body: unknown, token = a.token) => t.call('POST', '/api/export/generate', { token, body });

  it('names the problem: type, missing ids, extension, unsupported types', async () => {
    let res = await post({ type: 99, campaign_id: fx.campaignId });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^type: must be one of 10, 11/);
    res = await post({ type: '10', campaign_id: fx.campaignId });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^type: /);
    res = await post({ campaign_id: fx.campaignId });
    expect(res.json().error.message).toBe('type: is required');
    res = await post({ type: 10 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('campaign_id: is required for type 10 (All Victims)');
    res = await post({ type: 40, group_id: fx.groupIds[0] });
    expect(res.json().error.message).toMatch(/^campaign_id: is required for type 40/);
    res = await post({ type: 10, campaign_id: fx.campaignId, extension: 'pdf' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^extension: must be one of csv, xml/);
    res = await post({ type: 10, campaign_id: 0 });
    expect(res.json().error.message).toMatch(/^campaign_id: /);
    for (const [type, message] of [
      [200, 'type 200: SCORM packages are not supported'],
      [201, 'type 201: SCORM packages are not supported'],
      [400, 'type 400: SAML links are not supported (Decoy has no SAML sign-in)'],
    ] as const) {
      res = await post({ type, awareness_id: 1, template_id: 1, language_id: 1, role_group: 'admin' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toEqual({ code: 'validation_failed', message });
    }
    res = await post({ type: 10, campaign_id: 999999 });
    expect(res.statusCode).toBe(404);
  });

  it('another tenant\'s campaign, group or export is 404', async () => {
    const other = await t.tenant('Other exporter');
    expect((await post({ type: 10, campaign_id: fx.campaignId }, other.token)).statusCode).toBe(404);
    expect((await post({ type: 300, group_id: fx.groupIds[0] }, other.token)).statusCode).toBe(404);
    const mine = await generate({ type: 10, campaign_id: fx.campaignId });
    for (const url of [`/api/export/${mine.export.id}`, `/api/export/download/${mine.export.id}`]) {
      const res = await t.call('GET', url, { token: other.token });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await t.call('DELETE', `/api/export/${mine.export.id}`, { token: other.token })).statusCode).toBe(404);
    const list = (await t.call('GET', '/api/exports?limit=1000', { token: other.token })).json().exports;
    expect(list).toEqual([]);
    const acting = await t.call('GET', `/api/export/${mine.export.id}`, { token: t.rootToken, headers: { 'x-decoy-client': String(other.clientId) } });
    expect(acting.statusCode).toBe(404);
  });

  it('view users read and download exports but do not generate them', async () => {
    const viewer = await t.user(a.clientId, 'view');
    const res = await post({ type: 10, campaign_id: fx.campaignId }, viewer.token);
    expect(res.statusCode).toBe(403);
    const mine = await generate({ type: 13, campaign_id: fx.campaignId });
    expect((await t.call('GET', `/api/export/${mine.export.id}`, { token: viewer.token })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/export/download/${mine.export.id}`, { token: viewer.token })).statusCode).toBe(200);
    expect((await t.call('DELETE', `/api/export/${mine.export.id}`, { token: viewer.token })).statusCode).toBe(403);
  });
});

describe('status, listing and removal', () => {
  const insert = async (values: Record<string, unknown>) =>
    (
      await t.core.database.db
        .insertInto('exports')
        .values({ client_id: a.clientId, created_by: a.userId, name: 'Pending', type: 10, extension: 'csv', status: 10, filter: '', params: '{}', file: '', row_count: 0, size: 0, error: '', created_at: now(), updated_at: now(), finished_at: null, ...values })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  it('answers 409 while an export is processing, and shows one abandoned by a dead process as failed', async () => {
    const pending = await insert({});
    let res = await t.call('GET', `/api/export/download/${pending}`, { token: a.token });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'conflict', message: `export ${pending} is still being generated (status 10); download it once its status is 20` });
    expect((await t.call('GET', `/api/export/${pending}`, { token: a.token })).json().export.status).toBe(10);

    const old = new Date(Date.now() - 60 * 60_000).toISOString();
    const abandoned = await insert({ created_at: old, updated_at: old });
    const got = (await t.call('GET', `/api/export/${abandoned}`, { token: a.token })).json().export;
    expect(got.status).toBe(100);
    expect(got.error).toMatch(/interrupted/);
    res = await t.call('GET', `/api/export/download/${abandoned}`, { token: a.token });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/failed/);
  });

  it('lists the client\'s exports with sort, offset and limit, and deletes one with its file', async () => {
    const g = await generate({ type: 15, campaign_id: fx.campaignId, name: 'To delete' });
    const list = await t.call('GET', '/api/exports?sort=-id&limit=2', { token: a.token });
    expect(list.statusCode).toBe(200);
    expect(list.json().exports).toHaveLength(2);
    expect(list.json().exports[0].id).toBeGreaterThan(list.json().exports[1].id);
    expect((await t.call('GET', '/api/exports?sort=nope', { token: a.token })).statusCode).toBe(400);
    const file = path.join(t.config.dataDir, 'exports', `${g.export.id}.csv`);
    expect(existsSync(file)).toBe(true);
    expect((await t.call('DELETE', `/api/export/${g.export.id}`, { token: a.token })).statusCode).toBe(204);
    expect(existsSync(file)).toBe(false);
    expect((await t.call('GET', `/api/export/${g.export.id}`, { token: a.token })).statusCode).toBe(404);
  });
});
