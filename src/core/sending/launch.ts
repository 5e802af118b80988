import { sql } from 'kysely';
import type { Database, Executor } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import { ensureCounterRows } from '../stats/counters.ts';
import { EVENT, recordEvent } from '../campaigns/events.ts';
import { conflict } from '../../errors.ts';
import { allowedIntervals, parseSchedule, sendTimes } from './schedule.ts';

/** Minutes: Lucy's `lure_delay` and `awareness_delay` are minutes in Decoy. */
export const MINUTE = 60_000;

/**
 * Starting a campaign: one victim per person (by email) per scenario, from the scenario's own
 * recipient groups and the campaign's; a person in two groups gets one. Victims that already
 * exist (a restart) are left alone, so nobody is sent the same message twice. Then every new
 * victim gets its send time(s).
 */
export async function createVictims(
  database: Database,
  campaignId: number,
  timeZone: string,
  nowMs = Date.now(),
  opts: { retime?: boolean } = {},
): Promise<{ created: number }> {
  const { db } = database;
  const result = await db.transaction().execute(async (trx) => {
    const campaign = await trx.selectFrom('campaigns').select(['id', 'client_id', 'schedule']).where('id', '=', campaignId).executeTakeFirstOrThrow();
    const t = new Date(nowMs).toISOString();
    const schedule = parseSchedule(campaign.schedule);
    // Sending now: the send times go in with the rows (one write per victim, not an insert and an update).
    const scenarioTimes = await trx.selectFrom('scenarios').select(['id', 'double_barrel', 'lure_delay']).where('campaign_id', '=', campaignId).execute();
    const immediate = schedule.mode === 'immediate' && scenarioTimes.length > 0;
    const attackAt = (s: { double_barrel: number; lure_delay: number }) => new Date(nowMs + (s.double_barrel ? Math.max(0, s.lure_delay) * MINUTE : 0)).toISOString();
    const timeOf = (value: (s: (typeof scenarioTimes)[number]) => string | null) =>
      sql<string | null>`case ${sql.ref('s.id')} ${sql.join(scenarioTimes.map((s) => sql`when ${s.id} then ${value(s)}`), sql` `)} end`;
    const timeColumns = immediate
      ? [
          timeOf((s) => attackAt(s)).as('send_at'),
          timeOf((s) => (s.double_barrel ? t : null)).as('lure_send_at'),
          sql<string>`${t}`.as('next_send_at'),
        ]
      : [];
    const source = audience(trx, campaignId, campaign.client_id)
      .select([
        's.client_id',
        's.campaign_id',
        's.id as scenario_id',
        'r.id as recipient_id',
        sql<number>`coalesce(r.language_id, s.language_id)`.as('language_id'),
        'r.email',
        'r.name',
        'r.firstname',
        'r.lastname',
        'r.phone',
        'r.staff_type',
        'r.location',
        'r.division',
        'r.comment',
        'r.link',
        'r.gender',
        'r.custom_fields',
        sql<string>`${t}`.as('created_at'),
        sql<string>`${t}`.as('updated_at'),
        ...timeColumns,
      ])
      .orderBy('r.id');
    const result = await trx
      .insertInto('victims')
      .columns([
        'client_id', 'campaign_id', 'scenario_id', 'recipient_id', 'language_id', 'email', 'name', 'firstname', 'lastname', 'phone',
        'staff_type', 'location', 'division', 'comment', 'link', 'gender', 'custom_fields', 'created_at', 'updated_at',
        ...(immediate ? (['send_at', 'lure_send_at', 'next_send_at'] as const) : []),
      ])
      .expression(source)
      .onConflict((oc) => oc.columns(['scenario_id', 'email']).doNothing())
      .executeTakeFirst();
    const created = Number(result.numInsertedOrUpdatedRows ?? 0);
    // Thousands of new rows: fresh planner statistics now, or the worker's claim query runs with
    // a plan for an empty table (a sort of every victim of the campaign per claim) until autovacuum.
    if (database.dialect === 'postgres' && created >= 10_000) await sql`analyze victims`.execute(trx);

    await ensureCounterRows(trx, campaign.client_id, campaignId);
    // The victims counter is a count, not a delta: set it from the rows.
    const perScenario = await trx
      .selectFrom('victims')
      .select(['scenario_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaign_id', '=', campaignId)
      .groupBy('scenario_id')
      .execute();
    for (const row of perScenario) {
      await trx
        .updateTable('campaign_counters')
        .set({ victims: Number(row.n) })
        .where('campaign_id', '=', campaignId)
        .where('scenario_id', '=', row.scenario_id)
        .execute();
    }
    await recountRecipients(trx, campaignId);
    // A window campaign resumed (or restarted, or approved): the messages that fell due while it
    // was stopped get new times in what is left of the window, within its hours and days, rather
    // than all going out at once, at whatever hour the resume came.
    if (opts.retime && schedule.mode === 'window') await clearOverdue(trx, campaignId, t);
    await scheduleUnscheduled(trx, campaignId, schedule, timeZone, nowMs);
    return { created };
  });
  // After the commit, and not waited for: sending starts at once, and this bookkeeping (a write
  // of every recipient) does not hold the start up.
  const stamp = () =>
    db
      .updateTable('recipients')
      .set({ last_tested: now() })
      .where('id', 'in', db.selectFrom('victims').select('recipient_id').where('campaign_id', '=', campaignId).where('recipient_id', 'is not', null) as any)
      .execute();
  if (database.later) database.later("stamping the campaign's recipients as tested", stamp);
  else await stamp();
  return result;
}

/** The people a campaign sends to: (scenario, recipient) pairs from each scenario's own recipient groups and the campaign's. */
function audience(trx: Executor, campaignId: number, clientId: number) {
  const groupsOfScenario = trx
    .selectFrom('scenario_recipient_groups')
    .select(['scenario_id', 'recipient_group_id'])
    .where('client_id', '=', clientId)
    .union(
      trx
        .selectFrom('campaign_recipient_groups as cg')
        .innerJoin('scenarios as s2', 's2.campaign_id', 'cg.campaign_id')
        .select(['s2.id as scenario_id', 'cg.recipient_group_id'])
        .where('cg.campaign_id', '=', campaignId),
    );
  return trx
    .selectFrom('scenarios as s')
    .innerJoin(groupsOfScenario.as('g'), 'g.scenario_id', 's.id')
    .innerJoin('recipients as r', 'r.recipient_group_id', 'g.recipient_group_id')
    .where('s.campaign_id', '=', campaignId)
    .where('r.client_id', '=', clientId);
}

/**
 * A window with no sending time left cannot schedule anyone: refused (409) when someone would need
 * a send time now, and allowed otherwise (a campaign resumed after its window only to keep its
 * links answering). `when` ends the message: what the caller should do it before.
 */
export async function assertSchedulable(
  trx: Executor,
  campaign: { id: number; client_id: number; schedule: string },
  when: string,
  nowMs = Date.now(),
  opts: { retime?: boolean } = {},
): Promise<void> {
  const schedule = parseSchedule(campaign.schedule);
  if (schedule.mode !== 'window') return;
  const client = await trx.selectFrom('clients').select('timezone').where('id', '=', campaign.client_id).executeTakeFirst();
  const left = allowedIntervals(schedule, client?.timezone || 'UTC', nowMs).reduce((n, [a, b]) => n + (b - a), 0);
  if (left > 0) return;
  // A resume re-times what fell due while the campaign was stopped (createVictims): that needs time too.
  const late = opts.retime && (await overdue(trx, campaign.id, new Date(nowMs).toISOString()).select('id').limit(1).executeTakeFirst());
  if (!late && !(await needsSendTimes(trx, campaign.id, campaign.client_id))) return;
  const hours = schedule.business_days?.length || schedule.business_hours_start ? ', and its business days and hours leave none before then' : '';
  throw conflict(`schedule: the sending window has no time left (it ends ${schedule.end}${hours}); change the schedule ${when}`);
}

/**
 * Whether starting the campaign now would give anyone a send time: a victim not yet scheduled
 * (nor sent), or a person of its groups who is not a victim yet.
 */
export async function needsSendTimes(trx: Executor, campaignId: number, clientId: number): Promise<boolean> {
  const unscheduled = await trx
    .selectFrom('victims')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('send_at', 'is', null)
    .where('submitted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (unscheduled) return true;
  const newcomer = await audience(trx, campaignId, clientId)
    .select('r.id')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('victims as v').select('v.id').whereRef('v.scenario_id', '=', 's.id').whereRef('v.email', '=', 'r.email'))),
    )
    .limit(1)
    .executeTakeFirst();
  return newcomer !== undefined;
}

