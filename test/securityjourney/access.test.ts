import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { T0, enrolled, insertLearners, insertLessons, sjClient, sjGet, type SjClient } from './fixtures.ts';

const ENDPOINTS = ['/api/v2/enrollments', '/api/v2/users', '/api/v2/assignments', '/api/v2/lesson_attempts', '/api/v2/enrollments/summary'];

let t: TestApp;
let a: SjClient;
let b: SjClient;

/** One of everything for a client, its people under its own domain. */
async function world(c: SjClient, domain: string) {
  const db = t.core.database.db;
  await enrolled(db, c.clientId, 3, domain);
  const [learner] = await insertLearners(db, c.clientId, [{ email: `learner@${domain}` }]);
  const g = await t.call('PUT', '/api/recipient-groups', { token: c.token, body: { name: 'People', usb_attack: false } });
  await t.call('PUT', `/api/recipient-groups/${g.json().recipient_group.id}/recipients`, { token: c.token, body: [{ email: `recipient@${domain}`, name: 'R' }] });
  const assignment = await db
    .insertInto('assignments')
    .values({ client_id: c.clientId, name: 'A', description: '', due_date: T0, remind_every_days: 0, created_by: null, created_at: T0, updated_at: T0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('assignment_learners')
    .values({ client_id: c.clientId, assignment_id: assignment.id, learner_id: learner, status: 'assigned', passed: 0, total: 1, completed_at: null, last_reminded_at: null, reminders_sent: 0, created_at: T0, updated_at: T0 })
    .execute();
  const [lesson] = await insertLessons(db, c.clientId, 1);
  await db
    .insertInto('lesson_attempts')
    .values({ client_id: c.clientId, learner_id: learner, lesson_id: lesson, status: 'consumed', assessment: 'not_started', watched_video: null, read_transcript: null, exercise_passed: null, quiz_score: null, quiz_answers: '[]', passed: 0, points_awarded: 0, created_at: T0, updated_at: T0 })
    .execute();
}

/** Every email in every report. */
async function emailsSeen(key: string, headers: Record<string, string> = {}) {
  const seen: string[] = [];
  for (const [url, wrapper] of [
    ['/api/v2/enrollments', 'path_enrollments'],
    ['/api/v2/users', 'users'],
    ['/api/v2/assignments', 'assignments'],
    ['/api/v2/lesson_attempts', 'attempts'],
  ]) {
    const res = await sjGet(t, key, url, { headers });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json()[wrapper];
    expect(rows.length, url).toBeGreaterThan(0);
    seen.push(...rows.map((r: { email: string }) => r.email));
  }
  return seen;
}

beforeAll(async () => {
  t = await createTestApp({ DECOY_API_RATE_LIMIT: '200' });
  a = await sjClient(t, 'Alpha Corp');
  b = await sjClient(t, 'Beta Corp');
  await world(a, 'alpha.test');
  await world(b, 'beta.test');
});
afterAll(async () => t?.close());

describe('/api/v2 access', () => {
  it('answers 401 JSON without a key, with a wrong, revoked or expired key, or with a sign-in token', async () => {
    const revoked = await t.call('PUT', '/api/api-keys', { token: a.token, body: { name: 'old' } });
    const revokedKey = revoked.json().api_key.key;
    expect((await t.call('DELETE', `/api/api-keys/${revoked.json().api_key.id}`, { token: a.token })).statusCode).toBe(204);
    const expired = await t.call('PUT', '/api/api-keys', { token: a.token, body: { name: 'expiring' } });
    await t.core.database.db.updateTable('api_keys').set({ expires_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', expired.json().api_key.id).execute();
    const cases: [string | undefined, RegExp][] = [
      [undefined, /missing API key/],
      ['', /missing API key/],
      ['dk_not-a-key', /unknown, revoked or expired/],
      [revokedKey, /unknown, revoked or expired/],
      [expired.json().api_key.key, /unknown, revoked or expired/],
      [a.token, /unknown, revoked or expired/],
    ];
    for (const url of ENDPOINTS) {
      for (const [key, message] of cases) {
        const res = await sjGet(t, key, url);
        expect(res.statusCode, `${url} ${key}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json().error).toEqual({ code: 'not_authenticated', message: expect.stringMatching(message) });
      }
    }
    // A Bearer credential is the Lucy API's, not this one's.
    const bearer = await t.call('GET', '/api/v2/enrollments', { token: a.token });
    expect(bearer.statusCode).toBe(401);
  });

  it('shows a key only its own client\'s people', async () => {
    const seenA = await emailsSeen(a.key);
    const seenB = await emailsSeen(b.key);
    expect(seenA.every((e) => e.endsWith('@alpha.test'))).toBe(true);
    expect(seenB.every((e) => e.endsWith('@beta.test'))).toBe(true);
    expect(new Set(seenA)).toEqual(new Set(['p00001@alpha.test', 'p00002@alpha.test', 'p00003@alpha.test', 'learner@alpha.test', 'recipient@alpha.test']));
    const summaryA = (await sjGet(t, a.key, '/api/v2/enrollments/summary')).json().summary;
    expect(summaryA).toHaveLength(1);
    expect(summaryA[0].total).toBe(3);
    // A client-bound key cannot be pointed at another client.
    const sneaky = await emailsSeen(a.key, { 'x-decoy-client': String(b.clientId) });
    expect(sneaky.every((e) => e.endsWith('@alpha.test'))).toBe(true);
  });

  it('makes a key that belongs to no client name one with X-Decoy-Client', async () => {
    const made = await t.call('PUT', '/api/api-keys', { token: t.rootToken, body: { name: 'super' } });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json().api_key.client_id ?? null).toBeNull();
    const key = made.json().api_key.key;
    const none = await sjGet(t, key, '/api/v2/enrollments');
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/^X-Decoy-Client: /);
    const malformed = await sjGet(t, key, '/api/v2/users', { headers: { 'x-decoy-client': 'beta' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toMatch(/^X-Decoy-Client: /);
    expect((await sjGet(t, key, '/api/v2/users', { headers: { 'x-decoy-client': '999999' } })).statusCode).toBe(404);
    const seen = await emailsSeen(key, { 'x-decoy-client': String(b.clientId) });
    expect(seen.every((e) => e.endsWith('@beta.test'))).toBe(true);
    // A super admin's key made within a client (X-Decoy-Client on the Lucy API) belongs to it.
    const within = await t.call('PUT', '/api/api-keys', { token: t.rootToken, body: { name: 'for alpha' }, headers: { 'x-decoy-client': String(a.clientId) } });
    expect(within.statusCode, within.body).toBe(200);
    expect((await emailsSeen(within.json().api_key.key)).every((e) => e.endsWith('@alpha.test'))).toBe(true);
  });

  it('refuses an end user\'s key, answers unknown paths with 404 JSON, and counts calls against the rate limit', async () => {
    const enduser = await t.user(a.clientId, 'enduser', { api_only: true });
    const k = await t.call('PUT', '/api/api-keys', { token: a.token, body: { name: 'enduser key', user_id: enduser.userId } });
    expect(k.statusCode, k.body).toBe(200);
    const res = await sjGet(t, k.json().api_key.key, '/api/v2/enrollments');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');

    const unknown = await sjGet(t, a.key, '/api/v2/courses');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');

    const limited = await t.call('PUT', '/api/api-keys', { token: a.token, body: { name: 'busy' } });
    const key = limited.json().api_key.key;
    let status = 200;
    for (let i = 0; i < 201 && status === 200; i++) status = (await sjGet(t, key, '/api/v2/enrollments/summary')).statusCode;
    expect(status).toBe(429);
  });

  it('documents the five endpoints in the OpenAPI document with their response fields', async () => {
    const doc = (await t.call('GET', '/api/docs/json')).json();
    for (const url of ENDPOINTS) {
      const op = doc.paths[url]?.get;
      expect(op, url).toBeDefined();
      expect(op.security).toEqual([{ apiKey: [] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    }
    const enrollment = doc.paths['/api/v2/enrollments'].get.responses['200'].content['application/json'].schema.properties.path_enrollments.items.properties;
    expect(Object.keys(enrollment)).toContain('required_progress_percent');
    const attempt = doc.paths['/api/v2/lesson_attempts'].get.responses['200'].content['application/json'].schema.properties.attempts.items.properties;
    expect(Object.keys(attempt)).toContain('watched_video?');
    expect(doc.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'ApiKey' }));
  });
});
