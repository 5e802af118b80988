/**
 * Campaign and scenario counters, computed for a whole page of campaigns (or scenarios) in
 * one query each — never one query per row.
 *
 * Today only the audience is known: `recipients` is the number of distinct people (by
 * e-mail) in the recipient groups of the campaign and of its scenarios. Every other counter
 * is 0 until victims exist. When the `victims` table arrives, add one grouped query over it
 * in `victimCounters` below (by campaign_id / scenario_id) and merge it in; callers do not
 * change.
 */
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { campaignCounts, scenarioCounts, type Counts } from '../stats/counters.ts';

export interface CampaignCounters {
  recipients: number;
  /** Victims: one person in one scenario. */
  victims: number;
  submitted: number;
  lure_submitted: number;
  opened: number;
  clicked: number;
  succeeded: number;
  vulnerable: number;
  errors: number;
  reported: number;
  invalid_submits: number;
  awareness_submitted: number;
  awareness_opened: number;
  awareness_completed: number;
  awareness_average_score: number;
  awareness_average_percent: number;
  awareness_average_time: number;
  awareness_rescheduled: number;
}

export interface ScenarioCounters {
  recipient_count: number;
  messages_sent: number;
  clicks: number;
  successful_attacks: number;
  vulnerable_victims: number;
  errors: number;
}

export const ZERO_CAMPAIGN_COUNTERS: Readonly<CampaignCounters> = Object.freeze({
  recipients: 0,
  victims: 0,
  submitted: 0,
  lure_submitted: 0,
  opened: 0,
  clicked: 0,
  succeeded: 0,
  vulnerable: 0,
  errors: 0,
  reported: 0,
  invalid_submits: 0,
  awareness_submitted: 0,
  awareness_opened: 0,
  awareness_completed: 0,
  awareness_average_score: 0,
  awareness_average_percent: 0,
  awareness_average_time: 0,
  awareness_rescheduled: 0,
});

export const ZERO_SCENARIO_COUNTERS: Readonly<ScenarioCounters> = Object.freeze({
  recipient_count: 0,
  messages_sent: 0,
  clicks: 0,
  successful_attacks: 0,
  vulnerable_victims: 0,
  errors: 0,
});

/** Counters for every id in `campaignIds` (ids without data get zeros). */
export async function campaignCounters(db: Executor, campaignIds: number[]): Promise<Map<number, CampaignCounters>> {
  const out = new Map<number, CampaignCounters>();
  for (const id of campaignIds) out.set(id, { ...ZERO_CAMPAIGN_COUNTERS });
  if (!campaignIds.length) return out;

  // A started campaign knows its audience (recipients_count, set at launch): only the others
  // count the people in their groups.
  const started = new Set(
    (await db.selectFrom('campaigns').select('id').where('id', 'in', campaignIds).where('recipients_count', 'is not', null).execute()).map((r) => r.id),
  );
  const notStarted = campaignIds.filter((id) => !started.has(id));
  if (notStarted.length) {
    const groups = db
      .selectFrom('campaign_recipient_groups')
      .select(['campaign_id', 'recipient_group_id'])
      .where('campaign_id', 'in', notStarted)
      .union(
        db
          .selectFrom('scenario_recipient_groups as srg')
          .innerJoin('scenarios as s', 's.id', 'srg.scenario_id')
          .select(['s.campaign_id', 'srg.recipient_group_id'])
          .where('s.campaign_id', 'in', notStarted),
      );
    const audience = await db
      .selectFrom(groups.as('g'))
      .innerJoin('recipients as r', 'r.recipient_group_id', 'g.recipient_group_id')
      .select(['g.campaign_id', sql<number>`count(distinct r.email)`.as('recipients')])
      .groupBy('g.campaign_id')
      .execute();
    for (const row of audience) out.get(row.campaign_id)!.recipients = Number(row.recipients);
  }

  await victimCounters(db, campaignIds, out);
  return out;
}

/**
 * The victim-based counters come from `campaign_counters`, which sending and tracking keep up
 * to date as they happen: one grouped read, never a scan of victims. Once a campaign has
 * victims, `recipients` is the number of distinct people among them.
 */
async function victimCounters(db: Executor, campaignIds: number[], out: Map<number, CampaignCounters>): Promise<void> {
  const counts = await campaignCounts(db, campaignIds);
  const started = await db
    .selectFrom('campaigns')
    .select(['id', 'recipients_count'])
    .where('id', 'in', campaignIds)
    .where('recipients_count', 'is not', null)
    .execute();
  for (const row of started) out.get(row.id)!.recipients = Number(row.recipients_count);
  for (const [id, c] of counts) Object.assign(out.get(id)!, fromCounts(c));
}

function fromCounts(c: Counts): Omit<CampaignCounters, 'recipients'> {
  const per = (sum: number, n: number) => (n ? Math.round((sum / n) * 100) / 100 : 0);
  const avg = (sum: number) => per(sum, c.awareness_scored);
  return {
    victims: c.victims,
    submitted: c.submitted,
    lure_submitted: c.lure_submitted,
    opened: c.opened,
    clicked: c.clicked,
    succeeded: c.succeeded,
    vulnerable: c.vulnerable,
    errors: c.errors,
    reported: c.reported,
    invalid_submits: c.invalid_submits,
    awareness_submitted: c.awareness_submitted,
    awareness_opened: c.awareness_opened,
    awareness_completed: c.awareness_completed,
    awareness_average_score: avg(c.awareness_score_sum),
    awareness_average_percent: avg(c.awareness_percent_sum),
    // Over every completion with a time (quiz or not), not only the scored ones.
    awareness_average_time: per(c.awareness_time_sum, c.awareness_timed),
    awareness_rescheduled: c.awareness_rescheduled,
  };
}

/** Counters for every id in `scenarioIds`. */
export async function scenarioCounters(db: Executor, scenarioIds: number[]): Promise<Map<number, ScenarioCounters>> {
  const out = new Map<number, ScenarioCounters>();
  for (const id of scenarioIds) out.set(id, { ...ZERO_SCENARIO_COUNTERS });
  if (!scenarioIds.length) return out;
  const counts = await scenarioCounts(db, scenarioIds);
  // Scenarios with victims count them; only the others count the people in their groups.
  const notStarted = scenarioIds.filter((id) => !counts.get(id)?.victims);
  if (notStarted.length) {
    const audience = await db
      .selectFrom('scenario_recipient_groups as srg')
      .innerJoin('recipients as r', 'r.recipient_group_id', 'srg.recipient_group_id')
      .select(['srg.scenario_id', sql<number>`count(distinct r.email)`.as('recipients')])
      .where('srg.scenario_id', 'in', notStarted)
      .groupBy('srg.scenario_id')
      .execute();
    for (const row of audience) out.get(row.scenario_id)!.recipient_count = Number(row.recipients);
  }
  for (const [id, c] of counts) {
    const o = out.get(id)!;
    if (c.victims) o.recipient_count = c.victims;
    o.messages_sent = c.submitted;
    o.clicks = c.clicked;
    o.successful_attacks = c.succeeded;
    o.vulnerable_victims = c.vulnerable;
    o.errors = c.errors;
  }
  return out;
}
