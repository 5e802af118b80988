import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export const BELTS = ['White Belt', 'Yellow Belt', 'Orange Belt', 'Green Belt', 'Blue Belt', 'Purple Belt', 'Brown Belt', 'Black Belt'] as const;

/** The belt for a share of a path's required lessons: White at none, Black only when all are passed. */
export function levelFor(requiredPassed: number, requiredTotal: number): number {
  if (requiredTotal <= 0) return 0;
  return Math.min(7, Math.floor((7 * requiredPassed) / requiredTotal));
}

/**
 * Recomputes one learner's enrollments and assignments from their lesson attempts. Called after
 * every attempt and whenever enrollments or assignments are created, so that reads (Security
 * Journey reports, the admin) never aggregate attempts. A row's updated_at changes only when
 * something in it changed: `updated_after` filters rely on it.
 */
export async function refreshProgress(db: Kysely<DB>, learnerId: number, now: string): Promise<void> {
  const attempts = await db
    .selectFrom('lesson_attempts')
    .select(['lesson_id', 'passed', 'updated_at'])
    .where('learner_id', '=', learnerId)
    .execute();
  const passed = new Set(attempts.filter((a) => a.passed).map((a) => a.lesson_id));
  const touched = new Map<number, string>();
  for (const a of attempts) if ((touched.get(a.lesson_id) ?? '') < a.updated_at) touched.set(a.lesson_id, a.updated_at);

  const enrollments = await db.selectFrom('enrollments').selectAll().where('learner_id', '=', learnerId).execute();
  for (const e of enrollments) {
    const lessons = await db.selectFrom('path_lessons').select(['lesson_id', 'required']).where('path_id', '=', e.path_id).execute();
    const required = lessons.filter((l) => l.required);
    const requiredPassed = required.filter((l) => passed.has(l.lesson_id)).length;
    const totalPassed = lessons.filter((l) => passed.has(l.lesson_id)).length;
    let last: string | null = null;
    for (const l of lessons) {
      const t = touched.get(l.lesson_id);
      if (t && (!last || t > last)) last = t;
    }
    const done = required.length > 0 ? requiredPassed === required.length : lessons.length > 0 && totalPassed === lessons.length;
    const status = done ? 'passed' : e.status === 'paused' ? 'paused' : last ? 'in_progress' : 'not_started';
    const next = {
      status,
      level: done ? 7 : levelFor(requiredPassed, required.length),
      required_total: required.length,
      required_passed: requiredPassed,
      total_lessons: lessons.length,
      total_passed: totalPassed,
      last_engagement_at: last ?? e.last_engagement_at,
      completed_at: done ? (e.completed_at ?? now) : null,
    };
    if (Object.entries(next).some(([k, v]) => (e as Record<string, unknown>)[k] !== v)) {
      await db.updateTable('enrollments').set({ ...next, updated_at: now }).where('id', '=', e.id).execute();
    }
  }

  const assigned = await db.selectFrom('assignment_learners').selectAll().where('learner_id', '=', learnerId).execute();
  for (const a of assigned) {
    const items = await db.selectFrom('assignment_items').select(['lesson_id', 'path_id']).where('assignment_id', '=', a.assignment_id).execute();
    const lessonIds = new Set<number>();
    for (const i of items) if (i.lesson_id !== null) lessonIds.add(i.lesson_id);
    const pathIds = items.flatMap((i) => (i.path_id === null ? [] : [i.path_id]));
    if (pathIds.length) {
      const rows = await db.selectFrom('path_lessons').select('lesson_id').where('path_id', 'in', pathIds).where('required', '=', 1).execute();
      for (const r of rows) lessonIds.add(r.lesson_id);
    }
    const total = lessonIds.size;
    const done = [...lessonIds].filter((id) => passed.has(id)).length;
    const started = [...lessonIds].some((id) => touched.has(id));
    const status = total > 0 && done === total ? 'completed' : started ? 'in_progress' : 'assigned';
    const next = { status, passed: done, total, completed_at: status === 'completed' ? (a.completed_at ?? now) : null };
    if (Object.entries(next).some(([k, v]) => (a as Record<string, unknown>)[k] !== v)) {
      await db.updateTable('assignment_learners').set({ ...next, updated_at: now }).where('id', '=', a.id).execute();
    }
  }
}
