/**
 * What the training services share: the catalogue (lessons, paths) follows the template
 * library's rule — built-in rows (client_id null) are visible to every client and changed by a
 * super admin only; a client's own rows are its alone (anyone else: 404). Learners, enrollments
 * and assignments always belong to one client.
 */
import type { Executor } from '../../db/index.ts';
import { forbidden, invalid, notFound } from '../../errors.ts';
import { canSee, isSuper, readScope, type Principal } from '../access/principal.ts';
import { escapeHtml } from '../html.ts';
export { escapeHtml };

export function assertSeen<R extends { client_id: number | null }>(p: Principal, row: R | undefined, what: string): R {
  if (!row || !canSee(p, row.client_id)) throw notFound(what);
  return row;
}

/** A client-owned row (never null client): visible only inside its client. */
export function assertOwned<R extends { client_id: number }>(p: Principal, row: R | undefined, what: string): R {
  const scope = readScope(p);
  if (!row || (scope !== null && row.client_id !== scope)) throw notFound(what);
  return row;
}

export function assertCatalogueWritable(p: Principal, row: { client_id: number | null }, what: string): void {
  if (row.client_id === null && !isSuper(p)) throw forbidden(`built-in ${what}s are read-only`);
}

export function cleanName(name: string, field = 'name'): string {
  const n = name.trim();
  if (!n) throw invalid(`${field}: must not be empty`);
  return n;
}

/** Rejects the same id twice in a list field. */
export function uniqueIds(ids: number[] | undefined, field: string): number[] {
  const seen = new Set<number>();
  (ids ?? []).forEach((id, i) => {
    if (seen.has(id)) throw invalid(`${field}[${i}]: ${id} appears more than once`);
    seen.add(id);
  });
  return [...seen];
}


/** Escapes LIKE wildcards, for a `q` search with `escape '\'`. */
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

/** Ids visible in a client's catalogue: built-in or the client's own. Returns those missing. */
export async function missingCatalogueIds(db: Executor, table: 'lessons' | 'paths', clientId: number | null, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  let q = db.selectFrom(table).select('id').where('id', 'in', ids);
  q = clientId === null ? q.where('client_id', 'is', null) : q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]));
  const found = new Set((await q.execute()).map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}

/** Splits a list of ids into chunks that keep every IN (...) well below parameter limits. */
export function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Of these learners, those with any lesson attempt (the only ones whose progress needs computing). */
export async function learnersWithAttempts(db: Executor, learnerIds: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const part of chunks(learnerIds)) {
    const rows = await db.selectFrom('lesson_attempts').select('learner_id').distinct().where('learner_id', 'in', part).execute();
    out.push(...rows.map((r) => r.learner_id));
  }
  return out;
}
