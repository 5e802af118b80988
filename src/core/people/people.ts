import { CompiledQuery, sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { now, type Executor } from '../../db/index.ts';
import { EVENT, q, recordEvent } from '../campaigns/events.ts';
import type { DB, RecipientCustomFieldTable, RecipientGroupTable, RecipientTable } from '../../db/schema.ts';
import { conflict, invalid, isUniqueViolation, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import {
  MAX_BULK_RECIPIENTS,
  RECIPIENT_TEXT_FIELD_NAMES,
  checkNewRecipient,
  checkSavedRecipient,
  normaliseEmail,
  type RecipientInput,
} from './recipient-input.ts';

export type RecipientGroupRow = Selectable<RecipientGroupTable> & { recipient_count: number };
export type RecipientRow = Selectable<RecipientTable>;
export type RecipientCustomFieldRow = Selectable<RecipientCustomFieldTable>;

export interface RecipientGroupInput {
  name: string;
  usb_attack: boolean;
  /** Decoy extension: the client a super admin creates the group for. */
  client_id?: number | null;
}

export interface RecipientCustomFieldInput {
  name?: string;
  ldap_attribute?: string;
}

export const GROUP_SORT = ['id', 'name', 'usb_attack', 'recipient_count', 'created_at', 'updated_at'] as const;
export const RECIPIENT_SORT = [
  'id', 'email', 'name', 'firstname', 'lastname', 'phone', 'staff_type', 'location', 'division', 'gender', 'language_id',
  'external_id', 'last_tested', 'created_at', 'updated_at',
] as const;
export const CUSTOM_FIELD_SORT = ['id', 'name', 'ldap_attribute'] as const;

/**
 * Rows per INSERT statement in a bulk import. A recipient binds 21 values: 500 rows stay well
 * under SQLite's 32,766 and PostgreSQL's 65,535 bound-parameter limits, and one statement per
 * 500 rows keeps a 10,000-row import to 20 round trips.
 */
export const INSERT_CHUNK = 500;

/** Every column a new recipient row sets, in the order the bulk INSERT binds them. */
const INSERT_COLUMNS = [
  'client_id', 'recipient_group_id', 'language_id', 'email', 'name', 'phone', 'staff_type', 'location', 'division', 'comment', 'link',
  'gender', 'ldap_based', 'firstname', 'lastname', 'objectguid', 'external_id', 'custom_fields', 'last_tested', 'created_at', 'updated_at',
] as const satisfies readonly (keyof RecipientTable)[];

const insertSqlCache = new Map<string, string>();

/**
 * `INSERT INTO recipients (...) VALUES (...), (...)` for `rows` rows, written directly rather
 * than through Kysely's builder: building and compiling a 10,000-value query tree costs more
 * than executing it. Cached per dialect and row count (a bulk import uses at most two sizes).
 */
function insertSql(dialect: 'sqlite' | 'postgres', rows: number): string {
  const key = `${dialect}:${rows}`;
  let text = insertSqlCache.get(key);
  if (text) return text;
  const width = INSERT_COLUMNS.length;
  const tuples: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const slots: string[] = new Array(width);
    for (let c = 0; c < width; c++) slots[c] = dialect === 'postgres' ? `$${r * width + c + 1}` : '?';
    tuples[r] = `(${slots.join(', ')})`;
  }
  text = `insert into "recipients" (${INSERT_COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
  insertSqlCache.set(key, text);
  return text;
}

function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Recipient groups, recipients and recipient custom fields: the people a client tests. */
export class PeopleService {
  private readonly db: Kysely<DB>;

  constructor(private readonly deps: ServiceDeps) {
    this.db = deps.db;
  }

  // ---- recipient groups ----

  private groupQuery(db: Executor = this.db) {
    return db
      .selectFrom('recipient_groups')
      .selectAll('recipient_groups')
      .select((eb) =>
        eb
          .selectFrom('recipients')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('recipients.recipient_group_id', '=', 'recipient_groups.id')
          .as('recipient_count'),
      );
  }

  private static counted<T extends { recipient_count: unknown }>(row: T): T & { recipient_count: number } {
    return { ...row, recipient_count: Number(row.recipient_count ?? 0) };
  }

  async listGroups(p: Principal, opts: ListOptions): Promise<RecipientGroupRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.groupQuery();
    if (scope !== null) q = q.where('recipient_groups.client_id', '=', scope);
    const rows = await page(q, opts, GROUP_SORT).execute();
    return rows.map(PeopleService.counted);
  }

  async getGroup(p: Principal, id: number, db: Executor = this.db): Promise<RecipientGroupRow> {
    assertCanRead(p);
    const row = await this.groupQuery(db).where('recipient_groups.id', '=', id).executeTakeFirst();
    const scope = readScope(p);
    if (!row || (scope !== null && row.client_id !== scope)) throw notFound('recipient group');
    return PeopleService.counted(row);
  }

  /** The group row alone (no count), tenant-checked: what writes below a group start from. */
  private async visibleGroup(p: Principal, id: number, db: Executor = this.db): Promise<Selectable<RecipientGroupTable>> {
    const row = await db.selectFrom('recipient_groups').selectAll().where('id', '=', id).executeTakeFirst();
    const scope = readScope(p);
    if (!row || (scope !== null && row.client_id !== scope)) throw notFound('recipient group');
    return row;
  }

  private static requiredName(name: string): string {
    const trimmed = name.trim();
    if (!trimmed) throw invalid('name: must not be blank');
    return trimmed;
  }

  async createGroup(p: Principal, input: RecipientGroupInput): Promise<RecipientGroupRow> {
    assertCanWrite(p);
    const name = PeopleService.requiredName(input.name);
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    const t = now();
    const row = await this.db
      .insertInto('recipient_groups')
      .values({ client_id: clientId, name, usb_attack: input.usb_attack ? 1 : 0, created_at: t, updated_at: t })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...row, recipient_count: 0 };
  }

  async saveGroup(p: Principal, id: number, input: RecipientGroupInput): Promise<RecipientGroupRow> {
    assertCanWrite(p);
    const existing = await this.visibleGroup(p, id);
    if (input.client_id !== undefined && input.client_id !== null && input.client_id !== existing.client_id) {
      throw invalid('client_id: a recipient group cannot move to another client');
    }
    const name = PeopleService.requiredName(input.name);
    await this.db
      .updateTable('recipient_groups')
      .set({ name, usb_attack: input.usb_attack ? 1 : 0, updated_at: now() })
      .where('id', '=', id)
      .execute();
    return this.getGroup(p, id);
  }

  /**
   * Deletes a group and its recipients. Not while a running campaign sends to it (directly or
   * through a scenario): as removing it from the campaign would be, that is a 409. The campaigns
   * it was part of record its removal (event 21), as if it had been removed from each. Victims
   * stay (their recipient_id is cleared).
   */
  async deleteGroup(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const group = await this.visibleGroup(p, id);
    await this.db.transaction().execute(async (trx) => {
      const campaigns = await trx
        .selectFrom('campaigns as c')
        .select(['c.id', 'c.client_id', 'c.status', 'c.name'])
        .where((eb) =>
          eb.or([
            eb('c.id', 'in', eb.selectFrom('campaign_recipient_groups').select('campaign_id').where('recipient_group_id', '=', id)),
            eb('c.id', 'in', eb.selectFrom('scenario_recipient_groups as sg').innerJoin('scenarios as s', 's.id', 'sg.scenario_id').select('s.campaign_id').where('sg.recipient_group_id', '=', id)),
          ]),
        )
        .orderBy('c.id')
        .execute();
      const running = campaigns.find((c) => c.status === 'running');
      if (running) throw conflict(`recipient group: campaign ${running.id} ("${running.name}") is running with it; stop the campaign before you delete the group`);
      for (const c of campaigns) await recordEvent(trx, c, EVENT.groupRemoved, `Recipient group ${q(group.name)} removed (deleted)`);
      // Recipients go with their group (ON DELETE CASCADE), and so do its links to campaigns and scenarios.
      await trx.deleteFrom('recipient_groups').where('id', '=', id).execute();
    });
  }

  // ---- recipients ----

  /**
   * One page of a group's recipients. In id order (the default) the page's ids come from
   * `WHERE recipient_group_id = ? ORDER BY id LIMIT/OFFSET` alone, which both databases answer
   * from the (recipient_group_id, id) index without touching the table (SQLite: covering index;
   * PostgreSQL: index-only scan), and only the rows of the page are then read. Left to itself,
   * PostgreSQL's planner picks a bitmap scan plus a sort of the whole group, or the primary key
   * with a filter, for `SELECT *` deep in a big group: 2 to 5 times slower at offset 90,000.
   * Public so that a test and the benchmark can check the plan.
   */
  recipientPageQuery(groupId: number, opts: ListOptions, db: Executor = this.db) {
    const sort = opts.sort ?? 'id';
    if (sort === 'id' || sort === '-id') {
      const ids = page(db.selectFrom('recipients').select('id').where('recipient_group_id', '=', groupId), opts, RECIPIENT_SORT);
      return db.selectFrom('recipients').selectAll().where('id', 'in', ids).orderBy('id', sort === 'id' ? 'asc' : 'desc');
    }
    return page(db.selectFrom('recipients').selectAll().where('recipient_group_id', '=', groupId), opts, RECIPIENT_SORT);
  }

  async listRecipients(p: Principal, groupId: number, opts: ListOptions): Promise<RecipientRow[]> {
    assertCanRead(p);
    await this.visibleGroup(p, groupId);
    return this.recipientPageQuery(groupId, opts).execute();
  }

  async getRecipient(p: Principal, id: number): Promise<RecipientRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('recipients').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('recipient');
    return row;
  }

  /** 400 naming the field (and row) when a language id does not exist. */
  private async checkLanguages(db: Executor, rows: { languageId: number | null | undefined; prefix: string }[]): Promise<void> {
    const wanted = new Set<number>();
    for (const r of rows) if (r.languageId !== null && r.languageId !== undefined) wanted.add(r.languageId);
    if (!wanted.size) return;
    const found = new Set((await db.selectFrom('languages').select('id').where('id', 'in', [...wanted]).execute()).map((l) => l.id));
    for (const r of rows) {
      if (r.languageId !== null && r.languageId !== undefined && !found.has(r.languageId)) {
        throw invalid(`${r.prefix ? `${r.prefix}.` : ''}language_id: no language with id ${r.languageId} (see GET /api/languages)`);
      }
    }
  }

  private static newRow(
    input: RecipientInput & { email: string; name: string },
    email: string,
    group: { id: number; client_id: number },
    t: string,
  ): Insertable<RecipientTable> {
    const row: Record<string, unknown> = {
      client_id: group.client_id,
      recipient_group_id: group.id,
      language_id: input.language_id ?? null,
      email,
    };
    for (const f of RECIPIENT_TEXT_FIELD_NAMES) row[f] = input[f] ?? '';
    row.name = input.name.trim();
    row.ldap_based = input.ldap_based ? 1 : 0;
    row.custom_fields = JSON.stringify(input.custom_fields ?? []);
    row.last_tested = null;
    row.created_at = t;
    row.updated_at = t;
    return row as unknown as Insertable<RecipientTable>;
  }

  /**
   * Creates one recipient (an object body) or many (an array body) in a group, in one
   * transaction: either every row is stored or none is. Each row is checked with a compiled
   * validator before anything is written; a bad row is a 400 naming it (`recipients[3].email:
   * is required`), an address already in the group a 409 naming it.
   */
  async addRecipients(p: Principal, groupId: number, body: unknown): Promise<RecipientGroupRow> {
    assertCanWrite(p);
    const group = await this.visibleGroup(p, groupId);
    const many = Array.isArray(body);
    const items: unknown[] = many ? body : [body];
    if (items.length > MAX_BULK_RECIPIENTS) throw invalid(`body: at most ${MAX_BULK_RECIPIENTS} recipients per request`);
    const label = (i: number) => (many ? `recipients[${i}]` : '');

    const t = now();
    const rows: Insertable<RecipientTable>[] = new Array(items.length);
    const firstRowOf = new Map<string, number>();
    const languages: { languageId: number | null | undefined; prefix: string }[] = [];
    for (let i = 0; i < items.length; i++) {
      const prefix = label(i);
      const input = checkNewRecipient(items[i], prefix);
      const email = normaliseEmail(input.email, prefix);
      const earlier = firstRowOf.get(email);
      if (earlier !== undefined) {
        throw invalid(`${prefix}.email: "${email}" appears more than once in this request (also recipients[${earlier}])`);
      }
      firstRowOf.set(email, i);
      if (input.language_id !== undefined && input.language_id !== null) languages.push({ languageId: input.language_id, prefix });
      rows[i] = PeopleService.newRow(input, email, group, t);
    }

    await this.db.transaction().execute(async (trx) => {
      await this.checkLanguages(trx, languages);
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK);
        const taken = await trx
          .selectFrom('recipients')
          .select('email')
          .where('recipient_group_id', '=', group.id)
          .where('email', 'in', chunk.map((r) => r.email))
          .execute();
        if (taken.length) {
          const first = Math.min(...taken.map((r) => firstRowOf.get(r.email)!));
          const email = rows[first].email;
          throw conflict(`${many ? `recipients[${first}].` : ''}email: "${email}" is already in this recipient group`);
        }
        try {
          const params: unknown[] = [];
          for (const row of chunk) for (const c of INSERT_COLUMNS) params.push(row[c]);
          await trx.executeQuery(CompiledQuery.raw(insertSql(this.deps.dialect, chunk.length), params));
        } catch (err) {
          // Only a concurrent import of the same address gets here; the check above names the row.
          if (isUniqueViolation(err)) throw conflict('email: an address in this request was added to the group at the same time; try again');
          throw err;
        }
      }
      if (rows.length) await trx.updateTable('recipient_groups').set({ updated_at: t }).where('id', '=', group.id).execute();
    });
    return this.getGroup(p, group.id);
  }

  async saveRecipient(p: Principal, id: number, body: unknown): Promise<RecipientRow> {
    assertCanWrite(p);
    const input = checkSavedRecipient(body);
    const existing = await this.getRecipient(p, id);
    let groupId = existing.recipient_group_id;
    if (input.recipient_group_id !== undefined && input.recipient_group_id !== null && input.recipient_group_id !== groupId) {
      // Another group of the same client only: anything else is as if it did not exist.
      const target = await this.db
        .selectFrom('recipient_groups')
        .select(['id', 'client_id'])
        .where('id', '=', input.recipient_group_id)
        .where('client_id', '=', existing.client_id)
        .executeTakeFirst();
      if (!target) throw notFound('recipient group');
      groupId = target.id;
    }
    const email = input.email !== undefined ? normaliseEmail(input.email) : existing.email;
    if (input.language_id !== undefined) await this.checkLanguages(this.db, [{ languageId: input.language_id, prefix: '' }]);

    const changes: Record<string, unknown> = { recipient_group_id: groupId, email, updated_at: now() };
    for (const f of RECIPIENT_TEXT_FIELD_NAMES) if (input[f] !== undefined) changes[f] = input[f];
    changes.name = input.name.trim();
    if (input.language_id !== undefined) changes.language_id = input.language_id;
    if (input.ldap_based !== undefined) changes.ldap_based = input.ldap_based ? 1 : 0;
    if (input.custom_fields !== undefined) changes.custom_fields = JSON.stringify(input.custom_fields);

    if (email !== existing.email || groupId !== existing.recipient_group_id) {
      const clash = await this.db
        .selectFrom('recipients')
        .select('id')
        .where('recipient_group_id', '=', groupId)
        .where('email', '=', email)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (clash) throw conflict(`email: "${email}" is already in this recipient group`);
    }
    try {
      return await this.db.updateTable('recipients').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`email: "${email}" is already in this recipient group`);
      throw err;
    }
  }

  async deleteRecipient(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    await this.getRecipient(p, id);
    try {
      await this.db.deleteFrom('recipients').where('id', '=', id).execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw conflict('recipient: is part of a campaign; remove it from the campaign first');
      throw err;
    }
  }

  // ---- recipient custom fields ----

  async listCustomFields(p: Principal, opts: ListOptions): Promise<RecipientCustomFieldRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('recipient_custom_fields').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    return page(q, opts, CUSTOM_FIELD_SORT).execute();
  }

  async getCustomField(p: Principal, id: number): Promise<RecipientCustomFieldRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('recipient_custom_fields').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('recipient custom field');
    return row;
  }

  async createCustomField(p: Principal, input: RecipientCustomFieldInput & { client_id?: number | null }): Promise<RecipientCustomFieldRow> {
    assertCanWrite(p);
    const name = PeopleService.requiredName(input.name ?? '');
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    try {
      return await this.db
        .insertInto('recipient_custom_fields')
        .values({ client_id: clientId, name, ldap_attribute: (input.ldap_attribute ?? '').trim() })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`name: there is already a recipient custom field named "${name}"`);
      throw err;
    }
  }

  async saveCustomField(p: Principal, id: number, input: RecipientCustomFieldInput): Promise<RecipientCustomFieldRow> {
    assertCanWrite(p);
    const existing = await this.getCustomField(p, id);
    const name = input.name === undefined ? existing.name : PeopleService.requiredName(input.name);
    const ldap = input.ldap_attribute === undefined ? existing.ldap_attribute : input.ldap_attribute.trim();
    try {
      return await this.db
        .updateTable('recipient_custom_fields')
        .set({ name, ldap_attribute: ldap })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`name: there is already a recipient custom field named "${name}"`);
      throw err;
    }
  }

  async deleteCustomField(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    await this.getCustomField(p, id);
    await this.db.deleteFrom('recipient_custom_fields').where('id', '=', id).execute();
  }

  /** For benchmarks and tests: the plan the list query gets (EXPLAIN output lines). */
  async explainRecipientPage(groupId: number, opts: ListOptions): Promise<string[]> {
    const compiled = this.recipientPageQuery(groupId, opts).compile();
    const prefix = this.deps.dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
    const res = await sql.raw<Record<string, unknown>>(`${prefix}${inline(compiled.sql, compiled.parameters)}`).execute(this.db);
    return res.rows.map((r) => String(r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r)));
  }
}

/** Inlines numeric parameters for EXPLAIN (which cannot take bound parameters on PostgreSQL). */
function inline(query: string, params: readonly unknown[]): string {
  let i = 0;
  return query.replace(/\?|\$\d+/g, (m) => {
    const v = m === '?' ? params[i++] : params[Number(m.slice(1)) - 1];
    if (typeof v !== 'number') throw new Error('explain: only numeric parameters');
    return String(v);
  });
}
