/**
 * Assignments: a named set of lessons and/or paths given to people with a due date. Each person
 * gets an assignment_learners row whose progress refreshProgress keeps up to date; `overdue` is
 * never stored: an unfinished row reads as overdue once the due date has passed, so it becomes
 * overdue by itself. Reminder mails are scheduled on the rows (next_reminder_at).
 */
import { sql, type Selectable } from 'kysely';
import { now, type Executor } from '../../db/index.ts';
import type { AssignmentTable } from '../../db/schema.ts';
import { invalid } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assertOwned, chunks, cleanName, learnersWithAttempts, likePattern, uniqueIds } from './common.ts';
import { effectiveStatus, resolvePeople, type PeopleSelection } from './learners.ts';
import { refreshProgress } from './progress.ts';

export type AssignmentRow = Selectable<AssignmentTable>;

export const ASSIGNEE_STATUSES = ['assigned', 'in_progress', 'completed', 'overdue'] as const;
export type AssigneeStatus = (typeof ASSIGNEE_STATUSES)[number];

export interface AssignmentCounts {
  learners: number;
  assigned: number;
  in_progress: number;
  completed: number;
  overdue: number;
}

export interface AssignmentView {
  assignment: AssignmentRow;
  lesson_ids: number[];
  path_ids: number[];
  recipient_group_ids: number[];
  counts: AssignmentCounts;
}

export interface AssignmentInput extends PeopleSelection {
  /** Super admin only: the client (default: the acting or default client). Ignored on save. */
  client_id?: number | null;
  name: string;
  description?: string;
  /** ISO 8601 UTC. */
  due_date: string;
  remind_every_days?: number;
  lesson_ids?: number[];
  path_ids?: number[];
}

export interface AssignmentFilter extends ListOptions {
  q?: string;
}

export interface AssigneeFilter extends ListOptions {
  status?: AssigneeStatus;
}

export interface AssigneeView {
  id: number;
  assignment_id: number;
  learner_id: number;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
  passed: number;
  total: number;
  completed_at: string | null;
  last_reminded_at: string | null;
  next_reminder_at: string | null;
  reminders_sent: number;
  created_at: string;
  updated_at: string;
}

export const ASSIGNMENT_SORT = ['id', 'name', 'due_date', 'remind_every_days', 'created_at', 'updated_at'];
export const ASSIGNEE_SORT = ['id', 'learner_id', 'status', 'passed', 'total', 'completed_at', 'last_reminded_at', 'reminders_sent', 'created_at', 'updated_at'];
export const DAY_MS = 86_400_000;

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/** Lessons in an assignment: its lessons and the required lessons of its paths (as refreshProgress counts them). */
export async function assignmentLessonCount(db: Executor, assignmentId: number): Promise<number> {
  const items = await db.selectFrom('assignment_items').select(['lesson_id', 'path_id']).where('assignment_id', '=', assignmentId).execute();
  const ids = new Set<number>();
  for (const i of items) if (i.lesson_id !== null) ids.add(i.lesson_id);
  const pathIds = items.flatMap((i) => (i.path_id === null ? [] : [i.path_id]));
  if (pathIds.length) {
    for (const r of await db.selectFrom('path_lessons').select('lesson_id').where('path_id', 'in', pathIds).where('required', '=', 1).execute()) ids.add(r.lesson_id);
  }
  return ids.size;
}

