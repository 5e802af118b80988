import type { Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * Live previews of template text not saved yet: the editor posts what it holds, the admin server
 * keeps it here for a few minutes, and `/frames/<ticket>` serves it sandboxed. In the database
 * (not in memory) so that any admin server process can answer the frame; expired rows are
 * deleted whenever a new draft is written.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const t = db.schema.createTable('frame_drafts');
  await (dialect === 'postgres'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // Null: a super admin previewing for all clients.
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('frame_drafts_expires').on('frame_drafts').column('expires_at').execute();
}
