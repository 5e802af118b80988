/**
 * Attack scenarios of a campaign: which template is sent, in which language, from which
 * domain and sender, and what counts as success.
 *
 * Defaults when a field is not given on creation: sender name and address from the
 * template's content in the scenario's language (else the default language's), collect_data
 * `partial`, success_action by template type (data → post, file → download, hyperlink →
 * click), track_opened_emails on, no_landing and message types as the template says.
 *
 * While the campaign runs, only fields that do not change what was already sent may change:
 * the template, language, domain, sub-domain and message type are fixed (409), and the
 * scenario cannot be deleted (409).
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, type Principal } from '../access/principal.ts';
import { page, type ListOptions } from '../list.ts';
import { scenarioCounters, type ScenarioCounters } from './counters.ts';
import { assertSchedulable, recountRecipients } from '../sending/launch.ts';
import { EVENT, q, recordEvent } from './events.ts';
import { assertNotRunning } from './recipient-groups.ts';
import {
  assertLanguage,
  bit,
  hostname,
  inTransaction,
  jsRegExp,
  loadCampaign,
  loadScenario,
  nonEmpty,
  optionalEmail,
  optionalUrl,
  subdomain,
  type CampaignRow,
  type ScenarioRow,
} from './shared.ts';

export const COLLECT_DATA = ['no', 'partial', 'full'] as const;
export const MESSAGE_TYPES = ['email', 'sms'] as const;
export const SUCCESS_ACTIONS = ['click', 'post', 'download', 'file_data'] as const;
export const SCENARIO_STATUSES = ['idle', 'running'] as const;

export interface ScenarioInput {
  name: string;
  domain: string;
  language_id: number;
  scenario_template_id: number;
  subdomain?: string;
  sender_name?: string;
  sender_email?: string;
  random_email?: boolean;
  redirect_url?: string;
  collect_data?: (typeof COLLECT_DATA)[number];
  login_regexp?: string;
  password_regexp?: string;
  forward_email?: string;
  message_type?: (typeof MESSAGE_TYPES)[number];
  double_barrel?: boolean;
  lure_sender_name?: string;
  lure_sender_email?: string;
  lure_random_email?: boolean;
  lure_delay?: number;
  lure_message_type?: (typeof MESSAGE_TYPES)[number];
  send_awareness_link?: boolean;
  awareness_delay?: number;
  no_landing?: boolean;
  track_opened_emails?: boolean;
  use_reply_to?: boolean;
  anonymous_mode?: boolean;
  success_action?: (typeof SUCCESS_ACTIONS)[number];
}

export type Scenario = ScenarioRow & { counters: ScenarioCounters };

const SORT = ['id', 'name', 'domain', 'status', 'language_id', 'scenario_template_id', 'created_at', 'updated_at', 'started_at', 'stopped_at'];

/** Fields that decide what a victim already received; fixed while the campaign runs. */
const FIXED_WHILE_RUNNING = ['scenario_template_id', 'language_id', 'domain', 'subdomain', 'message_type'] as const;

export function fullDomain(s: { domain: string; subdomain: string }): string {
  return s.subdomain ? `${s.subdomain}.${s.domain}` : s.domain;
}

export function successActionFor(templateType: string): (typeof SUCCESS_ACTIONS)[number] {
  switch (templateType) {
    case 'data':
    case 'mixed':
      return 'post';
    case 'file':
    case 'malware_test':
      return 'download';
    default:
      return 'click';
  }
}

const messageType = (v: string): (typeof MESSAGE_TYPES)[number] => (v === 'sms' ? 'sms' : 'email');

interface TemplateFacts {
  id: number;
  type: string;
  no_landing: number;
  message_type: string;
  lure_message_type: string;
  sender_name: string;
  sender_email: string;
}

/**
 * The scenario template, if a campaign of `clientId` may use it (built-in or the client's
 * own), with its sender in `languageId` (falling back to the default language, then any).
 */
