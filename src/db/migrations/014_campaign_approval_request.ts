import type { Kysely } from 'kysely';

/**
 * What a campaign that waits for approval was asked to do: `start`, `resume` or `restart`. The
 * approval then does exactly that, and until then the campaign keeps its start date (a restart
 * that is stopped before approval has not restarted anything). Null when nothing waits.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('approval_request', 'text').execute();
}
