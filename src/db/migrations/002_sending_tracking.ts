import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * Victims (one person in one scenario; their row is also the mail outbox), tracking events,
 * incrementally maintained counters, the built-in mail/SMS catcher, and scanner address ranges.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const table = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };
  const text = (t: CreateTableBuilder<any, any>, ...names: string[]) => {
    for (const n of names) t = t.addColumn(n, 'text', (c) => c.notNull().defaultTo(''));
    return t;
  };
  const nullableText = (t: CreateTableBuilder<any, any>, ...names: string[]) => {
    for (const n of names) t = t.addColumn(n, 'text');
    return t;
  };
  const ints = (t: CreateTableBuilder<any, any>, ...names: string[]) => {
    for (const n of names) t = t.addColumn(n, 'integer', (c) => c.notNull().defaultTo(0));
    return t;
  };

  let victims = table('victims')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('scenario_id', 'integer', (c) => c.notNull().references('scenarios.id').onDelete('cascade'))
    .addColumn('recipient_id', 'integer', (c) => c.references('recipients.id').onDelete('set null'))
    .addColumn('language_id', 'integer')
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('average_quiz_score', 'integer');
  victims = text(victims, 'email', 'name', 'firstname', 'lastname', 'phone', 'staff_type', 'location', 'division', 'comment', 'link', 'gender',
    'os', 'browser', 'ip', 'proxy_ip', 'country', 'plugins', 'error_text', 'error_type');
  victims = nullableText(victims, 'next_send_at', 'lease_until', 'send_at', 'submitted_at', 'lure_send_at', 'lure_submitted_at',
    'awareness_send_at', 'awareness_submitted_at', 'last_attempt_at', 'error_time', 'opened_at', 'clicked_at', 'succeeded_at',
    'trained_at', 'reported_at', 'awareness_opened_at', 'awareness_completed_at');
  victims = ints(victims, 'attempts', 'lure_attempts', 'awareness_attempts', 'error', 'clicks', 'opens', 'submits', 'vulnerable');
  await victims.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('updated_at', 'text', (c) => c.notNull()).execute();
  await db.schema.createIndex('victims_scenario_email').unique().on('victims').columns(['scenario_id', 'email']).execute();
  await db.schema.createIndex('victims_campaign').on('victims').columns(['campaign_id', 'id']).execute();
  await db.schema.createIndex('victims_scenario').on('victims').columns(['scenario_id', 'id']).execute();
  await db.schema.createIndex('victims_client').on('victims').columns(['client_id', 'id']).execute();
  await db.schema.createIndex('victims_recipient').on('victims').columns(['recipient_id']).execute();
  await db.schema.createIndex('victims_due').on('victims').columns(['next_send_at']).where('next_send_at', 'is not', null).execute();

  let events = table('tracking_events')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('scenario_id', 'integer', (c) => c.notNull())
    .addColumn('victim_id', 'integer', (c) => c.notNull().references('victims.id').onDelete('cascade'))
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'));
  events = text(events, 'type', 'verdict', 'ip', 'proxy_ip', 'user_agent', 'os', 'browser', 'country');
  await events.execute();
  await db.schema.createIndex('tracking_events_victim').on('tracking_events').columns(['victim_id', 'id']).execute();
  await db.schema.createIndex('tracking_events_campaign').on('tracking_events').columns(['campaign_id', 'id']).execute();

  let counters = db.schema
    .createTable('campaign_counters')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('scenario_id', 'integer', (c) => c.notNull().references('scenarios.id').onDelete('cascade'))
    .addColumn('awareness_score_sum', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('awareness_percent_sum', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('awareness_time_sum', 'double precision', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('campaign_counters_pk', ['campaign_id', 'scenario_id']);
  counters = ints(counters, 'victims', 'submitted', 'lure_submitted', 'opened', 'clicked', 'succeeded', 'vulnerable', 'errors', 'reported',
    'invalid_submits', 'awareness_submitted', 'awareness_opened', 'awareness_completed', 'trained', 'awareness_scored', 'awareness_rescheduled',
    'automated_hits');
  await counters.execute();

  let outbox = table('outbox_messages')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.references('campaigns.id').onDelete('cascade'))
    .addColumn('victim_id', 'integer', (c) => c.references('victims.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull());
  outbox = text(outbox, 'message_type', 'channel', 'sender', 'recipient', 'subject', 'message_id', 'html', 'text', 'raw');
  await outbox.execute();
  await db.schema.createIndex('outbox_messages_client').on('outbox_messages').columns(['client_id', 'id']).execute();

  await table('scanner_ranges')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('cidr', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('domains').addColumn('dkim_selector', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('domains').addColumn('dkim_private_key', 'text', (c) => c.notNull().defaultTo('')).execute();
}
