import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { T0, insertLearners, sjClient, sjGet } from './fixtures.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function assignment(clientId: number, name: string, due: string) {
  return (
    await t.core.database.db
      .insertInto('assignments')
      .values({ client_id: clientId, name, description: '', due_date: due, remind_every_days: 0, created_by: null, created_at: T0, updated_at: T0 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

async function assignee(clientId: number, assignmentId: number, learnerId: number, a: { status: string; passed: number; total: number; updated_at?: string }) {
  return (
    await t.core.database.db
      .insertInto('assignment_learners')
      .values({
        client_id: clientId,
        assignment_id: assignmentId,
        learner_id: learnerId,
        status: a.status,
        passed: a.passed,
        total: a.total,
        completed_at: a.status === 'completed' ? T0 : null,
        last_reminded_at: null,
        reminders_sent: 0,
        created_at: T0,
        updated_at: a.updated_at ?? T0,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

describe('GET /api/v2/assignments', () => {
  it('answers the document\'s fields and formats; unfinished work past its due date reads as overdue', async () => {
    const c = await sjClient(t);
    const [hannah, ivan, jo] = await insertLearners(t.core.database.db, c.clientId, [
      { email: 'hannah@example.test', first_name: 'Anonymous', last_name: 'User' },
      { email: 'ivan@example.test', first_name: 'Ivan', last_name: 'India' },
      { email: 'jo@example.test', first_name: 'Jo', last_name: 'Juliet' },
    ]);
    const past = await assignment(c.clientId, 'Test Name', '2021-06-30T04:00:00.000Z');
    const future = await assignment(c.clientId, 'Next year', '2099-01-02T03:04:05.000Z');
    await assignee(c.clientId, past, hannah, { status: 'assigned', passed: 0, total: 39 });
    await assignee(c.clientId, past, ivan, { status: 'completed', passed: 39, total: 39, updated_at: '2021-06-01T00:00:00.000Z' });
    await assignee(c.clientId, future, jo, { status: 'in_progress', passed: 2, total: 5, updated_at: '2023-01-01T00:00:00.000Z' });

    const res = await sjGet(t, c.key, '/api/v2/assignments');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['assignments']);
    expect(body.assignments).toEqual([
      {
        assignment_name: 'Test Name',
        email: 'hannah@example.test',
        first_name: 'Anonymous',
        last_name: 'User',
        due_date: '2021/06/30 04:00',
        passed: 0,
        total: 39,
        status: 'overdue',
        progress: '0 of 39',
      },
      { assignment_name: 'Test Name', email: 'ivan@example.test', first_name: 'Ivan', last_name: 'India', due_date: '2021/06/30 04:00', passed: 39, total: 39, status: 'completed', progress: '39 of 39' },
      { assignment_name: 'Next year', email: 'jo@example.test', first_name: 'Jo', last_name: 'Juliet', due_date: '2099/01/02 03:04', passed: 2, total: 5, status: 'in_progress', progress: '2 of 5' },
    ]);
    for (const a of body.assignments) expect(Object.keys(a)).toEqual(['assignment_name', 'email', 'first_name', 'last_name', 'due_date', 'passed', 'total', 'status', 'progress']);

    const names = async (q: string) => (await sjGet(t, c.key, `/api/v2/assignments?${q}`)).json().assignments.map((a: { email: string }) => a.email);
    expect(await names('offset=2')).toEqual(['jo@example.test']);
    expect(await names('limit=1&offset=1')).toEqual(['ivan@example.test']);
    expect(await names('updated_after=2022-01-01')).toEqual(['hannah@example.test', 'jo@example.test']);
    expect(await names(`updated_before=${encodeURIComponent('2022/01/01 00:00:00')}`)).toEqual(['ivan@example.test']);

    const bad = await sjGet(t, c.key, '/api/v2/assignments?offset=-2');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^offset: /);
  });
});
