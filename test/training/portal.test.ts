/**
 * The learner portal over HTTP (fastify inject on the real tracking server, real database):
 * links issued and revoked through the Lucy API, bad links, cross-tenant lessons, forged posts,
 * and the attempts, points and progress that the lesson forms record.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLessonHtml, textParagraphs } from '../../src/tracking/portal-html.ts';
import { buildTrackingServer } from '../../src/tracking/server.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { EXERCISE, issuePortalPath, portalSetup, QUIZ, RIGHT, WRONG, type PortalSetup } from './portal-fixture.ts';

let t: TestApp;
let tracking: FastifyInstance;
let a: { clientId: number; token: string };
let b: { clientId: number; token: string };
let A: PortalSetup;
let B: PortalSetup;

beforeAll(async () => {
  t = await createTestApp({ DECOY_PUBLIC_URL: 'https://training.example-corp.test' });
  tracking = await buildTrackingServer(t.core, { logger: false });
  await tracking.ready();
  a = await t.tenant('Portal A');
  b = await t.tenant('Portal B');
  A = await portalSetup(t, a.clientId, 'a');
  B = await portalSetup(t, b.clientId, 'b');
});
afterAll(async () => {
  await tracking?.close();
  await t?.close();
});

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
/** A person's browser, by default. */
const get = (url: string, headers: Record<string, string> = {}) => tracking.inject({ method: 'GET', url, headers: { 'user-agent': CHROME, accept: 'text/html', ...headers } });
const post = (url: string, form: Record<string, string | number>, headers: Record<string, string> = {}) =>
  tracking.inject({
    method: 'POST',
    url,
    headers: { 'user-agent': CHROME, 'content-type': 'application/x-www-form-urlencoded', host: 'training.example-corp.test', origin: 'https://training.example-corp.test', 'sec-fetch-site': 'same-origin', ...headers },
    payload: new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)])).toString(),
  });

/** The hidden fields (attempt id and form key) of the form posting to `action` on a page. */
function formOf(html: string, action: string): { attempt: string; key: string; action: string } {
  const re = new RegExp(`<form method="post" action="([^"]*/${action})">\\s*<input type="hidden" name="attempt" value="(\\d+)"><input type="hidden" name="key" value="([^"]+)">`);
  const m = re.exec(html);
  if (!m) throw new Error(`no ${action} form in the page`);
  return { action: m[1].replace(/&amp;/g, '&'), attempt: m[2], key: m[3] };
}

const answers = (list: number[]) => Object.fromEntries(list.map((v, i) => [`q${i}`, v]));

function expectPortalHeaders(res: LightMyRequestResponse) {
  expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(String(res.headers['x-robots-tag'])).toMatch(/noindex/);
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toMatch(/default-src 'none'/);
  expect(csp).toMatch(/script-src 'self'/);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp).toMatch(/form-action 'self'/);
}

const attemptsOf = (learnerId: number, lessonId: number) =>
  t.core.database.db.selectFrom('lesson_attempts').selectAll().where('learner_id', '=', learnerId).where('lesson_id', '=', lessonId).orderBy('id').execute();
