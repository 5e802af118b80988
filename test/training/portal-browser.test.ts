/**
 * A learner walks a lesson of their path in real Chromium against the real tracking server
 * (a listener on loopback): opens the personal link, opens a lesson, reads it (the transcript
 * and the video), fails the quiz, then passes it. The attempts, points, enrollment progress and
 * belt change in the database, and through the Security Journey API when it is there. Then the
 * same pages with JavaScript turned off, and at phone and desktop widths.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrackingServer } from '../../src/tracking/server.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { issuePortalPath, portalSetup, QUIZ, RIGHT, WRONG, type PortalSetup } from './portal-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
/** Headless Chromium says "HeadlessChrome", which the tracking classifier takes for a scanner; a person's browser does not. */
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`portal-browser.test.ts: skipped, ${CHROMIUM} is missing (install Debian's chromium; never download a browser)`);

let t: TestApp;
let tracking: FastifyInstance;
let browser: Browser;
let base: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!haveChromium) return;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ DECOY_PUBLIC_URL: base });
  tracking = await buildTrackingServer(t.core, { logger: false });
  await tracking.listen({ host: '127.0.0.1', port });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await tracking?.close();
  await t?.close();
});

/** Console errors (a CSP violation shows up there) collected per page. */
function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function answerQuiz(page: Page, choices: number[]) {
  for (const [i, c] of choices.entries()) {
    const q = QUIZ[i];
    const group = page.getByRole('group', { name: `Question ${i + 1} of ${QUIZ.length}: ${q.question}` });
    await group.getByRole('radio', { name: q.choices[c], exact: true }).check();
  }
  await page.getByRole('button', { name: 'Submit my answers' }).click();
}

const attemptsOf = (learnerId: number, lessonId: number) =>
  t.core.database.db.selectFrom('lesson_attempts').selectAll().where('learner_id', '=', learnerId).where('lesson_id', '=', lessonId).orderBy('id').execute();

