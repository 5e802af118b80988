import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * The hit journal in the database (PostgreSQL's default, core/tracking/journal.ts): each batch of
 * hits a tracking process answers together is one row, its journal lines as text, committed
 * before the hits are answered. The recorder applies the rows in large transactions and deletes
 * them in the same transaction; rows of a process that is gone are applied by another one.
 *
 * `seq` (here and in tracking_journals) is 64-bit: a process numbers its hits from 1 for as long
 * as it runs.
 *
 * PostgreSQL: the lines are stored out of line without compression: they live for a second or
 * so, and compressing them saved nothing measurable (bench/README.md).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('tracking_journal_lines')
    .addColumn('journal_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracking_journal_lines_pkey', ['journal_id', 'seq'])
    .execute();
  if (dialect !== 'postgres') return;
  await sql`alter table tracking_journal_lines alter column lines set storage external`.execute(db);
  // Past 2^31 within a day at a sustained 30,000 hits a second. SQLite's integers are 64-bit already.
  await sql`alter table tracking_journals alter column seq type bigint`.execute(db);
}
