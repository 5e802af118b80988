/**
 * Lesson attempts: what a learner does in a lesson, one row per try. Opening a lesson starts an
 * attempt (status `consumed`); watching the video, reading the transcript and the exercise are
 * recorded on it; submitting the quiz closes it as `passed` or `failed`. A lesson is passed when
 * the quiz reaches the pass mark and the exercise (when the lesson has one) is answered right;
 * a lesson without a quiz is passed by marking it done. Points are awarded only the first time
 * a learner passes a lesson. After every change the learner's enrollments and assignments are
 * recomputed (refreshProgress), in the same transaction.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Dialect } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import type { DB, LessonAttemptTable, LessonTable } from '../../db/schema.ts';
import { invalid } from '../../errors.ts';
import { refreshProgress } from './progress.ts';

export type AttemptRow = Selectable<LessonAttemptTable>;
export type LessonRow = Selectable<LessonTable>;

export interface QuizQuestion {
  question: string;
  choices: string[];
  /** Index of the right choice. */
  answer: number;
  explanation: string;
}

export interface Exercise {
  instructions: string;
  material: string;
  question: string;
  choices: string[];
  answer: number;
}

const isText = (v: unknown): v is string => typeof v === 'string';

/** The stored quiz (JSON text); questions that are not well formed are left out rather than shown broken. */
export function parseQuiz(json: string): QuizQuestion[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const out: QuizQuestion[] = [];
  for (const q of value as Record<string, unknown>[]) {
    if (!q || typeof q !== 'object' || !isText(q.question) || !Array.isArray(q.choices)) continue;
    const choices = q.choices.filter(isText);
    if (choices.length < 2 || choices.length !== q.choices.length) continue;
    const answer = q.answer;
    if (typeof answer !== 'number' || !Number.isInteger(answer) || answer < 0 || answer >= choices.length) continue;
    out.push({ question: q.question, choices, answer, explanation: isText(q.explanation) ? q.explanation : '' });
  }
  return out;
}

export function parseExercise(json: string | null): Exercise | null {
  if (!json) return null;
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!e || typeof e !== 'object' || !isText(e.question) || !Array.isArray(e.choices)) return null;
  const choices = e.choices.filter(isText);
  const answer = e.answer;
  if (choices.length < 2 || typeof answer !== 'number' || !Number.isInteger(answer) || answer < 0 || answer >= choices.length) return null;
  return { instructions: isText(e.instructions) ? e.instructions : '', material: isText(e.material) ? e.material : '', question: e.question, choices, answer };
}

/** Percent of right answers (rounded down), and which were right. */
export function scoreQuiz(quiz: QuizQuestion[], answers: number[]): { score: number; right: boolean[] } {
  const right = quiz.map((q, i) => answers[i] === q.answer);
  const score = quiz.length ? Math.floor((100 * right.filter(Boolean).length) / quiz.length) : 100;
  return { score, right };
}

/** The choice indexes of a quiz post, one per question; a missing or impossible answer is a 400 naming the question. */
export function checkAnswers(quiz: QuizQuestion[], raw: (string | undefined)[]): number[] {
  return quiz.map((q, i) => {
    const v = raw[i];
    if (v === undefined || v === '') throw invalid(`question ${i + 1}: choose an answer`);
    if (!/^\d{1,3}$/.test(v) || Number(v) >= q.choices.length) throw invalid(`question ${i + 1}: "${v.slice(0, 20)}" is not one of its ${q.choices.length} choices`);
    return Number(v);
  });
}

export function checkChoice(what: string, raw: string | undefined, count: number): number {
  if (raw === undefined || raw === '') throw invalid(`${what}: choose an answer`);
  if (!/^\d{1,3}$/.test(raw) || Number(raw) >= count) throw invalid(`${what}: "${raw.slice(0, 20)}" is not one of its ${count} choices`);
  return Number(raw);
}

export type Step =
  | { kind: 'video' }
  | { kind: 'transcript' }
  | { kind: 'exercise'; choice: number }
  | { kind: 'quiz'; answers: number[] }
  | { kind: 'complete' };

/** A fresh try at the lesson: video, transcript and exercise not done (null where the lesson has none). */
export function blankAttempt(clientId: number, learnerId: number, lesson: LessonRow, at: string): AttemptRow {
  return {
    id: 0,
    client_id: clientId,
    learner_id: learnerId,
    lesson_id: lesson.id,
    status: 'consumed',
    assessment: 'not_started',
    watched_video: lesson.video_url ? 0 : null,
    read_transcript: lesson.transcript ? 0 : null,
    exercise_passed: parseExercise(lesson.exercise) ? 0 : null,
    quiz_score: null,
    quiz_answers: '[]',
    passed: 0,
    points_awarded: 0,
    created_at: at,
    updated_at: at,
  };
}

export class AttemptRecorder {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Serialises attempt changes of one learner: on PostgreSQL by locking the learner's row, so
   * that two quick submissions cannot both award the first-pass points. (SQLite runs one write
   * transaction at a time already.)
   */
  private async lockLearner(trx: Transaction<DB>, learnerId: number): Promise<void> {
    if (this.dialect === 'postgres') await trx.selectFrom('learners').select('id').where('id', '=', learnerId).forUpdate().execute();
  }

