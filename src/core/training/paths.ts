import { sql, type Selectable } from 'kysely';
import { now, type Executor } from '../../db/index.ts';
import type { PathTable } from '../../db/schema.ts';
import { conflict, invalid } from '../../errors.ts';
import { assertCanRead, assertCanWrite, isSuper, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assignmentLessonCount } from './assignments.ts';
import { assertCatalogueWritable, assertSeen, cleanName, learnersWithAttempts, likePattern } from './common.ts';
import { refreshProgress } from './progress.ts';

export type PathRow = Selectable<PathTable>;

export interface PathLessonView {
  lesson_id: number;
  name: string;
  position: number;
  required: boolean;
  points: number;
  minutes: number;
}

export interface PathView {
  path: PathRow;
  lessons: PathLessonView[];
}

export interface PathInput {
  /** Super admin only; null adds to the built-in catalogue. Ignored on save. */
  client_id?: number | null;
  name: string;
  description?: string;
  role_name?: string;
  /** In order. Absent on save: unchanged. */
  lessons?: { lesson_id: number; required?: boolean }[];
}

export interface PathFilter extends ListOptions {
  q?: string;
  builtin?: boolean;
}

export const PATH_SORT = ['id', 'name', 'role_name', 'client_id', 'created_at', 'updated_at'];
export const MAX_PATH_LESSONS = 200;

export class PathService {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async list(p: Principal, f: PathFilter): Promise<PathView[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('paths').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    if (f.builtin === true) q = q.where('client_id', 'is', null);
    if (f.builtin === false) q = q.where('client_id', 'is not', null);
    if (f.q) q = q.where(sql<boolean>`lower(name) like ${likePattern(f.q)} escape '\\'`);
    const rows = await page(q, f, PATH_SORT).execute();
    const lessons = await this.lessonsOf(rows.map((r) => r.id));
    return rows.map((path) => ({ path, lessons: lessons.get(path.id) ?? [] }));
  }

  /** The ordered lessons of a page of paths (one query). */
  async lessonsOf(ids: number[], db: Executor = this.db): Promise<Map<number, PathLessonView[]>> {
    const out = new Map<number, PathLessonView[]>();
    if (!ids.length) return out;
    const rows = await db
      .selectFrom('path_lessons as pl')
      .innerJoin('lessons as l', 'l.id', 'pl.lesson_id')
      .select(['pl.path_id', 'pl.lesson_id', 'pl.position', 'pl.required', 'l.name', 'l.points', 'l.minutes'])
      .where('pl.path_id', 'in', ids)
      .orderBy('pl.path_id')
      .orderBy('pl.position')
      .execute();
    for (const r of rows) {
      const list = out.get(r.path_id) ?? [];
      list.push({ lesson_id: r.lesson_id, name: r.name, position: r.position, required: r.required === 1, points: r.points, minutes: r.minutes });
      out.set(r.path_id, list);
    }
    return out;
  }

  async row(p: Principal, id: number): Promise<PathRow> {
    const row = await this.db.selectFrom('paths').selectAll().where('id', '=', id).executeTakeFirst();
    return assertSeen(p, row, 'path');
  }

  async get(p: Principal, id: number): Promise<PathView> {
    assertCanRead(p);
    const path = await this.row(p, id);
    return { path, lessons: (await this.lessonsOf([id])).get(id) ?? [] };
  }

  /** Checks the lesson list: no duplicates, every lesson in the owner's catalogue (built-in paths: built-in lessons only). */
  private async checkLessons(lessons: { lesson_id: number; required?: boolean }[], owner: number | null): Promise<void> {
    if (lessons.length > MAX_PATH_LESSONS) throw invalid(`lessons: at most ${MAX_PATH_LESSONS}`);
    const seen = new Set<number>();
    lessons.forEach((l, i) => {
      if (seen.has(l.lesson_id)) throw invalid(`lessons[${i}].lesson_id: lesson ${l.lesson_id} appears more than once`);
      seen.add(l.lesson_id);
    });
    if (!seen.size) return;
    let q = this.db.selectFrom('lessons').select('id').where('id', 'in', [...seen]);
    q = owner === null ? q.where('client_id', 'is', null) : q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', owner)]));
    const found = new Set((await q.execute()).map((r) => r.id));
    lessons.forEach((l, i) => {
      if (!found.has(l.lesson_id)) {
        throw invalid(`lessons[${i}].lesson_id: no lesson ${l.lesson_id}${owner === null ? ' in the built-in catalogue' : ''}`);
      }
    });
  }

