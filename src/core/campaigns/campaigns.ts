/**
 * Campaigns: create, save, copy, delete, and the run/stop state machine.
 *
 * States: idle → running (or waiting_approval when the client requires approval) → stopped →
 * running again (resume) or restart. Requests:
 * - `running`: idle|stopped → running | waiting_approval
 * - `stopped`: running|waiting_approval → stopped
 * - `restart`: stopped → running | waiting_approval (start over: started_at is reset)
 * - approve (supervisor or admin): waiting_approval → running
 * Anything else is a 409 naming the current status. Starting needs at least one scenario and
 * at least one recipient group (in the campaign or in a scenario).
 *
 * Sending is not done here: after a campaign starts or stops, `hooks.onStarted` /
 * `hooks.onStopped` run (after the change is committed). The mail issue plugs the outbox in
 * there.
 *
 * A running campaign cannot be deleted (409), and nothing already sent can be taken away
 * from it (scenarios, awareness, recipient groups: see `assertNotRunning`).
 */
import { checkSchedule, type Schedule } from '../sending/schedule.ts';
import { assertSchedulable } from '../sending/launch.ts';
import { sql, type Kysely } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { AwarenessService, newPublicId } from './awareness.ts';
import { campaignCounters, type CampaignCounters } from './counters.ts';
import { CampaignCustomFieldService } from './custom-fields.ts';
import { EVENT, q, recordEvent, recordEvents, timeline, type CampaignEvent, type EventType } from './events.ts';
import { CampaignRecipientGroups, assertNotRunning } from './recipient-groups.ts';
import { ScenarioService, parseIds } from './scenarios.ts';
import {
  assertLanguage,
  bit,
  emailList,
  inTransaction,
  loadCampaign,
  nonEmpty,
  type CampaignRow,
  type CampaignStatus,
} from './shared.ts';

export { CAMPAIGN_STATUSES, type CampaignStatus, type CampaignRow } from './shared.ts';

export const REPORT_FORMATS = ['pdf', 'html', 'docx'] as const;
export const STATUS_REQUESTS = ['running', 'stopped', 'restart'] as const;
export type StatusRequest = (typeof STATUS_REQUESTS)[number];

export interface CampaignInput {
  name: string;
  client_id: number;
  benchmark_sector_id?: number | null;
  awareness_template_id?: number | null;
  language_id?: number | null;
  /** Stored form (ISO 8601 UTC) or null. */
  stop_date?: string | null;
  custom_fields?: string[];
  stop_report?: boolean;
  stop_report_format?: (typeof REPORT_FORMATS)[number];
  stop_report_font_family?: string;
  stop_report_font_size?: number;
  stop_report_template?: number | null;
  stop_report_sections?: number[];
  stop_report_scenarios?: number[];
  stop_report_email?: string;
  /** Decoy extension: when messages go out (see core/sending/schedule.ts). */
  schedule?: Schedule;
}

export interface CampaignListOptions extends ListOptions {
  status?: CampaignStatus;
  /** Part of the name, case-insensitive. */
  q?: string;
  client_id?: number;
}

export type Campaign = CampaignRow & { counters: CampaignCounters };

export interface CampaignStats {
  counters: CampaignCounters;
  timeline: CampaignEvent[];
}

/** `added`: a recipient group or a scenario was added to the running campaign (its new people get victims). */
export type StartReason = 'start' | 'resume' | 'restart' | 'approved' | 'added';

/** Where sending plugs in. Both run after the status change is committed. */
export interface CampaignHooks {
  onStarted(campaign: CampaignRow, reason: StartReason): Promise<void>;
  onStopped(campaign: CampaignRow): Promise<void>;
}

const SORT = ['id', 'name', 'status', 'client_id', 'created_at', 'updated_at', 'started_at', 'stopped_at', 'stop_date'];

/** Which current states each request may leave from. */
const TRANSITIONS: Record<StatusRequest, readonly CampaignStatus[]> = {
  running: ['idle', 'stopped'],
  stopped: ['running', 'waiting_approval'],
  restart: ['stopped'],
};

export class CampaignService {
  private readonly db: Kysely<DB>;
  readonly scenarios: ScenarioService;
  readonly awareness: AwarenessService;
  readonly customFields: CampaignCustomFieldService;
  readonly recipientGroups: CampaignRecipientGroups;
  hooks: CampaignHooks = { onStarted: async () => {}, onStopped: async () => {} };