  private async openIn(trx: Transaction<DB>, clientId: number, learnerId: number, lesson: LessonRow): Promise<AttemptRow | undefined> {
    return trx
      .selectFrom('lesson_attempts')
      .selectAll()
      .where('learner_id', '=', learnerId)
      .where('lesson_id', '=', lesson.id)
      .where('client_id', '=', clientId)
      .where('status', '=', 'consumed')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private async startIn(trx: Transaction<DB>, clientId: number, learnerId: number, lesson: LessonRow, at: string): Promise<AttemptRow> {
    const { id: _, ...values } = blankAttempt(clientId, learnerId, lesson, at);
    return trx.insertInto('lesson_attempts').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /** The learner's open attempt at the lesson, else a blank one (id 0) that is not stored. */
  async current(clientId: number, learnerId: number, lesson: LessonRow): Promise<AttemptRow> {
    const open = await this.db
      .selectFrom('lesson_attempts')
      .selectAll()
      .where('learner_id', '=', learnerId)
      .where('lesson_id', '=', lesson.id)
      .where('client_id', '=', clientId)
      .where('status', '=', 'consumed')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return open ?? blankAttempt(clientId, learnerId, lesson, now());
  }

  /** The learner's open attempt at the lesson, started now when there is none (opening a lesson is "consumed"). */
  async open(clientId: number, learnerId: number, lesson: LessonRow): Promise<AttemptRow> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockLearner(trx, learnerId);
      const open = await this.openIn(trx, clientId, learnerId, lesson);
      if (open) return open;
      const at = now();
      const row = await this.startIn(trx, clientId, learnerId, lesson, at);
      await refreshProgress(trx, learnerId, at);
      return row;
    });
  }

  /**
   * Records one step on attempt `attemptId` when it is the learner's open attempt at the lesson,
   * else on their open attempt (started when there is none). A quiz (or "done") posted again for
   * an attempt it already closed changes nothing and returns that attempt, so a double submit is
   * harmless.
   */
  async record(clientId: number, learnerId: number, lesson: LessonRow, attemptId: number | null, step: Step): Promise<AttemptRow> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockLearner(trx, learnerId);
      const at = now();
      if (attemptId !== null && (step.kind === 'quiz' || step.kind === 'complete')) {
        const given = await trx
          .selectFrom('lesson_attempts')
          .selectAll()
          .where('id', '=', attemptId)
          .where('learner_id', '=', learnerId)
          .where('lesson_id', '=', lesson.id)
          .where('client_id', '=', clientId)
          .executeTakeFirst();
        if (given && given.status !== 'consumed') return given;
      }
      const attempt = (await this.openIn(trx, clientId, learnerId, lesson)) ?? (await this.startIn(trx, clientId, learnerId, lesson, at));
      const change: Partial<AttemptRow> = {};
      const quiz = parseQuiz(lesson.quiz);
      const exercise = parseExercise(lesson.exercise);
      let closeAs: 'passed' | 'failed' | null = null;
      switch (step.kind) {
        case 'video':
          if (!lesson.video_url) throw invalid('video: this lesson has no video');
          change.watched_video = 1;
          break;
        case 'transcript':
          if (!lesson.transcript) throw invalid('transcript: this lesson has no transcript');
          change.read_transcript = 1;
          break;
        case 'exercise': {
          if (!exercise) throw invalid('exercise: this lesson has no exercise');
          change.exercise_passed = step.choice === exercise.answer ? 1 : 0;
          // The quiz was passed already in this try: the exercise was all that was missing.
          if (change.exercise_passed && attempt.assessment === 'passed') closeAs = 'passed';
          break;
        }
        case 'quiz': {
          if (!quiz.length) throw invalid('quiz: this lesson has no quiz');
          const { score } = scoreQuiz(quiz, step.answers);
          const ok = score >= lesson.pass_mark;
          change.quiz_score = score;
          change.quiz_answers = JSON.stringify(step.answers);
          change.assessment = ok ? 'passed' : 'failed';
          if (!ok) closeAs = 'failed';
          else if (!exercise || attempt.exercise_passed === 1) closeAs = 'passed';
          break;
        }
        case 'complete':
          if (quiz.length) throw invalid('complete: this lesson is passed through its quiz');
          if (exercise && attempt.exercise_passed !== 1) throw invalid('exercise: answer the exercise first');
          change.assessment = 'passed';
          closeAs = 'passed';
          break;
      }
      if (closeAs === 'failed') change.status = 'failed';
      if (closeAs === 'passed') {
        change.status = 'passed';
        change.passed = 1;
        const before = await trx
          .selectFrom('lesson_attempts')
          .select('id')
          .where('learner_id', '=', learnerId)
          .where('lesson_id', '=', lesson.id)
          .where('passed', '=', 1)
          .limit(1)
          .executeTakeFirst();
        if (!before && lesson.points > 0) {
          change.points_awarded = lesson.points;
          await trx
            .updateTable('learners')
            .set({ points: sql<number>`points + ${lesson.points}` })
            .where('id', '=', learnerId)
            .where('client_id', '=', clientId)
            .execute();
        }
      }
      const row = await trx
        .updateTable('lesson_attempts')
        .set({ ...change, updated_at: at })
        .where('id', '=', attempt.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await refreshProgress(trx, learnerId, at);
      return row;
    });
  }
}
