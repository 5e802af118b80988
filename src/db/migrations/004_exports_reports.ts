import type { Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * Generated files: data exports (CSV/XML, Lucy's Campaign Export) and campaign reports
 * (PDF/HTML/DOCX, Lucy's Campaign Report). The rows hold the state of the generation; the
 * files live under the data directory (`file` is relative to it).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const table = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };

  await table('exports')
    // null: made by a super admin over every client (common data); only super admins see it.
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('extension', 'text', (c) => c.notNull().defaultTo('csv'))
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('filter', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('file', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('row_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('exports_client').on('exports').columns(['client_id', 'id']).execute();

  await table('reports')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.references('campaigns.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('template_id', 'integer')
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('pdf'))
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('file', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('reports_client').on('reports').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('reports_campaign').on('reports').columns(['campaign_id', 'id']).execute();
}