describe.skipIf(!haveChromium)('learner portal in Chromium', () => {
  let admin: { clientId: number; token: string };
  let S: PortalSetup;

  beforeAll(async () => {
    admin = await t.tenant('Browser client');
    S = await portalSetup(t, admin.clientId, 'x');
  });

  it('opens the personal link, reads a lesson, fails the quiz, then passes it', async () => {
    const { url } = await issuePortalPath(t, admin.token, S.learnerId);
    expect(url.startsWith(`${base}/learn/`)).toBe(true);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: USER_AGENT });
    const page = await context.newPage();
    const errors = watch(page);
    try {
      const first = await page.goto(url);
      expect(first?.status()).toBe(200);
      expect(first?.headers()['referrer-policy']).toBe('no-referrer');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Adax');
      expect(await page.locator('.points').textContent()).toBe('0 points');
      expect(await page.getByText('Level: White Belt').count()).toBe(1);
      expect(await page.locator('.overdue-note').textContent()).toMatch(/^Overdue: due 15 January 2026$/);

      // Open the lesson from the path.
      await page.getByRole('region', { name: 'Your learning paths' }).getByRole('link', { name: 'Spotting phishing x' }).click();
      await page.waitForURL(`**/lessons/${S.lessonId}`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Spotting phishing x');
      expect(await page.locator('.lesson-body h2').textContent()).toBe('Look before you click');
      // The escaped script is text on the page, never run.
      expect(await page.locator('.lesson-body').textContent()).toContain('<script>alert("x")</script>');
      expect(await page.locator('.lesson-body script, .lesson-body img').count()).toBe(0);

      // Read the transcript: opening it records it (the portal's script), and says so.
      await page.getByText('Transcript', { exact: true }).click();
      await page.getByText('Recorded: you read the transcript.').waitFor();
      // Watched the video: a plain form post, then back on the lesson.
      await page.getByRole('button', { name: 'I watched the video' }).click();
      await page.waitForURL(`**/lessons/${S.lessonId}#video`);
      expect(await page.getByText('Recorded: you watched the video.').isVisible()).toBe(true);
      let attempts = await attemptsOf(S.learnerId, S.lessonId);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ status: 'consumed', watched_video: 1, read_transcript: 1 });

      // Fail the quiz.
      await answerQuiz(page, WRONG);
      await page.waitForURL(/\/attempts\/\d+$/);
      expect(await page.getByRole('heading', { name: 'Not passed this time.' }).isVisible()).toBe(true);
      expect(await page.locator('.answer.wrong').count()).toBe(2);
      expect(await page.getByText(QUIZ[0].explanation).isVisible()).toBe(true);
      attempts = await attemptsOf(S.learnerId, S.lessonId);
      expect(attempts[0]).toMatchObject({ status: 'failed', assessment: 'failed', quiz_score: 33, passed: 0, points_awarded: 0 });

      // Try again and pass.
      await page.getByRole('link', { name: 'Try again' }).click();
      await page.waitForURL(`**/lessons/${S.lessonId}#quiz`);
      await answerQuiz(page, RIGHT);
      await page.waitForURL(/\/attempts\/\d+$/);
      expect(await page.getByRole('heading', { name: 'You passed this lesson.' }).isVisible()).toBe(true);
      expect(await page.getByText('You earned 10 points.').isVisible()).toBe(true);

      // The database followed.
      attempts = await attemptsOf(S.learnerId, S.lessonId);
      expect(attempts).toHaveLength(2);
      expect(attempts[1]).toMatchObject({ status: 'passed', assessment: 'passed', quiz_score: 100, passed: 1, points_awarded: 10 });
      const learner = await t.core.database.db.selectFrom('learners').select('points').where('id', '=', S.learnerId).executeTakeFirstOrThrow();
      expect(learner.points).toBe(10);
      const enrollment = await t.core.database.db.selectFrom('enrollments').selectAll().where('id', '=', S.enrollmentId).executeTakeFirstOrThrow();
      expect(enrollment).toMatchObject({ status: 'in_progress', required_passed: 1, required_total: 2, level: 3 });
      expect(enrollment.last_engagement_at).toBeTruthy();
      const assignee = await t.core.database.db.selectFrom('assignment_learners').selectAll().where('learner_id', '=', S.learnerId).executeTakeFirstOrThrow();
      expect(assignee.status).toBe('completed');

      // And the portal shows it.
      await page.getByRole('link', { name: 'Back to your training' }).first().click();
      expect(await page.locator('.points').textContent()).toBe('10 points');
      expect(await page.getByText('Level: Green Belt').count()).toBe(1);
      expect(await page.locator('.badge.completed').count()).toBe(1);

      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    await checkSecurityJourney();
  });

  /** Through /api/v2 when the Security Journey API is registered (another part of the issue). */
  async function checkSecurityJourney() {
    if (!t.routes.some((r) => r.method === 'GET' && r.url === '/api/v2/lesson_attempts')) {
      console.warn('portal-browser.test.ts: /api/v2 is not registered; checked through the database only');
      return;
    }
    const key = await t.call('PUT', '/api/api-keys', { token: admin.token, body: { name: 'sj reports' } });
    expect(key.statusCode, key.body).toBe(200);
    const apiKey = key.json().api_key.key as string;
    const sj = (path: string) => t.app.inject({ method: 'GET', url: path, headers: { apikey: apiKey } });
    const attempts = await sj('/api/v2/lesson_attempts?limit=1000');
    expect(attempts.statusCode, attempts.body).toBe(200);
    const mine = (attempts.json().attempts as Record<string, string>[]).filter((r) => r.email === 'ada.x@example-corp.test' && r.module_name === 'Spotting phishing x');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((r) => r.status)).toContain('passed');
    const enrollments = await sj('/api/v2/enrollments?limit=1000');
    expect(enrollments.statusCode, enrollments.body).toBe(200);
    const e = (enrollments.json().path_enrollments as Record<string, unknown>[]).find((r) => r.email === 'ada.x@example-corp.test');
    expect(e).toMatchObject({ status: 'in_progress', level_name: 'Green Belt' });
  }

  it('works without JavaScript, at 375 px and on a desktop, with visible focus', async () => {
    const { url } = await issuePortalPath(t, admin.token, S.learnerId);
    for (const viewport of [
      { width: 375, height: 740 },
      { width: 1280, height: 900 },
    ]) {
      const context = await browser.newContext({ viewport, javaScriptEnabled: false, userAgent: USER_AGENT });
      const page = await context.newPage();
      const errors = watch(page);
      try {
        await page.goto(url);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth).catch(() => null);
        // Without JavaScript evaluate still runs (it is the test's, not the page's).
        expect(overflow).toBeLessThanOrEqual(0);
        expect(await page.getAttribute('html', 'lang')).toBe('en');

        await page.getByRole('link', { name: 'Headers x' }).first().click();
        await page.waitForURL(`**/lessons/${S.exerciseLessonId}`);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
        // Keyboard: the first radio of the quiz gets a visible focus outline.
        await page.getByRole('radio').first().focus();
        await page.keyboard.press('Tab');
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
        expect(outline).toBe('solid');
        // Every radio has a label (its accessible name is the choice).
        const unnamed = await page.evaluate(() => [...document.querySelectorAll('input[type=radio]')].filter((r) => !(r as HTMLInputElement).labels?.length).length);
        expect(unnamed).toBe(0);

        if (viewport.width === 375) {
          // Without script: the exercise and quiz are plain forms.
          await page.getByRole('group', { name: 'What gives it away?' }).getByRole('radio', { name: 'The sender domain' }).check();
          await page.getByRole('button', { name: 'Check my answer' }).click();
          await page.waitForURL(`**/lessons/${S.exerciseLessonId}#exercise`);
          expect(await page.getByText('Correct: you solved the exercise.').isVisible()).toBe(true);
          await answerQuiz(page, RIGHT);
          await page.waitForURL(/\/attempts\/\d+$/);
          expect(await page.getByRole('heading', { name: 'You passed this lesson.' }).isVisible()).toBe(true);
          expect(await page.getByText('You earned 15 points.').isVisible()).toBe(true);
          // The transcript button works without script too (this lesson has none; the first lesson does).
          await page.goto(`${url}/lessons/${S.lessonId}`);
          await page.getByText('Transcript', { exact: true }).click();
          await page.getByRole('button', { name: 'I read the transcript' }).click();
          await page.waitForURL(`**/lessons/${S.lessonId}#transcript`);
        }
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }
    const enrollment = await t.core.database.db.selectFrom('enrollments').selectAll().where('id', '=', S.enrollmentId).executeTakeFirstOrThrow();
    expect(enrollment).toMatchObject({ status: 'passed', level: 7, required_passed: 2 });
    const learner = await t.core.database.db.selectFrom('learners').select('points').where('id', '=', S.learnerId).executeTakeFirstOrThrow();
    expect(learner.points).toBe(25);
    const open = await attemptsOf(S.learnerId, S.lessonId);
    expect(open.at(-1)).toMatchObject({ status: 'consumed', read_transcript: 1 });
  });
});
