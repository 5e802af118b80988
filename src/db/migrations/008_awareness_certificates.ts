import type { Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * Awareness after a simulation: every quiz attempt on a victim's awareness page (the victim's
 * `average_quiz_score` is their mean), and awareness certificates (Lucy's Awareness Certificate:
 * PDF or JPG files of trained victims, generated in the background, downloaded as a zip).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const table = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };

  await table('awareness_quiz_attempts')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('victim_id', 'integer', (c) => c.notNull().references('victims.id').onDelete('cascade'))
    .addColumn('questions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('correct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('percent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('awareness_quiz_attempts_victim').on('awareness_quiz_attempts').columns(['victim_id', 'id']).execute();

  await table('awareness_certificates')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('format', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('object_id', 'integer')
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('send_to', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('file', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('file_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('awareness_certificates_client').on('awareness_certificates').columns(['client_id', 'id']).execute();
}
