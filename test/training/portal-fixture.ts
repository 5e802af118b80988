/**
 * Learners, lessons, a path and an assignment of one client, written straight into the
 * database (as the training admin would make them), for the learner-portal tests.
 */
import { now } from '../../src/db/index.ts';
import { refreshProgress } from '../../src/core/training/progress.ts';
import type { TestApp } from '../helpers/app.ts';

export const QUIZ = [
  { question: 'A message asks you to confirm your password within one hour. What do you do?', choices: ['Confirm it quickly', 'Report the message', 'Reply and ask why'], answer: 1, explanation: 'Urgency is a classic lure: report the message instead of acting on it.' },
  { question: 'Where do you check where a link really goes?', choices: ['In the link text', 'By hovering over it', 'In the subject line'], answer: 1, explanation: 'The text of a link can say anything; the address it points to is what counts.' },
  { question: 'Which sender address is most suspicious?', choices: ['it@example-corp.test', 'it@examp1e-corp.test'], answer: 1, explanation: 'A lookalike domain swaps a letter for a similar-looking digit.' },
];
/** Right and wrong answers to QUIZ (pass mark 66: two of three pass). */
export const RIGHT = [1, 1, 1];
export const WRONG = [0, 0, 1];

export const EXERCISE = {
  instructions: 'Read the header of this message.',
  material: 'From: "IT Service Desk" <it@examp1e-corp.test>\nSubject: Password expires today',
  question: 'What gives it away?',
  choices: ['The subject', 'The sender domain', 'Nothing'],
  answer: 1,
};

export interface PortalSetup {
  clientId: number;
  learnerId: number;
  /** Video, transcript and quiz; no exercise. */
  lessonId: number;
  /** Quiz and exercise. */
  exerciseLessonId: number;
  /** No quiz: passed by marking it done. */
  readingLessonId: number;
  pathId: number;
  enrollmentId: number;
  assignmentId: number;
}

const stamp = () => now();

export async function insertLesson(t: TestApp, clientId: number | null, values: Record<string, unknown>): Promise<number> {
  const at = stamp();
  const row = await t.core.database.db
    .insertInto('lessons')
    .values({
      client_id: clientId,
      library_key: '',
      name: 'Lesson',
      topic: 'phishing',
      summary: '',
      content: '<p>Content</p>',
      video_url: '',
      transcript: '',
      language: 'en',
      quiz: '[]',
      exercise: null,
      pass_mark: 66,
      points: 10,
      minutes: 5,
      created_at: at,
      updated_at: at,
      ...values,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** One learner of `clientId` enrolled in a path of three lessons, and assigned the first one with a due date in the past. */
export async function portalSetup(t: TestApp, clientId: number, tag: string): Promise<PortalSetup> {
  const db = t.core.database.db;
  const at = stamp();
  const learnerId = (
    await db
      .insertInto('learners')
      .values({ client_id: clientId, email: `ada.${tag}@example-corp.test`, first_name: `Ada${tag}`, last_name: 'Lovelace', country: 'GB', points: 0, link_version: 1, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const lessonId = await insertLesson(t, clientId, {
    name: `Spotting phishing ${tag}`,
    summary: 'How to recognise a phishing message.',
    content:
      '<h2>Look before you click</h2><p>Phishing messages <strong>create urgency</strong>.</p><script>alert("x")</script><img src=x onerror="alert(1)"><ul><li>Check the sender</li><li>Hover over links</li></ul><p class="evil" onclick="alert(2)">Fish &amp; chips</p>',
    video_url: 'https://videos.example-corp.test/phishing-basics',
    transcript: 'In this video we look at phishing.\n\nAlways check the sender.',
    quiz: JSON.stringify(QUIZ),
    points: 10,
  });
  const exerciseLessonId = await insertLesson(t, clientId, { name: `Headers ${tag}`, quiz: JSON.stringify(QUIZ), exercise: JSON.stringify(EXERCISE), points: 15 });
  const readingLessonId = await insertLesson(t, clientId, { name: `Reporting ${tag}`, quiz: '[]', points: 5 });
  const pathId = (
    await db
      .insertInto('paths')
      .values({ client_id: clientId, library_key: '', name: `Phishing path ${tag}`, description: 'Recognise and report phishing.', role_name: 'Security Apprentice', created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await db
    .insertInto('path_lessons')
    .values([
      { path_id: pathId, lesson_id: lessonId, position: 1, required: 1 },
      { path_id: pathId, lesson_id: exerciseLessonId, position: 2, required: 1 },
      { path_id: pathId, lesson_id: readingLessonId, position: 3, required: 0 },
    ])
    .execute();
  const enrollmentId = (
    await db
      .insertInto('enrollments')
      .values({ client_id: clientId, learner_id: learnerId, path_id: pathId, status: 'not_started', level: 0, required_total: 0, required_passed: 0, total_lessons: 0, total_passed: 0, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const assignmentId = (
    await db
      .insertInto('assignments')
      .values({ client_id: clientId, name: `Phishing refresher ${tag}`, description: 'Before the audit.', due_date: '2026-01-15T00:00:00.000Z', remind_every_days: 0, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await db.insertInto('assignment_items').values({ assignment_id: assignmentId, lesson_id: lessonId, path_id: null, position: 0 }).execute();
  await db.insertInto('assignment_learners').values({ client_id: clientId, assignment_id: assignmentId, learner_id: learnerId, status: 'assigned', passed: 0, total: 0, reminders_sent: 0, created_at: at, updated_at: at }).execute();
  await refreshProgress(db, learnerId, at);
  return { clientId, learnerId, lessonId, exerciseLessonId, readingLessonId, pathId, enrollmentId, assignmentId };
}

/** The portal path (`/learn/<token>`) of a link the Lucy API issued. */
export async function issuePortalPath(t: TestApp, token: string, learnerId: number, days?: number): Promise<{ path: string; url: string; expiresAt: string }> {
  const res = await t.call('POST', `/api/learners/${learnerId}/portal-link`, { token, body: days === undefined ? {} : { days } });
  if (res.statusCode !== 200) throw new Error(`portal-link: ${res.statusCode} ${res.body}`);
  const { url, expires_at } = res.json().portal_link as { url: string; expires_at: string };
  return { url, path: new URL(url).pathname, expiresAt: expires_at };
}
