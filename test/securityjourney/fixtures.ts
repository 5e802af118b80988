/**
 * Security Journey fixtures: a client with an API key, and training rows inserted straight
 * into the tables (paths, lessons, learners, enrollments, assignments, attempts), as the
 * training services would leave them.
 */
import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import type { TestApp } from '../helpers/app.ts';

export interface SjClient {
  clientId: number;
  /** A Lucy bearer token of the client's admin. */
  token: string;
  /** An API key of the client, for the ApiKey header. */
  key: string;
}

export async function sjClient(t: TestApp, name?: string): Promise<SjClient> {
  const a = await t.tenant(name);
  const res = await t.call('PUT', '/api/api-keys', { token: a.token, body: { name: 'Security Journey connector' } });
  expect(res.statusCode, res.body).toBe(200);
  return { clientId: a.clientId, token: a.token, key: res.json().api_key.key };
}

/** GET with the ApiKey header. */
export function sjGet(t: TestApp, key: string | undefined, url: string, opts: { headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (key !== undefined) headers.apikey = key;
  return t.call('GET', url, { headers, raw: opts.raw });
}

export const T0 = '2022-02-01T17:14:06.000Z';

export async function insertLessons(db: Kysely<DB>, clientId: number | null, n: number, prefix = 'Lesson'): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = await db
      .insertInto('lessons')
      .values({
        client_id: clientId,
        library_key: '',
        name: `${prefix} ${i + 1}`,
        topic: 'phishing',
        summary: '',
        content: '<p>Content</p>',
        video_url: '',
        transcript: '',
        language: 'en',
        quiz: '[]',
        exercise: null,
        pass_mark: 80,
        points: 10,
        minutes: 5,
        created_at: T0,
        updated_at: T0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

/** A path of `lessons` lessons, the first `required` of them required. */
export async function insertPath(
  db: Kysely<DB>,
  clientId: number,
  opts: { name: string; role_name: string; lessons: number; required: number },
): Promise<{ pathId: number; lessonIds: number[] }> {
  const lessonIds = await insertLessons(db, clientId, opts.lessons, `${opts.name} lesson`);
  const path = await db
    .insertInto('paths')
    .values({ client_id: clientId, library_key: '', name: opts.name, description: '', role_name: opts.role_name, created_at: T0, updated_at: T0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('path_lessons')
    .values(lessonIds.map((lesson_id, i) => ({ path_id: path.id, lesson_id, position: i, required: i < opts.required ? 1 : 0 })))
    .execute();
  return { pathId: path.id, lessonIds };
}

export interface LearnerInput {
  email: string;
  first_name?: string;
  last_name?: string;
  country?: string;
  points?: number;
}

export async function insertLearners(db: Kysely<DB>, clientId: number, people: LearnerInput[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < people.length; i += 500) {
    const rows = await db
      .insertInto('learners')
      .values(
        people.slice(i, i + 500).map((p) => ({
          client_id: clientId,
          email: p.email,
          first_name: p.first_name ?? '',
          last_name: p.last_name ?? '',
          country: p.country ?? '',
          points: p.points ?? 0,
          link_version: 1,
          created_at: T0,
          updated_at: T0,
        })),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

export interface EnrollmentInput {
  learner_id: number;
  path_id: number;
  status?: string;
  level?: number;
  required_total?: number;
  required_passed?: number;
  total_lessons?: number;
  total_passed?: number;
  last_engagement_at?: string | null;
  completed_at?: string | null;
  created_at?: string;
  updated_at?: string;
}

export async function insertEnrollments(db: Kysely<DB>, clientId: number, rows: EnrollmentInput[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const out = await db
      .insertInto('enrollments')
      .values(
        rows.slice(i, i + 500).map((e) => ({
          client_id: clientId,
          learner_id: e.learner_id,
          path_id: e.path_id,
          status: e.status ?? 'not_started',
          level: e.level ?? 0,
          required_total: e.required_total ?? 17,
          required_passed: e.required_passed ?? 0,
          total_lessons: e.total_lessons ?? 20,
          total_passed: e.total_passed ?? 0,
          last_engagement_at: e.last_engagement_at ?? null,
          completed_at: e.completed_at ?? null,
          created_at: e.created_at ?? T0,
          updated_at: e.updated_at ?? T0,
        })),
      )
      .returning('id')
      .execute();
    ids.push(...out.map((r) => r.id));
  }
  return ids;
}

/** `n` learners (p0001@…) each enrolled in one path: `n` enrollments with ascending ids. */
export async function enrolled(db: Kysely<DB>, clientId: number, n: number, domain = 'example-corp.test') {
  const { pathId } = await insertPath(db, clientId, { name: 'Path', role_name: 'Security Apprentice', lessons: 2, required: 1 });
  const learnerIds = await insertLearners(
    db,
    clientId,
    Array.from({ length: n }, (_, i) => ({ email: `p${String(i + 1).padStart(5, '0')}@${domain}`, first_name: 'Person', last_name: String(i + 1) })),
  );
  const ids = await insertEnrollments(db, clientId, learnerIds.map((learner_id) => ({ learner_id, path_id: pathId })));
  return { pathId, learnerIds, ids };
}
