import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * PostgreSQL: the rows every tracking hit writes, made cheaper to write (bench/README.md,
 * "PostgreSQL").
 *
 * - `tracking_events` loses its foreign keys (client, campaign, victim). Each was checked on every
 *   event inserted (a lookup and a row lock, about 3.7 µs per key per event, measured: half the
 *   cost of writing an event). What they did, deleting a victim's events with it, the three
 *   places that delete victims now do themselves (clients.ts, campaigns.ts, scenarios.ts delete
 *   the events after the victims, in the same transaction: a batch of hits being applied holds
 *   its victims' rows, so its events are either in or not yet written when the victims go, and
 *   the recorder writes no event for a victim that is gone). SQLite keeps the declarations
 *   (dropping one means rebuilding the table) and its cascades; its writer thread does not check
 *   them anyway (recorder-writer.ts).
 * - Room on each page of `victims` and `campaign_counters` for a row's next version. Every human
 *   hit rewrites its victim's row (counts, last IP, browser) and its counters' row; with full
 *   pages the new version goes to another page and every index on the table gets a new entry.
 *   With room on the page, and no indexed column changed (a repeated open or click changes none),
 *   PostgreSQL makes a heap-only (HOT) update: no index entry, and old versions pruned in place.
 *   Rows written from now on get the room.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`alter table tracking_events drop constraint if exists tracking_events_client_id_fkey`.execute(db);
  await sql`alter table tracking_events drop constraint if exists tracking_events_campaign_id_fkey`.execute(db);
  await sql`alter table tracking_events drop constraint if exists tracking_events_victim_id_fkey`.execute(db);
  await sql`alter table victims set (fillfactor = 70)`.execute(db);
  await sql`alter table campaign_counters set (fillfactor = 50)`.execute(db);
}
