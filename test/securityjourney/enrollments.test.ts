import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { enrolled, insertEnrollments, insertLearners, insertPath, sjClient, sjGet, type SjClient } from './fixtures.ts';

let t: TestApp;
let c: SjClient;

beforeAll(async () => {
  t = await createTestApp();
  c = await sjClient(t);
});
afterAll(async () => t?.close());

describe('GET /api/v2/enrollments', () => {
  it('answers every field with the names, types and formats of the document', async () => {
    const other = await sjClient(t);
    const db = t.core.database.db;
    const { pathId } = await insertPath(db, other.clientId, { name: 'Developer path', role_name: 'Security Apprentice', lessons: 20, required: 17 });
    const [paused, passed] = await insertLearners(db, other.clientId, [
      { email: 'test2@test.com', first_name: 'Anonymous', last_name: 'User' },
      { email: 'done@test.com', first_name: 'Dana', last_name: 'Done' },
    ]);
    const [id1, id2] = await insertEnrollments(db, other.clientId, [
      { learner_id: paused, path_id: pathId, status: 'paused', last_engagement_at: '2022-02-01T17:14:06.512Z', created_at: '2022-02-01T17:14:06.000Z', updated_at: '2022-02-01T17:14:06.999Z' },
      {
        learner_id: passed,
        path_id: pathId,
        status: 'passed',
        level: 7,
        required_passed: 17,
        total_passed: 18,
        last_engagement_at: '2022-03-04T05:06:07.000Z',
        completed_at: '2022-03-04T05:06:07.000Z',
      },
    ]);
    const res = await sjGet(t, other.key, '/api/v2/enrollments');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['path_enrollments']);
    expect(body.path_enrollments).toEqual([
      {
        email: 'test2@test.com',
        first_name: 'Anonymous',
        last_name: 'User',
        id: id1,
        role_name: 'Security Apprentice',
        status: 'paused',
        last_engagement: '2022/02/01 17:14:06',
        progress: '0/20',
        level_name: 'White Belt',
        created_at: '2022/02/01 17:14:06',
        updated_at: '2022/02/01 17:14:06',
        completed_at: null,
        required_total: 17,
        required_passed: 0,
        required_progress_percent: 0,
        total_lessons: '20',
        total_passed_lessons: 0,
        passed_lessons: '0',
        progress_percent: 0,
        total: '0/20',
        required: '0/17',
      },
      {
        email: 'done@test.com',
        first_name: 'Dana',
        last_name: 'Done',
        id: id2,
        role_name: 'Security Apprentice',
        status: 'passed',
        last_engagement: '2022/03/04 05:06:07',
        progress: '18/20',
        level_name: 'Black Belt',
        created_at: '2022/02/01 17:14:06',
        updated_at: '2022/02/01 17:14:06',
        completed_at: '2022/03/04 05:06:07',
        required_total: 17,
        required_passed: 17,
        required_progress_percent: 100,
        total_lessons: '20',
        total_passed_lessons: 18,
        passed_lessons: '18',
        progress_percent: 90,
        total: '18/20',
        required: '17/17',
      },
    ]);
    // Key order as in the document.
    expect(res.body.indexOf('"email"')).toBeLessThan(res.body.indexOf('"first_name"'));
    expect(res.body.indexOf('"total"')).toBeLessThan(res.body.indexOf('"required"'));

    const summary = await sjGet(t, other.key, '/api/v2/enrollments/summary');
    expect(summary.statusCode, summary.body).toBe(200);
    expect(summary.json()).toEqual({
      summary: [{ path_id: pathId, path_name: 'Developer path', role_name: 'Security Apprentice', total: 2, not_started: 0, in_progress: 0, paused: 1, passed: 1 }],
    });
  });

  it('pages by limit and offset as the document\'s examples say, across batches', async () => {
    const { ids } = await enrolled(t.core.database.db, c.clientId, 15);
    const idsOf = async (query: string) => {
      const res = await sjGet(t, c.key, `/api/v2/enrollments${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().path_enrollments.map((e: { id: number }) => e.id);
    };
    for (const batch of [2000, 4]) {
      t.core.securityJourney.batchSize = batch;
      expect(await idsOf('')).toEqual(ids);
      expect(await idsOf('?limit=10')).toEqual(ids.slice(0, 10));
      expect(await idsOf('?offset=2')).toEqual(ids.slice(2));
      expect(await idsOf('?limit=10&offset=2')).toEqual(ids.slice(2, 12));
      expect(await idsOf('?limit=0')).toEqual([]);
      expect(await idsOf('?offset=15')).toEqual([]);
      expect(await idsOf('?offset=14')).toEqual(ids.slice(14));
      expect(await idsOf('?limit=1200000')).toEqual(ids);
    }
    t.core.securityJourney.batchSize = 2000;
  });

  it('takes the parameters from a form-encoded or JSON body too (the query string wins)', async () => {
    const all = (await sjGet(t, c.key, '/api/v2/enrollments')).json().path_enrollments.map((e: { id: number }) => e.id);
    const form = await sjGet(t, c.key, '/api/v2/enrollments', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'limit=10&offset=2' });
    expect(form.statusCode, form.body).toBe(200);
    expect(form.json().path_enrollments.map((e: { id: number }) => e.id)).toEqual(all.slice(2, 12));
    const json = await sjGet(t, c.key, '/api/v2/enrollments', { headers: { 'content-type': 'application/json' }, raw: '{"limit": 3, "offset": "1"}' });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json().path_enrollments.map((e: { id: number }) => e.id)).toEqual(all.slice(1, 4));
    const both = await sjGet(t, c.key, '/api/v2/enrollments?limit=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'limit=5' });
    expect(both.json().path_enrollments).toHaveLength(1);
    const badBody = await sjGet(t, c.key, '/api/v2/enrollments', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'offset=minus' });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().error.message).toMatch(/^offset: /);
    const notJson = await sjGet(t, c.key, '/api/v2/enrollments', { headers: { 'content-type': 'application/json' }, raw: '{"limit": ' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.message).toMatch(/^body: /);
    const xml = await sjGet(t, c.key, '/api/v2/enrollments', { headers: { 'content-type': 'application/xml' }, raw: '<limit>1</limit>' });
    expect(xml.statusCode).toBe(415);
  });

  it('filters by updated_after / updated_before, ISO 8601 or YYYY/MM/DD HH:MM:SS', async () => {
    const other = await sjClient(t);
    const db = t.core.database.db;
    const { pathId } = await insertPath(db, other.clientId, { name: 'P', role_name: 'R', lessons: 1, required: 1 });
    const learners = await insertLearners(db, other.clientId, [1, 2, 3].map((i) => ({ email: `d${i}@example.test` })));
    const [jan, feb, mar] = await insertEnrollments(db, other.clientId, [
      { learner_id: learners[0], path_id: pathId, updated_at: '2022-01-15T10:00:00.000Z' },
      { learner_id: learners[1], path_id: pathId, updated_at: '2022-02-15T10:00:00.000Z' },
      { learner_id: learners[2], path_id: pathId, updated_at: '2022-03-15T10:00:00.000Z' },
    ]);
    const ids = async (query: string) => {
      const res = await sjGet(t, other.key, `/api/v2/enrollments?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().path_enrollments.map((e: { id: number }) => e.id);
    };
    expect(await ids('updated_after=2022-02-01T00:00:00Z')).toEqual([feb, mar]);
    expect(await ids(`updated_after=${encodeURIComponent('2022/02/15 10:00:00')}`)).toEqual([mar]);
    expect(await ids(`updated_after=${encodeURIComponent('2022/02/15 09:59:59')}`)).toEqual([feb, mar]);
    expect(await ids('updated_before=2022-02-15')).toEqual([jan]);
    expect(await ids(`updated_before=${encodeURIComponent('2022-02-15T12:00:00+02:00')}`)).toEqual([jan]);
    expect(await ids(`updated_before=${encodeURIComponent('2022-02-15T12:00:00-02:00')}`)).toEqual([jan, feb]);
    expect(await ids('updated_after=2022-01-01&updated_before=2022-03-01')).toEqual([jan, feb]);
    expect(await ids('updated_after=2022-01-01&updated_before=2022-03-01&offset=1')).toEqual([feb]);
    const summary = await sjGet(t, other.key, '/api/v2/enrollments/summary?updated_after=2022-02-01');
    expect(summary.json().summary).toEqual([expect.objectContaining({ path_id: pathId, total: 2, not_started: 2 })]);
  });

  it('refuses bad parameters with a 400 naming the parameter', async () => {
    const bad: [string, string][] = [
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['offset=-5', 'offset'],
      ['offset=ten', 'offset'],
      ['updated_after=yesterday', 'updated_after'],
      ['updated_after=2022-13-01', 'updated_after'],
      ['updated_before=2022-02-30T00:00:00Z', 'updated_before'],
      ['updated_before=2022/02/01%2025:00:00', 'updated_before'],
      ['updated_before=', 'updated_before'],
    ];
    for (const [query, name] of bad) {
      for (const url of ['/api/v2/enrollments', '/api/v2/enrollments/summary']) {
        const res = await sjGet(t, c.key, `${url}?${query}`);
        expect(res.statusCode, `${url}?${query}`).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(res.json().error.message, query).toMatch(new RegExp(`^${name}: `));
      }
    }
    // The server is still answering.
    expect((await sjGet(t, c.key, '/api/v2/enrollments?limit=1')).statusCode).toBe(200);
  });
});
