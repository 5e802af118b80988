/**
 * The learner portal's domain: personal links (issue, revoke, resolve), what a learner sees
 * (their paths, assignments and points), the lessons they may open, and the steps they take in
 * them (recorded by AttemptRecorder). A learner reaches only lessons of their own enrollments
 * and assignments, and only lessons that are built in or their own client's.
 */
import { sql, type Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { LearnerTable } from '../../db/schema.ts';
import { invalid } from '../../errors.ts';
import { assertCanWrite, assertVisible, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { AttemptRecorder, parseExercise, parseQuiz, type AttemptRow, type Exercise, type LessonRow, type QuizQuestion, type Step } from './attempts.ts';
import { PortalLinks } from './portal-links.ts';
import { BELTS } from './progress.ts';
import { portalBase } from './reminders.ts';

export type LearnerRow = Selectable<LearnerTable>;

/** Default and longest lifetime of a personal link, in days. */
export const LINK_DAYS = 30;
export const MAX_LINK_DAYS = 365;

/** Why a token opens nothing: `forged` (not ours), `expired`, `revoked` (or the learner is gone). */
export type Resolution = { learner: LearnerRow } | { learner: null; reason: 'forged' | 'expired' | 'revoked' };

export interface LessonSummary {
  id: number;
  name: string;
  summary: string;
  minutes: number;
  points: number;
  required: boolean;
  passed: boolean;
  started: boolean;
}

export interface PathProgress {
  enrollmentId: number;
  pathId: number;
  name: string;
  description: string;
  status: string;
  level: number;
  belt: string;
  requiredPassed: number;
  requiredTotal: number;
  totalPassed: number;
  totalLessons: number;
  completedAt: string | null;
  lessons: LessonSummary[];
}

export interface AssignmentProgress {
  id: number;
  name: string;
  description: string;
  dueDate: string;
  /** assigned | in_progress | completed | overdue */
  status: string;
  passed: number;
  total: number;
  lessons: LessonSummary[];
}

export interface Dashboard {
  learner: LearnerRow;
  points: number;
  paths: PathProgress[];
  assignments: AssignmentProgress[];
}

export interface LessonView {
  lesson: LessonRow;
  quiz: QuizQuestion[];
  exercise: Exercise | null;
  /** The try in progress (opening the lesson starts one). */
  attempt: AttemptRow;
  /** Passed in an earlier try. */
  passedBefore: boolean;
}

export class PortalService {
  readonly links: PortalLinks;
  private readonly attempts: AttemptRecorder;

  constructor(private readonly deps: ServiceDeps) {
    this.links = new PortalLinks(deps.config.secret);
    this.attempts = new AttemptRecorder(deps.db, deps.dialect);
  }

  private get db() {
    return this.deps.db;
  }

  /** Where portal links point: DECOY_PUBLIC_URL, else the tracking server's own address (as in reminder mails). */
  baseUrl(): string {
    return portalBase(this.deps.config);
  }

  private async learnerFor(p: Principal, learnerId: number): Promise<LearnerRow> {
    const row = await this.db.selectFrom('learners').selectAll().where('id', '=', learnerId).executeTakeFirst();
    return assertVisible(p, row, 'learner');
  }

  /** A personal link for the learner, valid `days` days (1 to 365). */
  async issueLink(p: Principal, learnerId: number, days: number = LINK_DAYS): Promise<{ url: string; expiresAt: string; token: string }> {
    assertCanWrite(p);
    if (!Number.isInteger(days) || days < 1 || days > MAX_LINK_DAYS) throw invalid(`days: must be a whole number from 1 to ${MAX_LINK_DAYS}`);
    const learner = await this.learnerFor(p, learnerId);
    const expires = Math.floor(Date.now() / 1000) + days * 86400;
    const token = this.links.token({ learnerId: learner.id, version: learner.link_version, expires });
    return { url: `${this.baseUrl()}/learn/${token}`, expiresAt: new Date(expires * 1000).toISOString(), token };
  }

  /** Every link issued to the learner so far stops working. */
  async revokeLinks(p: Principal, learnerId: number): Promise<void> {
    assertCanWrite(p);
    const learner = await this.learnerFor(p, learnerId);
    await this.db
      .updateTable('learners')
      .set({ link_version: sql<number>`link_version + 1` })
      .where('id', '=', learner.id)
      .where('client_id', '=', learner.client_id)
      .execute();
  }

  async resolve(token: string): Promise<Resolution> {
    // Signature first (ignoring expiry), so that an expired link of ours and a forged one can be told apart.
    const claim = this.links.verify(token, 0);
    if (!claim) return { learner: null, reason: 'forged' };
    const learner = await this.db.selectFrom('learners').selectAll().where('id', '=', claim.learnerId).executeTakeFirst();
    if (!learner || learner.link_version !== claim.version) return { learner: null, reason: 'revoked' };
    if (claim.expires < Math.floor(Date.now() / 1000)) return { learner: null, reason: 'expired' };
    return { learner };
  }

  /** Lessons visible to the learner's client, by id. */
  private async lessonsById(learner: LearnerRow, ids: number[]): Promise<Map<number, LessonRow>> {
    if (!ids.length) return new Map();
    const rows = await this.db
      .selectFrom('lessons')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', learner.client_id)]))
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async pathLessons(learner: LearnerRow, pathIds: number[]): Promise<Map<number, { lesson_id: number; required: number }[]>> {
    const out = new Map<number, { lesson_id: number; required: number }[]>();
    if (!pathIds.length) return out;
    const rows = await this.db
      .selectFrom('path_lessons')
      .innerJoin('paths', 'paths.id', 'path_lessons.path_id')
      .select(['path_lessons.path_id', 'path_lessons.lesson_id', 'path_lessons.required', 'path_lessons.position'])
      .where('path_lessons.path_id', 'in', [...new Set(pathIds)])
      .where((eb) => eb.or([eb('paths.client_id', 'is', null), eb('paths.client_id', '=', learner.client_id)]))
      .orderBy('path_lessons.path_id')
      .orderBy('path_lessons.position')
      .orderBy('path_lessons.lesson_id')
      .execute();
    for (const r of rows) {
      let list = out.get(r.path_id);
      if (!list) out.set(r.path_id, (list = []));
      list.push({ lesson_id: r.lesson_id, required: r.required });
    }
    return out;
  }

  private async attemptState(learnerId: number): Promise<{ passed: Set<number>; started: Set<number> }> {
    const rows = await this.db.selectFrom('lesson_attempts').select(['lesson_id', 'passed']).where('learner_id', '=', learnerId).execute();
    return { passed: new Set(rows.filter((r) => r.passed).map((r) => r.lesson_id)), started: new Set(rows.map((r) => r.lesson_id)) };
  }

  private async enrolledPaths(learner: LearnerRow) {
    return this.db
      .selectFrom('enrollments')
      .innerJoin('paths', 'paths.id', 'enrollments.path_id')
      .select([
        'enrollments.id as enrollment_id',
        'enrollments.status',
        'enrollments.level',
        'enrollments.required_passed',
        'enrollments.required_total',
        'enrollments.total_passed',
        'enrollments.total_lessons',
        'enrollments.completed_at',
        'paths.id as path_id',
        'paths.name',
        'paths.description',
      ])
      .where('enrollments.learner_id', '=', learner.id)
      .where('enrollments.client_id', '=', learner.client_id)
      .where((eb) => eb.or([eb('paths.client_id', 'is', null), eb('paths.client_id', '=', learner.client_id)]))
      .orderBy('enrollments.id')
      .execute();
  }

  private async assigned(learner: LearnerRow) {
    const rows = await this.db
      .selectFrom('assignment_learners')
      .innerJoin('assignments', 'assignments.id', 'assignment_learners.assignment_id')
      .select([
        'assignments.id',
        'assignments.name',
        'assignments.description',
        'assignments.due_date',
        'assignment_learners.status',
        'assignment_learners.passed',
        'assignment_learners.total',
      ])
      .where('assignment_learners.learner_id', '=', learner.id)
      .where('assignment_learners.client_id', '=', learner.client_id)
      .where('assignments.client_id', '=', learner.client_id)
      .orderBy('assignments.due_date')
      .orderBy('assignments.id')
      .execute();
    const items = rows.length
      ? await this.db
          .selectFrom('assignment_items')
          .select(['assignment_id', 'lesson_id', 'path_id'])
          .where(
            'assignment_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('assignment_id')
          .orderBy('position')
          .orderBy('id')
          .execute()
      : [];
    return { rows, items };
  }

  /** Every lesson the learner may open: those of their paths and of their assignments (directly or through a path). */
  private async reachableLessonIds(learner: LearnerRow): Promise<Set<number>> {
    const enrolled = await this.enrolledPaths(learner);
    const { items } = await this.assigned(learner);
    const pathIds = [...enrolled.map((e) => e.path_id), ...items.flatMap((i) => (i.path_id === null ? [] : [i.path_id]))];
    const ids = new Set(items.flatMap((i) => (i.lesson_id === null ? [] : [i.lesson_id])));
    for (const list of (await this.pathLessons(learner, pathIds)).values()) for (const l of list) ids.add(l.lesson_id);
    return ids;
  }

  async dashboard(learner: LearnerRow): Promise<Dashboard> {
    const enrolled = await this.enrolledPaths(learner);
    const { rows: assignments, items } = await this.assigned(learner);
    const pathIds = [...enrolled.map((e) => e.path_id), ...items.flatMap((i) => (i.path_id === null ? [] : [i.path_id]))];
    const byPath = await this.pathLessons(learner, pathIds);
    const lessonIds = [...items.flatMap((i) => (i.lesson_id === null ? [] : [i.lesson_id]))];
    for (const list of byPath.values()) for (const l of list) lessonIds.push(l.lesson_id);
    const lessons = await this.lessonsById(learner, lessonIds);
    const { passed, started } = await this.attemptState(learner.id);
    const summary = (id: number, required: boolean): LessonSummary[] => {
      const l = lessons.get(id);
      return l ? [{ id, name: l.name, summary: l.summary, minutes: l.minutes, points: l.points, required, passed: passed.has(id), started: started.has(id) }] : [];
    };
    const today = now();
    const points = (await this.db.selectFrom('learners').select('points').where('id', '=', learner.id).executeTakeFirst())?.points ?? learner.points;
    return {
      learner,
      points,
      paths: enrolled.map((e) => ({
        enrollmentId: e.enrollment_id,
        pathId: e.path_id,
        name: e.name,
        description: e.description,
        status: e.status,
        level: e.level,
        belt: BELTS[Math.max(0, Math.min(7, e.level))],
        requiredPassed: e.required_passed,
        requiredTotal: e.required_total,
        totalPassed: e.total_passed,
        totalLessons: e.total_lessons,
        completedAt: e.completed_at,
        lessons: (byPath.get(e.path_id) ?? []).flatMap((l) => summary(l.lesson_id, l.required === 1)),
      })),
      assignments: assignments.map((a) => {
        const seen = new Set<number>();
        const list: LessonSummary[] = [];
        for (const i of items.filter((x) => x.assignment_id === a.id)) {
          const ids = i.lesson_id !== null ? [{ lesson_id: i.lesson_id, required: 1 }] : (byPath.get(i.path_id!) ?? []).filter((l) => l.required);
          for (const l of ids) {
            if (seen.has(l.lesson_id)) continue;
            seen.add(l.lesson_id);
            list.push(...summary(l.lesson_id, true));
          }
        }
        const overdue = a.status !== 'completed' && a.due_date < today;
        return { id: a.id, name: a.name, description: a.description, dueDate: a.due_date, status: overdue ? 'overdue' : a.status, passed: a.passed, total: a.total, lessons: list };
      }),
    };
  }

  /** The lesson when the learner may open it; null otherwise (unknown, another client's, or not theirs). */
  async lessonFor(learner: LearnerRow, lessonId: number): Promise<LessonRow | null> {
    if (!Number.isSafeInteger(lessonId) || lessonId < 1) return null;
    const reachable = await this.reachableLessonIds(learner);
    if (!reachable.has(lessonId)) return null;
    return (await this.lessonsById(learner, [lessonId])).get(lessonId) ?? null;
  }

  /**
   * Opens a lesson: its content and the try in progress, started now when there is none. A
   * request that is not a person's (a link scanner, a prefetch, HEAD: `byPerson` false) starts
   * nothing: it sees the try in progress, or a blank one with id 0 that the first step starts.
   */
  async openLesson(learner: LearnerRow, lesson: LessonRow, byPerson = true): Promise<LessonView> {
    const attempt = byPerson ? await this.attempts.open(learner.client_id, learner.id, lesson) : await this.attempts.current(learner.client_id, learner.id, lesson);
    const before = await this.db
      .selectFrom('lesson_attempts')
      .select('id')
      .where('learner_id', '=', learner.id)
      .where('lesson_id', '=', lesson.id)
      .where('passed', '=', 1)
      .limit(1)
      .executeTakeFirst();
    return { lesson, quiz: parseQuiz(lesson.quiz), exercise: parseExercise(lesson.exercise), attempt, passedBefore: !!before };
  }

  /** Records a step of the learner in the lesson; see AttemptRecorder.record. */
  record(learner: LearnerRow, lesson: LessonRow, attemptId: number | null, step: Step): Promise<AttemptRow> {
    return this.attempts.record(learner.client_id, learner.id, lesson, attemptId, step);
  }

  /** One of the learner's attempts at the lesson; null when it is not theirs. */
  async attempt(learner: LearnerRow, lessonId: number, attemptId: number): Promise<AttemptRow | null> {
    if (!Number.isSafeInteger(attemptId) || attemptId < 1) return null;
    return (
      (await this.db
        .selectFrom('lesson_attempts')
        .selectAll()
        .where('id', '=', attemptId)
        .where('learner_id', '=', learner.id)
        .where('lesson_id', '=', lessonId)
        .where('client_id', '=', learner.client_id)
        .executeTakeFirst()) ?? null
    );
  }

  /** The first lesson the learner has not passed yet, paths first (the "next lesson" after a pass). */
  async nextLesson(learner: LearnerRow): Promise<LessonSummary | null> {
    const d = await this.dashboard(learner);
    for (const p of d.paths) for (const l of p.lessons) if (!l.passed) return l;
    for (const a of d.assignments) for (const l of a.lessons) if (!l.passed) return l;
    return null;
  }

  /** The learner's row as it is now (points change with every first pass). */
  async reload(learner: LearnerRow): Promise<LearnerRow> {
    return (await this.db.selectFrom('learners').selectAll().where('id', '=', learner.id).executeTakeFirst()) ?? learner;
  }
}