/** Unsent messages (not in flight, not in error) whose time has passed: their send times cleared, to be given new ones. */
function overdue(trx: Executor, campaignId: number, t: string) {
  return trx
    .selectFrom('victims')
    .where('campaign_id', '=', campaignId)
    .where('submitted_at', 'is', null)
    .where('error', '=', 0)
    .where('lease_until', 'is', null)
    .where('send_at', '<=', t);
}

async function clearOverdue(trx: Executor, campaignId: number, t: string): Promise<void> {
  await trx
    .updateTable('victims')
    .set({ send_at: null, next_send_at: null, updated_at: t, lure_send_at: sql`case when lure_submitted_at is null then null else lure_send_at end` })
    .where('id', 'in', overdue(trx, campaignId, t).select('id'))
    .execute();
}

/**
 * Gives every victim of the campaign that has no send time yet its time: the attack at `t`, or
 * for a double-barrel scenario the lure at `t` and the attack `lure_delay` minutes later.
 */
async function scheduleUnscheduled(trx: Executor, campaignId: number, schedule: ReturnType<typeof parseSchedule>, timeZone: string, nowMs: number) {
  const scenarios = await trx
    .selectFrom('scenarios')
    .select(['id', 'double_barrel', 'lure_delay'])
    .where('campaign_id', '=', campaignId)
    .execute();
  for (const s of scenarios) {
    const lureMs = s.double_barrel ? Math.max(0, s.lure_delay) * MINUTE : 0;
    if (schedule.mode === 'immediate') {
      const t = new Date(nowMs).toISOString();
      const attack = new Date(nowMs + lureMs).toISOString();
      await trx
        .updateTable('victims')
        .set(s.double_barrel ? { lure_send_at: t, send_at: attack, next_send_at: t, updated_at: t } : { send_at: t, next_send_at: t, updated_at: t })
        .where('scenario_id', '=', s.id)
        .where('send_at', 'is', null)
        .where('submitted_at', 'is', null)
        .execute();
      continue;
    }
    const ids = (
      await trx.selectFrom('victims').select('id').where('scenario_id', '=', s.id).where('send_at', 'is', null).where('submitted_at', 'is', null).orderBy('id').execute()
    ).map((r) => r.id);
    if (!ids.length) continue;
    const times = sendTimes(schedule, timeZone, ids.length, nowMs);
    const CHUNK = 400;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const first = (k: number) => new Date(times[i + k]).toISOString();
      const attack = (k: number) => new Date(times[i + k] + lureMs).toISOString();
      const caseOf = (value: (k: number) => string) =>
        sql<string>`case ${sql.ref('id')} ${sql.join(part.map((id, k) => sql`when ${id} then ${value(k)}`), sql` `)} end`;
      await trx
        .updateTable('victims')
        .set(
          s.double_barrel
            ? { lure_send_at: caseOf(first), send_at: caseOf(attack), next_send_at: caseOf(first) }
            : { send_at: caseOf(first), next_send_at: caseOf(first) },
        )
        .where('id', 'in', part)
        .execute();
    }
  }
}