  private fields(input: PathInput, existing?: PathRow) {
    return {
      name: cleanName(input.name),
      description: (input.description ?? existing?.description ?? '').trim(),
      role_name: (input.role_name ?? existing?.role_name ?? '').trim(),
    };
  }

  private async writeLessons(db: Executor, pathId: number, lessons: { lesson_id: number; required?: boolean }[]) {
    await db.deleteFrom('path_lessons').where('path_id', '=', pathId).execute();
    if (lessons.length) {
      await db
        .insertInto('path_lessons')
        .values(lessons.map((l, i) => ({ path_id: pathId, lesson_id: l.lesson_id, position: i + 1, required: l.required === false ? 0 : 1 })))
        .execute();
    }
  }

  async create(p: Principal, input: PathInput): Promise<PathView> {
    assertCanWrite(p);
    const fields = this.fields(input);
    const clientId = isSuper(p) && input.client_id === null ? null : await this.deps.clients.writeClientId(p, input.client_id);
    const lessons = input.lessons ?? [];
    await this.checkLessons(lessons, clientId);
    const t = now();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('paths')
        .values({ ...fields, client_id: clientId, library_key: '', created_at: t, updated_at: t })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.writeLessons(trx, row.id, lessons);
      return row.id;
    });
    return this.get(p, id);
  }

  /** Changing the lessons recomputes the progress of everyone enrolled in the path or assigned it. */
  async save(p: Principal, id: number, input: PathInput): Promise<PathView> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    assertCatalogueWritable(p, existing, 'path');
    const fields = this.fields(input, existing);
    if (input.lessons) await this.checkLessons(input.lessons, existing.client_id);
    const t = now();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('paths').set({ ...fields, updated_at: t }).where('id', '=', id).execute();
      if (input.lessons) await this.writeLessons(trx, id, input.lessons);
    });
    if (input.lessons) {
      // New lesson counts for everyone; progress needs computing only for people with attempts.
      const lessons = input.lessons;
      const required = lessons.filter((l) => l.required !== false).length;
      await this.db
        .updateTable('enrollments')
        .set({ required_total: required, total_lessons: lessons.length, updated_at: t })
        .where('path_id', '=', id)
        .where((eb) => eb.or([eb('required_total', '<>', required), eb('total_lessons', '<>', lessons.length)]))
        .execute();
      const assignmentIds = (await this.db.selectFrom('assignment_items').select('assignment_id').distinct().where('path_id', '=', id).execute()).map((r) => r.assignment_id);
      for (const assignmentId of assignmentIds) {
        const total = await assignmentLessonCount(this.db, assignmentId);
        await this.db.updateTable('assignment_learners').set({ total, updated_at: t }).where('assignment_id', '=', assignmentId).where('total', '<>', total).execute();
      }
      const enrolled = await this.db.selectFrom('enrollments').select('learner_id').where('path_id', '=', id).execute();
      const assigned = assignmentIds.length
        ? await this.db.selectFrom('assignment_learners').select('learner_id').where('assignment_id', 'in', assignmentIds).execute()
        : [];
      const everyone = [...new Set([...enrolled, ...assigned].map((r) => r.learner_id))];
      for (const learnerId of await learnersWithAttempts(this.db, everyone)) await refreshProgress(this.db, learnerId, t);
    }
    return this.get(p, id);
  }

  /** A path people are enrolled in, or that is assigned, stays until they are removed. */
  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    assertCatalogueWritable(p, existing, 'path');
    const enrolled = Number(
      (await this.db.selectFrom('enrollments').select((eb) => eb.fn.countAll<number>().as('n')).where('path_id', '=', id).executeTakeFirstOrThrow()).n,
    );
    if (enrolled > 0) throw conflict(`path has ${enrolled} enrollment${enrolled === 1 ? '' : 's'}; delete ${enrolled === 1 ? 'it' : 'them'} first`);
    const assigned = Number(
      (await this.db.selectFrom('assignment_items').select((eb) => eb.fn.countAll<number>().as('n')).where('path_id', '=', id).executeTakeFirstOrThrow()).n,
    );
    if (assigned > 0) throw conflict(`path is part of ${assigned} assignment${assigned === 1 ? '' : 's'}; take it out of ${assigned === 1 ? 'it' : 'them'} first`);
    await this.db.deleteFrom('paths').where('id', '=', id).execute();
  }
}
