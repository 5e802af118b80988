import { sql, type Selectable } from 'kysely';
import { now, type Database } from '../../db/index.ts';
import type { TrackingEventTable } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import { page, type ListOptions } from '../list.ts';
import type { MessageKind, VictimRow } from '../sending/outbox.ts';
import { bump } from '../stats/counters.ts';
import { awarenessForScenario } from '../training/awareness-training.ts';
import { loadCampaign, loadScenario } from './shared.ts';

export type TrackingEventRow = Selectable<TrackingEventTable>;

/** Every column of Lucy's Victim resource that is one column here (not `links`). */
const VICTIM_SORT = [
  'id', 'email', 'name', 'submitted_at', 'opened_at', 'clicked_at', 'succeeded_at', 'reported_at', 'trained_at', 'clicks', 'error', 'error_time',
  'scenario_id', 'country', 'os', 'browser', 'recipient_id', 'campaign_id', 'lure_submitted_at', 'awareness_submitted_at', 'send_at', 'ip', 'proxy_ip',
  'plugins', 'opens', 'submits', 'vulnerable', 'phone', 'staff_type', 'location', 'division', 'comment', 'link', 'average_quiz_score', 'error_text',
];
/** The Campaign Errors resource's columns (its `victim_id` is the victim's id), and `id` as before. */
const ERROR_SORT = ['id', 'victim_id', 'recipient_id', 'email', 'name', 'error_text', 'error_time', 'error_type'];
const EVENT_SORT = ['id', 'time', 'type', 'verdict'];

/** Victims (one person in one scenario): their state, their events, their errors, re-sending. */
export class VictimService {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async ofCampaign(p: Principal, campaignId: number, opts: ListOptions & { q?: string }): Promise<VictimRow[]> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    let q = this.db.selectFrom('victims').selectAll().where('campaign_id', '=', campaign.id);
    // The web app's victim search: part of the name or the address, case-insensitive.
    if (opts.q) {
      const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([sql<boolean>`lower(name) like ${pattern} escape '\\'`, sql<boolean>`lower(email) like ${pattern} escape '\\'`]));
    }
    return page(q, opts, VICTIM_SORT).execute();
  }

  async ofScenario(p: Principal, scenarioId: number, opts: ListOptions): Promise<VictimRow[]> {
    assertCanRead(p);
    const scenario = await loadScenario(this.db, p, scenarioId);
    return page(this.db.selectFrom('victims').selectAll().where('scenario_id', '=', scenario.id), opts, VICTIM_SORT).execute();
  }

  async get(p: Principal, id: number): Promise<VictimRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('victims').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('victim');
    return row;
  }

  /** Every hit on the victim's links, people's and machines', with the verdict and its reasons. */
  async events(p: Principal, victimId: number, opts: ListOptions): Promise<TrackingEventRow[]> {
    const victim = await this.get(p, victimId);
    return page(this.db.selectFrom('tracking_events').selectAll().where('victim_id', '=', victim.id), opts, EVENT_SORT).execute();
  }

  async errors(p: Principal, campaignId: number, opts: ListOptions): Promise<VictimRow[]> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    const sort = opts.sort?.replace(/^(-?)victim_id$/, '$1id');
    return page(this.db.selectFrom('victims').selectAll().where('campaign_id', '=', campaign.id).where('error', '=', 1), { ...opts, sort }, ERROR_SORT).execute();
  }

  /**
   * Sends one message of a victim again, now. A message that had gone out stays recorded (its
   * `*_submitted_at`, the counters) until the new one goes out, which moves the time forward and
   * counts nothing twice (victims.resend, migration 016); an error on the victim is cleared.
   */
  async resend(p: Principal, victimId: number, kind: MessageKind): Promise<void> {
    assertCanWrite(p);
    const victim = await this.get(p, victimId);
    const campaign = await this.db.selectFrom('campaigns').select(['status']).where('id', '=', victim.campaign_id).executeTakeFirstOrThrow();
    if (campaign.status !== 'running') throw conflict(`status: the campaign is ${campaign.status}; messages are sent only while it is running`);
    const scenario = await this.db.selectFrom('scenarios').select(['double_barrel']).where('id', '=', victim.scenario_id).executeTakeFirstOrThrow();
    if (kind === 'lure' && !scenario.double_barrel) throw invalid('message_type: this scenario has no lure message (it is not double barrel)');
    if (kind === 'awareness') {
      const awareness = await this.db.selectFrom('campaign_awareness').select('id').where('campaign_id', '=', victim.campaign_id).executeTakeFirst();
      if (!awareness) throw invalid('message_type: this campaign has no awareness');
      // The campaign's awareness may be linked to other scenarios only: then there is nothing to send.
      if (!(await awarenessForScenario(this.db, victim.campaign_id, victim.scenario_id))) {
        throw invalid("message_type: none of this campaign's awareness applies to this victim's scenario");
      }
    }
    const t = now();
    const cols = {
      attack: { send: 'send_at', sent: 'submitted_at', counter: 'submitted', attempts: 'attempts' },
      lure: { send: 'lure_send_at', sent: 'lure_submitted_at', counter: 'lure_submitted', attempts: 'lure_attempts' },
      awareness: { send: 'awareness_send_at', sent: 'awareness_submitted_at', counter: 'awareness_submitted', attempts: 'awareness_attempts' },
    }[kind] as { send: keyof VictimRow; sent: keyof VictimRow; counter: 'submitted' | 'lure_submitted' | 'awareness_submitted'; attempts: keyof VictimRow };
    await this.db.transaction().execute(async (trx) => {
      // The row is locked first (PostgreSQL) and read again inside the transaction, so that two
      // re-sends at once, or a send recorded meanwhile, move the error counter back once, not twice.
      await trx.updateTable('victims').set({ updated_at: t }).where('id', '=', victim.id).execute();
      const current = await trx.selectFrom('victims').select([cols.sent, 'error', 'resend']).where('id', '=', victim.id).executeTakeFirstOrThrow();
      const wasSent = !!(current as Record<string, unknown>)[cols.sent];
      const resend = wasSent && !current.resend.split(',').includes(kind) ? [current.resend, kind].filter(Boolean).join(',') : current.resend;
      // A fresh start for this message: its attempts too, or the first temporary failure gives up at once.
      await trx
        .updateTable('victims')
        .set({ [cols.send]: t, [cols.attempts]: 0, resend, next_send_at: t, lease_until: null, error: 0, error_text: '', error_time: null, error_type: '', updated_at: t } as any)
        .where('id', '=', victim.id)
        .execute();
      const deltas: Record<string, number> = {};
      if (current.error) deltas.errors = -1;
      await bump(trx, { clientId: victim.client_id, campaignId: victim.campaign_id, scenarioId: victim.scenario_id }, deltas);
    });
  }
}
