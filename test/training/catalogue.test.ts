import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTrainingLibrary } from '../../src/core/training/install.ts';
import { LIBRARY_LESSONS } from '../../src/core/training/library/lessons.ts';
import { LIBRARY_PATHS } from '../../src/core/training/library/paths.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { lesson, path, quiz } from './fixture.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('the built-in catalogue', () => {
  it('is installed on first start, once per key, and visible to every client', async () => {
    const db = t.core.database.db;
    const builtIn = await db.selectFrom('lessons').select(['library_key']).where('client_id', 'is', null).execute();
    expect(builtIn.map((l) => l.library_key).sort()).toEqual(LIBRARY_LESSONS.map((l) => l.key).sort());
    const paths = await db.selectFrom('paths').select(['id']).where('client_id', 'is', null).execute();

    // Installing again (another start, or two processes at once) adds nothing.
    await db.deleteFrom('settings').where('key', '=', 'training_library_version').execute();
    await Promise.all([installTrainingLibrary(db), installTrainingLibrary(db)]);
    expect(await db.selectFrom('lessons').select('id').where('client_id', 'is', null).execute()).toHaveLength(builtIn.length);
    expect(await db.selectFrom('paths').select('id').where('client_id', 'is', null).execute()).toHaveLength(paths.length);

    const a = await t.tenant();
    const res = await t.call('GET', '/api/lessons?builtin=true&limit=1000', { token: a.token });
    expect(res.statusCode).toBe(200);
    const lessons = res.json().lessons;
    expect(lessons).toHaveLength(LIBRARY_LESSONS.length);
    for (const l of lessons) {
      expect(l).toMatchObject({ client_id: null, builtin: true });
      expect(l.library_key).not.toBe('');
      expect(l.quiz.length).toBeGreaterThan(0);
      for (const q of l.quiz) expect(q.answer).toBeLessThan(q.choices.length);
    }
    const one = await t.call('GET', `/api/lessons/${lessons[0].id}`, { token: a.token });
    expect(one.statusCode).toBe(200);
    expect(one.json().lesson.content).toContain('<');

    // The paths, their lessons in the library's order.
    expect(LIBRARY_LESSONS.length).toBeGreaterThanOrEqual(12);
    expect(LIBRARY_PATHS.length).toBeGreaterThanOrEqual(3);
    const listed = (await t.call('GET', '/api/paths?builtin=true&limit=1000', { token: a.token })).json().paths;
    expect(listed.map((p: any) => p.library_key).sort()).toEqual(LIBRARY_PATHS.map((p) => p.key).sort());
    const keyOf = new Map(lessons.map((l: any) => [l.id, l.library_key]));
    for (const lp of LIBRARY_PATHS) {
      const installed = listed.find((p: any) => p.library_key === lp.key);
      expect(installed).toMatchObject({ name: lp.name, role_name: lp.roleName, client_id: null, builtin: true });
      expect(installed.lessons.map((l: any) => [keyOf.get(l.lesson_id), l.required])).toEqual(lp.lessons.map((l) => [l.key, l.required]));
    }
  });

  it('a super admin adds to it and removes from it; what was removed stays removed', async () => {
    const a = await t.tenant();
    const added = await t.call('PUT', '/api/lessons', { token: t.rootToken, body: { name: 'Company-wide lesson', client_id: null, quiz } });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().lesson).toMatchObject({ client_id: null, builtin: true });
    expect((await t.call('GET', `/api/lessons/${added.json().lesson.id}`, { token: a.token })).statusCode).toBe(200);

    const db = t.core.database.db;
    const victim = await db.selectFrom('lessons').select(['id', 'library_key']).where('client_id', 'is', null).where('library_key', '<>', '').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const holders = await db.selectFrom('path_lessons').select('path_id').where('lesson_id', '=', victim.id).execute();
    for (const h of holders) {
      const p = (await t.call('GET', `/api/paths/${h.path_id}`, { token: t.rootToken })).json().path;
      const rest = p.lessons.filter((l: any) => l.lesson_id !== victim.id).map((l: any) => ({ lesson_id: l.lesson_id, required: l.required }));
      expect((await t.call('POST', `/api/paths/${p.id}`, { token: t.rootToken, body: { name: p.name, lessons: rest } })).statusCode).toBe(200);
    }
    expect((await t.call('DELETE', `/api/lessons/${victim.id}`, { token: t.rootToken })).statusCode).toBe(204);
    await db.deleteFrom('settings').where('key', '=', 'training_library_version').execute();
    await installTrainingLibrary(db);
    expect(await db.selectFrom('lessons').select('id').where('library_key', '=', victim.library_key).execute()).toEqual([]);
  });

  it('is read-only for clients (403, as for built-in templates) and a super admin can change it', async () => {
    const a = await t.tenant();
    const builtIn = (await t.call('GET', '/api/lessons?builtin=true&limit=1', { token: a.token })).json().lessons[0];
    const save = await t.call('POST', `/api/lessons/${builtIn.id}`, { token: a.token, body: { ...builtIn, name: 'Mine now' } });
    expect(save.statusCode).toBe(403);
    expect(save.json().error.message).toMatch(/built-in lessons are read-only/);
    const del = await t.call('DELETE', `/api/lessons/${builtIn.id}`, { token: a.token });
    expect(del.statusCode).toBe(403);
    expect((await t.call('GET', `/api/lessons/${builtIn.id}`, { token: a.token })).json().lesson.name).toBe(builtIn.name);

    const byRoot = await t.call('POST', `/api/lessons/${builtIn.id}`, { token: t.rootToken, body: { name: `${builtIn.name} (revised)` } });
    expect(byRoot.statusCode, byRoot.body).toBe(200);
    expect(byRoot.json().lesson).toMatchObject({ name: `${builtIn.name} (revised)`, client_id: null, quiz: builtIn.quiz });

    const builtInPath = (await t.call('GET', '/api/paths?builtin=true&limit=1', { token: a.token })).json().paths[0];
    if (builtInPath) {
      const p = await t.call('POST', `/api/paths/${builtInPath.id}`, { token: a.token, body: { name: 'Mine' } });
      expect(p.statusCode).toBe(403);
      expect(p.json().error.message).toMatch(/built-in paths are read-only/);
    }
  });
});