/**
 * Stops every running (or waiting) campaign whose `stop_date` has passed, as a person pressing
 * stop would: nothing further is sent and its links answer 404. Returns the stopped ids.
 */
export async function stopExpiredCampaigns(database: Database, nowMs = Date.now()): Promise<number[]> {
  const t = new Date(nowMs).toISOString();
  const due = await database.db
    .selectFrom('campaigns')
    .select(['id', 'client_id'])
    .where('status', 'in', ['running', 'waiting_approval'])
    .where('stop_date', 'is not', null)
    .where('stop_date', '<=', t)
    .execute();
  const stopped: number[] = [];
  for (const c of due) {
    await database.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('campaigns')
        .set({ status: 'stopped', stopped_at: t, updated_at: t })
        .where('id', '=', c.id)
        .where('status', 'in', ['running', 'waiting_approval'])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return;
      await trx.updateTable('scenarios').set({ status: 'idle', stopped_at: t }).where('campaign_id', '=', c.id).where('status', '=', 'running').execute();
      await recordEvent(trx, c, EVENT.stopped, 'Campaign stopped: its stop date was reached');
      stopped.push(c.id);
    });
  }
  return stopped;
}

/** A started campaign's audience, the people among its victims (kept in campaigns.recipients_count). */
export async function recountRecipients(trx: Executor, campaignId: number): Promise<void> {
  const people = await trx
    .selectFrom('victims')
    .select(sql<number>`count(distinct email)`.as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  await trx.updateTable('campaigns').set({ recipients_count: Number(people.n) }).where('id', '=', campaignId).execute();
}
