import { sql, type Kysely } from 'kysely';

/**
 * How many completions `awareness_time_sum` holds (the time from opening the awareness page to
 * completing it, for every completion, quiz or not): the divisor of `awareness_average_time`,
 * which used to be the quiz completions only. Rows from before count every completion that added
 * time as timed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign_counters').addColumn('awareness_timed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update campaign_counters set awareness_timed = awareness_completed where awareness_time_sum > 0`.execute(db);
}
