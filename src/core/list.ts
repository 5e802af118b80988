import type { SelectQueryBuilder } from 'kysely';
import { invalid } from '../errors.ts';

/** Lucy's list parameters, already range-checked by the route schema. */
export interface ListOptions {
  /** A column, or `-column` for descending. */
  sort?: string;
  offset?: number;
  limit?: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * Orders by the requested column (ties broken by id, so pages never overlap) and applies
 * offset/limit. `columns` lists what may be sorted by; anything else is a 400 naming it.
 */
export function page<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  opts: ListOptions,
  columns: readonly string[],
  table?: string,
): SelectQueryBuilder<DB, TB, O> {
  const prefix = table ? `${table}.` : '';
  let ordered = q;
  if (opts.sort) {
    const desc = opts.sort.startsWith('-');
    const column = desc ? opts.sort.slice(1) : opts.sort;
    if (!columns.includes(column)) throw invalid(`sort: unknown column "${column}"; one of ${columns.join(', ')}`);
    ordered = ordered.orderBy(`${prefix}${column}` as any, desc ? 'desc' : 'asc');
    if (column !== 'id') ordered = ordered.orderBy(`${prefix}id` as any, desc ? 'desc' : 'asc');
  } else {
    ordered = ordered.orderBy(`${prefix}id` as any, 'asc');
  }
  return ordered.limit(opts.limit ?? DEFAULT_LIMIT).offset(opts.offset ?? 0);
}
