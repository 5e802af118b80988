/**
 * The read model behind Security Journey's v2 reports: enrollments, users, assignments and
 * lesson attempts of one client, read straight from the training tables.
 *
 * Every report is an async generator of batches: rows are fetched `batchSize` at a time by
 * keyset (`id > last`, or `email > last` for users) on an index that starts with client_id, after
 * skipping `offset` rows with one index-only query, so that memory stays bounded whatever the
 * limit and a batch costs the same at the start and at the end of a million rows. The caller
 * (the dialect) formats each batch and writes it out before asking for the next one; returning
 * the generator early (the HTTP client went away) stops the reading.
 *
 * Values are returned as stored (ISO timestamps, numbers, status words); the dialect formats
 * them. Business rules live here: an assignment reads as `overdue` once its due date has passed
 * unfinished; a user's attributes come from their recipient rows (see USER_FIELDS).
 */
import { sql, type Compilable, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { Dialect } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import type { ServiceDeps } from '../index.ts';

/** Rows fetched per query. */
export const BATCH_SIZE = 2000;

export interface ReportQuery {
  /** Rows to skip (in report order). */
  offset: number;
  /** Rows to return at most (no ceiling). */
  limit: number;
  /** ISO instants: only rows with updated_at strictly after / before. */
  updatedAfter?: string;
  updatedBefore?: string;
}

export interface EnrollmentReportRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  path_id: number;
  role_name: string;
  status: string;
  /** 0 White Belt … 7 Black Belt. */
  level: number;
  last_engagement_at: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  required_total: number;
  required_passed: number;
  total_lessons: number;
  total_passed: number;
}

export interface AssignmentReportRow {
  id: number;
  assignment_name: string;
  email: string;
  first_name: string;
  last_name: string;
  due_date: string;
  passed: number;
  total: number;
  /** assigned | in_progress | completed | overdue */
  status: string;
}

export interface AttemptReportRow {
  id: number;
  module_name: string;
  email: string;
  learner_id: number;
  first_name: string;
  last_name: string;
  /** consumed | passed | failed */
  status: string;
  /** null: the lesson has none. */
  watched_video: boolean | null;
  read_transcript: boolean | null;
  exercise_passed: boolean | null;
  /** The quiz: not_started | in_progress | passed | failed */
  assessment: string;
  updated_at: string;
}

/**
 * Security Journey's optional user fields, in the document's order, and the recipient column
 * each one is read from (null: no built-in source). Any of them can also come from a recipient
 * custom field of the same name (compared case-insensitively, spaces and dashes as
 * underscores: "Employee Number" fills employee_number); a non-blank custom value wins.
 */
export const USER_FIELDS = [
  ['ad_id', 'objectguid'],
  ['initial', null],
  ['phone_number', 'phone'],
  ['title', 'staff_type'],
  ['company', null],
  ['job_role', null],
  ['team', null],
  ['security_champion', null],
  ['department_number', null],
  ['employee_number', 'external_id'],
  ['managers_name', null],
  ['managers_employee_number', null],
  ['business_unit', 'division'],
  ['employee_secondary_number', null],
  ['business_unit_description', null],
] as const;

export type UserField = (typeof USER_FIELDS)[number][0];
type SourceColumn = 'objectguid' | 'phone' | 'staff_type' | 'external_id' | 'division';

export interface UserReportRow {
  email: string;
  first_name: string;
  last_name: string;
  total_points: number;
  country: string;
  /** Only the fields of `UserReport.fields`, every one of them ('' when this person has none). */
  optional: Partial<Record<UserField, string>>;
}

export interface UserReport {
  /** The optional fields at least one of the client's people has a non-blank value for. */
  fields: UserField[];
  batches: AsyncGenerator<UserReportRow[]>;
}

export interface EnrollmentSummaryRow {
  path_id: number;
  path_name: string;
  role_name: string;
  total: number;
  not_started: number;
  in_progress: number;
  paused: number;
  passed: number;
}

const normaliseName = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const blank = (v: unknown) => v === null || v === undefined || String(v).trim() === '';

