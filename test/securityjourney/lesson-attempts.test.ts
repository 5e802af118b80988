import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { T0, insertLearners, insertLessons, sjClient, sjGet } from './fixtures.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('GET /api/v2/lesson_attempts', () => {
  it('answers the document\'s fields, with the question-mark names and their words', async () => {
    const c = await sjClient(t);
    const db = t.core.database.db;
    const [learner] = await insertLearners(db, c.clientId, [{ email: 'tester@gmail.com', first_name: 'test', last_name: 'test' }]);
    // A built-in lesson (no client) and one of the client's own.
    const [builtIn] = await insertLessons(db, null, 1, 'Awareness: Data Security');
    const [own] = await insertLessons(db, c.clientId, 1, 'Our lesson');
    const attempt = (lesson_id: number, a: Record<string, unknown>) =>
      db
        .insertInto('lesson_attempts')
        .values({
          client_id: c.clientId,
          learner_id: learner,
          lesson_id,
          status: 'consumed',
          assessment: 'in_progress',
          watched_video: null,
          read_transcript: null,
          exercise_passed: null,
          quiz_score: null,
          quiz_answers: '[]',
          passed: 0,
          points_awarded: 0,
          created_at: T0,
          updated_at: '2022-03-07T17:28:59.000Z',
          ...a,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    await attempt(builtIn, { watched_video: 0, read_transcript: 0 });
    await attempt(own, { status: 'passed', assessment: 'passed', watched_video: 1, read_transcript: 1, exercise_passed: 1, passed: 1, updated_at: '2023-01-01T00:00:00.000Z' });
    await attempt(own, { status: 'failed', assessment: 'failed', exercise_passed: 0, updated_at: '2023-02-01T00:00:00.000Z' });

    const res = await sjGet(t, c.key, '/api/v2/lesson_attempts');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['attempts']);
    const common = { email: 'tester@gmail.com', user_id: String(learner), first_name: 'test', last_name: 'test' };
    expect(body.attempts).toEqual([
      {
        module_name: 'Awareness: Data Security 1',
        ...common,
        status: 'consumed',
        'watched_video?': 'not watched',
        'read_transcript?': 'not read',
        'experiment_passed?': 'N/A',
        assessments: 'in_progress',
        last_updated: '2022/03/07 17:28',
      },
      { module_name: 'Our lesson 1', ...common, status: 'passed', 'watched_video?': 'watched', 'read_transcript?': 'read', 'experiment_passed?': 'passed', assessments: 'passed', last_updated: '2023/01/01 00:00' },
      { module_name: 'Our lesson 1', ...common, status: 'failed', 'watched_video?': 'N/A', 'read_transcript?': 'N/A', 'experiment_passed?': 'failed', assessments: 'failed', last_updated: '2023/02/01 00:00' },
    ]);
    for (const a of body.attempts) {
      expect(Object.keys(a)).toEqual(['module_name', 'email', 'user_id', 'first_name', 'last_name', 'status', 'watched_video?', 'read_transcript?', 'experiment_passed?', 'assessments', 'last_updated']);
    }
    const statuses = async (q: string) => (await sjGet(t, c.key, `/api/v2/lesson_attempts?${q}`)).json().attempts.map((a: { status: string }) => a.status);
    expect(await statuses('limit=1&offset=1')).toEqual(['passed']);
    expect(await statuses('updated_after=2022-12-31T23:59:59Z')).toEqual(['passed', 'failed']);
    expect(await statuses('updated_before=2023-01-15&updated_after=2022-12-31')).toEqual(['passed']);
    const bad = await sjGet(t, c.key, '/api/v2/lesson_attempts?limit=lots');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^limit: /);
  });
});
