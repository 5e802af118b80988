/**
 * Factories for the campaign tests. Templates and recipient groups are inserted straight into
 * their tables (their own endpoints are built elsewhere); campaigns and scenarios go through
 * the API, the way a client makes them.
 */
import { expect } from 'vitest';
import { now } from '../../src/db/index.ts';
import type { TestApp } from '../helpers/app.ts';

let seq = 0;
const next = () => ++seq;

export async function languageId(t: TestApp, code = 'en'): Promise<number> {
  const row = await t.core.database.db.selectFrom('languages').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

export async function benchmarkId(t: TestApp): Promise<number> {
  const row = await t.core.database.db.selectFrom('benchmarks').select('id').orderBy('id').executeTakeFirstOrThrow();
  return row.id;
}

export interface ScenarioTemplateOptions {
  clientId?: number | null;
  type?: string;
  name?: string;
  noLanding?: boolean;
  messageType?: string;
  /** Contents per language code; default one English content. */
  contents?: { code: string; sender_name: string; sender_email: string }[];
}

export async function scenarioTemplate(t: TestApp, o: ScenarioTemplateOptions = {}): Promise<number> {
  const db = t.core.database.db;
  const ts = now();
  const n = next();
  const tpl = await db
    .insertInto('scenario_templates')
    .values({
      client_id: o.clientId ?? null,
      type: o.type ?? 'data',
      name: o.name ?? `Template ${n}`,
      description: '',
      no_landing: o.noLanding ? 1 : 0,
      category: '',
      audience: '',
      message_type: o.messageType ?? 'email',
      lure_message_type: 'email',
      license: '',
      license_priority: 0,
      enable: 1,
      forbid: 0,
      created_at: ts,
      updated_at: ts,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const contents = o.contents ?? [{ code: 'en', sender_name: `Sender ${n}`, sender_email: `sender${n}@example.com` }];
  for (const c of contents) {
    await db
      .insertInto('scenario_template_contents')
      .values({
        client_id: o.clientId ?? null,
        scenario_template_id: tpl.id,
        language_id: await languageId(t, c.code),
        sender_name: c.sender_name,
        sender_email: c.sender_email,
        subject: 'Your parcel',
        email_html: '<p>Hello</p>',
        email_text: 'Hello',
        landing_html: '<form></form>',
        lure_subject: '',
        lure_html: '',
        lure_text: '',
        attachment_name: '',
        created_at: ts,
        updated_at: ts,
      })
      .execute();
  }
  return tpl.id;
}

export async function awarenessTemplate(t: TestApp, o: { clientId?: number | null; quiz?: boolean; subject?: string } = {}): Promise<number> {
  const db = t.core.database.db;
  const ts = now();
  const n = next();
  const tpl = await db
    .insertInto('awareness_templates')
    .values({
      client_id: o.clientId ?? null,
      name: `Awareness ${n}`,
      description: '',
      email_sender_name: `Trainer ${n}`,
      email_sender: `trainer${n}@example.com`,
      quiz: o.quiz ? 1 : 0,
      license: '',
      license_priority: 0,
      enabled: 1,
      created_at: ts,
      updated_at: ts,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('awareness_template_contents')
    .values({
      client_id: o.clientId ?? null,
      awareness_template_id: tpl.id,
      language_id: await languageId(t, 'en'),
      subject: o.subject ?? 'Learn about phishing',
      email_html: '',
      email_text: '',
      page_html: '',
      quiz: '[]',
      created_at: ts,
      updated_at: ts,
    })
    .execute();
  return tpl.id;
}

/** A recipient group of `clientId` with one recipient per address. */
export async function recipientGroup(t: TestApp, clientId: number, emails: string[] = [], name?: string): Promise<number> {
  const db = t.core.database.db;
  const ts = now();
  const group = await db
    .insertInto('recipient_groups')
    .values({ client_id: clientId, name: name ?? `Group ${next()}`, usb_attack: 0, created_at: ts, updated_at: ts })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (emails.length) {
    await db
      .insertInto('recipients')
      .values(
        emails.map((email) => ({
          client_id: clientId,
          recipient_group_id: group.id,
          language_id: null,
          email: email.toLowerCase(),
          name: '',
          phone: '',
          staff_type: '',
          location: '',
          division: '',
          comment: '',
          link: '',
          gender: '',
          ldap_based: 0,
          firstname: '',
          lastname: '',
          objectguid: '',
          external_id: '',
          custom_fields: '[]',
          last_tested: null,
          created_at: ts,
          updated_at: ts,
        })),
      )
      .execute();
  }
  return group.id;
}

/** Creates a campaign through the API and returns its resource. */
export async function createCampaign(t: TestApp, token: string, clientId: number, body: Record<string, unknown> = {}) {
  const res = await t.call('PUT', '/api/campaigns', { token, body: { name: `Campaign ${next()}`, client_id: clientId, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().campaign;
}

export async function createScenario(t: TestApp, token: string, campaignId: number, templateId: number, body: Record<string, unknown> = {}) {
  const res = await t.call('PUT', `/api/campaigns/${campaignId}/scenarios`, {
    token,
    body: { name: `Scenario ${next()}`, domain: 'parcel-service.example', language_id: await languageId(t), scenario_template_id: templateId, ...body },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().scenario;
}

/** A campaign with one scenario and one recipient group of `emails`: ready to start. */
export async function readyCampaign(t: TestApp, token: string, clientId: number, emails = ['a@example.com'], body: Record<string, unknown> = {}) {
  const campaign = await createCampaign(t, token, clientId, body);
  const templateId = await scenarioTemplate(t);
  const scenario = await createScenario(t, token, campaign.id, templateId);
  const groupId = await recipientGroup(t, clientId, emails);
  const res = await t.call('PUT', `/api/campaigns/${campaign.id}/recipient-groups`, { token, body: { id: groupId } });
  expect(res.statusCode, res.body).toBe(200);
  return { campaign, scenario, groupId, templateId };
}

export const CAMPAIGN_KEYS = [
  'id',
  'created_at',
  'started_at',
  'stopped_at',
  'client_id',
  'benchmark_sector_id',
  'name',
  'status',
  'stop_date',
  'recipients',
  'submitted',
  'lure_submitted',
  'opened',
  'clicked',
  'succeeded',
  'vulnerable',
  'errors',
  'reported',
  'invalid_submits',
  'awareness_submitted',
  'awareness_opened',
  'awareness_completed',
  'awareness_average_score',
  'awareness_average_percent',
  'awareness_average_time',
  'awareness_rescheduled',
  'custom_fields',
  'links',
  'stop_report',
  'stop_report_format',
  'stop_report_font_family',
  'stop_report_font_size',
  'stop_report_template',
  'stop_report_sections',
  'stop_report_scenarios',
  'stop_report_email',
  // Decoy extensions
  'awareness_template_id',
  'language_id',
  'approved_by',
  'approved_at',
  'schedule',
].sort();

export const SCENARIO_KEYS = [
  'id',
  'created_at',
  'started_at',
  'stopped_at',
  'campaign_id',
  'scenario_template_id',
  'language_id',
  'name',
  'domain',
  'subdomain',
  'full_domain',
  'sender_name',
  'sender_email',
  'random_email',
  'redirect_url',
  'collect_data',
  'login_regexp',
  'password_regexp',
  'forward_email',
  'message_type',
  'double_barrel',
  'lure_sender_name',
  'lure_sender_email',
  'lure_random_email',
  'lure_delay',
  'lure_message_type',
  'status',
  'send_awareness_link',
  'awareness_delay',
  'no_landing',
  'track_opened_emails',
  'use_reply_to',
  'anonymous_mode',
  'success_action',
  'recipient_count',
  'messages_sent',
  'clicks',
  'successful_attacks',
  'vulnerable_victims',
  'errors',
  'links',
].sort();

export const AWARENESS_KEYS = [
  'id',
  'name',
  'campaign_id',
  'template_id',
  'language_id',
  'website_online',
  'sender_email',
  'sender_name',
  'subject',
  'domain',
  'quiz',
  'risk_level',
  'public_id',
  'website_type',
  'course_id',
  'links',
  'scenarios',
].sort();