describe('lessons', () => {
  it('creates, reads, lists, saves and deletes a client lesson', async () => {
    const a = await t.tenant();
    const exercise = { instructions: 'Look at the sender.', material: 'From: IT <it@examp1e.com>', question: 'What gives it away?', choices: ['The name', 'The domain'], answer: 1 };
    const created = await lesson(t, a.token, {
      name: 'Spotting look-alike domains',
      summary: 'Short',
      content: '<p>Read the domain.</p>',
      video_url: 'https://video.example.com/lookalike',
      transcript: 'Read the domain.',
      exercise,
      pass_mark: 50,
      points: 25,
      minutes: 7,
    });
    expect(created).toMatchObject({
      client_id: a.clientId,
      builtin: false,
      library_key: '',
      name: 'Spotting look-alike domains',
      topic: 'phishing',
      video_url: 'https://video.example.com/lookalike',
      exercise,
      pass_mark: 50,
      points: 25,
      minutes: 7,
      language: 'en',
    });
    expect(created.quiz).toEqual([
      { ...quiz[0] },
      { ...quiz[1], explanation: '' },
    ]);
    expect(created.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(created.links).toEqual([{ rel: 'self', href: `/api/lessons/${created.id}` }]);

    const got = await t.call('GET', `/api/lessons/${created.id}`, { token: a.token });
    expect(got.json()).toEqual({ lesson: created });

    const own = await t.call('GET', '/api/lessons?builtin=false', { token: a.token });
    expect(own.json().lessons.map((l: any) => l.id)).toEqual([created.id]);
    const found = await t.call('GET', '/api/lessons?q=LOOK-ALIKE', { token: a.token });
    expect(found.json().lessons.map((l: any) => l.id)).toEqual([created.id]);
    const sorted = await t.call('GET', '/api/lessons?sort=-points&limit=1', { token: a.token });
    expect(sorted.statusCode).toBe(200);
    expect(sorted.json().lessons).toHaveLength(1);

    // Saving what was read (links and all) with one change; absent fields keep their values.
    const saved = await t.call('POST', `/api/lessons/${created.id}`, { token: a.token, body: { ...created, name: 'Look-alike domains', exercise: null } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().lesson).toMatchObject({ name: 'Look-alike domains', exercise: null, points: 25, quiz: created.quiz });
    const partial = await t.call('POST', `/api/lessons/${created.id}`, { token: a.token, body: { name: 'Renamed' } });
    expect(partial.json().lesson).toMatchObject({ name: 'Renamed', points: 25, video_url: 'https://video.example.com/lookalike' });

    const del = await t.call('DELETE', `/api/lessons/${created.id}`, { token: a.token });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await t.call('GET', `/api/lessons/${created.id}`, { token: a.token })).statusCode).toBe(404);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const a = await t.tenant();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^name: is required/],
      [{ name: '   ' }, /^name: must not be empty/],
      [{ name: 'x', quiz: [{ question: 'Q', choices: ['only one'], answer: 0 }] }, /^quiz\[0\]\.choices/],
      [{ name: 'x', quiz: [{ question: 'Q', choices: ['a', 'b'], answer: 2 }] }, /^quiz\[0\]\.answer: 2 is not the index/],
      [{ name: 'x', quiz: [{ question: ' ', choices: ['a', 'b'], answer: 0 }] }, /^quiz\[0\]\.question: must not be empty/],
      [{ name: 'x', quiz: [{ question: 'Q', choices: ['a', ' '], answer: 0 }] }, /^quiz\[0\]\.choices\[1\]: must not be empty/],
      [{ name: 'x', quiz: [{ choices: ['a', 'b'], answer: 0 }] }, /^quiz\[0\]\.question: is required/],
      [{ name: 'x', exercise: { question: 'Q', choices: ['a', 'b'], answer: 5 } }, /^exercise\.answer/],
      [{ name: 'x', exercise: 'no' }, /^exercise:/],
      [{ name: 'x', video_url: 'javascript:alert(1)' }, /^video_url: must be an http or https link/],
      [{ name: 'x', video_url: 'not a url' }, /^video_url: .* is not a URL/],
      [{ name: 'x', pass_mark: 101 }, /^pass_mark/],
      [{ name: 'x', points: -1 }, /^points/],
      [{ name: 'x', minutes: 0 }, /^minutes/],
      [{ name: 'x', language: 'english' }, /^language/],
      [{ name: 'x', client_id: 'one' }, /^client_id/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', '/api/lessons', { token: a.token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(message);
    }
    for (const q of ['sort=nope', 'limit=1001', 'builtin=maybe']) {
      const res = await t.call('GET', `/api/lessons?${q}`, { token: a.token });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.message).toMatch(/sort|limit|builtin/);
    }
  });

  it('keeps a lesson that is in a path (409) and lets the view role read only', async () => {
    const a = await t.tenant();
    const l = await lesson(t, a.token);
    await path(t, a.token, [{ lesson_id: l.id }]);
    const del = await t.call('DELETE', `/api/lessons/${l.id}`, { token: a.token });
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toMatch(/part of 1 path/);

    const viewer = await t.user(a.clientId, 'view');
    expect((await t.call('GET', `/api/lessons/${l.id}`, { token: viewer.token })).statusCode).toBe(200);
    const put = await t.call('PUT', '/api/lessons', { token: viewer.token, body: { name: 'No' } });
    expect(put.statusCode).toBe(403);
    expect(put.json().error.message).toMatch(/read-only/);
    expect((await t.call('POST', `/api/lessons/${l.id}`, { token: viewer.token, body: { name: 'No' } })).statusCode).toBe(403);
    expect((await t.call('DELETE', `/api/lessons/${l.id}`, { token: viewer.token })).statusCode).toBe(403);
  });

  it("answers 404 for another client's lesson, and never lists it", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const l = await lesson(t, a.token);
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { name: 'Taken' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.call(method, `/api/lessons/${l.id}`, { token: b.token, body });
      expect(res.statusCode, method).toBe(404);
      expect(res.json().error.message).toBe('lesson not found');
    }
    const list = await t.call('GET', '/api/lessons?limit=1000', { token: b.token });
    expect(list.json().lessons.map((x: any) => x.id)).not.toContain(l.id);
    expect((await t.call('GET', `/api/lessons/${l.id}`, { token: a.token })).json().lesson.name).toBe(l.name);
  });
});

