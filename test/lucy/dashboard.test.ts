/**
 * The web app's API extensions: GET /api/dashboard, the SMTP relay settings with a test
 * message, and the recipient import dry run. Real tracking hits, a real SMTP sink.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { now } from '../../src/db/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { BROWSER_UA, SCANNER_UA, trackingFixture, trackingServer, type Fixture } from '../tracking-factories.ts';

let t: TestApp;
let srv: FastifyInstance;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
let viewA: Awaited<ReturnType<TestApp['user']>>;
let running: Fixture;
let finished: Fixture;
let other: Fixture;
const EVIL = '<img src=x onerror=alert(1)>';

const hit = (url: string, ua = BROWSER_UA) => srv.inject({ method: 'GET', url, headers: { 'user-agent': ua } });

beforeAll(async () => {
  t = await createTestApp();
  srv = await trackingServer(t);
  a = await t.tenant('Dashboard A');
  b = await t.tenant('Dashboard B');
  viewA = await t.user(a.clientId, 'view');
  const db = t.core.database.db;

  // A finished campaign in which person 0 fell for it, then a running one in which the same
  // address falls for it again (and a scanner follows another link).
  finished = await trackingFixture(t, { clientId: a.clientId, successAction: 'click', victims: 3 });
  running = await trackingFixture(t, { clientId: a.clientId, successAction: 'click', victims: 4 });
  const repeat = 'repeat.offender@corp.example';
  await db.updateTable('victims').set({ email: repeat, name: EVIL }).where('id', 'in', [finished.victimIds[0], running.victimIds[0]]).execute();
  expect((await hit(`/l/${finished.tokens[0]}`)).statusCode).toBe(200);
  await db.updateTable('campaigns').set({ status: 'stopped', stopped_at: now() }).where('id', '=', finished.campaignId).execute();
  await db.updateTable('campaigns').set({ name: `Running ${EVIL}` }).where('id', '=', running.campaignId).execute();
  expect((await hit(`/o/${running.tokens[0]}.gif`)).statusCode).toBe(200);
  expect((await hit(`/l/${running.tokens[0]}`)).statusCode).toBe(200);
  expect((await hit(`/l/${running.tokens[1]}`)).statusCode).toBe(200);
  await hit(`/l/${running.tokens[2]}`, SCANNER_UA);

  // Another client's campaign with a click: never on A's dashboard.
  other = await trackingFixture(t, { clientId: b.clientId, successAction: 'click', victims: 2 });
  expect((await hit(`/l/${other.tokens[0]}`)).statusCode).toBe(200);

  // Training: two enrollments (one passed), two assignees of an assignment that is past due (one completed).
  const ts = now();
  const path = await db.insertInto('paths').values({ client_id: a.clientId, name: 'Basics', created_at: ts, updated_at: ts } as never).returning('id').executeTakeFirstOrThrow();
  const learners = await db
    .insertInto('learners')
    .values([1, 2].map((i) => ({ client_id: a.clientId, email: `learner${i}@corp.example`, created_at: ts, updated_at: ts }) as never))
    .returning('id')
    .execute();
  await db
    .insertInto('enrollments')
    .values(learners.map((l, i) => ({ client_id: a.clientId, learner_id: l.id, path_id: path.id, status: i === 0 ? 'passed' : 'in_progress', created_at: ts, updated_at: ts }) as never))
    .execute();
  const assignment = await db
    .insertInto('assignments')
    .values({ client_id: a.clientId, name: 'Q4', due_date: '2020-01-31T00:00:00.000Z', created_at: ts, updated_at: ts } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('assignment_learners')
    .values(
      learners.map((l, i) => ({ client_id: a.clientId, assignment_id: assignment.id, learner_id: l.id, status: i === 0 ? 'completed' : 'assigned', created_at: ts, updated_at: ts }) as never),
    )
    .execute();
});

afterAll(async () => {
  await srv?.close();
  await t?.close();
});

describe('GET /api/dashboard', () => {
  it("shows the client's running campaign with its funnel from the counters", async () => {
    const res = await t.call('GET', '/api/dashboard', { token: a.token });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json().dashboard;
    expect(d.running_count).toBe(1);
    expect(d.running).toHaveLength(1);
    expect(d.running[0]).toMatchObject({ id: running.campaignId, name: `Running ${EVIL}`, status: 'running' });
    expect(d.running[0].funnel).toEqual({ victims: 4, sent: 4, opened: 2, clicked: 2, succeeded: 2, reported: 0, trained: 0 });
    expect(d.finished.map((c: { id: number }) => c.id)).toEqual([finished.campaignId]);
    expect(d.finished[0].funnel).toMatchObject({ victims: 3, clicked: 1, succeeded: 1 });
    expect(d.running[0].links).toContainEqual({ rel: 'self', href: `/api/campaigns/${running.campaignId}` });
      });

  it('lists recent human activity, newest first, without the scanner', async () => {
    const d = (await t.call('GET', '/api/dashboard', { token: a.token })).json().dashboard;
    const hits = d.activity.filter((x: { kind: string }) => x.kind === 'hit');
    const victims = hits.map((x: { victim_id: number }) => x.victim_id);
    expect(victims).toContain(running.victimIds[0]);
    expect(victims).toContain(running.victimIds[1]);
    expect(victims).toContain(finished.victimIds[0]);
    expect(victims).not.toContain(running.victimIds[2]);
    expect(victims).not.toContain(other.victimIds[0]);
    const opened = hits.find((x: { type: string }) => x.type === 'open');
    expect(opened).toMatchObject({ campaign_id: running.campaignId, email: 'repeat.offender@corp.example', name: EVIL });
    const times = d.activity.map((x: { time: string }) => x.time);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('names the people who fail most often, across campaigns', async () => {
    const d = (await t.call('GET', '/api/dashboard', { token: a.token })).json().dashboard;
    expect(d.repeat_failers[0]).toMatchObject({ client_id: a.clientId, email: 'repeat.offender@corp.example', name: EVIL, failures: 2 });
    const second = await t.core.database.db.selectFrom('victims').select('email').where('id', '=', running.victimIds[1]).executeTakeFirstOrThrow();
    expect(d.repeat_failers[1].email).toBe(second.email);
    expect(d.repeat_failers).toHaveLength(2);
    expect(d.repeat_failers[1].failures).toBe(1);
  });

  it('counts failures from the partial index of succeeded victims, never the whole table', async () => {
    const db = t.core.database.db;
    const compiled = t.core.dashboard.repeatFailersQuery(a.clientId).compile();
    const literal = compiled.sql.replace(/\$\d+|\?/g, () => String(a.clientId)).replace(/limit \S+/i, 'limit 10');
    const pg = t.core.database.dialect === 'postgres';
    const plan = await sql.raw(`${pg ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${literal}`).execute(db);
    const text = JSON.stringify(plan.rows);
    expect(text).toContain('victims_succeeded');
  });

  it('counts training completion, with overdue assignments', async () => {
    const d = (await t.call('GET', '/api/dashboard', { token: a.token })).json().dashboard;
    expect(d.training.enrollments).toEqual({ total: 2, not_started: 0, in_progress: 1, passed: 1, paused: 0 });
    expect(d.training.assignments).toEqual({ total: 2, completed: 1, in_progress: 0, assigned: 1, overdue: 1 });
  });

  it("keeps each client's dashboard to itself; a super admin sees every client or the one acted in", async () => {
    const other_ = (await t.call('GET', '/api/dashboard', { token: b.token })).json().dashboard;
    expect(other_.running.map((c: { id: number }) => c.id)).toEqual([other.campaignId]);
    expect(other_.repeat_failers.map((f: { client_id: number }) => f.client_id)).toEqual([b.clientId]);
    expect(other_.training.enrollments.total).toBe(0);
    const all = (await t.call('GET', '/api/dashboard', { token: t.rootToken })).json().dashboard;
    expect(all.running_count).toBe(2);
    const actingB = (await t.call('GET', '/api/dashboard', { token: t.rootToken, headers: { 'x-decoy-client': String(b.clientId) } })).json().dashboard;
    expect(actingB.running.map((c: { id: number }) => c.id)).toEqual([other.campaignId]);
  });

  it('is readable by a view user and refused without credentials', async () => {
    expect((await t.call('GET', '/api/dashboard', { token: viewA.token })).statusCode).toBe(200);
    const anon = await t.call('GET', '/api/dashboard');
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('not_authenticated');
  });
});

describe('POST /api/recipient-groups/:id/recipients/check', () => {
  let groupId: number;
  beforeAll(async () => {
    const g = await t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Import target', usb_attack: false } });
    expect(g.statusCode, g.body).toBe(200);
    groupId = g.json().recipient_group.id;
    const r = await t.call('PUT', `/api/recipient-groups/${groupId}/recipients`, { token: a.token, body: [{ name: 'Already Here', email: 'here@corp.example' }] });
    expect(r.statusCode, r.body).toBe(200);
  });

  it('lists every bad row with its field and reason, and writes nothing', async () => {
    const rows = [
      { name: 'Good One', email: 'good1@corp.example' },
      { name: 'No Address', email: 'not-an-address' },
      { email: 'noname@corp.example' },
      { name: 'Good Two', email: 'GOOD1@corp.example' },
      { name: 'Here Again', email: 'here@corp.example' },
      { name: 'Wrong Language', email: 'lang@corp.example', language_id: 999999 },
      'not an object',
      { name: EVIL, email: 'evil@corp.example' },
    ];
    const res = await t.call('POST', `/api/recipient-groups/${groupId}/recipients/check`, { token: a.token, body: { recipients: rows } });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json().import_check;
    expect(c).toMatchObject({ rows: 8, valid: 2, invalid: 6 });
    expect(c.problems.map((p: { row: number; field: string | null }) => [p.row, p.field])).toEqual([
      [1, 'email'],
      [2, 'name'],
      [3, 'email'],
      [4, 'email'],
      [5, 'language_id'],
      [6, null],
    ]);
    expect(c.problems[0].message).toContain('not an email address');
    expect(c.problems[1].message).toBe('is required');
    expect(c.problems[2].message).toContain('more than once');
    expect(c.problems[3].message).toContain('already in this recipient group');
    const list = await t.call('GET', `/api/recipient-groups/${groupId}/recipients`, { token: a.token });
    expect(list.json().recipients.map((r: { email: string }) => r.email)).toEqual(['here@corp.example']);
  });

  it('answers 400 for a body that is not an array, 404 for another client’s group, 403 for a view user', async () => {
    const notArray = await t.call('POST', `/api/recipient-groups/${groupId}/recipients/check`, { token: a.token, body: { recipients: { name: 'x', email: 'x@corp.example' } } });
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json().error.message).toMatch(/array/);
    const foreign = await t.call('POST', `/api/recipient-groups/${groupId}/recipients/check`, { token: b.token, body: { recipients: [] } });
    expect(foreign.statusCode).toBe(404);
    const view = await t.call('POST', `/api/recipient-groups/${groupId}/recipients/check`, { token: viewA.token, body: { recipients: [] } });
    expect(view.statusCode).toBe(403);
  });
});

describe('GET /api/recipient-groups/:id/recipients/search', () => {
  let groupId: number;
  beforeAll(async () => {
    const g = await t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Searchable', usb_attack: false } });
    groupId = g.json().recipient_group.id;
    const rows = [
      { name: 'Ada Lovelace', email: 'ada@corp.example', firstname: 'Ada', lastname: 'Lovelace' },
      { name: 'Alan Turing', email: 'alan@corp.example' },
      { name: '100% Sure_Name', email: 'percent@corp.example' },
      { name: 'Grace Hopper', email: 'grace@navy.example' },
    ];
    expect((await t.call('PUT', `/api/recipient-groups/${groupId}/recipients`, { token: a.token, body: rows })).statusCode).toBe(200);
  });
  const search = (q: string, extra: Record<string, string> = {}, token = a.token) =>
    t.call('GET', `/api/recipient-groups/${groupId}/recipients/search`, { token, query: { q, ...extra } });

  it('finds people by part of their email or name, case-insensitively, with sort and paging', async () => {
    const emails = async (q: string, extra: Record<string, string> = {}) => (await search(q, extra)).json().recipients.map((r: { email: string }) => r.email);
    expect(await emails('LOVE')).toEqual(['ada@corp.example']);
    expect(await emails('corp.example', { sort: '-email' })).toEqual(['percent@corp.example', 'alan@corp.example', 'ada@corp.example']);
    expect(await emails('corp.example', { sort: 'email', offset: '1', limit: '1' })).toEqual(['alan@corp.example']);
    expect(await emails('')).toHaveLength(4);
  });

  it('takes % and _ literally', async () => {
    expect((await search('%')).json().recipients.map((r: { email: string }) => r.email)).toEqual(['percent@corp.example']);
    expect((await search('e_n')).json().recipients.map((r: { email: string }) => r.email)).toEqual(['percent@corp.example']);
  });

  it("answers 404 for another client's group and 400 for a bad sort", async () => {
    expect((await search('a', {}, b.token)).statusCode).toBe(404);
    const bad = await search('a', { sort: 'password' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^sort: /);
  });
});

describe('SMTP relay settings', () => {
  it('without DECOY_SMTP_URL: shows the catcher, and the test message lands in the outbox', async () => {
    const s = await t.call('GET', '/api/smtp-settings', { token: viewA.token });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().smtp_settings).toMatchObject({ mode: 'catcher', host: null, password_set: false });
    const res = await t.call('POST', '/api/smtp-settings/test', { token: a.token, body: { to: 'secops@corp.example' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().test_message).toMatchObject({ mode: 'catcher', ok: true, to: 'secops@corp.example', error: null });
    const outbox = (await t.call('GET', '/api/outbox', { token: a.token })).json().outbox;
    expect(outbox.find((m: { recipient: string; message_type: string }) => m.recipient === 'secops@corp.example' && m.message_type === 'test')).toBeTruthy();
  });

  it('names a bad address, and refuses users who are not admins', async () => {
    const bad = await t.call('POST', '/api/smtp-settings/test', { token: a.token, body: { to: 'nobody' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^to: /);
    const missing = await t.call('POST', '/api/smtp-settings/test', { token: a.token, body: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('to');
    expect((await t.call('POST', '/api/smtp-settings/test', { token: viewA.token, body: { to: 'x@corp.example' } })).statusCode).toBe(403);
    const user = await t.user(a.clientId, 'user');
    expect((await t.call('POST', '/api/smtp-settings/test', { token: user.token, body: { to: 'x@corp.example' } })).statusCode).toBe(403);
  });

  describe('with DECOY_SMTP_URL', () => {
    let sink: SmtpSink;
    let relay: TestApp;
    let locked: TestApp;
    const PASSWORD = 'relay-secret-Zq81';
    beforeAll(async () => {
      sink = await startSmtpSink();
      relay = await createTestApp({ DECOY_SMTP_URL: `${sink.url}?pool=2&rate=50` });
      locked = await createTestApp({ DECOY_SMTP_URL: `smtp://mailer:${PASSWORD}@127.0.0.1:${sink.port}` });
      sink.reject.set('gone@corp.example', { code: 550, message: 'No such user' });
    });
    afterAll(async () => {
      await relay?.close();
      await locked?.close();
      await sink?.close();
    });

    it('shows the relay read-only; the password never', async () => {
      const s = await relay.call('GET', '/api/smtp-settings', { token: relay.rootToken });
      expect(s.json().smtp_settings).toEqual({
        mode: 'relay', source: 'DECOY_SMTP_URL', host: '127.0.0.1', port: sink.port, secure: false, username: null, password_set: false, pool: 2, rate: 50, insecure_tls: false,
      });
      const l = await locked.call('GET', '/api/smtp-settings', { token: locked.rootToken });
      expect(l.json().smtp_settings).toMatchObject({ mode: 'relay', username: 'mailer', password_set: true });
      expect(l.body).not.toContain(PASSWORD);
    });

    it('sends the test message through the relay', async () => {
      const res = await relay.call('POST', '/api/smtp-settings/test', { token: relay.rootToken, body: { to: 'secops@corp.example' } });
      expect(res.statusCode, res.body).toBe(200);
      const m = res.json().test_message;
      expect(m).toMatchObject({ mode: 'relay', ok: true, error: null });
      const got = await sink.waitFor(1);
      expect(got.find((x) => x.subject === 'Decoy SMTP test' && JSON.stringify(x.to).includes('secops@corp.example'))).toBeTruthy();
    });

    it("reports the relay's refusal as a failed test, not a server error", async () => {
      const res = await relay.call('POST', '/api/smtp-settings/test', { token: relay.rootToken, body: { to: 'gone@corp.example' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().test_message).toMatchObject({ ok: false, error_kind: 'permanent' });
      expect(res.json().test_message.error).toContain('550');
    });

    it('never puts the relay password in an answer, whatever happens', async () => {
      const res = await locked.call('POST', '/api/smtp-settings/test', { token: locked.rootToken, body: { to: 'secops@corp.example' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(typeof res.json().test_message.ok).toBe('boolean');
      expect(res.body).not.toContain(PASSWORD);
    });
  });
});
