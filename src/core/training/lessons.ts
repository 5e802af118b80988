import { sql, type Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { LessonTable } from '../../db/schema.ts';
import { conflict, invalid } from '../../errors.ts';
import { assertCanRead, assertCanWrite, isSuper, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assertCatalogueWritable, assertSeen, cleanName, likePattern, parseJson } from './common.ts';

export type LessonRow = Selectable<LessonTable>;

export interface QuizQuestion {
  question: string;
  choices: string[];
  /** Index of the right choice. */
  answer: number;
  explanation?: string;
}

export interface LessonExercise {
  instructions?: string;
  material?: string;
  question: string;
  choices: string[];
  answer: number;
}

export interface LessonInput {
  /** Super admin only; null adds to the built-in catalogue. Ignored on save. */
  client_id?: number | null;
  name: string;
  topic?: string;
  summary?: string;
  content?: string;
  video_url?: string;
  transcript?: string;
  language?: string;
  quiz?: QuizQuestion[];
  exercise?: LessonExercise | null;
  pass_mark?: number;
  points?: number;
  minutes?: number;
}

export interface LessonFilter extends ListOptions {
  topic?: string;
  language?: string;
  /** Part of the name, case-insensitive. */
  q?: string;
  /** true: only the built-in catalogue; false: only the caller's own lessons. */
  builtin?: boolean;
}

export const LESSON_SORT = ['id', 'name', 'topic', 'language', 'points', 'minutes', 'pass_mark', 'client_id', 'created_at', 'updated_at'];
export const MAX_QUIZ_QUESTIONS = 50;
export const MAX_CHOICES = 10;

function checkChoices(choices: string[], answer: number, field: string) {
  if (choices.length < 2) throw invalid(`${field}.choices: needs at least 2 choices`);
  choices.forEach((c, i) => {
    if (!c.trim()) throw invalid(`${field}.choices[${i}]: must not be empty`);
  });
  if (answer >= choices.length) throw invalid(`${field}.answer: ${answer} is not the index of one of the ${choices.length} choices (0 to ${choices.length - 1})`);
}

/** The quiz as stored: well-formed questions only (checked on input). */
export function checkQuiz(quiz: QuizQuestion[]): QuizQuestion[] {
  return quiz.map((q, i) => {
    const field = `quiz[${i}]`;
    if (!q.question.trim()) throw invalid(`${field}.question: must not be empty`);
    checkChoices(q.choices, q.answer, field);
    return { question: q.question.trim(), choices: q.choices.map((c) => c.trim()), answer: q.answer, explanation: (q.explanation ?? '').trim() };
  });
}

export function checkExercise(e: LessonExercise | null): LessonExercise | null {
  if (e === null) return null;
  if (!e.question.trim()) throw invalid('exercise.question: must not be empty');
  checkChoices(e.choices, e.answer, 'exercise');
  return { instructions: (e.instructions ?? '').trim(), material: e.material ?? '', question: e.question.trim(), choices: e.choices.map((c) => c.trim()), answer: e.answer };
}

function checkVideoUrl(url: string): string {
  const u = url.trim();
  if (!u) return '';
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw invalid(`video_url: "${u.slice(0, 100)}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid('video_url: must be an http or https link');
  return u;
}

/** The lesson's quiz and exercise as stored (lenient: a row written elsewhere never breaks a read). */
export function lessonQuiz(row: LessonRow): QuizQuestion[] {
  const v = parseJson<unknown>(row.quiz, []);
  return Array.isArray(v) ? (v as QuizQuestion[]) : [];
}

export function lessonExercise(row: LessonRow): LessonExercise | null {
  const v = parseJson<unknown>(row.exercise, null);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as LessonExercise) : null;
}

export class LessonService {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async list(p: Principal, f: LessonFilter): Promise<LessonRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('lessons').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    if (f.topic !== undefined) q = q.where('topic', '=', f.topic);
    if (f.language !== undefined) q = q.where('language', '=', f.language);
    if (f.builtin === true) q = q.where('client_id', 'is', null);
    if (f.builtin === false) q = q.where('client_id', 'is not', null);
    if (f.q) q = q.where(sql<boolean>`lower(name) like ${likePattern(f.q)} escape '\\'`);
    return page(q, f, LESSON_SORT).execute();
  }

  async get(p: Principal, id: number): Promise<LessonRow> {
    assertCanRead(p);
    const row = await this.db.selectFrom('lessons').selectAll().where('id', '=', id).executeTakeFirst();
    return assertSeen(p, row, 'lesson');
  }

  private fields(input: LessonInput, existing?: LessonRow) {
    const text = (k: 'topic' | 'summary' | 'content' | 'transcript', fallback = '') => input[k] ?? existing?.[k] ?? fallback;
    const quiz = input.quiz !== undefined ? checkQuiz(input.quiz) : existing ? lessonQuiz(existing) : [];
    const exercise = input.exercise !== undefined ? checkExercise(input.exercise) : existing ? lessonExercise(existing) : null;
    return {
      name: cleanName(input.name),
      topic: text('topic').trim(),
      summary: text('summary').trim(),
      content: text('content'),
      video_url: checkVideoUrl(input.video_url ?? existing?.video_url ?? ''),
      transcript: text('transcript'),
      language: (input.language ?? existing?.language ?? 'en').trim() || 'en',
      quiz: JSON.stringify(quiz),
      exercise: exercise === null ? null : JSON.stringify(exercise),
      pass_mark: input.pass_mark ?? existing?.pass_mark ?? 80,
      points: input.points ?? existing?.points ?? 10,
      minutes: input.minutes ?? existing?.minutes ?? 5,
    };
  }

  async create(p: Principal, input: LessonInput): Promise<LessonRow> {
    assertCanWrite(p);
    const fields = this.fields(input);
    const clientId = isSuper(p) && input.client_id === null ? null : await this.deps.clients.writeClientId(p, input.client_id);
    const t = now();
    return this.db
      .insertInto('lessons')
      .values({ ...fields, client_id: clientId, library_key: '', created_at: t, updated_at: t })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async save(p: Principal, id: number, input: LessonInput): Promise<LessonRow> {
    assertCanWrite(p);
    const existing = await this.get(p, id);
    assertCatalogueWritable(p, existing, 'lesson');
    const fields = this.fields(input, existing);
    await this.db.updateTable('lessons').set({ ...fields, updated_at: now() }).where('id', '=', id).execute();
    return this.get(p, id);
  }

  /** A lesson in a path or an assignment stays until it is taken out of them (attempts go with it). */
  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const existing = await this.get(p, id);
    assertCatalogueWritable(p, existing, 'lesson');
    const inPaths = await this.db.selectFrom('path_lessons').select((eb) => eb.fn.countAll<number>().as('n')).where('lesson_id', '=', id).executeTakeFirstOrThrow();
    const inAssignments = await this.db
      .selectFrom('assignment_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('lesson_id', '=', id)
      .executeTakeFirstOrThrow();
    const n = Number(inPaths.n);
    const m = Number(inAssignments.n);
    if (n > 0) throw conflict(`lesson is part of ${n} path${n === 1 ? '' : 's'}; take it out of ${n === 1 ? 'it' : 'them'} first`);
    if (m > 0) throw conflict(`lesson is part of ${m} assignment${m === 1 ? '' : 's'}; take it out of ${m === 1 ? 'it' : 'them'} first`);
    await this.db.deleteFrom('lessons').where('id', '=', id).execute();
  }
}