export class AssignmentService {
  /** Called after people were assigned (wakes the reminder worker so that the first mail goes out soon). */
  onAssigned: () => void = () => {};

  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  private async counts(ids: number[], t: string): Promise<Map<number, AssignmentCounts>> {
    const out = new Map<number, AssignmentCounts>();
    if (!ids.length) return out;
    const due = new Map(
      (await this.db.selectFrom('assignments').select(['id', 'due_date']).where('id', 'in', ids).execute()).map((a) => [a.id, a.due_date]),
    );
    const rows = await this.db
      .selectFrom('assignment_learners')
      .select(['assignment_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('assignment_id', 'in', ids)
      .groupBy(['assignment_id', 'status'])
      .execute();
    for (const id of ids) out.set(id, { learners: 0, assigned: 0, in_progress: 0, completed: 0, overdue: 0 });
    for (const r of rows) {
      const c = out.get(r.assignment_id)!;
      const n = Number(r.n);
      const status = effectiveStatus(r.status, due.get(r.assignment_id) ?? '', t);
      c.learners += n;
      if (status === 'assigned' || status === 'in_progress' || status === 'completed' || status === 'overdue') c[status] += n;
    }
    return out;
  }

  private async views(rows: AssignmentRow[]): Promise<AssignmentView[]> {
    const ids = rows.map((r) => r.id);
    const items = ids.length ? await this.db.selectFrom('assignment_items').selectAll().where('assignment_id', 'in', ids).orderBy('position').orderBy('id').execute() : [];
    const groups = ids.length
      ? await this.db.selectFrom('assignment_groups').selectAll().where('assignment_id', 'in', ids).orderBy('recipient_group_id').execute()
      : [];
    const counts = await this.counts(ids, now());
    return rows.map((assignment) => {
      const own = items.filter((i) => i.assignment_id === assignment.id);
      return {
        assignment,
        lesson_ids: own.flatMap((i) => (i.lesson_id === null ? [] : [i.lesson_id])),
        path_ids: own.flatMap((i) => (i.path_id === null ? [] : [i.path_id])),
        recipient_group_ids: groups.filter((g) => g.assignment_id === assignment.id).map((g) => g.recipient_group_id),
        counts: counts.get(assignment.id)!,
      };
    });
  }

  async list(p: Principal, f: AssignmentFilter): Promise<AssignmentView[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('assignments').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    if (f.q) q = q.where(sql<boolean>`lower(name) like ${likePattern(f.q)} escape '\\'`);
    return this.views(await page(q, f, ASSIGNMENT_SORT).execute());
  }

  async row(p: Principal, id: number): Promise<AssignmentRow> {
    const row = await this.db.selectFrom('assignments').selectAll().where('id', '=', id).executeTakeFirst();
    return assertOwned(p, row, 'assignment');
  }

  async get(p: Principal, id: number): Promise<AssignmentView> {
    assertCanRead(p);
    return (await this.views([await this.row(p, id)]))[0];
  }

  /** The people of an assignment with their progress; `overdue` as a status filter too. */
  async learners(p: Principal, id: number, f: AssigneeFilter): Promise<AssigneeView[]> {
    assertCanRead(p);
    const a = await this.row(p, id);
    const t = now();
    const past = a.due_date < t;
    let q = this.db
      .selectFrom('assignment_learners as al')
      .innerJoin('learners as l', 'l.id', 'al.learner_id')
      .select([
        'al.id',
        'al.assignment_id',
        'al.learner_id',
        'l.email',
        'l.first_name',
        'l.last_name',
        'al.status',
        'al.passed',
        'al.total',
        'al.completed_at',
        'al.last_reminded_at',
        'al.next_reminder_at',
        'al.reminders_sent',
        'al.created_at',
        'al.updated_at',
      ])
      .where('al.assignment_id', '=', id);
    if (f.status === 'overdue') q = past ? q.where('al.status', '<>', 'completed') : q.where(sql<boolean>`1 = 0`);
    else if (f.status === 'completed') q = q.where('al.status', '=', 'completed');
    else if (f.status !== undefined) q = past ? q.where(sql<boolean>`1 = 0`) : q.where('al.status', '=', f.status);
    const rows = await page(q, f, ASSIGNEE_SORT, 'al').execute();
    return rows.map((r) => ({ ...r, status: effectiveStatus(r.status, a.due_date, t) }));
  }

  /** Lessons and paths in the client's catalogue; the first one that is not is a 400 naming it. */
  private async checkItems(clientId: number, lessonIds: number[], pathIds: number[]): Promise<void> {
    if (!lessonIds.length && !pathIds.length) throw invalid('lesson_ids: an assignment needs at least one lesson or path (lesson_ids, path_ids)');
    for (const [table, ids, field, what] of [
      ['lessons', lessonIds, 'lesson_ids', 'lesson'],
      ['paths', pathIds, 'path_ids', 'path'],
    ] as const) {
      if (!ids.length) continue;
      const found = new Set(
        (
          await this.db
            .selectFrom(table)
            .select('id')
            .where('id', 'in', ids)
            .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
            .execute()
        ).map((r) => r.id),
      );
      ids.forEach((id, i) => {
        if (!found.has(id)) throw invalid(`${field}[${i}]: no ${what} ${id}`);
      });
    }
  }

  private static fields(input: AssignmentInput, existing?: AssignmentRow) {
    const due = input.due_date ?? existing?.due_date;
    if (!due || Number.isNaN(Date.parse(due))) throw invalid('due_date: is required (ISO 8601)');
    return {
      name: cleanName(input.name),
      description: (input.description ?? existing?.description ?? '').trim(),
      due_date: new Date(due).toISOString(),
      remind_every_days: input.remind_every_days ?? existing?.remind_every_days ?? 0,
    };
  }

  private async writeItems(db: Executor, assignmentId: number, lessonIds: number[], pathIds: number[]) {
    await db.deleteFrom('assignment_items').where('assignment_id', '=', assignmentId).execute();
    const rows = [
      ...lessonIds.map((lessonId) => ({ lesson_id: lessonId, path_id: null })),
      ...pathIds.map((pathId) => ({ lesson_id: null, path_id: pathId })),
    ].map((r, i) => ({ ...r, assignment_id: assignmentId, position: i + 1 }));
    if (rows.length) await db.insertInto('assignment_items').values(rows).execute();
  }

  /** Adds the people (those already in the assignment stay as they are); returns who is new. */
  private async addPeople(db: Executor, a: { id: number; client_id: number }, sel: PeopleSelection, t: string): Promise<number[]> {
    const learnerIds = await resolvePeople(db, a.client_id, sel, t);
    const total = learnerIds.length ? await assignmentLessonCount(db, a.id) : 0;
    const groupIds = uniqueIds(sel.recipient_group_ids, 'recipient_group_ids');
    if (groupIds.length) {
      await db
        .insertInto('assignment_groups')
        .values(groupIds.map((g) => ({ assignment_id: a.id, recipient_group_id: g })))
        .onConflict((oc) => oc.columns(['assignment_id', 'recipient_group_id']).doNothing())
        .execute();
    }
    const fresh: number[] = [];
    for (const part of chunks(learnerIds)) {
      const already = new Set(
        (await db.selectFrom('assignment_learners').select('learner_id').where('assignment_id', '=', a.id).where('learner_id', 'in', part).execute()).map((r) => r.learner_id),
      );
      const add = part.filter((id) => !already.has(id));
      if (!add.length) continue;
      await db
        .insertInto('assignment_learners')
        .values(
          add.map((learnerId) => ({
            client_id: a.client_id,
            assignment_id: a.id,
            learner_id: learnerId,
            status: 'assigned',
            passed: 0,
            total,
            reminders_sent: 0,
            // The first mail (the assignment itself) goes out as soon as a worker sees it.
            next_reminder_at: t,
            created_at: t,
            updated_at: t,
          })),
        )
        .onConflict((oc) => oc.columns(['assignment_id', 'learner_id']).doNothing())
        .execute();
      fresh.push(...add);
    }
    return fresh;
  }

  async create(p: Principal, input: AssignmentInput): Promise<AssignmentView> {
    assertCanWrite(p);
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    const fields = AssignmentService.fields(input);
    const lessonIds = uniqueIds(input.lesson_ids, 'lesson_ids');
    const pathIds = uniqueIds(input.path_ids, 'path_ids');
    await this.checkItems(clientId, lessonIds, pathIds);
    const t = now();
    const { id, fresh } = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('assignments')
        .values({ ...fields, client_id: clientId, created_by: p.userId, created_at: t, updated_at: t })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.writeItems(trx, row.id, lessonIds, pathIds);
      const fresh = await this.addPeople(trx, { id: row.id, client_id: clientId }, input, t);
      return { id: row.id, fresh };
    });
    for (const learnerId of await learnersWithAttempts(this.db, fresh)) await refreshProgress(this.db, learnerId, t);
    if (fresh.length) this.onAssigned();
    return this.get(p, id);
  }

