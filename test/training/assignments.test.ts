import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { group, learnerId, lesson, pass, path } from './fixture.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('assignments', () => {
  it('assign lessons and a path to a group and people; counts and per-person rows follow their progress', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    const l2 = await lesson(t, a.token);
    const l3 = await lesson(t, a.token);
    const optional = await lesson(t, a.token);
    const p = await path(t, a.token, [{ lesson_id: l2.id }, { lesson_id: l3.id }, { lesson_id: optional.id, required: false }]);
    const g = await group(t, a.token, [
      { name: 'Ada Lovelace', email: 'ada@corp.example' },
      { name: 'Alan Turing', email: 'alan@corp.example' },
    ]);
    await group(t, a.token, [{ name: 'Grace Hopper', email: 'grace@corp.example' }]);
    const due = inDays(14);
    const res = await t.call('PUT', '/api/assignments', {
      token: a.token,
      body: {
        name: 'Annual awareness',
        description: 'Everyone, once a year.',
        due_date: due,
        lesson_ids: [l1.id],
        path_ids: [p.id],
        recipient_group_ids: [g],
        emails: ['grace@corp.example'],
        remind_every_days: 7,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const as = res.json().assignment;
    expect(as).toMatchObject({
      client_id: a.clientId,
      name: 'Annual awareness',
      description: 'Everyone, once a year.',
      due_date: due,
      remind_every_days: 7,
      lesson_ids: [l1.id],
      path_ids: [p.id],
      recipient_group_ids: [g],
      counts: { learners: 3, assigned: 3, in_progress: 0, completed: 0, overdue: 0 },
    });
    expect(as.links).toEqual([
      { rel: 'self', href: `/api/assignments/${as.id}` },
      { rel: 'learners', href: `/api/assignments/${as.id}/learners` },
    ]);

    const people = (await t.call('GET', `/api/assignments/${as.id}/learners`, { token: a.token })).json().learners;
    expect(people.map((r: any) => r.email)).toEqual(['ada@corp.example', 'alan@corp.example', 'grace@corp.example']);
    // Its lesson and the path's required lessons: 3.
    for (const r of people) expect(r).toMatchObject({ assignment_id: as.id, status: 'assigned', passed: 0, total: 3, reminders_sent: 0, completed_at: null });

    const ada = await learnerId(t, a.token, 'ada@corp.example');
    const alan = await learnerId(t, a.token, 'alan@corp.example');
    await pass(t, ada, l1.id);
    await pass(t, ada, l2.id);
    await pass(t, ada, l3.id);
    await pass(t, alan, l2.id);
    const got = (await t.call('GET', `/api/assignments/${as.id}`, { token: a.token })).json().assignment;
    expect(got.counts).toEqual({ learners: 3, assigned: 1, in_progress: 1, completed: 1, overdue: 0 });
    const completed = (await t.call('GET', `/api/assignments/${as.id}/learners?status=completed`, { token: a.token })).json().learners;
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ learner_id: ada, status: 'completed', passed: 3, total: 3 });
    expect(completed[0].completed_at).toMatch(/Z$/);
    const inProgress = (await t.call('GET', `/api/assignments/${as.id}/learners?status=in_progress`, { token: a.token })).json().learners;
    expect(inProgress.map((r: any) => [r.learner_id, r.passed])).toEqual([[alan, 1]]);

    const learner = (await t.call('GET', `/api/learners/${alan}`, { token: a.token })).json().learner;
    expect(learner.assignments).toEqual([{ assignment_id: as.id, name: 'Annual awareness', due_date: due, status: 'in_progress', passed: 1, total: 3, completed_at: null }]);

    const list = (await t.call('GET', '/api/assignments?q=annual', { token: a.token })).json().assignments;
    expect(list.map((x: any) => [x.id, x.counts.completed])).toEqual([[as.id, 1]]);
    const paged = await t.call('GET', `/api/assignments/${as.id}/learners?sort=-id&offset=1&limit=1`, { token: a.token });
    expect(paged.json().learners.map((r: any) => r.email)).toEqual(['alan@corp.example']);
  });

  it('becomes overdue by itself once the due date passes, for those who have not finished', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    const g = await group(t, a.token, [
      { name: 'Ada', email: 'ada@corp.example' },
      { name: 'Alan', email: 'alan@corp.example' },
    ]);
    const as = (
      await t.call('PUT', '/api/assignments', { token: a.token, body: { name: 'Soon due', due_date: inDays(1), lesson_ids: [l1.id], recipient_group_ids: [g] } })
    ).json().assignment;
    expect(as.counts).toMatchObject({ assigned: 2, overdue: 0 });
    await pass(t, await learnerId(t, a.token, 'ada@corp.example'), l1.id);

    // Time passes: nothing writes anything, yet the unfinished person reads as overdue.
    await t.core.database.db.updateTable('assignments').set({ due_date: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', as.id).execute();
    const after = (await t.call('GET', `/api/assignments/${as.id}`, { token: a.token })).json().assignment;
    expect(after.counts).toEqual({ learners: 2, assigned: 0, in_progress: 0, completed: 1, overdue: 1 });
    const overdue = (await t.call('GET', `/api/assignments/${as.id}/learners?status=overdue`, { token: a.token })).json().learners;
    expect(overdue.map((r: any) => [r.email, r.status])).toEqual([['alan@corp.example', 'overdue']]);
    expect((await t.call('GET', `/api/assignments/${as.id}/learners?status=assigned`, { token: a.token })).json().learners).toEqual([]);
    const alan = (await t.call('GET', `/api/learners/${overdue[0].learner_id}`, { token: a.token })).json().learner;
    expect(alan.assignments[0].status).toBe('overdue');

    // Created with a due date already past: overdue at once.
    const late = await t.call('PUT', '/api/assignments', {
      token: a.token,
      body: { name: 'Late', due_date: '2020-01-31', lesson_ids: [l1.id], emails: ['alan@corp.example'] },
    });
    expect(late.statusCode, late.body).toBe(200);
    expect(late.json().assignment).toMatchObject({ due_date: '2020-01-31T23:59:59Z', counts: { learners: 1, overdue: 1, assigned: 0 } });
  });

  it('saves: new items recompute progress, people are added, nobody is removed', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    const l2 = await lesson(t, a.token);
    await group(t, a.token, [
      { name: 'Ada', email: 'ada@corp.example' },
      { name: 'Alan', email: 'alan@corp.example' },
    ]);
    const as = (
      await t.call('PUT', '/api/assignments', { token: a.token, body: { name: 'Basics', due_date: inDays(30), lesson_ids: [l1.id], emails: ['ada@corp.example'] } })
    ).json().assignment;
    const ada = await learnerId(t, a.token, 'ada@corp.example');
    await pass(t, ada, l1.id);
    expect((await t.call('GET', `/api/assignments/${as.id}`, { token: a.token })).json().assignment.counts.completed).toBe(1);

    const saved = await t.call('POST', `/api/assignments/${as.id}`, {
      token: a.token,
      body: { ...as, name: 'Basics, part 2', lesson_ids: [l1.id, l2.id], emails: ['alan@corp.example'] },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().assignment).toMatchObject({ name: 'Basics, part 2', lesson_ids: [l1.id, l2.id], counts: { learners: 2, completed: 0, in_progress: 1, assigned: 1 } });
    const rows = (await t.call('GET', `/api/assignments/${as.id}/learners`, { token: a.token })).json().learners;
    expect(rows.map((r: any) => [r.email, r.passed, r.total])).toEqual([
      ['ada@corp.example', 1, 2],
      ['alan@corp.example', 0, 2],
    ]);

    // Without lesson_ids/path_ids the items stay.
    const renamed = await t.call('POST', `/api/assignments/${as.id}`, { token: a.token, body: { name: 'Renamed', due_date: as.due_date } });
    expect(renamed.json().assignment).toMatchObject({ name: 'Renamed', lesson_ids: [l1.id, l2.id], counts: { learners: 2 } });

    // A lesson in an assignment stays until taken out.
    const delLesson = await t.call('DELETE', `/api/lessons/${l2.id}`, { token: a.token });
    expect(delLesson.statusCode).toBe(409);
    expect(delLesson.json().error.message).toMatch(/part of 1 assignment/);

    expect((await t.call('DELETE', `/api/assignments/${as.id}`, { token: a.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/assignments/${as.id}`, { token: a.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/assignments/${as.id}/learners`, { token: a.token })).statusCode).toBe(404);
    expect(await t.core.database.db.selectFrom('assignment_learners').select('id').where('assignment_id', '=', as.id).execute()).toEqual([]);
  });

  it("refuses bad input and another client's references; another client's assignment is 404", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const mine = await lesson(t, a.token);
    const theirs = await lesson(t, b.token);
    const theirPath = await path(t, b.token, []);
    const theirGroup = await group(t, b.token, [{ name: 'Them', email: 'them@other.example' }]);
    const due = inDays(7);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^name: is required/],
      [{ name: 'x' }, /^due_date: is required/],
      [{ name: 'x', due_date: 'next week', lesson_ids: [mine.id] }, /^due_date: must match format/],
      [{ name: 'x', due_date: '2026-02-30', lesson_ids: [mine.id] }, /^due_date/],
      [{ name: ' ', due_date: due, lesson_ids: [mine.id] }, /^name: must not be empty/],
      [{ name: 'x', due_date: due }, /^lesson_ids: an assignment needs at least one lesson or path/],
      [{ name: 'x', due_date: due, lesson_ids: [999999] }, /^lesson_ids\[0\]: no lesson 999999$/],
      [{ name: 'x', due_date: due, lesson_ids: [mine.id, theirs.id] }, new RegExp(`^lesson_ids\\[1\\]: no lesson ${theirs.id}$`)],
      [{ name: 'x', due_date: due, lesson_ids: [mine.id, mine.id] }, /^lesson_ids\[1\]: \d+ appears more than once/],
      [{ name: 'x', due_date: due, path_ids: [theirPath.id] }, new RegExp(`^path_ids\\[0\\]: no path ${theirPath.id}$`)],
      [{ name: 'x', due_date: due, lesson_ids: [mine.id], recipient_group_ids: [theirGroup] }, new RegExp(`^recipient_group_ids\\[0\\]: no recipient group ${theirGroup}$`)],
      [{ name: 'x', due_date: due, lesson_ids: [mine.id], remind_every_days: 400 }, /^remind_every_days/],
      [{ name: 'x', due_date: due, lesson_ids: [mine.id], remind_every_days: -1 }, /^remind_every_days/],
      [{ name: 'x', due_date: due, lesson_ids: 'all' }, /^lesson_ids/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', '/api/assignments', { token: a.token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await t.core.database.db.selectFrom('assignments').select('id').where('client_id', '=', a.clientId).execute()).toEqual([]);
    const own = (await t.call('PUT', '/api/assignments', { token: a.token, body: { name: 'Own', due_date: due, lesson_ids: [mine.id] } })).json().assignment;
    for (const q of ['status=late', 'sort=email', 'limit=0']) {
      const res = await t.call('GET', `/api/assignments/${own.id}/learners?${q}`, { token: a.token });
      expect(res.statusCode, q).toBe(400);
    }

    const theirAssignment = (
      await t.call('PUT', '/api/assignments', { token: b.token, body: { name: 'Theirs', due_date: due, lesson_ids: [theirs.id], recipient_group_ids: [theirGroup] } })
    ).json().assignment;
    for (const [method, url, body] of [
      ['GET', `/api/assignments/${theirAssignment.id}`, undefined],
      ['GET', `/api/assignments/${theirAssignment.id}/learners`, undefined],
      ['POST', `/api/assignments/${theirAssignment.id}`, { name: 'Taken', due_date: due }],
      ['DELETE', `/api/assignments/${theirAssignment.id}`, undefined],
    ] as const) {
      const res = await t.call(method, url, { token: a.token, body });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.message).toBe('assignment not found');
    }
    expect((await t.call('GET', '/api/assignments', { token: a.token })).json().assignments.map((x: any) => x.id)).toEqual([own.id]);
    expect((await t.call('GET', `/api/assignments/${theirAssignment.id}`, { token: b.token })).json().assignment.name).toBe('Theirs');

    const viewer = await t.user(b.clientId, 'view');
    expect((await t.call('GET', `/api/assignments/${theirAssignment.id}/learners`, { token: viewer.token })).statusCode).toBe(200);
    const denied = await t.call('DELETE', `/api/assignments/${theirAssignment.id}`, { token: viewer.token });
    expect(denied.statusCode).toBe(403);
  });
});
