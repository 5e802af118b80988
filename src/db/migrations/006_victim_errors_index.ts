import { sql, type Kysely } from 'kysely';

/** `/api/campaigns/:id/errors` reads only failed victims: a partial index keeps it off a million-row scan. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('victims_errors').on('victims').columns(['campaign_id', 'id']).where(sql.ref('error'), '=', 1).execute();
}