async function templateFacts(db: Executor, clientId: number, templateId: number, languageId: number): Promise<TemplateFacts> {
  const t = await db
    .selectFrom('scenario_templates')
    .select(['id', 'type', 'no_landing', 'message_type', 'lure_message_type'])
    .where('id', '=', templateId)
    .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
    .executeTakeFirst();
  if (!t) throw notFound('scenario template');
  const contents = await db
    .selectFrom('scenario_template_contents as c')
    .innerJoin('languages as l', 'l.id', 'c.language_id')
    .select(['c.language_id', 'c.sender_name', 'c.sender_email', 'l.is_default'])
    .where('c.scenario_template_id', '=', t.id)
    .orderBy('c.id')
    .execute();
  const content = contents.find((c) => c.language_id === languageId) ?? contents.find((c) => c.is_default === 1) ?? contents[0];
  return { ...t, sender_name: content?.sender_name ?? '', sender_email: content?.sender_email ?? '' };
}

export class ScenarioService {
  constructor(
    private readonly db: Kysely<DB>,
    /** After a scenario is created (committed): a running campaign sends it to its people. */
    private readonly added: (campaignId: number) => Promise<void> = async () => {},
  ) {}

  async list(p: Principal, campaignId: number, opts: ListOptions): Promise<Scenario[]> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    const rows = await page(
      this.db.selectFrom('scenarios').selectAll().where('campaign_id', '=', campaign.id).where('client_id', '=', campaign.client_id),
      opts,
      SORT,
    ).execute();
    return this.withCounters(this.db, rows);
  }

  async get(p: Principal, id: number): Promise<Scenario> {
    assertCanRead(p);
    const row = await loadScenario(this.db, p, id);
    return (await this.withCounters(this.db, [row]))[0];
  }

  async create(p: Principal, campaignId: number, input: ScenarioInput): Promise<Scenario> {
    assertCanWrite(p);
    const created = await inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, campaignId);
      const fields = await this.fields(trx, campaign, input);
      const t = now();
      const running = campaign.status === 'running';
      const row = await trx
        .insertInto('scenarios')
        .values({
          ...fields,
          client_id: campaign.client_id,
          campaign_id: campaign.id,
          status: running ? 'running' : 'idle',
          created_at: t,
          updated_at: t,
          started_at: running ? t : null,
          stopped_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // The campaign's groups go to every scenario of it, including new ones.
      const groups = await trx.selectFrom('campaign_recipient_groups').select('recipient_group_id').where('campaign_id', '=', campaign.id).execute();
      if (groups.length) {
        await trx
          .insertInto('scenario_recipient_groups')
          .values(groups.map((g) => ({ client_id: campaign.client_id, scenario_id: row.id, recipient_group_id: g.recipient_group_id })))
          .execute();
      }
      if (running) await assertSchedulable(trx, campaign, 'before adding a scenario to the running campaign');
      await recordEvent(trx, campaign, EVENT.scenarioAdded, `Attack scenario ${q(row.name)} added`);
      return row;
    });
    if (created.status !== 'running') return (await this.withCounters(this.db, [created]))[0];
    await this.added(created.campaign_id);
    // Its victims exist now: the counters say so.
    return (await this.withCounters(this.db, [(await this.db.selectFrom('scenarios').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow())]))[0];
  }

  async save(p: Principal, id: number, input: ScenarioInput): Promise<Scenario> {
    assertCanWrite(p);
    return inTransaction(this.db, async (trx) => {
      const existing = await loadScenario(trx, p, id);
      const campaign = await trx.selectFrom('campaigns').selectAll().where('id', '=', existing.campaign_id).executeTakeFirstOrThrow();
      const fields = await this.fields(trx, campaign, input, existing);
      if (campaign.status === 'running') {
        for (const f of FIXED_WHILE_RUNNING) {
          if (fields[f] !== existing[f]) throw conflict(`${f}: cannot be changed while the campaign is running`);
        }
      }
      const row = await trx
        .updateTable('scenarios')
        .set({ ...fields, updated_at: now() })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return (await this.withCounters(trx, [row]))[0];
    });
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    await inTransaction(this.db, async (trx) => {
      const scenario = await loadScenario(trx, p, id);
      const campaign = await trx.selectFrom('campaigns').selectAll().where('id', '=', scenario.campaign_id).executeTakeFirstOrThrow();
      assertNotRunning(campaign.status, 'delete a scenario');
      await trx.deleteFrom('scenarios').where('id', '=', scenario.id).execute();
      // After its victims (cascaded): tracking events carry no foreign key on PostgreSQL (migration 012).
      // (By campaign first: the events' index by campaign finds them.)
      await trx.deleteFrom('tracking_events').where('campaign_id', '=', scenario.campaign_id).where('scenario_id', '=', scenario.id).execute();
      // The people of a started campaign are those of its victims: the scenario's went with it.
      if (campaign.recipients_count !== null) await recountRecipients(trx, campaign.id);
      const reportScenarios = parseIds(campaign.stop_report_scenarios);
      if (reportScenarios.includes(scenario.id)) {
        await trx
          .updateTable('campaigns')
          .set({ stop_report_scenarios: JSON.stringify(reportScenarios.filter((s) => s !== scenario.id)) })
          .where('id', '=', campaign.id)
          .execute();
      }
      await recordEvent(trx, campaign, EVENT.scenarioRemoved, `Attack scenario ${q(scenario.name)} removed`);
    });
  }

  async withCounters(db: Executor, rows: ScenarioRow[]): Promise<Scenario[]> {
    const counters = await scenarioCounters(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, counters: counters.get(r.id)! }));
  }

  /** The stored columns from `input`; on save, what is not given keeps its value. */
  private async fields(db: Executor, campaign: CampaignRow, input: ScenarioInput, existing?: ScenarioRow) {
    await assertLanguage(db, 'language_id', input.language_id);
    const template = await templateFacts(db, campaign.client_id, input.scenario_template_id, input.language_id);
    // Defaults follow the template while the template or language is new.
    const fresh = !existing || existing.scenario_template_id !== template.id || existing.language_id !== input.language_id;
    const keep = <K extends keyof ScenarioRow>(k: K, fallback: ScenarioRow[K]): ScenarioRow[K] => (existing ? existing[k] : fallback);
    return {
      scenario_template_id: template.id,
      language_id: input.language_id,
      name: nonEmpty('name', input.name),
      domain: hostname('domain', input.domain),
      subdomain: input.subdomain !== undefined ? subdomain('subdomain', input.subdomain) : keep('subdomain', ''),
      sender_name: input.sender_name ?? (fresh ? template.sender_name : existing!.sender_name),
      sender_email: input.sender_email !== undefined ? optionalEmail('sender_email', input.sender_email) : fresh ? template.sender_email : existing!.sender_email,
      random_email: bit(input.random_email, keep('random_email', 0)),
      redirect_url: input.redirect_url !== undefined ? optionalUrl('redirect_url', input.redirect_url) : keep('redirect_url', ''),
      collect_data: input.collect_data ?? keep('collect_data', 'partial'),
      login_regexp: input.login_regexp !== undefined ? jsRegExp('login_regexp', input.login_regexp) : keep('login_regexp', ''),
      password_regexp: input.password_regexp !== undefined ? jsRegExp('password_regexp', input.password_regexp) : keep('password_regexp', ''),
      forward_email: input.forward_email !== undefined ? optionalEmail('forward_email', input.forward_email) : keep('forward_email', ''),
      message_type: input.message_type ?? (fresh ? messageType(template.message_type) : existing!.message_type),
      double_barrel: bit(input.double_barrel, keep('double_barrel', 0)),
      lure_sender_name: input.lure_sender_name ?? keep('lure_sender_name', ''),
      lure_sender_email:
        input.lure_sender_email !== undefined ? optionalEmail('lure_sender_email', input.lure_sender_email) : keep('lure_sender_email', ''),
      lure_random_email: bit(input.lure_random_email, keep('lure_random_email', 0)),
      lure_delay: input.lure_delay ?? keep('lure_delay', 0),
      lure_message_type: input.lure_message_type ?? (fresh ? messageType(template.lure_message_type) : existing!.lure_message_type),
      send_awareness_link: bit(input.send_awareness_link, keep('send_awareness_link', 0)),
      awareness_delay: input.awareness_delay ?? keep('awareness_delay', 0),
      no_landing: bit(input.no_landing, fresh ? template.no_landing : existing!.no_landing),
      track_opened_emails: bit(input.track_opened_emails, keep('track_opened_emails', 1)),
      use_reply_to: bit(input.use_reply_to, keep('use_reply_to', 0)),
      anonymous_mode: bit(input.anonymous_mode, keep('anonymous_mode', 0)),
      success_action: input.success_action ?? (fresh ? successActionFor(template.type) : existing!.success_action),
    };
  }
}

export function parseIds(json: string): number[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : [];
  } catch {
    return [];
  }
}
