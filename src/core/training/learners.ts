/**
 * Learners: the person behind any number of recipients of one client (one learner per distinct
 * email). Enrollments, assignments and lesson attempts hang off the learner, so a person in two
 * recipient groups is trained (and counted) once.
 */
import { sql, type Selectable } from 'kysely';
import { now, type Executor } from '../../db/index.ts';
import type { LearnerTable } from '../../db/schema.ts';
import { conflict, invalid } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assertOwned, chunks, likePattern, uniqueIds } from './common.ts';
import { BELTS } from './progress.ts';

export type LearnerRow = Selectable<LearnerTable>;

/** Someone to make a learner of: a recipient row, or anything with an email and names. */
export interface PersonLike {
  email: string;
  firstname?: string | null;
  lastname?: string | null;
  /** Used for the names when firstname and lastname are empty ("Ada Lovelace"). */
  name?: string | null;
  country?: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\]+$/;

function namesOf(p: PersonLike): { first_name: string; last_name: string } {
  let first = (p.firstname ?? '').trim();
  let last = (p.lastname ?? '').trim();
  if (!first && !last && p.name) {
    const parts = p.name.trim().split(/\s+/);
    first = parts[0] ?? '';
    last = parts.slice(1).join(' ');
  }
  return { first_name: first, last_name: last };
}

/**
 * Makes sure every person has a learner in the client (one per distinct email, lower-cased) and
 * returns the learner id of each email. Existing learners keep their names unless they have
 * none yet. Safe to run concurrently: a learner made meanwhile by someone else is found.
 */
export async function ensureLearners(db: Executor, clientId: number, people: PersonLike[], t: string = now()): Promise<Map<string, number>> {
  const byEmail = new Map<string, PersonLike>();
  for (const p of people) {
    const email = normaliseEmail(p.email ?? '');
    if (email && !byEmail.has(email)) byEmail.set(email, p);
  }
  const out = new Map<string, number>();
  for (const emails of chunks([...byEmail.keys()])) {
    const existing = await db.selectFrom('learners').select(['id', 'email', 'first_name', 'last_name']).where('client_id', '=', clientId).where('email', 'in', emails).execute();
    for (const l of existing) {
      out.set(l.email, l.id);
      if (!l.first_name && !l.last_name) {
        const names = namesOf(byEmail.get(l.email)!);
        if (names.first_name || names.last_name) await db.updateTable('learners').set({ ...names, updated_at: t }).where('id', '=', l.id).execute();
      }
    }
    const missing = emails.filter((e) => !out.has(e));
    if (missing.length) {
      await db
        .insertInto('learners')
        .values(
          missing.map((email) => {
            const p = byEmail.get(email)!;
            return { client_id: clientId, email, ...namesOf(p), country: (p.country ?? '').trim(), points: 0, link_version: 1, created_at: t, updated_at: t };
          }),
        )
        .onConflict((oc) => oc.columns(['client_id', 'email']).doNothing())
        .execute();
      const made = await db.selectFrom('learners').select(['id', 'email']).where('client_id', '=', clientId).where('email', 'in', missing).execute();
      for (const l of made) out.set(l.email, l.id);
    }
  }
  return out;
}

/** Who a request names: recipient groups (everyone in them), learners by id, recipients by email. */
export interface PeopleSelection {
  recipient_group_ids?: number[];
  learner_ids?: number[];
  /** Emails of existing recipients of the client (learners are made for them). */
  emails?: string[];
}

/**
 * The learner ids of everyone a request names, making learners for recipients who have none.
 * Every reference must be the client's own; anything else is a 400 naming it, worded as for a
 * row that does not exist.
 */
export async function resolvePeople(db: Executor, clientId: number, sel: PeopleSelection, t: string = now()): Promise<number[]> {
  const groupIds = uniqueIds(sel.recipient_group_ids, 'recipient_group_ids');
  const learnerIds = uniqueIds(sel.learner_ids, 'learner_ids');
  const ids = new Set<number>();
  if (groupIds.length) {
    const groups = new Set(
      (await db.selectFrom('recipient_groups').select('id').where('client_id', '=', clientId).where('id', 'in', groupIds).execute()).map((g) => g.id),
    );
    sel.recipient_group_ids!.forEach((id, i) => {
      if (!groups.has(id)) throw invalid(`recipient_group_ids[${i}]: no recipient group ${id}`);
    });
    const recipients = await db
      .selectFrom('recipients')
      .select(['email', 'firstname', 'lastname', 'name'])
      .where('client_id', '=', clientId)
      .where('recipient_group_id', 'in', groupIds)
      .orderBy('id')
      .execute();
    for (const id of (await ensureLearners(db, clientId, recipients, t)).values()) ids.add(id);
  }
  if (learnerIds.length) {
    const found = new Set(
      (await db.selectFrom('learners').select('id').where('client_id', '=', clientId).where('id', 'in', learnerIds).execute()).map((l) => l.id),
    );
    sel.learner_ids!.forEach((id, i) => {
      if (!found.has(id)) throw invalid(`learner_ids[${i}]: no learner ${id}`);
    });
    for (const id of learnerIds) ids.add(id);
  }
  if (sel.emails?.length) {
    const emails = sel.emails.map(normaliseEmail);
    const recipients = await db
      .selectFrom('recipients')
      .select(['email', 'firstname', 'lastname', 'name'])
      .where('client_id', '=', clientId)
      .where('email', 'in', [...new Set(emails)])
      .orderBy('id')
      .execute();
    const known = new Set(recipients.map((r) => r.email));
    emails.forEach((e, i) => {
      if (!known.has(e)) throw invalid(`emails[${i}]: "${e.slice(0, 100)}" is not a recipient of this client`);
    });
    for (const id of (await ensureLearners(db, clientId, recipients, t)).values()) ids.add(id);
  }
  return [...ids];
}