describe('paths', () => {
  it('creates a path of ordered lessons with belts as levels, saves and deletes it', async () => {
    const a = await t.tenant();
    const builtIn = (await t.call('GET', '/api/lessons?builtin=true&limit=2', { token: a.token })).json().lessons;
    const own = await lesson(t, a.token);
    const created = await path(t, a.token, [{ lesson_id: own.id }, { lesson_id: builtIn[0].id, required: false }, { lesson_id: builtIn[1].id }], {
      name: 'Starter',
      description: 'First steps',
      role_name: 'Security Apprentice',
    });
    expect(created).toMatchObject({
      client_id: a.clientId,
      builtin: false,
      name: 'Starter',
      description: 'First steps',
      role_name: 'Security Apprentice',
      lesson_count: 3,
      required_count: 2,
      levels: ['White Belt', 'Yellow Belt', 'Orange Belt', 'Green Belt', 'Blue Belt', 'Purple Belt', 'Brown Belt', 'Black Belt'],
    });
    expect(created.lessons.map((l: any) => [l.lesson_id, l.position, l.required])).toEqual([
      [own.id, 1, true],
      [builtIn[0].id, 2, false],
      [builtIn[1].id, 3, true],
    ]);
    expect(created.lessons[0].name).toBe(own.name);

    expect((await t.call('GET', `/api/paths/${created.id}`, { token: a.token })).json()).toEqual({ path: created });
    const listed = await t.call('GET', '/api/paths?builtin=false', { token: a.token });
    expect(listed.json().paths.map((p: any) => p.id)).toEqual([created.id]);

    const reordered = await t.call('POST', `/api/paths/${created.id}`, {
      token: a.token,
      body: { ...created, lessons: [{ lesson_id: builtIn[1].id }, { lesson_id: own.id, required: false }] },
    });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect(reordered.json().path.lessons.map((l: any) => [l.lesson_id, l.required])).toEqual([
      [builtIn[1].id, true],
      [own.id, false],
    ]);
    const renamed = await t.call('POST', `/api/paths/${created.id}`, { token: a.token, body: { name: 'Renamed' } });
    expect(renamed.json().path.lesson_count).toBe(2);

    expect((await t.call('DELETE', `/api/paths/${created.id}`, { token: a.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/paths/${created.id}`, { token: a.token })).statusCode).toBe(404);
  });

  it("refuses duplicate, unknown and other clients' lessons, and bad fields", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const mine = await lesson(t, a.token);
    const theirs = await lesson(t, b.token);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^name: is required/],
      [{ name: 'p', lessons: [{ lesson_id: mine.id }, { lesson_id: mine.id }] }, /^lessons\[1\]\.lesson_id: lesson \d+ appears more than once/],
      [{ name: 'p', lessons: [{ lesson_id: 999999 }] }, /^lessons\[0\]\.lesson_id: no lesson 999999/],
      [{ name: 'p', lessons: [{ lesson_id: mine.id }, { lesson_id: theirs.id }] }, new RegExp(`^lessons\\[1\\]\\.lesson_id: no lesson ${theirs.id}$`)],
      [{ name: 'p', lessons: [{}] }, /^lessons\[0\]\.lesson_id: is required/],
      [{ name: 'p', lessons: [{ lesson_id: 0 }] }, /^lessons\[0\]\.lesson_id/],
      [{ name: 'p', lessons: 'all' }, /^lessons/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', '/api/paths', { token: a.token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(message);
    }
    // A built-in path may only hold built-in lessons.
    const root = await t.call('PUT', '/api/paths', { token: t.rootToken, body: { name: 'Library path', client_id: null, lessons: [{ lesson_id: mine.id }] } });
    expect(root.statusCode).toBe(400);
    expect(root.json().error.message).toMatch(/no lesson \d+ in the built-in catalogue/);
  });

  it("answers 404 for another client's path", async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const p = await path(t, a.token, []);
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { name: 'Taken' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.call(method, `/api/paths/${p.id}`, { token: b.token, body });
      expect(res.statusCode, method).toBe(404);
      expect(res.json().error.message).toBe('path not found');
    }
    expect((await t.call('GET', '/api/paths?limit=1000', { token: b.token })).json().paths.map((x: any) => x.id)).not.toContain(p.id);
  });
});
