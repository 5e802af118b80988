import type { Kysely } from 'kysely';

/**
 * Messages of a victim asked to be sent again (`attack`, `lure`, `awareness`, comma-separated)
 * after they had gone out once. The first delivery stays recorded (`*_submitted_at`, the
 * `submitted` counters) until the new one goes out, which moves `*_submitted_at` forward and
 * counts nothing twice; a re-send that then bounces leaves the first delivery as it was.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('victims').addColumn('resend', 'text', (c) => c.notNull().defaultTo('')).execute();
}