export interface LearnerInput {
  /** Super admin only: the client (default: the acting or default client). Ignored on save. */
  client_id?: number | null;
  email: string;
  first_name?: string;
  last_name?: string;
  country?: string;
}

export interface LearnerFilter extends ListOptions {
  /** Part of the email, first or last name, case-insensitive. */
  q?: string;
  email?: string;
}

export interface LearnerEnrollmentView {
  id: number;
  path_id: number;
  path_name: string;
  status: string;
  level: number;
  belt: string;
  required_passed: number;
  required_total: number;
  total_passed: number;
  total_lessons: number;
  last_engagement_at: string | null;
  completed_at: string | null;
}

export interface LearnerAssignmentView {
  assignment_id: number;
  name: string;
  due_date: string;
  status: string;
  passed: number;
  total: number;
  completed_at: string | null;
}

export interface LearnerView {
  learner: LearnerRow;
  enrollments?: LearnerEnrollmentView[];
  assignments?: LearnerAssignmentView[];
}

export const LEARNER_SORT = ['id', 'email', 'first_name', 'last_name', 'country', 'points', 'created_at', 'updated_at'];

/** `overdue` is not stored: an unfinished assignment reads as overdue once its due date has passed. */
export function effectiveStatus(status: string, dueDate: string, nowIso: string): string {
  return status !== 'completed' && dueDate < nowIso ? 'overdue' : status;
}

export class LearnerService {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async list(p: Principal, f: LearnerFilter): Promise<LearnerRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('learners').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    if (f.email !== undefined) q = q.where('email', '=', normaliseEmail(f.email));
    if (f.q) {
      const like = likePattern(f.q);
      q = q.where(
        sql<boolean>`(lower(email) like ${like} escape '\\' or lower(first_name) like ${like} escape '\\' or lower(last_name) like ${like} escape '\\' or lower(first_name || ' ' || last_name) like ${like} escape '\\')`,
      );
    }
    return page(q, f, LEARNER_SORT).execute();
  }

  async row(p: Principal, id: number): Promise<LearnerRow> {
    const row = await this.db.selectFrom('learners').selectAll().where('id', '=', id).executeTakeFirst();
    return assertOwned(p, row, 'learner');
  }

  async get(p: Principal, id: number): Promise<LearnerView> {
    assertCanRead(p);
    const learner = await this.row(p, id);
    const enrollments = await this.db
      .selectFrom('enrollments as e')
      .innerJoin('paths as p', 'p.id', 'e.path_id')
      .select([
        'e.id',
        'e.path_id',
        'p.name as path_name',
        'e.status',
        'e.level',
        'e.required_passed',
        'e.required_total',
        'e.total_passed',
        'e.total_lessons',
        'e.last_engagement_at',
        'e.completed_at',
      ])
      .where('e.learner_id', '=', id)
      .orderBy('e.id')
      .execute();
    const t = now();
    const assignments = await this.db
      .selectFrom('assignment_learners as al')
      .innerJoin('assignments as a', 'a.id', 'al.assignment_id')
      .select(['al.assignment_id', 'a.name', 'a.due_date', 'al.status', 'al.passed', 'al.total', 'al.completed_at'])
      .where('al.learner_id', '=', id)
      .orderBy('al.assignment_id')
      .execute();
    return {
      learner,
      enrollments: enrollments.map((e) => ({ ...e, belt: BELTS[Math.max(0, Math.min(7, e.level))] })),
      assignments: assignments.map((a) => ({ ...a, status: effectiveStatus(a.status, a.due_date, t) })),
    };
  }

  private checkEmail(email: string): string {
    const e = normaliseEmail(email);
    if (!EMAIL.test(e)) throw invalid(`email: "${email.slice(0, 100)}" is not an email address`);
    return e;
  }

  async create(p: Principal, input: LearnerInput): Promise<LearnerView> {
    assertCanWrite(p);
    const email = this.checkEmail(input.email);
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    const same = await this.db.selectFrom('learners').select('id').where('client_id', '=', clientId).where('email', '=', email).executeTakeFirst();
    if (same) throw conflict(`email: ${email} is already a learner (id ${same.id})`);
    const t = now();
    const row = await this.db
      .insertInto('learners')
      .values({
        client_id: clientId,
        email,
        first_name: (input.first_name ?? '').trim(),
        last_name: (input.last_name ?? '').trim(),
        country: (input.country ?? '').trim(),
        points: 0,
        link_version: 1,
        created_at: t,
        updated_at: t,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.get(p, row.id);
  }

  async save(p: Principal, id: number, input: LearnerInput): Promise<LearnerView> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    const email = this.checkEmail(input.email);
    if (email !== existing.email) {
      const same = await this.db.selectFrom('learners').select('id').where('client_id', '=', existing.client_id).where('email', '=', email).executeTakeFirst();
      if (same) throw conflict(`email: ${email} is already a learner (id ${same.id})`);
    }
    await this.db
      .updateTable('learners')
      .set({
        email,
        first_name: (input.first_name ?? existing.first_name).trim(),
        last_name: (input.last_name ?? existing.last_name).trim(),
        country: (input.country ?? existing.country).trim(),
        updated_at: now(),
      })
      .where('id', '=', id)
      .execute();
    return this.get(p, id);
  }

  /** Removes the learner with their enrollments, assignments and attempts. */
  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    await this.row(p, id);
    await this.db.deleteFrom('learners').where('id', '=', id).execute();
  }
}
