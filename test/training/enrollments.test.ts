import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLearners } from '../../src/core/training/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { group, learnerId, lesson, pass, path } from './fixture.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('learners', () => {
  it('are one per distinct email of a client, named from the recipients', async () => {
    const a = await t.tenant();
    const db = t.core.database.db;
    const made = await ensureLearners(db, a.clientId, [
      { email: ' Ada@Example.com ', firstname: 'Ada', lastname: 'Lovelace' },
      { email: 'ada@example.com', firstname: 'Someone', lastname: 'Else' },
      { email: 'grace@example.com', name: 'Grace Brewster Hopper' },
    ]);
    expect([...made.keys()].sort()).toEqual(['ada@example.com', 'grace@example.com']);
    const again = await ensureLearners(db, a.clientId, [{ email: 'ADA@example.com' }]);
    expect(again.get('ada@example.com')).toBe(made.get('ada@example.com'));

    const grace = await t.call('GET', `/api/learners/${made.get('grace@example.com')}`, { token: a.token });
    expect(grace.statusCode).toBe(200);
    expect(grace.json().learner).toMatchObject({ email: 'grace@example.com', first_name: 'Grace', last_name: 'Brewster Hopper', points: 0, enrollments: [], assignments: [] });

    // Another client's person with the same email is another learner.
    const b = await t.tenant();
    const theirs = await ensureLearners(db, b.clientId, [{ email: 'ada@example.com' }]);
    expect(theirs.get('ada@example.com')).not.toBe(made.get('ada@example.com'));
  });

  it('are created, searched, saved and deleted through the API', async () => {
    const a = await t.tenant();
    const res = await t.call('PUT', '/api/learners', { token: a.token, body: { email: 'Linus@Example.com', first_name: 'Linus', last_name: 'Torvalds', country: 'FI' } });
    expect(res.statusCode, res.body).toBe(200);
    const l = res.json().learner;
    expect(l).toMatchObject({ client_id: a.clientId, email: 'linus@example.com', first_name: 'Linus', last_name: 'Torvalds', country: 'FI', points: 0 });
    expect(l.links[0]).toEqual({ rel: 'self', href: `/api/learners/${l.id}` });
    await t.call('PUT', '/api/learners', { token: a.token, body: { email: 'margaret@example.com', first_name: 'Margaret', last_name: 'Hamilton' } });

    const dup = await t.call('PUT', '/api/learners', { token: a.token, body: { email: 'linus@example.com' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toMatch(/^email: linus@example.com is already a learner/);
    const bad = await t.call('PUT', '/api/learners', { token: a.token, body: { email: 'not-an-email' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^email: /);
    expect((await t.call('PUT', '/api/learners', { token: a.token, body: {} })).json().error.message).toMatch(/^email: is required/);

    const search = async (q: string) => (await t.call('GET', `/api/learners?q=${encodeURIComponent(q)}`, { token: a.token })).json().learners.map((x: any) => x.email);
    expect(await search('TORV')).toEqual(['linus@example.com']);
    expect(await search('margaret h')).toEqual(['margaret@example.com']);
    expect(await search('example.com')).toEqual(['linus@example.com', 'margaret@example.com']);
    expect(await search('50%_')).toEqual([]);
    const byEmail = await t.call('GET', '/api/learners?email=MARGARET@example.com', { token: a.token });
    expect(byEmail.json().learners).toHaveLength(1);
    const sorted = await t.call('GET', '/api/learners?sort=-email', { token: a.token });
    expect(sorted.json().learners.map((x: any) => x.email)).toEqual(['margaret@example.com', 'linus@example.com']);

    const saved = await t.call('POST', `/api/learners/${l.id}`, { token: a.token, body: { ...l, first_name: 'L.' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().learner).toMatchObject({ first_name: 'L.', last_name: 'Torvalds' });
    const clash = await t.call('POST', `/api/learners/${l.id}`, { token: a.token, body: { email: 'margaret@example.com' } });
    expect(clash.statusCode).toBe(409);

    expect((await t.call('DELETE', `/api/learners/${l.id}`, { token: a.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/learners/${l.id}`, { token: a.token })).statusCode).toBe(404);
  });

  it("answers 404 for another client's learner", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const l = (await t.call('PUT', '/api/learners', { token: a.token, body: { email: 'secret@example.com' } })).json().learner;
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { email: 'taken@example.com' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.call(method, `/api/learners/${l.id}`, { token: b.token, body });
      expect(res.statusCode, method).toBe(404);
      expect(res.json().error.message).toBe('learner not found');
    }
    expect((await t.call('GET', '/api/learners?q=secret', { token: b.token })).json().learners).toEqual([]);
  });
});

describe('enrollments', () => {
  it('enroll a recipient group in a path: one learner per person, progress as lessons are passed', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    const l2 = await lesson(t, a.token);
    const l3 = await lesson(t, a.token);
    const p = await path(t, a.token, [{ lesson_id: l1.id }, { lesson_id: l2.id }, { lesson_id: l3.id, required: false }]);
    const g1 = await group(t, a.token, [
      { name: 'Ada Lovelace', email: 'ada@corp.example', firstname: 'Ada', lastname: 'Lovelace' },
      { name: 'Alan Turing', email: 'alan@corp.example' },
    ]);
    // Ada is in two groups: still one learner, one enrollment.
    const g2 = await group(t, a.token, [{ name: 'Ada L.', email: 'ADA@corp.example' }]);

    const res = await t.call('PUT', '/api/enrollments', { token: a.token, body: { path_id: p.id, recipient_group_ids: [g1, g2] } });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().enrollments;
    expect(rows.map((e: any) => e.email).sort()).toEqual(['ada@corp.example', 'alan@corp.example']);
    for (const e of rows) {
      expect(e).toMatchObject({
        client_id: a.clientId,
        path_id: p.id,
        path_name: p.name,
        status: 'not_started',
        paused: false,
        level: 0,
        belt: 'White Belt',
        required_total: 2,
        required_passed: 0,
        total_lessons: 3,
        total_passed: 0,
        completed_at: null,
      });
    }
    const ada = rows.find((e: any) => e.email === 'ada@corp.example');
    expect(ada).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
    expect((await t.call('GET', '/api/learners?limit=1000', { token: a.token })).json().learners).toHaveLength(2);

    // Enrolling again changes nothing.
    const again = await t.call('PUT', '/api/enrollments', { token: a.token, body: { path_id: p.id, recipient_group_ids: [g1] } });
    expect(again.json().enrollments.map((e: any) => e.id).sort()).toEqual(rows.map((e: any) => e.id).sort());

    await pass(t, ada.learner_id, l1.id);
    let e = (await t.call('GET', `/api/enrollments/${ada.id}`, { token: a.token })).json().enrollment;
    expect(e).toMatchObject({ status: 'in_progress', required_passed: 1, total_passed: 1, level: 3, belt: 'Green Belt' });
    expect(e.last_engagement_at).not.toBeNull();
    await pass(t, ada.learner_id, l2.id);
    e = (await t.call('GET', `/api/enrollments/${ada.id}`, { token: a.token })).json().enrollment;
    expect(e).toMatchObject({ status: 'passed', required_passed: 2, total_passed: 2, level: 7, belt: 'Black Belt' });
    expect(e.completed_at).toMatch(/Z$/);

    const learner = (await t.call('GET', `/api/learners/${ada.learner_id}`, { token: a.token })).json().learner;
    expect(learner.enrollments).toEqual([
      expect.objectContaining({ id: ada.id, path_id: p.id, path_name: p.name, status: 'passed', belt: 'Black Belt', required_passed: 2, required_total: 2 }),
    ]);

    const passed = await t.call('GET', `/api/enrollments?path_id=${p.id}&status=passed`, { token: a.token });
    expect(passed.json().enrollments.map((x: any) => x.id)).toEqual([ada.id]);
    const notStarted = await t.call('GET', `/api/enrollments?status=not_started&learner_id=${rows.find((x: any) => x.email === 'alan@corp.example').learner_id}`, {
      token: a.token,
    });
    expect(notStarted.json().enrollments).toHaveLength(1);

    // A lesson added to the path: everyone's counts follow, and Ada is no longer done.
    const l4 = await lesson(t, a.token);
    const saved = await t.call('POST', `/api/paths/${p.id}`, { token: a.token, body: { ...p, lessons: [...p.lessons.map((x: any) => ({ lesson_id: x.lesson_id, required: x.required })), { lesson_id: l4.id }] } });
    expect(saved.statusCode, saved.body).toBe(200);
    const after = (await t.call('GET', `/api/enrollments?path_id=${p.id}&sort=learner_id`, { token: a.token })).json().enrollments;
    expect(after.map((x: any) => [x.email, x.status, x.required_passed, x.required_total, x.total_lessons, x.belt])).toEqual([
      ['ada@corp.example', 'in_progress', 2, 3, 4, 'Blue Belt'],
      ['alan@corp.example', 'not_started', 0, 3, 4, 'White Belt'],
    ]);
    expect(after[0].completed_at).toBeNull();
  });

  it('enroll learners by id and recipients by email; pause, resume and delete', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    const p = await path(t, a.token, [{ lesson_id: l1.id }]);
    await group(t, a.token, [{ name: 'Grace Hopper', email: 'grace@corp.example' }]);
    const linus = (await t.call('PUT', '/api/learners', { token: a.token, body: { email: 'linus@corp.example' } })).json().learner;
    const res = await t.call('PUT', '/api/enrollments', { token: a.token, body: { path_id: p.id, learner_ids: [linus.id], emails: ['Grace@corp.example'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().enrollments.map((e: any) => e.email).sort()).toEqual(['grace@corp.example', 'linus@corp.example']);
    const graceId = await learnerId(t, a.token, 'grace@corp.example');
    const e = res.json().enrollments.find((x: any) => x.learner_id === graceId);

    const paused = await t.call('POST', `/api/enrollments/${e.id}`, { token: a.token, body: { ...e, paused: true } });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json().enrollment).toMatchObject({ status: 'paused', paused: true });
    // Passing every lesson completes even a paused enrollment.
    await pass(t, graceId, l1.id);
    const stillPaused = (await t.call('GET', `/api/enrollments/${e.id}`, { token: a.token })).json().enrollment;
    expect(stillPaused.status).toBe('passed');

    const l2 = await lesson(t, a.token);
    const p2 = await path(t, a.token, [{ lesson_id: l2.id }]);
    const e2 = (await t.call('PUT', '/api/enrollments', { token: a.token, body: { path_id: p2.id, learner_ids: [graceId] } })).json().enrollments[0];
    expect((await t.call('POST', `/api/enrollments/${e2.id}`, { token: a.token, body: { paused: true } })).json().enrollment.status).toBe('paused');
    const resumed = await t.call('POST', `/api/enrollments/${e2.id}`, { token: a.token, body: { paused: false } });
    expect(resumed.json().enrollment).toMatchObject({ status: 'not_started', paused: false });
    const passedOne = await t.call('POST', `/api/enrollments/${e.id}`, { token: a.token, body: { paused: true } });
    expect(passedOne.statusCode).toBe(409);

    expect((await t.call('DELETE', `/api/enrollments/${e2.id}`, { token: a.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/enrollments/${e2.id}`, { token: a.token })).statusCode).toBe(404);
    // A path with enrollments stays until they are deleted.
    const delPath = await t.call('DELETE', `/api/paths/${p.id}`, { token: a.token });
    expect(delPath.statusCode).toBe(409);
    expect(delPath.json().error.message).toBe("path has 2 enrollments; delete them first");
  });

  it('refuses bad input and the references of another client as if they did not exist', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const p = await path(t, a.token, [{ lesson_id: (await lesson(t, a.token)).id }]);
    const mine = await group(t, a.token, [{ name: 'Me', email: 'me@corp.example' }]);
    const theirGroup = await group(t, b.token, [{ name: 'Them', email: 'them@other.example' }]);
    const theirPath = await path(t, b.token, []);
    const theirLearner = (await t.call('PUT', '/api/learners', { token: b.token, body: { email: 'them@other.example' } })).json().learner;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^path_id: is required/],
      [{ path_id: p.id }, /^recipient_group_ids: name the people to enroll/],
      [{ path_id: 999999, recipient_group_ids: [mine] }, /^path_id: no path 999999$/],
      [{ path_id: theirPath.id, recipient_group_ids: [mine] }, new RegExp(`^path_id: no path ${theirPath.id}$`)],
      [{ path_id: p.id, recipient_group_ids: [mine, theirGroup] }, new RegExp(`^recipient_group_ids\\[1\\]: no recipient group ${theirGroup}$`)],
      [{ path_id: p.id, recipient_group_ids: [mine, mine] }, /^recipient_group_ids\[1\]: \d+ appears more than once/],
      [{ path_id: p.id, learner_ids: [theirLearner.id] }, new RegExp(`^learner_ids\\[0\\]: no learner ${theirLearner.id}$`)],
      [{ path_id: p.id, emails: ['them@other.example'] }, /^emails\[0\]: "them@other.example" is not a recipient of this client/],
      [{ path_id: p.id, recipient_group_ids: 'all' }, /^recipient_group_ids/],
      [{ path_id: 'one' }, /^path_id/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', '/api/enrollments', { token: a.token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await t.core.database.db.selectFrom('enrollments').select('id').where('client_id', '=', a.clientId).execute()).toEqual([]);
    for (const q of ['status=done', 'path_id=abc', 'sort=email']) {
      const res = await t.call('GET', `/api/enrollments?${q}`, { token: a.token });
      expect(res.statusCode, q).toBe(400);
    }
    expect((await t.call('POST', '/api/enrollments/1', { token: a.token, body: {} })).json().error.message).toMatch(/^paused: is required/);

    const theirs = (await t.call('PUT', '/api/enrollments', { token: b.token, body: { path_id: theirPath.id, learner_ids: [theirLearner.id] } })).json().enrollments[0];
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { paused: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.call(method, `/api/enrollments/${theirs.id}`, { token: a.token, body });
      expect(res.statusCode, method).toBe(404);
      expect(res.json().error.message).toBe('enrollment not found');
    }
    expect((await t.call('GET', '/api/enrollments?limit=1000', { token: a.token })).json().enrollments).toEqual([]);
    const viewer = await t.user(a.clientId, 'view');
    const denied = await t.call('PUT', '/api/enrollments', { token: viewer.token, body: { path_id: p.id, recipient_group_ids: [mine] } });
    expect(denied.statusCode).toBe(403);
  });
});
