/** Training test fixtures: people in recipient groups, own lessons, and a learner passing a lesson (as the portal records it). */
import { expect } from 'vitest';
import { now } from '../../src/db/index.ts';
import { refreshProgress } from '../../src/core/training/progress.ts';
import type { TestApp } from '../helpers/app.ts';

export interface Person {
  name: string;
  email: string;
  firstname?: string;
  lastname?: string;
}

export async function group(t: TestApp, token: string, people: Person[], name = `Group ${Math.random().toString(36).slice(2, 8)}`): Promise<number> {
  const g = await t.call('PUT', '/api/recipient-groups', { token, body: { name, usb_attack: false } });
  expect(g.statusCode, g.body).toBe(200);
  const id = g.json().recipient_group.id as number;
  if (people.length) {
    const r = await t.call('PUT', `/api/recipient-groups/${id}/recipients`, { token, body: people });
    expect(r.statusCode, r.body).toBe(200);
  }
  return id;
}

export const quiz = [
  { question: 'Which link is safe to open?', choices: ['One from an unexpected mail', 'One you typed yourself'], answer: 1, explanation: 'You know where it goes.' },
  { question: 'Who do you tell about a suspicious mail?', choices: ['Nobody', 'The security team'], answer: 1 },
];

export async function lesson(t: TestApp, token: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await t.call('PUT', '/api/lessons', { token, body: { name: `Lesson ${Math.random().toString(36).slice(2, 8)}`, topic: 'phishing', quiz, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().lesson;
}

export async function path(t: TestApp, token: string, lessons: { lesson_id: number; required?: boolean }[], body: Record<string, unknown> = {}): Promise<any> {
  const res = await t.call('PUT', '/api/paths', { token, body: { name: `Path ${Math.random().toString(36).slice(2, 8)}`, lessons, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().path;
}

/** What the learner portal does when a learner passes a lesson's quiz. */
export async function pass(t: TestApp, learnerId: number, lessonId: number): Promise<void> {
  const db = t.core.database.db;
  const learner = await db.selectFrom('learners').select(['client_id']).where('id', '=', learnerId).executeTakeFirstOrThrow();
  const stamp = now();
  await db
    .insertInto('lesson_attempts')
    .values({
      client_id: learner.client_id,
      learner_id: learnerId,
      lesson_id: lessonId,
      status: 'passed',
      assessment: 'passed',
      quiz_score: 100,
      quiz_answers: '[1,1]',
      passed: 1,
      points_awarded: 10,
      created_at: stamp,
      updated_at: stamp,
    })
    .execute();
  await refreshProgress(db, learnerId, stamp);
}

export async function learnerId(t: TestApp, token: string, email: string): Promise<number> {
  const res = await t.call('GET', `/api/learners?email=${encodeURIComponent(email)}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().learners).toHaveLength(1);
  return res.json().learners[0].id;
}
