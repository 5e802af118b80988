/**
 * Awareness (training) attached to a campaign: which awareness template people are sent to
 * after an attack, in which language, from which sender, and for which scenarios at which
 * risk level. Each has a random, unguessable `public_id` that the learner-facing site uses.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, type Principal } from '../access/principal.ts';
import { page, type ListOptions } from '../list.ts';
import { EVENT, q, recordEvent } from './events.ts';
import { assertNotRunning } from './recipient-groups.ts';
import { assertLanguage, bit, hostname, inTransaction, loadCampaign, nonEmpty, optionalEmail, type AwarenessRow, type CampaignRow } from './shared.ts';

export interface AwarenessScenario {
  scenario_id: number;
  risk_level: number;
}

export interface AwarenessInput {
  name: string;
  domain: string;
  language_id: number;
  template_id: number;
  website_online?: boolean;
  sender_email?: string;
  sender_name?: string;
  subject?: string;
  quiz?: boolean;
  risk_level?: number;
  website_type?: 1 | 2;
  course_id?: number | null;
  scenarios?: { scenario_id: number; risk_level?: number }[];
}

export type Awareness = AwarenessRow & { scenarios: AwarenessScenario[] };

const SORT = ['id', 'name', 'domain', 'language_id', 'template_id', 'risk_level', 'website_type', 'created_at', 'updated_at'];

/** 16 random bytes, URL-safe: the id in the learner-facing address. */
export function newPublicId(): string {
  return randomBytes(16).toString('base64url');
}

export class AwarenessService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, campaignId: number, opts: ListOptions): Promise<Awareness[]> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    const rows = await page(
      this.db.selectFrom('campaign_awareness').selectAll().where('campaign_id', '=', campaign.id).where('client_id', '=', campaign.client_id),
      opts,
      SORT,
    ).execute();
    return withScenarios(this.db, rows);
  }

  async get(p: Principal, campaignId: number, id: number): Promise<Awareness> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    const row = await this.load(this.db, campaign, id);
    return (await withScenarios(this.db, [row]))[0];
  }

  async create(p: Principal, campaignId: number, input: AwarenessInput): Promise<Awareness> {
    assertCanWrite(p);
    return inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, campaignId);
      const fields = await this.fields(trx, campaign, input);
      const scenarios = await checkScenarios(trx, campaign, input.scenarios ?? []);
      const t = now();
      const row = await trx
        .insertInto('campaign_awareness')
        .values({ ...fields, client_id: campaign.client_id, campaign_id: campaign.id, public_id: newPublicId(), created_at: t, updated_at: t })
        .returningAll()
        .executeTakeFirstOrThrow();
      await replaceScenarios(trx, row, scenarios);
      await recordEvent(trx, campaign, EVENT.awarenessAdded, `Awareness ${q(row.name)} added`);
      return { ...row, scenarios };
    });
  }

  async save(p: Principal, campaignId: number, id: number, input: AwarenessInput): Promise<Awareness> {
    assertCanWrite(p);
    return inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, campaignId);
      const existing = await this.load(trx, campaign, id);
      const fields = await this.fields(trx, campaign, input, existing);
      const row = await trx
        .updateTable('campaign_awareness')
        .set({ ...fields, updated_at: now() })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (input.scenarios !== undefined) await replaceScenarios(trx, row, await checkScenarios(trx, campaign, input.scenarios));
      return (await withScenarios(trx, [row]))[0];
    });
  }

  async delete(p: Principal, campaignId: number, id: number): Promise<void> {
    assertCanWrite(p);
    await inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, campaignId);
      const row = await this.load(trx, campaign, id);
      assertNotRunning(campaign.status, 'remove an awareness');
      await trx.deleteFrom('campaign_awareness').where('id', '=', row.id).execute();
      await recordEvent(trx, campaign, EVENT.awarenessRemoved, `Awareness ${q(row.name)} removed`);
    });
  }

  private async load(db: Executor, campaign: CampaignRow, id: number): Promise<AwarenessRow> {
    const row = await db
      .selectFrom('campaign_awareness')
      .selectAll()
      .where('id', '=', id)
      .where('campaign_id', '=', campaign.id)
      .where('client_id', '=', campaign.client_id)
      .executeTakeFirst();
    if (!row) throw notFound('awareness');
    return row;
  }

  private async fields(db: Executor, campaign: CampaignRow, input: AwarenessInput, existing?: AwarenessRow) {
    await assertLanguage(db, 'language_id', input.language_id);
    const template = await db
      .selectFrom('awareness_templates')
      .select(['id', 'email_sender_name', 'email_sender', 'quiz'])
      .where('id', '=', input.template_id)
      .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', campaign.client_id)]))
      .executeTakeFirst();
    if (!template) throw notFound('awareness template');
    const fresh = !existing || existing.template_id !== template.id || existing.language_id !== input.language_id;
    let subject = existing?.subject ?? '';
    if (input.subject === undefined && fresh) {
      const contents = await db
        .selectFrom('awareness_template_contents as c')
        .innerJoin('languages as l', 'l.id', 'c.language_id')
        .select(['c.language_id', 'c.subject', 'l.is_default'])
        .where('c.awareness_template_id', '=', template.id)
        .orderBy('c.id')
        .execute();
      const content = contents.find((c) => c.language_id === input.language_id) ?? contents.find((c) => c.is_default === 1) ?? contents[0];
      subject = content?.subject ?? '';
    }
    return {
      template_id: template.id,
      language_id: input.language_id,
      name: nonEmpty('name', input.name),
      domain: hostname('domain', input.domain),
      website_online: bit(input.website_online, existing?.website_online ?? 1),
      sender_email:
        input.sender_email !== undefined ? optionalEmail('sender_email', input.sender_email) : fresh ? template.email_sender : existing!.sender_email,
      sender_name: input.sender_name ?? (fresh ? template.email_sender_name : existing!.sender_name),
      subject: input.subject ?? subject,
      quiz: bit(input.quiz, fresh ? template.quiz : existing!.quiz),
      risk_level: input.risk_level ?? existing?.risk_level ?? 0,
      website_type: input.website_type ?? existing?.website_type ?? 1,
      course_id: input.course_id !== undefined ? input.course_id : (existing?.course_id ?? null),
    };
  }
}

