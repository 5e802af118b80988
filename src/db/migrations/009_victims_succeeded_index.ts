import { sql, type Kysely } from 'kysely';

/**
 * The dashboard's "people who fail most often" counts succeeded victims by address within a
 * client: a partial index holds only victims who fell for an attack, so the count reads those
 * and never the whole victims table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('victims_succeeded').on('victims').columns(['client_id', 'email']).where(sql.ref('succeeded_at'), 'is not', null).execute();
}
