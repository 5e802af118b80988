/**
 * Enrollments: a learner in a path. Progress (status, level, lessons passed) is recomputed from
 * the learner's attempts by refreshProgress; only pausing and resuming are set by hand.
 */
import { now, type Executor } from '../../db/index.ts';
import { conflict, invalid } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { MAX_LIMIT, page, type ListOptions } from '../list.ts';
import { assertOwned, chunks, learnersWithAttempts } from './common.ts';
import { resolvePeople, type PeopleSelection } from './learners.ts';
import { BELTS, refreshProgress } from './progress.ts';

export const ENROLLMENT_STATUSES = ['not_started', 'in_progress', 'passed', 'paused'] as const;

export interface EnrollmentView {
  id: number;
  client_id: number;
  learner_id: number;
  email: string;
  first_name: string;
  last_name: string;
  path_id: number;
  path_name: string;
  status: string;
  level: number;
  belt: string;
  required_total: number;
  required_passed: number;
  total_lessons: number;
  total_passed: number;
  last_engagement_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EnrollInput extends PeopleSelection {
  path_id: number;
  /** Super admin only: the client whose people are enrolled (default: the acting or default client). */
  client_id?: number | null;
}

export interface EnrollmentFilter extends ListOptions {
  path_id?: number;
  learner_id?: number;
  status?: string;
}

export const ENROLLMENT_SORT = [
  'id',
  'learner_id',
  'path_id',
  'status',
  'level',
  'required_passed',
  'total_passed',
  'last_engagement_at',
  'completed_at',
  'created_at',
  'updated_at',
];

function viewQuery(db: Executor) {
  return db
    .selectFrom('enrollments as e')
    .innerJoin('learners as l', 'l.id', 'e.learner_id')
    .innerJoin('paths as p', 'p.id', 'e.path_id')
    .select([
      'e.id',
      'e.client_id',
      'e.learner_id',
      'l.email',
      'l.first_name',
      'l.last_name',
      'e.path_id',
      'p.name as path_name',
      'e.status',
      'e.level',
      'e.required_total',
      'e.required_passed',
      'e.total_lessons',
      'e.total_passed',
      'e.last_engagement_at',
      'e.completed_at',
      'e.created_at',
      'e.updated_at',
    ]);
}

const withBelt = <T extends { level: number }>(r: T): T & { belt: string } => ({ ...r, belt: BELTS[Math.max(0, Math.min(7, r.level))] });

export class EnrollmentService {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async list(p: Principal, f: EnrollmentFilter): Promise<EnrollmentView[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = viewQuery(this.db);
    if (scope !== null) q = q.where('e.client_id', '=', scope);
    if (f.path_id !== undefined) q = q.where('e.path_id', '=', f.path_id);
    if (f.learner_id !== undefined) q = q.where('e.learner_id', '=', f.learner_id);
    if (f.status !== undefined) q = q.where('e.status', '=', f.status);
    return (await page(q, f, ENROLLMENT_SORT, 'e').execute()).map(withBelt);
  }

  async get(p: Principal, id: number): Promise<EnrollmentView> {
    assertCanRead(p);
    const row = await viewQuery(this.db).where('e.id', '=', id).executeTakeFirst();
    return withBelt(assertOwned(p, row, 'enrollment'));
  }

  /**
   * Enrolls everyone named in the path (people already enrolled stay as they are) and answers
   * their enrollments in it (at most MAX_LIMIT; list with `path_id` for more).
   */
  async enroll(p: Principal, input: EnrollInput): Promise<EnrollmentView[]> {
    assertCanWrite(p);
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    const path = await this.db
      .selectFrom('paths')
      .select(['id', 'client_id'])
      .where('id', '=', input.path_id)
      .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
      .executeTakeFirst();
    if (!path) throw invalid(`path_id: no path ${input.path_id}`);
    if (!input.recipient_group_ids?.length && !input.learner_ids?.length && !input.emails?.length) {
      throw invalid('recipient_group_ids: name the people to enroll (recipient_group_ids, learner_ids or emails)');
    }
    const t = now();
    // What a new enrollment starts with; progress is computed below only for people who have attempts.
    const members = await this.db.selectFrom('path_lessons').select('required').where('path_id', '=', path.id).execute();
    const totals = { required_total: members.filter((m) => m.required).length, required_passed: 0, total_lessons: members.length, total_passed: 0 };
    const { learnerIds, fresh } = await this.db.transaction().execute(async (trx) => {
      const learnerIds = await resolvePeople(trx, clientId, input, t);
      const fresh: number[] = [];
      for (const part of chunks(learnerIds)) {
        const already = new Set(
          (await trx.selectFrom('enrollments').select('learner_id').where('path_id', '=', path.id).where('learner_id', 'in', part).execute()).map((r) => r.learner_id),
        );
        const add = part.filter((id) => !already.has(id));
        if (!add.length) continue;
        await trx
          .insertInto('enrollments')
          .values(add.map((learnerId) => ({
              client_id: clientId,
              learner_id: learnerId,
              path_id: path.id,
              status: 'not_started',
              level: 0,
              ...totals,
              created_at: t,
              updated_at: t,
            })))
          .onConflict((oc) => oc.columns(['learner_id', 'path_id']).doNothing())
          .execute();
        fresh.push(...add);
      }
      return { learnerIds, fresh };
    });
    for (const learnerId of await learnersWithAttempts(this.db, fresh)) await refreshProgress(this.db, learnerId, t);
    if (!learnerIds.length) return [];
    const rows: EnrollmentView[] = [];
    for (const part of chunks(learnerIds)) {
      if (rows.length >= MAX_LIMIT) break;
      const got = await viewQuery(this.db).where('e.path_id', '=', path.id).where('e.learner_id', 'in', part).orderBy('e.id').execute();
      rows.push(...got.map(withBelt));
    }
    return rows.sort((a, b) => a.id - b.id).slice(0, MAX_LIMIT);
  }

  /** Pauses or resumes an enrollment; a passed one stays passed. */
  async save(p: Principal, id: number, input: { paused: boolean }): Promise<EnrollmentView> {
    assertCanWrite(p);
    const e = await this.get(p, id);
    const t = now();
    if (input.paused && e.status !== 'paused') {
      if (e.status === 'passed') throw conflict('status: a passed enrollment cannot be paused');
      await this.db.updateTable('enrollments').set({ status: 'paused', updated_at: t }).where('id', '=', id).execute();
    } else if (!input.paused && e.status === 'paused') {
      // refreshProgress works out not_started / in_progress again from the attempts.
      await this.db.updateTable('enrollments').set({ status: 'not_started', updated_at: t }).where('id', '=', id).execute();
      await refreshProgress(this.db, e.learner_id, t);
    }
    return this.get(p, id);
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    await this.get(p, id);
    await this.db.deleteFrom('enrollments').where('id', '=', id).execute();
  }
}
