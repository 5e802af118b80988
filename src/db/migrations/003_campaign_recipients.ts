import type { Kysely } from 'kysely';

/** The number of distinct people a started campaign targets, counted once at launch. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('recipients_count', 'integer').execute();
}