  constructor(private readonly deps: ServiceDeps) {
    this.db = deps.db;
    // People added to a running campaign (a group, or a scenario with its groups) are sent to at
    // once, as at its start; a stopped or waiting one takes them in when it starts again.
    const added = async (campaignId: number) => {
      const row = await this.db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
      if (row?.status === 'running') await this.hooks.onStarted(row, 'added');
    };
    this.scenarios = new ScenarioService(deps.db, added);
    this.awareness = new AwarenessService(deps.db);
    this.customFields = new CampaignCustomFieldService(deps.db);
    this.recipientGroups = new CampaignRecipientGroups(deps.db, added);
  }

  async list(p: Principal, opts: CampaignListOptions): Promise<Campaign[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let query = this.db.selectFrom('campaigns').selectAll();
    if (scope !== null) query = query.where('client_id', '=', scope);
    if (opts.client_id !== undefined) query = query.where('client_id', '=', opts.client_id);
    if (opts.status !== undefined) query = query.where('status', '=', opts.status);
    if (opts.q) {
      const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
    }
    const rows = await page(query, opts, SORT).execute();
    return this.withCounters(this.db, rows);
  }

  async get(p: Principal, id: number): Promise<Campaign> {
    assertCanRead(p);
    const row = await loadCampaign(this.db, p, id);
    return (await this.withCounters(this.db, [row]))[0];
  }

