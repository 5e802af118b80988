import type { Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * PhishLine access tokens (POST /rest/authenticate): opaque, stored as SHA-256 hashes, bound to
 * the address that obtained them, valid 24 h at most and less when idle. A token lives only as
 * long as its user and its API key (cascade).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const t = db.schema.createTable('access_tokens');
  await (dialect === 'postgres'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    // The client the token reads; null: a super admin's token over every client.
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_tokens_expires').on('access_tokens').column('expires_at').execute();
  await db.schema.createIndex('access_tokens_key').on('access_tokens').column('api_key_id').execute();
  // PhishLine's webactivity over every campaign of one client pages the client's events by id.
  await db.schema.createIndex('tracking_events_client').on('tracking_events').columns(['client_id', 'id']).execute();
}
