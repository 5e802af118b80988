import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../index.ts';

/**
 * The core schema. Written once for both databases with Kysely's schema builder; the only
 * dialect difference is how an integer primary key is generated.
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
  const bool = (t: CreateTableBuilder<any, any>, ...names: string[]) => {
    for (const n of names) t = t.addColumn(n, 'integer', (c) => c.notNull().defaultTo(0));
    return t;
  };
  const times = (t: CreateTableBuilder<any, any>) =>
    t.addColumn('created_at', 'text', (c) => c.notNull()).addColumn('updated_at', 'text', (c) => c.notNull());

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await table('languages')
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await times(
    bool(
      text(table('clients').addColumn('name', 'text', (c) => c.notNull()).addColumn('slug', 'text', (c) => c.notNull().unique()),
        'country', 'state', 'city', 'address', 'postcode', 'website', 'email', 'phone', 'fax', 'contact'),
      'require_approval',
    ).addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC')),
  ).execute();

  await times(
    table('users')
      .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role_group', 'text', (c) => c.notNull())
      .addColumn('api_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('[]')),
  ).execute();
  await db.schema.createIndex('users_client').on('users').columns(['client_id', 'id']).execute();

  await table('api_keys')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_client').on('api_keys').columns(['client_id', 'id']).execute();

  await db.schema
    .createTable('auth_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failure_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();

  await db.schema
    .createTable('api_call_counts')
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('minute', 'integer', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_call_counts_pk', ['credential', 'minute'])
    .execute();

  await times(
    table('recipient_groups')
      .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('usb_attack', 'integer', (c) => c.notNull().defaultTo(0)),
  ).execute();
  await db.schema.createIndex('recipient_groups_client').on('recipient_groups').columns(['client_id', 'id']).execute();

  await times(
    bool(
      text(
        table('recipients')
          .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
          .addColumn('recipient_group_id', 'integer', (c) => c.notNull().references('recipient_groups.id').onDelete('cascade'))
          .addColumn('language_id', 'integer', (c) => c.references('languages.id'))
          .addColumn('email', 'text', (c) => c.notNull()),
        'name', 'phone', 'staff_type', 'location', 'division', 'comment', 'link', 'gender', 'firstname', 'lastname', 'objectguid', 'external_id',
      ),
      'ldap_based',
    )
      .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('last_tested', 'text'),
  ).execute();
  await db.schema.createIndex('recipients_group_email').unique().on('recipients').columns(['recipient_group_id', 'email']).execute();
  await db.schema.createIndex('recipients_group_id').on('recipients').columns(['recipient_group_id', 'id']).execute();
  await db.schema.createIndex('recipients_client_email').on('recipients').columns(['client_id', 'email']).execute();

  await text(
    table('recipient_custom_fields').addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade')),
    'name', 'ldap_attribute',
  ).execute();
  await db.schema.createIndex('recipient_custom_fields_client_name').unique().on('recipient_custom_fields').columns(['client_id', 'name']).execute();

  await times(
    bool(
      text(
        table('scenario_templates').addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade')),
        'type', 'name', 'description', 'category', 'audience', 'message_type', 'lure_message_type', 'license',
      ),
      'no_landing', 'enable', 'forbid',
    )
      .addColumn('license_priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('library_key', 'text', (c) => c.unique()),
  ).execute();
  await db.schema.createIndex('scenario_templates_client').on('scenario_templates').columns(['client_id', 'id']).execute();

  await times(
    text(
      table('scenario_template_contents')
        .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
        .addColumn('scenario_template_id', 'integer', (c) => c.notNull().references('scenario_templates.id').onDelete('cascade'))
        .addColumn('language_id', 'integer', (c) => c.notNull().references('languages.id')),
      'sender_name', 'sender_email', 'subject', 'email_html', 'email_text', 'landing_html', 'lure_subject', 'lure_html', 'lure_text', 'attachment_name',
    ),
  ).execute();
  await db.schema
    .createIndex('scenario_template_contents_lang')
    .unique()
    .on('scenario_template_contents')
    .columns(['scenario_template_id', 'language_id'])
    .execute();

  await times(
    bool(
      text(
        table('awareness_templates').addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade')),
        'name', 'description', 'email_sender_name', 'email_sender', 'license',
      ),
      'quiz', 'enabled',
    )
      .addColumn('license_priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('library_key', 'text', (c) => c.unique()),
  ).execute();

  await times(
    text(
      table('awareness_template_contents')
        .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
        .addColumn('awareness_template_id', 'integer', (c) => c.notNull().references('awareness_templates.id').onDelete('cascade'))
        .addColumn('language_id', 'integer', (c) => c.notNull().references('languages.id')),
      'subject', 'email_html', 'email_text', 'page_html',
    ).addColumn('quiz', 'text', (c) => c.notNull().defaultTo('[]')),
  ).execute();
  await db.schema
    .createIndex('awareness_template_contents_lang')
    .unique()
    .on('awareness_template_contents')
    .columns(['awareness_template_id', 'language_id'])
    .execute();

  await times(
    bool(
      text(table('attachment_templates').addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade')),
        'name', 'description', 'scenario_type'),
      'enable',
    )
      .addColumn('variables', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('configurations', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('library_key', 'text', (c) => c.unique()),
  ).execute();

  await table('report_templates')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sections', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('library_key', 'text', (c) => c.unique())
    .execute();

  await table('campaign_templates')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('library_key', 'text', (c) => c.unique())
    .execute();

  await table('benchmarks').addColumn('name', 'text', (c) => c.notNull()).execute();

  await table('domains')
    .addColumn('client_id', 'integer', (c) => c.references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // One name per owner; shared domains (client_id NULL) count as one owner.
  await db.schema.createIndex('domains_owner_name').unique().on('domains').expression(sql`coalesce(client_id, 0)`).column('name').execute();

  await times(
    bool(
      text(
        table('campaigns')
          .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
          .addColumn('benchmark_sector_id', 'integer', (c) => c.references('benchmarks.id').onDelete('set null'))
          .addColumn('awareness_template_id', 'integer', (c) => c.references('awareness_templates.id').onDelete('set null'))
          .addColumn('language_id', 'integer', (c) => c.references('languages.id'))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('idle'))
          .addColumn('started_at', 'text')
          .addColumn('stopped_at', 'text')
          .addColumn('stop_date', 'text')
          .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('stop_report_font_size', 'integer', (c) => c.notNull().defaultTo(12))
          .addColumn('stop_report_template', 'integer')
          .addColumn('stop_report_sections', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('stop_report_scenarios', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('schedule', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('approved_by', 'integer')
          .addColumn('approved_at', 'text'),
        'name', 'stop_report_format', 'stop_report_font_family', 'stop_report_email',
      ),
      'stop_report',
    ),
  ).execute();
  await db.schema.createIndex('campaigns_client').on('campaigns').columns(['client_id', 'id']).execute();

  await table('campaign_events')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('campaign_events_campaign').on('campaign_events').columns(['campaign_id', 'id']).execute();

  await db.schema
    .createTable('campaign_recipient_groups')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('recipient_group_id', 'integer', (c) => c.notNull().references('recipient_groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('campaign_recipient_groups_pk', ['campaign_id', 'recipient_group_id'])
    .execute();

  await times(
    bool(
      text(
        table('scenarios')
          .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
          .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
          .addColumn('scenario_template_id', 'integer', (c) => c.notNull().references('scenario_templates.id'))
          .addColumn('language_id', 'integer', (c) => c.notNull().references('languages.id'))
          .addColumn('lure_delay', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('awareness_delay', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('started_at', 'text')
          .addColumn('stopped_at', 'text'),
        'name', 'domain', 'subdomain', 'sender_name', 'sender_email', 'redirect_url', 'collect_data', 'login_regexp', 'password_regexp',
        'forward_email', 'message_type', 'lure_sender_name', 'lure_sender_email', 'lure_message_type', 'status', 'success_action',
      ),
      'random_email', 'double_barrel', 'lure_random_email', 'send_awareness_link', 'no_landing', 'track_opened_emails', 'use_reply_to',
      'anonymous_mode',
    ),
  ).execute();
  await db.schema.createIndex('scenarios_campaign').on('scenarios').columns(['campaign_id', 'id']).execute();

  await db.schema
    .createTable('scenario_recipient_groups')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('scenario_id', 'integer', (c) => c.notNull().references('scenarios.id').onDelete('cascade'))
    .addColumn('recipient_group_id', 'integer', (c) => c.notNull().references('recipient_groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('scenario_recipient_groups_pk', ['scenario_id', 'recipient_group_id'])
    .execute();

  await times(
    bool(
      text(
        table('campaign_awareness')
          .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
          .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
          .addColumn('template_id', 'integer', (c) => c.notNull().references('awareness_templates.id'))
          .addColumn('language_id', 'integer', (c) => c.notNull().references('languages.id'))
          .addColumn('risk_level', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('website_type', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('course_id', 'integer'),
        'name', 'sender_email', 'sender_name', 'subject', 'domain', 'public_id',
      ),
      'website_online', 'quiz',
    ),
  ).execute();
  await db.schema.createIndex('campaign_awareness_campaign').on('campaign_awareness').columns(['campaign_id', 'id']).execute();
  await db.schema.createIndex('campaign_awareness_public_id').unique().on('campaign_awareness').column('public_id').execute();

  await db.schema
    .createTable('campaign_awareness_scenarios')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('awareness_id', 'integer', (c) => c.notNull().references('campaign_awareness.id').onDelete('cascade'))
    .addColumn('scenario_id', 'integer', (c) => c.notNull().references('scenarios.id').onDelete('cascade'))
    .addColumn('risk_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('campaign_awareness_scenarios_pk', ['awareness_id', 'scenario_id'])
    .execute();

  await table('campaign_custom_fields')
    .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaign_custom_fields_campaign').on('campaign_custom_fields').columns(['campaign_id', 'id']).execute();

  await bool(
    text(
      table('incidents')
        .addColumn('client_id', 'integer', (c) => c.notNull().references('clients.id').onDelete('cascade'))
        .addColumn('campaign_id', 'integer', (c) => c.references('campaigns.id').onDelete('set null'))
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull().defaultTo(0))
        .addColumn('headers', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('domains', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('body_analysis', 'text', (c) => c.notNull().defaultTo('[]')),
      'email', 'status', 'subject', 'message',
    ),
    'more_analysis',
  ).execute();
  await db.schema.createIndex('incidents_client').on('incidents').columns(['client_id', 'id']).execute();

  void sql;
}