  async create(p: Principal, input: CampaignInput): Promise<Campaign> {
    assertCanWrite(p);
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    return inTransaction(this.db, async (trx) => {
      const fields = await this.fields(trx, clientId, input);
      const t = now();
      const row = await trx
        .insertInto('campaigns')
        .values({ ...fields, client_id: clientId, status: 'idle', created_at: t, updated_at: t, started_at: null, stopped_at: null, approved_by: null, approved_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(trx, row, EVENT.created, `Campaign created by ${p.email}`);
      return (await this.withCounters(trx, [row]))[0];
    });
  }

  async save(p: Principal, id: number, input: CampaignInput): Promise<Campaign> {
    assertCanWrite(p);
    await loadCampaign(this.db, p, id);
    // Outside the transaction: the client service reads through its own connection.
    const clientId = await this.deps.clients.writeClientId(p, input.client_id);
    return inTransaction(this.db, async (trx) => {
      const existing = await loadCampaign(trx, p, id);
      if (clientId !== existing.client_id) throw invalid(`client_id: a campaign cannot move to another client (it belongs to client ${existing.client_id})`);
      const fields = await this.fields(trx, clientId, input, existing);
      const row = await trx
        .updateTable('campaigns')
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
      const campaign = await loadCampaign(trx, p, id);
      assertNotRunning(campaign.status, 'delete it');
      // Scenarios, groups, awareness, custom fields and victims go with it (foreign keys cascade).
      await trx.deleteFrom('campaigns').where('id', '=', campaign.id).execute();
      // Tracking events carry no foreign key on PostgreSQL (migration 012): deleted after their
      // victims, so that a batch of hits applied meanwhile (it holds its victims) is deleted too.
      await trx.deleteFrom('tracking_events').where('campaign_id', '=', campaign.id).execute();
    });
  }

  /** A new idle campaign with the same settings, scenarios, recipient groups, awareness and custom fields. */
  async copy(p: Principal, id: number): Promise<Campaign> {
    assertCanWrite(p);
    return inTransaction(this.db, async (trx) => {
      const src = await loadCampaign(trx, p, id);
      const t = now();
      const { id: _id, ...settings } = src;
      const copy = await trx
        .insertInto('campaigns')
        .values({
          ...settings,
          name: copyName(src.name),
          status: 'idle',
          created_at: t,
          updated_at: t,
          started_at: null,
          stopped_at: null,
          approved_by: null,
          approved_at: null,
          approval_request: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const events: { type: EventType; event: string }[] = [{ type: EVENT.created, event: `Campaign created by ${p.email} as a copy of ${q(src.name)}` }];

      const scenarioIds = new Map<number, number>();
      const scenarios = await trx.selectFrom('scenarios').selectAll().where('campaign_id', '=', src.id).orderBy('id').execute();
      for (const s of scenarios) {
        const { id: oldId, ...rest } = s;
        const created = await trx
          .insertInto('scenarios')
          .values({ ...rest, campaign_id: copy.id, status: 'idle', created_at: t, updated_at: t, started_at: null, stopped_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        scenarioIds.set(oldId, created.id);
        events.push({ type: EVENT.scenarioAdded, event: `Attack scenario ${q(s.name)} added` });
      }

      const groups = await trx
        .selectFrom('campaign_recipient_groups as crg')
        .innerJoin('recipient_groups as g', 'g.id', 'crg.recipient_group_id')
        .select(['g.id', 'g.name'])
        .where('crg.campaign_id', '=', src.id)
        .orderBy('g.id')
        .execute();
      if (groups.length) {
        await trx
          .insertInto('campaign_recipient_groups')
          .values(groups.map((g) => ({ client_id: copy.client_id, campaign_id: copy.id, recipient_group_id: g.id })))
          .execute();
        for (const g of groups) events.push({ type: EVENT.groupAdded, event: `Recipient group ${q(g.name)} added` });
      }
      if (scenarios.length) {
        const links = await trx
          .selectFrom('scenario_recipient_groups')
          .select(['scenario_id', 'recipient_group_id'])
          .where('scenario_id', 'in', [...scenarioIds.keys()])
          .execute();
        if (links.length) {
          await trx
            .insertInto('scenario_recipient_groups')
            .values(links.map((l) => ({ client_id: copy.client_id, scenario_id: scenarioIds.get(l.scenario_id)!, recipient_group_id: l.recipient_group_id })))
            .execute();
        }
      }

      const awareness = await trx.selectFrom('campaign_awareness').selectAll().where('campaign_id', '=', src.id).orderBy('id').execute();
      for (const a of awareness) {
        const { id: oldId, ...rest } = a;
        const created = await trx
          .insertInto('campaign_awareness')
          .values({ ...rest, campaign_id: copy.id, public_id: newPublicId(), created_at: t, updated_at: t })
          .returning('id')
          .executeTakeFirstOrThrow();
        const links = await trx.selectFrom('campaign_awareness_scenarios').selectAll().where('awareness_id', '=', oldId).execute();
        const mapped = links.filter((l) => scenarioIds.has(l.scenario_id));
        if (mapped.length) {
          await trx
            .insertInto('campaign_awareness_scenarios')
            .values(mapped.map((l) => ({ client_id: copy.client_id, awareness_id: created.id, scenario_id: scenarioIds.get(l.scenario_id)!, risk_level: l.risk_level })))
            .execute();
        }
        events.push({ type: EVENT.awarenessAdded, event: `Awareness ${q(a.name)} added` });
      }

      const fields = await trx.selectFrom('campaign_custom_fields').select('name').where('campaign_id', '=', src.id).orderBy('id').execute();
      if (fields.length) {
        await trx
          .insertInto('campaign_custom_fields')
          .values(fields.map((f) => ({ client_id: copy.client_id, campaign_id: copy.id, name: f.name })))
          .execute();
      }

      const reportScenarios = parseIds(src.stop_report_scenarios)
        .map((s) => scenarioIds.get(s))
        .filter((s): s is number => s !== undefined);
      const row = await trx
        .updateTable('campaigns')
        .set({ stop_report_scenarios: JSON.stringify(reportScenarios) })
        .where('id', '=', copy.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvents(trx, copy, events);
      return (await this.withCounters(trx, [row]))[0];
    });
  }

  async changeStatus(p: Principal, id: number, request: StatusRequest): Promise<Campaign> {
    assertCanWrite(p);
    const outcome = await inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, id);
      const from = campaign.status as CampaignStatus;
      const allowed = TRANSITIONS[request];
      if (!allowed.includes(from)) {
        throw conflict(`status: cannot change a campaign that is ${from} to "${request}" (only from ${allowed.join(' or ')})`);
      }
      const t = now();
      if (request === 'stopped') {
        await this.move(trx, campaign, from, { status: 'stopped', stopped_at: t, approval_request: null });
        await trx.updateTable('scenarios').set({ status: 'idle', stopped_at: t }).where('campaign_id', '=', campaign.id).where('status', '=', 'running').execute();
        const before = from === 'waiting_approval' ? ' before it was approved' : '';
        await recordEvent(trx, campaign, EVENT.stopped, `Campaign stopped by ${p.email}${before}`);
        return { row: await loadCampaign(trx, p, id), started: null, stopped: true };
      }

      await assertStartable(trx, campaign);
      const restart = request === 'restart';
      const reason: StartReason = restart ? 'restart' : from === 'stopped' ? 'resume' : 'start';
      const client = await trx.selectFrom('clients').select('require_approval').where('id', '=', campaign.client_id).executeTakeFirstOrThrow();
      if (client.require_approval === 1) {
        // Nothing is sent until a supervisor approves, and the approval does what was asked (a
        // restart starts over from then); until then the campaign keeps its dates.
        await this.move(trx, campaign, from, { status: 'waiting_approval', approved_by: null, approved_at: null, approval_request: reason });
        return { row: await loadCampaign(trx, p, id), started: null, stopped: false };
      }
      await this.start(trx, campaign, from, restart, t);
      const verb = reason === 'start' ? 'started' : reason === 'resume' ? 'resumed' : 'restarted';
      await recordEvent(trx, campaign, EVENT.started, `Campaign ${verb} by ${p.email}`);
      return { row: await loadCampaign(trx, p, id), started: reason, stopped: false };
    });
    if (outcome.started) await this.hooks.onStarted(outcome.row, outcome.started);
    if (outcome.stopped) await this.hooks.onStopped(outcome.row);
    return (await this.withCounters(this.db, [outcome.row]))[0];
  }

  /** A supervisor (or admin) lets a campaign that waits for approval run. */
  async approve(p: Principal, id: number): Promise<Campaign> {
    assertCanWrite(p);
    if (p.role !== 'supervisor' && p.role !== 'admin') throw forbidden(`approving a campaign needs the supervisor or admin role; yours is ${p.role}`);
    const row = await inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, id);
      if (campaign.status !== 'waiting_approval') {
        throw conflict(`status: only a campaign that is waiting_approval can be approved; this one is ${campaign.status}`);
      }
      await assertStartable(trx, campaign);
      const t = now();
      // Rows from before migration 014 have no request: a campaign never started starts.
      const request = campaign.approval_request ?? (campaign.started_at === null ? 'start' : 'resume');
      const fresh = request === 'restart' || campaign.started_at === null;
      await this.start(trx, campaign, 'waiting_approval', fresh, t, { approved_by: p.userId, approved_at: t, approval_request: null });
      const verb = request === 'restart' ? 'restarted' : request === 'resume' ? 'resumed' : 'started';
      await recordEvent(trx, campaign, EVENT.started, `Campaign ${verb}, approved by ${p.email}`);
      return loadCampaign(trx, p, id);
    });
    await this.hooks.onStarted(row, 'approved');
    return (await this.withCounters(this.db, [row]))[0];
  }

  async stats(p: Principal, id: number): Promise<CampaignStats> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, id);
    const counters = (await campaignCounters(this.db, [campaign.id])).get(campaign.id)!;
    return { counters, timeline: await timeline(this.db, campaign) };
  }

  async withCounters(db: Executor, rows: CampaignRow[]): Promise<Campaign[]> {
    const counters = await campaignCounters(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, counters: counters.get(r.id)! }));
  }

  /** Updates the campaign only if it is still in `from`, so two requests cannot both win. */
  private async move(trx: Executor, campaign: CampaignRow, from: CampaignStatus, set: Partial<CampaignRow>): Promise<void> {
    const { id: _id, ...changes } = set;
    const res = await trx
      .updateTable('campaigns')
      .set({ ...changes, updated_at: now() })
      .where('id', '=', campaign.id)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('status: the campaign changed meanwhile; read it again and retry');
  }

  private async start(trx: Executor, campaign: CampaignRow, from: CampaignStatus, fresh: boolean, t: string, extra: Partial<CampaignRow> = {}) {
    await this.move(trx, campaign, from, { status: 'running', started_at: fresh ? t : (campaign.started_at ?? t), stopped_at: null, ...extra });
    await trx
      .updateTable('scenarios')
      .set(fresh ? { status: 'running', started_at: t, stopped_at: null } : { status: 'running', started_at: sql<string>`coalesce(started_at, ${t})`, stopped_at: null })
      .where('campaign_id', '=', campaign.id)
      .execute();
  }

  /** The stored columns from `input`; on save, what is not given keeps its value. */
  private async fields(db: Executor, clientId: number, input: CampaignInput, existing?: CampaignRow) {
    if (input.benchmark_sector_id !== undefined && input.benchmark_sector_id !== null) {
      const b = await db.selectFrom('benchmarks').select('id').where('id', '=', input.benchmark_sector_id).executeTakeFirst();
      if (!b) throw invalid(`benchmark_sector_id: no benchmark sector with id ${input.benchmark_sector_id}`);
    }
    if (input.awareness_template_id !== undefined && input.awareness_template_id !== null) {
      const a = await db
        .selectFrom('awareness_templates')
        .select('id')
        .where('id', '=', input.awareness_template_id)
        .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
        .executeTakeFirst();
      if (!a) throw notFound('awareness template');
    }
    if (input.language_id !== undefined && input.language_id !== null) await assertLanguage(db, 'language_id', input.language_id);
    if (input.stop_report_template !== undefined && input.stop_report_template !== null) {
      const r = await db
        .selectFrom('report_templates')
        .select('id')
        .where('id', '=', input.stop_report_template)
        .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
        .executeTakeFirst();
      if (!r) throw notFound('report template');
    }
    if (input.stop_report_scenarios?.length) {
      const found = existing
        ? new Set(
            (
              await db
                .selectFrom('scenarios')
                .select('id')
                .where('campaign_id', '=', existing.id)
                .where('id', 'in', input.stop_report_scenarios)
                .execute()
            ).map((s) => s.id),
          )
        : new Set<number>();
      input.stop_report_scenarios.forEach((s, i) => {
        if (!found.has(s)) throw invalid(`stop_report_scenarios[${i}]: scenario ${s} is not in this campaign`);
      });
    }
    const pick = <K extends keyof CampaignInput, V>(k: K, map: (v: NonNullable<CampaignInput[K]> | null) => V, fallback: V): V => {
      const v = input[k];
      return v === undefined ? fallback : map(v as NonNullable<CampaignInput[K]> | null);
    };
    return {
      name: nonEmpty('name', input.name),
      benchmark_sector_id: pick('benchmark_sector_id', (v) => v, existing?.benchmark_sector_id ?? null),
      awareness_template_id: pick('awareness_template_id', (v) => v, existing?.awareness_template_id ?? null),
      language_id: pick('language_id', (v) => v, existing?.language_id ?? null),
      stop_date: pick('stop_date', (v) => v, existing?.stop_date ?? null),
      custom_fields: pick('custom_fields', (v) => JSON.stringify(v ?? []), existing?.custom_fields ?? '[]'),
      stop_report: bit(input.stop_report, existing?.stop_report ?? 0),
      stop_report_format: input.stop_report_format ?? existing?.stop_report_format ?? 'pdf',
      stop_report_font_family: input.stop_report_font_family ?? existing?.stop_report_font_family ?? '',
      stop_report_font_size: input.stop_report_font_size ?? existing?.stop_report_font_size ?? 12,
      stop_report_template: pick('stop_report_template', (v) => v, existing?.stop_report_template ?? null),
      stop_report_sections: pick('stop_report_sections', (v) => JSON.stringify(v ?? []), existing?.stop_report_sections ?? '[]'),
      stop_report_scenarios: pick('stop_report_scenarios', (v) => JSON.stringify(v ?? []), existing?.stop_report_scenarios ?? '[]'),
      stop_report_email: input.stop_report_email !== undefined ? emailList('stop_report_email', input.stop_report_email) : (existing?.stop_report_email ?? ''),
      schedule: input.schedule !== undefined ? JSON.stringify(checkSchedule(input.schedule)) : (existing?.schedule ?? '{"mode":"immediate"}'),
    };
  }
}