/** The awareness' scenario list, each entry checked to be a scenario of this campaign. */
async function checkScenarios(db: Executor, campaign: CampaignRow, entries: { scenario_id: number; risk_level?: number }[]): Promise<AwarenessScenario[]> {
  if (!entries.length) return [];
  const ids = entries.map((e) => e.scenario_id);
  const found = new Set(
    (
      await db
        .selectFrom('scenarios')
        .select('id')
        .where('id', 'in', ids)
        .where('campaign_id', '=', campaign.id)
        .where('client_id', '=', campaign.client_id)
        .execute()
    ).map((r) => r.id),
  );
  const seen = new Set<number>();
  return entries.map((e, i) => {
    if (!found.has(e.scenario_id)) throw invalid(`scenarios[${i}].scenario_id: scenario ${e.scenario_id} is not in this campaign`);
    if (seen.has(e.scenario_id)) throw invalid(`scenarios[${i}].scenario_id: scenario ${e.scenario_id} is listed twice`);
    seen.add(e.scenario_id);
    return { scenario_id: e.scenario_id, risk_level: e.risk_level ?? 0 };
  });
}

async function replaceScenarios(db: Executor, awareness: AwarenessRow, scenarios: AwarenessScenario[]): Promise<void> {
  await db.deleteFrom('campaign_awareness_scenarios').where('awareness_id', '=', awareness.id).execute();
  if (!scenarios.length) return;
  await db
    .insertInto('campaign_awareness_scenarios')
    .values(scenarios.map((s) => ({ client_id: awareness.client_id, awareness_id: awareness.id, scenario_id: s.scenario_id, risk_level: s.risk_level })))
    .execute();
}

/** Attaches the scenario lists of a page of awareness rows, in one query. */
export async function withScenarios(db: Executor, rows: AwarenessRow[]): Promise<Awareness[]> {
  if (!rows.length) return [];
  const links = await db
    .selectFrom('campaign_awareness_scenarios')
    .select(['awareness_id', 'scenario_id', 'risk_level'])
    .where(
      'awareness_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('scenario_id')
    .execute();
  const by = new Map<number, AwarenessScenario[]>();
  for (const l of links) {
    const list = by.get(l.awareness_id) ?? [];
    list.push({ scenario_id: l.scenario_id, risk_level: l.risk_level });
    by.set(l.awareness_id, list);
  }
  return rows.map((r) => ({ ...r, scenarios: by.get(r.id) ?? [] }));
}
