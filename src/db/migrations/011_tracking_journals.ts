import type { Kysely } from 'kysely';

/**
 * How far each tracking process's hit journal (core/tracking/journal.ts) is applied: written in
 * the same transaction as the hits it applies, so that a journal left by a killed process is
 * applied from exactly there, each hit once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tracking_journals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