/** At least one scenario, and at least one recipient group in the campaign or one of its scenarios. */
async function assertStartable(db: Executor, campaign: CampaignRow): Promise<void> {
  const scenario = await db.selectFrom('scenarios').select('id').where('campaign_id', '=', campaign.id).limit(1).executeTakeFirst();
  if (!scenario) throw conflict('status: the campaign has no attack scenario; add one before starting it');
  const group =
    (await db.selectFrom('campaign_recipient_groups').select('recipient_group_id').where('campaign_id', '=', campaign.id).limit(1).executeTakeFirst()) ??
    (await db
      .selectFrom('scenario_recipient_groups as srg')
      .innerJoin('scenarios as s', 's.id', 'srg.scenario_id')
      .select('srg.recipient_group_id')
      .where('s.campaign_id', '=', campaign.id)
      .limit(1)
      .executeTakeFirst());
  if (!group) throw conflict('status: the campaign has no recipient group; add one before starting it');
  const nowMs = Date.now();
  if (campaign.stop_date && Date.parse(campaign.stop_date) <= nowMs) {
    throw conflict(`stop_date: ${campaign.stop_date} has passed; change or clear it before starting the campaign`);
  }
  await assertSchedulable(db, campaign, 'before starting the campaign', nowMs, { retime: true });
}

const MAX_NAME = 255;

export function copyName(name: string): string {
  const suffix = ' (copy)';
  return `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}