const learnerRow = (id: number) => t.core.database.db.selectFrom('learners').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const enrollmentRow = (id: number) => t.core.database.db.selectFrom('enrollments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('personal links (Lucy API)', () => {
  it('issues a link on DECOY_PUBLIC_URL that opens the learner’s portal', async () => {
    const before = Date.now();
    const link = await issuePortalPath(t, a.token, A.learnerId, 7);
    expect(link.url).toMatch(/^https:\/\/training\.example-corp\.test\/learn\/[A-Za-z0-9_-]+\.[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
    expect(link.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const days = (Date.parse(link.expiresAt) - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);

    const res = await get(link.path);
    expect(res.statusCode).toBe(200);
    expectPortalHeaders(res);
    expect(res.body).toMatch(/<html lang="en">/);
    expect(res.body).toContain('Hello, Adaa');
    expect(res.body).toContain('0 points');
    expect(res.body).toContain('Phishing path a');
    expect(res.body).toContain('White Belt');
    expect(res.body).toContain('Phishing refresher a');
    expect(res.body).toMatch(/Overdue: due 15 January 2026/);
    expect(res.body).toContain(`/lessons/${A.lessonId}"`);
    // Nothing of the other client.
    expect(res.body).not.toContain('Phishing path b');
  });

  it('the default lifetime is 30 days; bad days, unknown and foreign learners and read-only roles are refused', async () => {
    const link = await issuePortalPath(t, a.token, A.learnerId);
    expect((Date.parse(link.expiresAt) - Date.now()) / 86_400_000).toBeCloseTo(30, 1);

    for (const [body, mention] of [
      [{ days: 0 }, 'days'],
      [{ days: 366 }, 'days'],
      [{ days: 'soon' }, 'days'],
      [{ days: 1.5 }, 'days'],
    ] as const) {
      const res = await t.call('POST', `/api/learners/${A.learnerId}/portal-link`, { token: a.token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toContain(mention);
    }
    const noJson = await t.call('POST', `/api/learners/${A.learnerId}/portal-link`, { token: a.token, raw: 'days=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noJson.statusCode).toBe(415);

    // Another client's learner, and one that does not exist: the same 404.
    const foreign = await t.call('POST', `/api/learners/${B.learnerId}/portal-link`, { token: a.token, body: {} });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('not_found');
    const missing = await t.call('POST', '/api/learners/999999/portal-link', { token: a.token, body: {} });
    expect(missing.statusCode).toBe(404);
    expect((await t.call('POST', `/api/learners/${B.learnerId}/revoke-links`, { token: a.token, body: {} })).statusCode).toBe(404);
    const bareLink = await t.call('POST', `/api/learners/${A.learnerId}/portal-link`, { token: a.token, raw: '', headers: { 'content-type': 'application/json' } });
    expect(bareLink.statusCode).toBe(400);
    expect(bareLink.json().error.message).toContain('body');

    const viewer = await t.user(a.clientId, 'view');
    const ro = await t.call('POST', `/api/learners/${A.learnerId}/portal-link`, { token: viewer.token, body: {} });
    expect(ro.statusCode).toBe(403);
    expect((await t.call('POST', `/api/learners/${A.learnerId}/portal-link`, { body: {} })).statusCode).toBe(401);
  });

  it('revoke-links ends every link issued so far; a new link works', async () => {
    const first = await issuePortalPath(t, a.token, A.learnerId);
    const second = await issuePortalPath(t, a.token, A.learnerId, 2);
    expect((await get(first.path)).statusCode).toBe(200);
    const revoke = await t.call('POST', `/api/learners/${A.learnerId}/revoke-links`, { token: a.token, body: {} });
    expect(revoke.statusCode).toBe(204);
    // Like every Lucy write with a body, it wants JSON: {}.
    const bare = await t.call('POST', `/api/learners/${A.learnerId}/revoke-links`, { token: a.token, raw: '', headers: { 'content-type': 'application/json' } });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.message).toContain('body');
    for (const old of [first, second]) {
      const res = await get(old.path);
      expect(res.statusCode).toBe(410);
      expectPortalHeaders(res);
      expect(res.body).toContain('This link is no longer valid');
      expect(res.body).not.toContain('Ada');
      const lesson = await get(`${old.path}/lessons/${A.lessonId}`);
      expect(lesson.statusCode).toBe(410);
    }
    const fresh = await issuePortalPath(t, a.token, A.learnerId);
    expect((await get(fresh.path)).statusCode).toBe(200);
  });
});

describe('bad links', () => {
  it('forged, tampered and expired links get the same plain page', async () => {
    const good = (await issuePortalPath(t, a.token, A.learnerId)).path.slice('/learn/'.length);
    const [mac, ...rest] = good.split('.');
    const otherLearner = [mac, B.learnerId.toString(36), ...rest.slice(1)].join('.');
    const expired = t.core.portal.links.token({ learnerId: A.learnerId, version: (await learnerRow(A.learnerId)).link_version, expires: Math.floor(Date.now() / 1000) - 60 });
    const cases: [string, number][] = [
      ['nonsense', 404],
      [`${mac.slice(0, -2)}AA.${rest.join('.')}`, 404],
      [otherLearner, 404],
      ['A'.repeat(200), 404],
      [expired, 410],
    ];
    const bodies = new Set<string>();
    for (const [token, status] of cases) {
      const res = await get(`/learn/${token}`);
      expect(res.statusCode, token).toBe(status);
      expectPortalHeaders(res);
      expect(res.body).toContain('This link is no longer valid');
      bodies.add(res.body);
      const lesson = await get(`/learn/${token}/lessons/${A.lessonId}`);
      expect(lesson.statusCode).toBe(status);
      const p = await post(`/learn/${token}/lessons/${A.lessonId}/quiz`, { attempt: 1, key: 'x', ...answers(RIGHT) });
      expect(p.statusCode).toBe(status);
    }
    // One page for all of them: nothing tells whether the person exists.
    expect(bodies.size).toBe(1);
  });

  it('a link of a learner who was deleted is no longer valid', async () => {
    const c = await t.tenant('Portal C');
    const C = await portalSetup(t, c.clientId, 'c');
    const link = await issuePortalPath(t, c.token, C.learnerId);
    await t.core.database.db.deleteFrom('learners').where('id', '=', C.learnerId).execute();
    const res = await get(link.path);
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('This link is no longer valid');
  });
});

describe('lessons', () => {
  it('renders the restricted HTML subset and escapes everything else', async () => {
    const link = await issuePortalPath(t, a.token, A.learnerId);
    const res = await get(`${link.path}/lessons/${A.lessonId}`);
    expect(res.statusCode).toBe(200);
    expectPortalHeaders(res);
    expect(res.body).toContain('<h2>Look before you click</h2>');
    expect(res.body).toContain('<strong>create urgency</strong>');
    expect(res.body).toContain('<ul><li>Check the sender</li><li>Hover over links</li></ul>');
    expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(res.body).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(res.body).toContain('<p>Fish &amp; chips</p>');
    expect(res.body).not.toMatch(/<script>alert|<img|onclick|onerror="/);
    // The only script is the portal's own file.
    expect(res.body.match(/<script/g)).toHaveLength(1);
    expect(res.body).toContain('<script src="/learn/_/portal.js" defer></script>');
    // Video link, transcript in <details>, the quiz as radio groups in fieldsets with legends.
    expect(res.body).toContain('href="https://videos.example-corp.test/phishing-basics" target="_blank" rel="noopener noreferrer"');
    expect(res.body).toMatch(/<details id="transcript"><summary>Transcript<\/summary>/);
    expect(res.body.match(/<fieldset>/g)).toHaveLength(QUIZ.length);
    expect(res.body).toContain(`<legend>Question 1 of 3: ${QUIZ[0].question}</legend>`);
    expect(res.body).toMatch(/<label class="choice" for="q0-0"><input type="radio" id="q0-0" name="q0" value="0" required>/);
  });

  it('serves its style sheet and script from its own origin', async () => {
    const css = await get('/learn/_/portal.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).toContain(':focus-visible');
    const js = await get('/learn/_/portal.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('toggle');
  });

  it("a learner's link cannot open another client's lesson or attempt, nor a lesson that is not theirs", async () => {
    const linkB = await issuePortalPath(t, b.token, B.learnerId);
    const page = await get(`${linkB.path}/lessons/${A.lessonId}`);
    expect(page.statusCode).toBe(404);
    expectPortalHeaders(page);
    expect(page.body).toContain('This lesson is not part of your training');
    expect(page.body).not.toContain('Spotting phishing a');

    const linkA = await issuePortalPath(t, a.token, A.learnerId);
    const mine = await get(`${linkA.path}/lessons/${A.lessonId}`);
    const form = formOf(mine.body, 'quiz');
    // B's link posting to A's lesson, with A's (valid) form fields.
    const forged = await post(`${linkB.path}/lessons/${A.lessonId}/quiz`, { attempt: form.attempt, key: form.key, ...answers(RIGHT) });
    expect(forged.statusCode).toBe(404);
    // A's attempt seen through B's link (B's own lesson id): not there.
    expect((await get(`${linkB.path}/lessons/${B.lessonId}/attempts/${form.attempt}`)).statusCode).toBe(404);
    // Ids past what the database holds (PostgreSQL would refuse them in the query): not there either.
    for (const id of ['2147483648', '9999999999']) {
      expect((await get(`${linkA.path}/lessons/${A.lessonId}/attempts/${id}`)).statusCode, id).toBe(404);
      expect((await get(`${linkA.path}/lessons/${id}`)).statusCode, id).toBe(404);
    }
    // A lesson of the client that is in none of the learner's paths or assignments.
    const { insertLesson } = await import('./portal-fixture.ts');
    const stray = await insertLesson(t, a.clientId, { name: 'Not assigned', quiz: JSON.stringify(QUIZ) });
    expect((await get(`${linkA.path}/lessons/${stray}`)).statusCode).toBe(404);
    expect((await get(`${linkA.path}/lessons/abc`)).statusCode).toBe(404);
    expect((await get(`${linkA.path}/lessons/99999999999`)).statusCode).toBe(404);
    expect((await t.core.database.db.selectFrom('lesson_attempts').select('id').where('learner_id', '=', B.learnerId).where('lesson_id', '=', A.lessonId).execute()).length).toBe(0);
  });

  it('refuses forged and malformed posts with a 4xx page naming the problem, and keeps serving', async () => {
    const link = await issuePortalPath(t, a.token, A.learnerId);
    const lessonUrl = `${link.path}/lessons/${A.lessonId}`;
    const form = formOf((await get(lessonUrl)).body, 'quiz');
    const before = (await attemptsOf(A.learnerId, A.lessonId)).length;
    const cases: [string, Record<string, string | number>, Record<string, string>, number, RegExp][] = [
      ['no key', { attempt: form.attempt, ...answers(RIGHT) }, {}, 403, /key: the form key is missing or wrong/],
      ['wrong key', { attempt: form.attempt, key: 'AAAAAAAAAAAAAAAAAAAAAAAA', ...answers(RIGHT) }, {}, 403, /key: the form key is missing or wrong/],
      ['key of another action', { attempt: form.attempt, key: formOf((await get(lessonUrl)).body, 'video').key, ...answers(RIGHT) }, {}, 403, /key:/],
      ['another origin', { attempt: form.attempt, key: form.key, ...answers(RIGHT) }, { origin: 'https://evil.example' }, 403, /Origin: https:\/\/evil\.example is not this site/],
      ['same-site, opaque origin', { attempt: form.attempt, key: form.key, ...answers(RIGHT) }, { origin: 'null', 'sec-fetch-site': 'same-site' }, 403, /Sec-Fetch-Site: same-site/],
      ['not an origin', { attempt: form.attempt, key: form.key, ...answers(RIGHT) }, { origin: 'garbage' }, 403, /Origin: garbage is not this site/],
      ['cross-site fetch', { attempt: form.attempt, key: form.key, ...answers(RIGHT) }, { 'sec-fetch-site': 'cross-site' }, 403, /Sec-Fetch-Site: cross-site/],
      ['no attempt', { key: form.key, ...answers(RIGHT) }, {}, 400, /attempt: missing or not a number/],
      ['attempt not a number', { attempt: 'x1', key: form.key, ...answers(RIGHT) }, {}, 400, /attempt: missing or not a number/],
      ['unanswered question', { attempt: form.attempt, key: form.key, q0: 1, q2: 1 }, {}, 400, /question 2: choose an answer/],
      ['impossible choice', { attempt: form.attempt, key: form.key, q0: 1, q1: 7, q2: 1 }, {}, 400, /question 2: &quot;7&quot; is not one of its 3 choices/],
      ['choice not a number', { attempt: form.attempt, key: form.key, q0: 1, q1: 1, q2: '<b>' }, {}, 400, /question 3: &quot;&lt;b&gt;&quot; is not one of its 2 choices/],
    ];
    for (const [label, fields, headers, status, message] of cases) {
      const res = await post(`${lessonUrl}/quiz`, fields, headers);
      expect(res.statusCode, label).toBe(status);
      expectPortalHeaders(res);
      expect(res.body, label).toMatch(message);
    }
    // Steps the lesson does not have, and actions that do not exist.
    const noExercise = formOf((await get(lessonUrl)).body, 'video');
    const fakeExercise = await post(`${lessonUrl}/exercise`, { attempt: noExercise.attempt, key: noExercise.key, choice: 0 });
    expect(fakeExercise.statusCode).toBe(403);
    expect((await post(`${lessonUrl}/delete`, { attempt: form.attempt, key: form.key })).statusCode).toBe(404);
    // A body too large for a form.
    const big = await post(`${lessonUrl}/quiz`, { attempt: form.attempt, key: form.key, q0: 'x'.repeat(70_000) });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('too large');

    // Nothing was recorded, and the portal still answers.
    expect((await attemptsOf(A.learnerId, A.lessonId)).length).toBe(before);
    expect((await get(link.path)).statusCode).toBe(200);
  });

  it('a link scanner, a prefetch or a HEAD request sees a lesson but starts no attempt; the first step does', async () => {
    const c = await t.tenant('Portal S');
    const S = await portalSetup(t, c.clientId, 's');
    const link = await issuePortalPath(t, c.token, S.learnerId);
    const lessonUrl = `${link.path}/lessons/${S.lessonId}`;
    const machines: Record<string, string>[] = [{ 'user-agent': 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' }, { 'sec-purpose': 'prefetch' }, { 'user-agent': '' }];
    for (const headers of machines) {
      const res = await get(lessonUrl, headers);
      expect(res.statusCode).toBe(200);
      expect(formOf(res.body, 'quiz').attempt).toBe('0');
    }
    expect((await tracking.inject({ method: 'HEAD', url: lessonUrl, headers: { 'user-agent': CHROME } })).statusCode).toBe(200);
    expect(await attemptsOf(S.learnerId, S.lessonId)).toHaveLength(0);
    expect((await enrollmentRow(S.enrollmentId)).status).toBe('not_started');

    // A person whose page came without a try (attempt 0): the post starts one.
    const form = formOf((await get(lessonUrl, { 'user-agent': 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' })).body, 'video');
    const res = await post(form.action, { attempt: form.attempt, key: form.key });
    expect(res.statusCode).toBe(303);
    const attempts = await attemptsOf(S.learnerId, S.lessonId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'consumed', watched_video: 1 });
    // A person opening the lesson now continues that try.
    expect(formOf((await get(lessonUrl)).body, 'quiz').attempt).toBe(String(attempts[0].id));
  });

  it('simultaneous passing posts award the points once', async () => {
    const c = await t.tenant('Portal R');
    const R = await portalSetup(t, c.clientId, 'r');
    const link = await issuePortalPath(t, c.token, R.learnerId);
    const lessonUrl = `${link.path}/lessons/${R.lessonId}`;
    // The same form five times at once: one attempt, passed once.
    const form = formOf((await get(lessonUrl)).body, 'quiz');
    const same = await Promise.all(Array.from({ length: 5 }, () => post(form.action, { attempt: form.attempt, key: form.key, ...answers(RIGHT) })));
    expect(same.map((r) => r.statusCode)).toEqual([303, 303, 303, 303, 303]);
    expect(new Set(same.map((r) => r.headers.location))).toEqual(new Set([`${lessonUrl}/attempts/${form.attempt}`]));
    expect(await attemptsOf(R.learnerId, R.lessonId)).toHaveLength(1);
    // Pages shown without a try (attempt 0), posted at once: every post is a try, the points come once.
    const reading = formOf((await get(`${link.path}/lessons/${R.readingLessonId}`, { 'user-agent': 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' })).body, 'complete');
    expect(reading.attempt).toBe('0');
    const many = await Promise.all(Array.from({ length: 5 }, () => post(reading.action, { attempt: reading.attempt, key: reading.key })));
    expect(many.map((r) => r.statusCode)).toEqual([303, 303, 303, 303, 303]);
    const tries = await attemptsOf(R.learnerId, R.readingLessonId);
    expect(tries.length).toBeGreaterThanOrEqual(1);
    expect(tries.every((a) => a.status === 'passed')).toBe(true);
    expect(tries.filter((a) => a.points_awarded > 0)).toHaveLength(1);
    expect((await learnerRow(R.learnerId)).points).toBe(10 + 5);
  });

  it('records video, transcript and quiz attempts; fail, retry, pass; points once; progress follows', async () => {
    const c = await t.tenant('Portal D');
    const D = await portalSetup(t, c.clientId, 'd');
    const link = await issuePortalPath(t, c.token, D.learnerId);
    const lessonUrl = `${link.path}/lessons/${D.lessonId}`;

    expect((await get(lessonUrl)).statusCode).toBe(200);
    let attempts = await attemptsOf(D.learnerId, D.lessonId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'consumed', assessment: 'not_started', watched_video: 0, read_transcript: 0, exercise_passed: null, quiz_score: null, passed: 0, points_awarded: 0 });
    // Opening a lesson again reuses the try in progress.
    let page = await get(lessonUrl);
    expect(await attemptsOf(D.learnerId, D.lessonId)).toHaveLength(1);
    expect((await enrollmentRow(D.enrollmentId)).status).toBe('in_progress');

    const video = formOf(page.body, 'video');
    const v = await post(video.action, { attempt: video.attempt, key: video.key });
    expect(v.statusCode).toBe(303);
    expect(v.headers.location).toBe(`${lessonUrl}#video`);
    const transcript = formOf(page.body, 'transcript');
    const tr = await post(transcript.action, { attempt: transcript.attempt, key: transcript.key, js: 1 });
    expect(tr.statusCode).toBe(204);
    page = await get(lessonUrl);
    expect(page.body).toContain('Recorded: you watched the video.');
    expect(page.body).toContain('Recorded: you read the transcript.');

    // Fail: one of three right (33% < 66%).
    const quiz = formOf(page.body, 'quiz');
    const failed = await post(quiz.action, { attempt: quiz.attempt, key: quiz.key, ...answers(WRONG) });
    expect(failed.statusCode).toBe(303);
    expect(failed.headers.location).toBe(`${lessonUrl}/attempts/${quiz.attempt}`);
    attempts = await attemptsOf(D.learnerId, D.lessonId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'failed', assessment: 'failed', watched_video: 1, read_transcript: 1, quiz_score: 33, passed: 0, points_awarded: 0 });
    expect(JSON.parse(attempts[0].quiz_answers)).toEqual(WRONG);
    // A double submit of the same form changes nothing.
    const again = await post(quiz.action, { attempt: quiz.attempt, key: quiz.key, ...answers(RIGHT) });
    expect(again.headers.location).toBe(`${lessonUrl}/attempts/${quiz.attempt}`);
    expect(await attemptsOf(D.learnerId, D.lessonId)).toHaveLength(1);

    const result = await get(failed.headers.location as string);
    expect(result.statusCode).toBe(200);
    expectPortalHeaders(result);
    expect(result.body).toContain('Not passed this time.');
    expect(result.body).toContain('Your score: <strong>33%</strong>. The pass mark is 66%.');
    expect(result.body).toContain('(2 wrong)');
    expect(result.body).toContain(QUIZ[0].explanation);
    expect(result.body).toMatch(/Your answer: Confirm it quickly — <strong>wrong<\/strong>/);
    expect(result.body).toContain(`href="${lessonUrl}#quiz">Try again</a>`);
    expect((await learnerRow(D.learnerId)).points).toBe(0);

    // Retry: a new try; pass it.
    page = await get(lessonUrl);
    attempts = await attemptsOf(D.learnerId, D.lessonId);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toMatchObject({ status: 'consumed', watched_video: 0, read_transcript: 0 });
    const quiz2 = formOf(page.body, 'quiz');
    expect(quiz2.attempt).toBe(String(attempts[1].id));
    const passed = await post(quiz2.action, { attempt: quiz2.attempt, key: quiz2.key, ...answers(RIGHT) });
    expect(passed.headers.location).toBe(`${lessonUrl}/attempts/${quiz2.attempt}`);
    attempts = await attemptsOf(D.learnerId, D.lessonId);
    expect(attempts[1]).toMatchObject({ status: 'passed', assessment: 'passed', quiz_score: 100, passed: 1, points_awarded: 10 });
    expect((await learnerRow(D.learnerId)).points).toBe(10);
    const passedPage = await get(passed.headers.location as string);
    expect(passedPage.body).toContain('You passed this lesson.');
    expect(passedPage.body).toContain('You earned 10 points.');
    expect(passedPage.body).toContain(`Next lesson: Headers d`);

    // Two required lessons in the path, one passed: floor(7 × 1/2) = 3, Green Belt.
    let enrollment = await enrollmentRow(D.enrollmentId);
    expect(enrollment).toMatchObject({ status: 'in_progress', required_total: 2, required_passed: 1, total_lessons: 3, total_passed: 1, level: 3, completed_at: null });
    const assignee = await t.core.database.db.selectFrom('assignment_learners').selectAll().where('learner_id', '=', D.learnerId).executeTakeFirstOrThrow();
    expect(assignee).toMatchObject({ status: 'completed', passed: 1, total: 1 });
    expect(assignee.completed_at).toBeTruthy();

    // Passing it again: a new attempt, passed, but no more points.
    page = await get(lessonUrl);
    expect(page.body).toContain('You have passed this lesson already.');
    const quiz3 = formOf(page.body, 'quiz');
    await post(quiz3.action, { attempt: quiz3.attempt, key: quiz3.key, ...answers(RIGHT) });
    attempts = await attemptsOf(D.learnerId, D.lessonId);
    expect(attempts).toHaveLength(3);
    expect(attempts[2]).toMatchObject({ status: 'passed', passed: 1, points_awarded: 0 });
    expect((await learnerRow(D.learnerId)).points).toBe(10);
    expect((await get(`${lessonUrl}/attempts/${quiz3.attempt}`)).body).toContain('Points for this lesson were awarded the first time you passed it.');

    // The exercise lesson: the quiz passed first waits for the exercise; a wrong answer can be retried.
    const exUrl = `${link.path}/lessons/${D.exerciseLessonId}`;
    page = await get(exUrl);
    expect(page.body).toContain(`<pre class="material">${EXERCISE.material.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre>`);
    const exQuiz = formOf(page.body, 'quiz');
    const waited = await post(exQuiz.action, { attempt: exQuiz.attempt, key: exQuiz.key, ...answers(RIGHT) });
    expect(waited.headers.location).toBe(`${exUrl}/attempts/${exQuiz.attempt}`);
    expect((await get(waited.headers.location as string)).body).toContain('Now solve the exercise');
    let ex = await attemptsOf(D.learnerId, D.exerciseLessonId);
    expect(ex[0]).toMatchObject({ status: 'consumed', assessment: 'passed', exercise_passed: 0, passed: 0 });
    page = await get(exUrl);
    expect(page.body).toContain('You passed the quiz. Solve the exercise above to complete the lesson.');
    const exercise = formOf(page.body, 'exercise');
    const wrong = await post(exercise.action, { attempt: exercise.attempt, key: exercise.key, choice: 0 });
    expect(wrong.headers.location).toBe(`${exUrl}?exercise=wrong#exercise`);
    expect((await get(`${exUrl}?exercise=wrong`)).body).toContain('Not quite.');
    const badChoice = await post(exercise.action, { attempt: exercise.attempt, key: exercise.key, choice: 9 });
    expect(badChoice.statusCode).toBe(400);
    expect(badChoice.body).toContain('choice: &quot;9&quot; is not one of its 3 choices');
    const right = await post(exercise.action, { attempt: exercise.attempt, key: exercise.key, choice: EXERCISE.answer });
    expect(right.headers.location).toBe(`${exUrl}/attempts/${exercise.attempt}`);
    ex = await attemptsOf(D.learnerId, D.exerciseLessonId);
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({ status: 'passed', assessment: 'passed', exercise_passed: 1, passed: 1, points_awarded: 15 });
    expect((await learnerRow(D.learnerId)).points).toBe(25);
    enrollment = await enrollmentRow(D.enrollmentId);
    expect(enrollment).toMatchObject({ status: 'passed', level: 7, required_passed: 2, total_passed: 2 });
    expect(enrollment.completed_at).toBeTruthy();

    // The optional reading lesson has no quiz: "mark as done" passes it.
    const readUrl = `${link.path}/lessons/${D.readingLessonId}`;
    page = await get(readUrl);
    const done = formOf(page.body, 'complete');
    const completed = await post(done.action, { attempt: done.attempt, key: done.key });
    expect(completed.headers.location).toBe(`${readUrl}/attempts/${done.attempt}`);
    expect((await attemptsOf(D.learnerId, D.readingLessonId))[0]).toMatchObject({ status: 'passed', passed: 1, points_awarded: 5, quiz_score: null });
    expect((await learnerRow(D.learnerId)).points).toBe(30);
    expect(await enrollmentRow(D.enrollmentId)).toMatchObject({ total_passed: 3 });

    const dashboard = await get(link.path);
    expect(dashboard.body).toContain('30 points');
    expect(dashboard.body).toContain('Black Belt');
    expect(dashboard.body).toContain('Passed ✓');
    expect(dashboard.body).not.toContain('Overdue');
  });
});

describe('the restricted HTML of lesson bodies', () => {
  it('keeps the listed tags without their attributes, balances them, and escapes everything else', () => {
    expect(renderLessonHtml('<h2>Title</h2><p>One <em>two</em> <code>x &lt; y</code></p>')).toBe('<h2>Title</h2><p>One <em>two</em> <code>x &lt; y</code></p>');
    expect(renderLessonHtml('<P CLASS="x" onclick="alert(1)">Hi</P>')).toBe('<p>Hi</p>');
    expect(renderLessonHtml('<p>open <strong>bold')).toBe('<p>open <strong>bold</strong></p>');
    expect(renderLessonHtml('</li>stray</pre><ul><li>a</ul>')).toBe('stray<ul><li>a</li></ul>');
    expect(renderLessonHtml('line<br>break<br/>')).toBe('line<br>break<br>');
    expect(renderLessonHtml('<a href="javascript:alert(1)">x</a>')).toBe('&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;');
    expect(renderLessonHtml('<iframe src=//evil></iframe><style>*{}</style>')).toBe('&lt;iframe src=//evil&gt;&lt;/iframe&gt;&lt;style&gt;*{}&lt;/style&gt;');
    expect(renderLessonHtml('<p title="a>b">x</p>')).toBe('<p>b&quot;&gt;x</p>');
    expect(renderLessonHtml('Tom & Jerry &amp; &#169; &#x1F600; &bogus')).toBe('Tom &amp; Jerry &amp; &#169; &#x1F600; &amp;bogus');
    expect(renderLessonHtml('<!-- comment --><script>x</script>')).toBe('&lt;!-- comment --&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(renderLessonHtml('<pre><p>code</pre>')).toBe('<pre><p>code</p></pre>');
  });

  it('turns plain text into escaped paragraphs', () => {
    expect(textParagraphs('First line\nsecond <b>line</b>\n\n  Next paragraph  ')).toBe('<p>First line<br>second &lt;b&gt;line&lt;/b&gt;</p>\n<p>Next paragraph</p>');
  });
});