  /**
   * Saves the assignment. `lesson_ids`/`path_ids`, when either is given, replace what is
   * assigned; people named (groups, learners, emails) are added — nobody is taken out of an
   * assignment by a save, so that its history stays.
   */
  async save(p: Principal, id: number, input: AssignmentInput): Promise<AssignmentView> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    const fields = AssignmentService.fields(input, existing);
    const itemsGiven = input.lesson_ids !== undefined || input.path_ids !== undefined;
    const lessonIds = uniqueIds(input.lesson_ids, 'lesson_ids');
    const pathIds = uniqueIds(input.path_ids, 'path_ids');
    if (itemsGiven) await this.checkItems(existing.client_id, lessonIds, pathIds);
    const t = now();
    const fresh = await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('assignments').set({ ...fields, updated_at: t }).where('id', '=', id).execute();
      if (itemsGiven) await this.writeItems(trx, id, lessonIds, pathIds);
      if (fields.remind_every_days !== existing.remind_every_days) {
        // Reschedule the next reminder of everyone already reminded; the first mail stays due.
        const reminded = await trx
          .selectFrom('assignment_learners')
          .select(['id', 'last_reminded_at'])
          .where('assignment_id', '=', id)
          .where('status', '<>', 'completed')
          .where('last_reminded_at', 'is not', null)
          .execute();
        for (const r of reminded) {
          const next = fields.remind_every_days > 0 ? addDays(r.last_reminded_at!, fields.remind_every_days) : null;
          await trx.updateTable('assignment_learners').set({ next_reminder_at: next }).where('id', '=', r.id).execute();
        }
      }
      return this.addPeople(trx, existing, input, t);
    });
    const refresh = new Set(fresh);
    if (itemsGiven) {
      // Everyone's lesson count changes; progress needs computing only where there are attempts.
      const total = await assignmentLessonCount(this.db, id);
      await this.db.updateTable('assignment_learners').set({ total, updated_at: t }).where('assignment_id', '=', id).where('total', '<>', total).execute();
      for (const r of await this.db.selectFrom('assignment_learners').select('learner_id').where('assignment_id', '=', id).execute()) refresh.add(r.learner_id);
    }
    for (const learnerId of await learnersWithAttempts(this.db, [...refresh])) await refreshProgress(this.db, learnerId, t);
    if (fresh.length) this.onAssigned();
    return this.get(p, id);
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    await this.row(p, id);
    await this.db.deleteFrom('assignments').where('id', '=', id).execute();
  }
}