function parseArray(json: string): unknown[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** Chunks for IN lists (both databases cap bound parameters). */
function chunks<T>(xs: T[], n = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class SecurityJourneyReports {
  private readonly db: Kysely<DB>;
  private readonly dialect: Dialect;
  /** Rows per query; tests lower it to exercise many batches. */
  batchSize = BATCH_SIZE;
  /** Reports being read right now, and rows read since start: what tests and operators watch. */
  readonly stats = { active: 0, rowsRead: 0 };

  /**
   * `pool`: on PostgreSQL, the pool under `db`. Batches are compiled by Kysely and run through
   * pg's callback API: with pg's promise API (what Kysely's driver uses) the rows of every batch
   * outlive young-generation collections, so a million-row answer fills the old generation with
   * garbage until V8's next full collection (measured: +140 MB server peak for 1,000,000
   * enrollments; none with the callback API, as with a bare `pool.query`). See bench/README.md.
   */
  constructor(
    deps: ServiceDeps,
    private readonly pool?: pg.Pool,
  ) {
    this.db = deps.db;
    this.dialect = deps.dialect;
  }

  /** Runs one batch query (see the constructor). */
  private rows<R>(q: Compilable<R>): Promise<R[]> {
    const pool = this.pool;
    if (!pool) return (q as Compilable<R> & { execute(): Promise<R[]> }).execute();
    const compiled = q.compile();
    return new Promise((resolve, reject) =>
      pool.query(compiled.sql, compiled.parameters as unknown[], (err, res) => (err ? reject(err) : resolve(res.rows as R[]))),
    );
  }

  /**
   * Walks rows by id: skips `offset` rows with one index-only query (the id of the last row
   * skipped), then fetches batches with `id > last` until `limit` rows were returned.
   */
  private async *keyset<R extends { id: number }, T>(
    q: ReportQuery,
    skip: (offset: number) => Promise<number | undefined>,
    fetch: (after: number, n: number) => Promise<R[]>,
    map: (rows: R[]) => T[] | Promise<T[]>,
  ): AsyncGenerator<T[]> {
    this.stats.active++;
    try {
      let remaining = q.limit;
      let after = 0;
      if (remaining <= 0) return;
      if (q.offset > 0) {
        const last = await skip(q.offset);
        if (last === undefined) return;
        after = last;
      }
      while (remaining > 0) {
        const n = Math.min(this.batchSize, remaining);
        const rows = await fetch(after, n);
        this.stats.rowsRead += rows.length;
        if (rows.length) yield await map(rows);
        if (rows.length < n) return;
        remaining -= rows.length;
        after = rows[rows.length - 1].id;
      }
    } finally {
      this.stats.active--;
    }
  }

  // ---- enrollments --------------------------------------------------------------------------

  private enrollmentBase(clientId: number, q: Pick<ReportQuery, 'updatedAfter' | 'updatedBefore'>) {
    let b = this.db.selectFrom('enrollments as e').where('e.client_id', '=', clientId);
    if (q.updatedAfter !== undefined) b = b.where('e.updated_at', '>', q.updatedAfter);
    if (q.updatedBefore !== undefined) b = b.where('e.updated_at', '<', q.updatedBefore);
    return b;
  }

  enrollments(clientId: number, q: ReportQuery): AsyncGenerator<EnrollmentReportRow[]> {
    const base = () => this.enrollmentBase(clientId, q);
    return this.keyset(
      q,
      async (offset) => (await base().select('e.id').orderBy('e.id').limit(1).offset(offset - 1).executeTakeFirst())?.id,
      (after, n) =>
        this.rows(
          base()
            .innerJoin('learners as l', 'l.id', 'e.learner_id')
            .innerJoin('paths as p', 'p.id', 'e.path_id')
            .select([
              'e.id',
              'l.email',
              'l.first_name',
              'l.last_name',
              'e.path_id',
              'p.role_name',
              'e.status',
              'e.level',
              'e.last_engagement_at',
              'e.created_at',
              'e.updated_at',
              'e.completed_at',
              'e.required_total',
              'e.required_passed',
              'e.total_lessons',
              'e.total_passed',
            ])
            .where('e.id', '>', after)
            .orderBy('e.id')
            .limit(n),
        ),
      (rows) => rows,
    );
  }

  /** Enrollments counted per path and status (the same date filters as the list). */
  async enrollmentSummary(clientId: number, q: Pick<ReportQuery, 'updatedAfter' | 'updatedBefore'>): Promise<EnrollmentSummaryRow[]> {
    const counts = await this.enrollmentBase(clientId, q)
      .select(['e.path_id', 'e.status', sql<number>`count(*)`.as('n')])
      .groupBy(['e.path_id', 'e.status'])
      .execute();
    const byPath = new Map<number, EnrollmentSummaryRow>();
    for (const c of counts) {
      let row = byPath.get(c.path_id);
      if (!row) {
        row = { path_id: c.path_id, path_name: '', role_name: '', total: 0, not_started: 0, in_progress: 0, paused: 0, passed: 0 };
        byPath.set(c.path_id, row);
      }
      const n = Number(c.n);
      row.total += n;
      if (c.status === 'not_started' || c.status === 'in_progress' || c.status === 'paused' || c.status === 'passed') row[c.status] += n;
    }
    for (const part of chunks([...byPath.keys()])) {
      for (const p of await this.db.selectFrom('paths').select(['id', 'name', 'role_name']).where('id', 'in', part).execute()) {
        const row = byPath.get(p.id)!;
        row.path_name = p.name;
        row.role_name = p.role_name;
      }
    }
    return [...byPath.values()].sort((a, b) => a.path_id - b.path_id);
  }

  // ---- assignments --------------------------------------------------------------------------

  assignments(clientId: number, q: ReportQuery): AsyncGenerator<AssignmentReportRow[]> {
    const base = () => {
      let b = this.db.selectFrom('assignment_learners as al').where('al.client_id', '=', clientId);
      if (q.updatedAfter !== undefined) b = b.where('al.updated_at', '>', q.updatedAfter);
      if (q.updatedBefore !== undefined) b = b.where('al.updated_at', '<', q.updatedBefore);
      return b;
    };
    return this.keyset(
      q,
      async (offset) => (await base().select('al.id').orderBy('al.id').limit(1).offset(offset - 1).executeTakeFirst())?.id,
      (after, n) =>
        this.rows(
          base()
            .innerJoin('assignments as a', 'a.id', 'al.assignment_id')
            .innerJoin('learners as l', 'l.id', 'al.learner_id')
            .select(['al.id', 'a.name', 'l.email', 'l.first_name', 'l.last_name', 'a.due_date', 'al.passed', 'al.total', 'al.status'])
            .where('al.id', '>', after)
            .orderBy('al.id')
            .limit(n),
        ),
      (rows) => {
        const t = now();
        return rows.map((r) => ({
          id: r.id,
          assignment_name: r.name,
          email: r.email,
          first_name: r.first_name,
          last_name: r.last_name,
          due_date: r.due_date,
          passed: r.passed,
          total: r.total,
          status: r.status !== 'completed' && r.due_date < t ? 'overdue' : r.status,
        }));
      },
    );
  }

  // ---- lesson attempts ----------------------------------------------------------------------

  lessonAttempts(clientId: number, q: ReportQuery): AsyncGenerator<AttemptReportRow[]> {
    const base = () => {
      let b = this.db.selectFrom('lesson_attempts as la').where('la.client_id', '=', clientId);
      if (q.updatedAfter !== undefined) b = b.where('la.updated_at', '>', q.updatedAfter);
      if (q.updatedBefore !== undefined) b = b.where('la.updated_at', '<', q.updatedBefore);
      return b;
    };
    const flag = (v: number | null) => (v === null ? null : v === 1);
    return this.keyset(
      q,
      async (offset) => (await base().select('la.id').orderBy('la.id').limit(1).offset(offset - 1).executeTakeFirst())?.id,
      (after, n) =>
        this.rows(
          base()
            .innerJoin('lessons as ls', 'ls.id', 'la.lesson_id')
            .innerJoin('learners as l', 'l.id', 'la.learner_id')
            .select([
              'la.id',
              'ls.name',
              'l.email',
              'la.learner_id',
              'l.first_name',
              'l.last_name',
              'la.status',
              'la.watched_video',
              'la.read_transcript',
              'la.exercise_passed',
              'la.assessment',
              'la.updated_at',
            ])
            .where('la.id', '>', after)
            .orderBy('la.id')
            .limit(n),
        ),
      (rows) =>
        rows.map((r) => ({
          id: r.id,
          module_name: r.name,
          email: r.email,
          learner_id: r.learner_id,
          first_name: r.first_name,
          last_name: r.last_name,
          status: r.status,
          watched_video: flag(r.watched_video),
          read_transcript: flag(r.read_transcript),
          exercise_passed: flag(r.exercise_passed),
          assessment: r.assessment,
          updated_at: r.updated_at,
        })),
    );
  }

  // ---- users --------------------------------------------------------------------------------

  /**
   * The people of the client: one row per distinct email among its recipients and learners,
   * ordered by email (the person's identity here; people have no id of their own). The optional
   * fields present are decided first, over all of the client's recipients, in one aggregate
   * query, so that every page of the report carries the same fields.
   */
  async users(clientId: number, q: ReportQuery): Promise<UserReport> {
    const customNames = (
      await this.db.selectFrom('recipient_custom_fields').select('name').where('client_id', '=', clientId).orderBy('id').execute()
    ).map((r) => normaliseName(r.name));
    const known = new Set<string>(USER_FIELDS.map(([f]) => f));
    // Custom field positions (in the recipients' custom_fields arrays) by optional field.
    const custom = new Map<UserField, number>();
    customNames.forEach((name, i) => {
      if (known.has(name) && !custom.has(name as UserField)) custom.set(name as UserField, i);
    });
    const fields = await this.presentFields(clientId, custom);
    return { fields, batches: this.userBatches(clientId, q, fields, custom) };
  }

  private async presentFields(clientId: number, custom: Map<UserField, number>): Promise<UserField[]> {
    const checks: RawBuilder<number>[] = [];
    const names: UserField[] = [];
    for (const [field, column] of USER_FIELDS) {
      const sources: RawBuilder<unknown>[] = [];
      if (column) sources.push(sql`trim(${sql.ref(column)}) <> ''`);
      const pos = custom.get(field);
      if (pos !== undefined) {
        const value =
          this.dialect === 'postgres' ? sql`(custom_fields::json ->> ${sql.lit(pos)})` : sql`json_extract(custom_fields, ${sql.lit(`$[${pos}]`)})`;
        sources.push(sql`coalesce(trim(cast(${value} as text)), '') <> ''`);
      }
      if (!sources.length) continue;
      names.push(field);
      checks.push(sql<number>`max(case when ${sql.join(sources, sql` or `)} then 1 else 0 end)`);
    }
    if (!checks.length) return [];
    const row = await sql<Record<string, number | null>>`select ${sql.join(
      checks.map((c, i) => sql`${c} as ${sql.ref(`f${i}`)}`),
    )} from recipients where client_id = ${clientId}`.execute(this.db);
    const found = row.rows[0] ?? {};
    const present = new Set(names.filter((_, i) => Number(found[`f${i}`] ?? 0) === 1));
    return USER_FIELDS.map(([f]) => f).filter((f) => present.has(f));
  }

  /**
   * The next `n` distinct emails after `after` among the client's recipients and learners, in
   * the database's order (its collation: the same one `email > after` compares with). Each side
   * reads only its first n distinct emails from its (client_id, email) index, which is enough:
   * any of the union's first n is among the first n of its own table. (A DISTINCT over the
   * plain union makes PostgreSQL aggregate the whole client on every batch.)
   */
  private async emailsAfter(clientId: number, after: string, n: number, offset = 0): Promise<string[]> {
    const each = n + offset;
    const query = sql<{ email: string }>`select email from (
        select distinct email from recipients where client_id = ${clientId} and email > ${after} order by email limit ${each}
      ) r
      union
      select email from (
        select email from learners where client_id = ${clientId} and email > ${after} order by email limit ${each}
      ) l
      order by 1 limit ${n} offset ${offset}`;
    return (await query.execute(this.db)).rows.map((r) => r.email);
  }

  private async *userBatches(
    clientId: number,
    q: ReportQuery,
    fields: UserField[],
    custom: Map<UserField, number>,
  ): AsyncGenerator<UserReportRow[]> {
    this.stats.active++;
    try {
      let remaining = q.limit;
      let after = '';
      if (remaining <= 0) return;
      if (q.offset > 0) {
        const [last] = await this.emailsAfter(clientId, '', 1, q.offset - 1);
        if (last === undefined) return;
        after = last;
      }
      while (remaining > 0) {
        const n = Math.min(this.batchSize, remaining);
        const emails = await this.emailsAfter(clientId, after, n);
        this.stats.rowsRead += emails.length;
        if (emails.length) yield await this.userRows(clientId, emails, fields, custom);
        if (emails.length < n) return;
        remaining -= emails.length;
        after = emails[emails.length - 1];
      }
    } finally {
      this.stats.active--;
    }
  }

  private async userRows(clientId: number, emails: string[], fields: UserField[], custom: Map<UserField, number>): Promise<UserReportRow[]> {
    const learners = new Map<string, { first_name: string; last_name: string; country: string; points: number }>();
    // Newest recipient row first: a person's value of a field is the newest non-blank one.
    const recipients = new Map<string, Record<string, string>[]>();
    const needCustom = fields.some((f) => custom.has(f));
    for (const part of chunks(emails)) {
      const ls = await this.db
        .selectFrom('learners')
        .select(['email', 'first_name', 'last_name', 'country', 'points'])
        .where('client_id', '=', clientId)
        .where('email', 'in', part)
        .execute();
      for (const l of ls) learners.set(l.email, l);
      const rs = await this.db
        .selectFrom('recipients')
        .select(['email', 'name', 'firstname', 'lastname', 'objectguid', 'phone', 'staff_type', 'external_id', 'division', 'custom_fields'])
        .where('client_id', '=', clientId)
        .where('email', 'in', part)
        .orderBy('id', 'desc')
        .execute();
      for (const r of rs) {
        let list = recipients.get(r.email);
        if (!list) recipients.set(r.email, (list = []));
        list.push(r);
      }
    }
    return emails.map((email) => {
      const l = learners.get(email);
      const rs = recipients.get(email) ?? [];
      const firstOf = (get: (r: Record<string, string>) => unknown) => {
        for (const r of rs) {
          const v = get(r);
          if (!blank(v)) return String(v).trim();
        }
        return '';
      };
      let first = l?.first_name.trim() || firstOf((r) => r.firstname);
      let last = l?.last_name.trim() || firstOf((r) => r.lastname);
      if (!first && !last) {
        const name = firstOf((r) => r.name);
        const space = name.indexOf(' ');
        first = space === -1 ? name : name.slice(0, space);
        last = space === -1 ? '' : name.slice(space + 1).trim();
      }
      const parsed = needCustom ? rs.map((r) => parseArray(r.custom_fields)) : [];
      const optional: Partial<Record<UserField, string>> = {};
      for (const f of fields) {
        const pos = custom.get(f);
        let v = '';
        if (pos !== undefined) {
          for (const values of parsed) {
            if (!blank(values[pos])) {
              v = String(values[pos]).trim();
              break;
            }
          }
        }
        const column = USER_FIELDS.find(([name]) => name === f)![1] as SourceColumn | null;
        if (!v && column) v = firstOf((r) => r[column]);
        optional[f] = v;
      }
      return { email, first_name: first, last_name: last, total_points: l?.points ?? 0, country: l?.country ?? '', optional };
    });
  }
}
