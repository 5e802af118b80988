import { sql, type Kysely } from 'kysely';
import type { CampaignCounterTable, DB } from '../../db/schema.ts';
import type { Executor } from '../../db/index.ts';

/**
 * Campaign and scenario counters are kept as they happen (one row per campaign and scenario),
 * so statistics never scan victims or events: a campaign's stats read as many rows as it has
 * scenarios.
 */
export const COUNTERS = [
  'victims',
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
  'trained',
  'awareness_scored',
  'awareness_score_sum',
  'awareness_percent_sum',
  'awareness_time_sum',
  'awareness_timed',
  'awareness_rescheduled',
  'automated_hits',
] as const satisfies readonly (keyof CampaignCounterTable)[];

export type CounterName = (typeof COUNTERS)[number];
export type Counts = Record<CounterName, number>;
export type CountDeltas = Partial<Counts>;

export const zeroCounts = (): Counts => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counts;

/** Creates the (zero) counter row of every scenario of a campaign that has none yet. */
export async function ensureCounterRows(db: Executor, clientId: number, campaignId: number): Promise<void> {
  const scenarios = await db.selectFrom('scenarios').select('id').where('campaign_id', '=', campaignId).execute();
  if (!scenarios.length) return;
  await db
    .insertInto('campaign_counters')
    .values(scenarios.map((s) => ({ client_id: clientId, campaign_id: campaignId, scenario_id: s.id, ...zeroCounts() })))
    .onConflict((oc) => oc.columns(['campaign_id', 'scenario_id']).doNothing())
    .execute();
}

/** Adds deltas to one scenario's counters (creating the row if needed). */
export async function bump(db: Executor, row: { clientId: number; campaignId: number; scenarioId: number }, deltas: CountDeltas): Promise<void> {
  const entries = Object.entries(deltas).filter(([, v]) => v) as [CounterName, number][];
  if (!entries.length) return;
  const set: Record<string, unknown> = {};
  for (const [k, v] of entries) set[k] = sql`campaign_counters.${sql.ref(k)} + ${v}`;
  await db
    .insertInto('campaign_counters')
    .values({ client_id: row.clientId, campaign_id: row.campaignId, scenario_id: row.scenarioId, ...zeroCounts(), ...Object.fromEntries(entries) })
    .onConflict((oc) => oc.columns(['campaign_id', 'scenario_id']).doUpdateSet(set as any))
    .execute();
}

function sumSelect() {
  return COUNTERS.map((c) => sql<number>`coalesce(sum(${sql.ref(c)}), 0)`.as(c));
}

/** Totals per campaign for the given campaigns (zeros for a campaign without rows). */
export async function campaignCounts(db: Kysely<DB> | Executor, campaignIds: number[]): Promise<Map<number, Counts>> {
  const out = new Map<number, Counts>(campaignIds.map((id) => [id, zeroCounts()]));
  if (!campaignIds.length) return out;
  const rows = await db
    .selectFrom('campaign_counters')
    .select(['campaign_id', ...sumSelect()] as any)
    .where('campaign_id', 'in', campaignIds)
    .groupBy('campaign_id')
    .execute();
  for (const r of rows as any[]) out.set(Number(r.campaign_id), toCounts(r));
  return out;
}

/** Counters per scenario for the given scenarios. */
export async function scenarioCounts(db: Kysely<DB> | Executor, scenarioIds: number[]): Promise<Map<number, Counts>> {
  const out = new Map<number, Counts>(scenarioIds.map((id) => [id, zeroCounts()]));
  if (!scenarioIds.length) return out;
  const rows = await db.selectFrom('campaign_counters').selectAll().where('scenario_id', 'in', scenarioIds).execute();
  for (const r of rows) out.set(r.scenario_id, toCounts(r));
  return out;
}

function toCounts(r: Record<string, unknown>): Counts {
  const c = zeroCounts();
  for (const k of COUNTERS) c[k] = Number(r[k] ?? 0);
  return c;
}
