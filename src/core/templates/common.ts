/**
 * What every template kind shares: the built-in library (client_id NULL) is visible to every
 * client and read-only for client users; a client's own templates are visible to that client
 * only (anyone else: 404).
 */
import type { Kysely, Selectable } from 'kysely';
import type { DB, LanguageTable } from '../../db/schema.ts';
import { forbidden, invalid, notFound } from '../../errors.ts';
import { canSee, isSuper, type Principal } from '../access/principal.ts';
import type { ClientService } from '../tenants/clients.ts';

export type LanguageRow = Selectable<LanguageTable>;

export const BUILT_IN_READ_ONLY = 'built-in templates are read-only';

export function assertSeen<R extends { client_id: number | null }>(p: Principal, row: R | undefined, what: string): R {
  if (!row || !canSee(p, row.client_id)) throw notFound(what);
  return row;
}

/** Built-in rows may be changed by a super admin only. */
export function assertWritable(p: Principal, row: { client_id: number | null }): void {
  if (row.client_id === null && !isSuper(p)) throw forbidden(BUILT_IN_READ_ONLY);
}

/**
 * The client a new template belongs to. A super admin who sends `client_id: null` explicitly
 * adds to the built-in library; otherwise the usual rule (own client, requested, acting, default).
 */
export async function ownerFor(p: Principal, clients: ClientService, requested: number | null | undefined): Promise<number | null> {
  if (isSuper(p) && requested === null) return null;
  return clients.writeClientId(p, requested);
}

export function cleanName(name: string): string {
  const n = name.trim();
  if (!n) throw invalid('name: must not be empty');
  return n;
}

/**
 * Checks the language ids of a `contents` list (known, no duplicates) and returns the
 * languages by id.
 */
export async function checkContentLanguages(db: Kysely<DB>, contents: { language_id: number }[]): Promise<Map<number, LanguageRow>> {
  const seen = new Set<number>();
  contents.forEach((c, i) => {
    if (seen.has(c.language_id)) throw invalid(`contents[${i}].language_id: language ${c.language_id} appears more than once`);
    seen.add(c.language_id);
  });
  const rows = seen.size ? await db.selectFrom('languages').selectAll().where('id', 'in', [...seen]).execute() : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  contents.forEach((c, i) => {
    if (!byId.has(c.language_id)) throw invalid(`contents[${i}].language_id: unknown language ${c.language_id}`);
  });
  return byId;
}

/** Escapes LIKE wildcards, for a `q` name search with `escape '\'`. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function parseJson<T>(json: string | null | undefined, fallback: T): T {
  if (!json) return fallback;
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

type ContentTable = 'scenario_template_contents' | 'awareness_template_contents';

/** The languages each template has content in, for a page of templates (one query). */
export async function templateLanguages(
  db: Kysely<DB>,
  table: ContentTable,
  ids: number[],
): Promise<Map<number, LanguageRow[]>> {
  const out = new Map<number, LanguageRow[]>();
  if (!ids.length) return out;
  const fk = table === 'scenario_template_contents' ? 'scenario_template_id' : 'awareness_template_id';
  // The two content tables have the same shape; only the template column's name differs.
  const rows: { tid: number; id: number; code: string; name: string; is_default: number }[] = await (db as Kysely<any>)
    .selectFrom(`${table} as c`)
    .innerJoin('languages as l', 'l.id', 'c.language_id')
    .select([`c.${fk} as tid`, 'l.id', 'l.code', 'l.name', 'l.is_default'])
    .where(`c.${fk}`, 'in', ids)
    .orderBy('l.id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.tid) ?? [];
    list.push({ id: r.id, code: r.code, name: r.name, is_default: r.is_default });
    out.set(r.tid, list);
  }
  return out;
}
