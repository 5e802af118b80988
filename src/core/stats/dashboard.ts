/**
 * The admin home page in one read: running campaigns with their funnel, recent activity, the
 * people who fall for attacks most often, and training completion. Every part is an indexed,
 * bounded query (no scan of victims or events), so the page stays cheap at any campaign size.
 */
import { sql } from 'kysely';
import { now } from '../../db/index.ts';
import { assertCanRead, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { campaignCounts } from './counters.ts';

/** Running campaigns shown at most (the oldest running beyond this are left out). */
export const MAX_RUNNING = 20;
/** Finished campaigns shown beside the running ones. */
export const MAX_FINISHED = 5;
/** Campaigns whose latest hits feed the activity list, and how many hits each contributes at most. */
export const ACTIVITY_CAMPAIGNS = 10;
export const ACTIVITY_HITS_PER_CAMPAIGN = 200;
export const MAX_ACTIVITY = 25;
export const MAX_FAILERS = 10;

export interface Funnel {
  victims: number;
  sent: number;
  opened: number;
  clicked: number;
  succeeded: number;
  reported: number;
  trained: number;
}

export interface DashboardCampaign {
  id: number;
  client_id: number;
  name: string;
  status: string;
  started_at: string | null;
  stopped_at: string | null;
  funnel: Funnel;
}

export interface Activity {
  /** `hit`: a person's tracking event; `campaign`: the campaign started or stopped. */
  kind: 'hit' | 'campaign';
  time: string;
  campaign_id: number;
  campaign_name: string;
  /** open, click, landing, submit, download, file_data, report, awareness_open, awareness_complete; or started, stopped. */
  type: string;
  victim_id: number | null;
  email: string | null;
  name: string | null;
}

export interface RepeatFailer {
  client_id: number;
  email: string;
  name: string;
  /** Victims of this address whose attack succeeded, across campaigns. */
  failures: number;
  last_failed_at: string | null;
}

export interface TrainingCompletion {
  enrollments: { total: number; not_started: number; in_progress: number; passed: number; paused: number };
  assignments: { total: number; completed: number; in_progress: number; assigned: number; overdue: number };
}

export interface Dashboard {
  running_count: number;
  running: DashboardCampaign[];
  finished: DashboardCampaign[];
  activity: Activity[];
  repeat_failers: RepeatFailer[];
  training: TrainingCompletion;
}

type CampaignPick = { id: number; client_id: number; name: string; status: string; started_at: string | null; stopped_at: string | null };

export class DashboardService {
  constructor(private readonly deps: Pick<ServiceDeps, 'db'>) {}

  async get(p: Principal): Promise<Dashboard> {
    assertCanRead(p);
    const scope = readScope(p);
    const [running, runningCount, finished, recent] = await Promise.all([
      this.campaigns(scope, 'running', MAX_RUNNING),
      this.countRunning(scope),
      this.campaigns(scope, 'stopped', MAX_FINISHED),
      this.campaigns(scope, null, ACTIVITY_CAMPAIGNS),
    ]);
    const counts = await campaignCounts(this.deps.db, [...new Set([...running, ...finished].map((c) => c.id))]);
    const withFunnel = (c: CampaignPick): DashboardCampaign => {
      const k = counts.get(c.id)!;
      return {
        ...c,
        funnel: { victims: k.victims, sent: k.submitted, opened: k.opened, clicked: k.clicked, succeeded: k.succeeded, reported: k.reported, trained: k.trained },
      };
    };
    const [activity, repeatFailers, training] = await Promise.all([this.activity(recent), this.repeatFailers(scope), this.training(scope)]);
    return {
      running_count: runningCount,
      running: running.map(withFunnel),
      finished: finished.map(withFunnel),
      activity,
      repeat_failers: repeatFailers,
      training,
    };
  }

  /** Most recently started first; `status` null: any campaign that has started. */
  private async campaigns(scope: number | null, status: string | null, limit: number): Promise<CampaignPick[]> {
    let q = this.deps.db
      .selectFrom('campaigns')
      .select(['id', 'client_id', 'name', 'status', 'started_at', 'stopped_at'])
      .where('started_at', 'is not', null);
    if (scope !== null) q = q.where('client_id', '=', scope);
    if (status !== null) q = q.where('status', '=', status);
    const order = status === 'stopped' ? 'stopped_at' : 'started_at';
    return q.orderBy(order, 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  private async countRunning(scope: number | null): Promise<number> {
    let q = this.deps.db.selectFrom('campaigns').select(sql<number>`count(*)`.as('n')).where('status', '=', 'running');
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * The latest human hits among the last ACTIVITY_HITS_PER_CAMPAIGN hits of each recent campaign
   * (an index range per campaign), with the campaigns' starts and stops, newest first.
   */
  private async activity(campaigns: CampaignPick[]): Promise<Activity[]> {
    if (!campaigns.length) return [];
    const names = new Map(campaigns.map((c) => [c.id, c.name]));
    const perCampaign = await Promise.all(
      campaigns.map((c) =>
        this.deps.db
          .selectFrom('tracking_events')
          .select(['id', 'campaign_id', 'victim_id', 'type', 'time', 'verdict'])
          .where('campaign_id', '=', c.id)
          .orderBy('id', 'desc')
          .limit(ACTIVITY_HITS_PER_CAMPAIGN)
          .execute(),
      ),
    );
    const hits = perCampaign
      .flat()
      .filter((h) => h.verdict === 'human')
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : b.id - a.id))
      .slice(0, MAX_ACTIVITY);
    const victimIds = [...new Set(hits.map((h) => h.victim_id))];
    const victims = victimIds.length
      ? await this.deps.db.selectFrom('victims').select(['id', 'email', 'name']).where('id', 'in', victimIds).execute()
      : [];
    const who = new Map(victims.map((v) => [v.id, v]));
    const lifecycle = await this.deps.db
      .selectFrom('campaign_events')
      .select(['campaign_id', 'type', 'time'])
      .where(
        'campaign_id',
        'in',
        campaigns.map((c) => c.id),
      )
      .where('type', 'in', [2, 3])
      .orderBy('id', 'desc')
      .limit(MAX_ACTIVITY)
      .execute();
    const out: Activity[] = [
      ...hits.map((h) => ({
        kind: 'hit' as const,
        time: h.time,
        campaign_id: h.campaign_id,
        campaign_name: names.get(h.campaign_id) ?? '',
        type: h.type,
        victim_id: h.victim_id,
        email: who.get(h.victim_id)?.email ?? null,
        name: who.get(h.victim_id)?.name ?? null,
      })),
      ...lifecycle.map((e) => ({
        kind: 'campaign' as const,
        time: e.time,
        campaign_id: e.campaign_id,
        campaign_name: names.get(e.campaign_id) ?? '',
        type: e.type === 2 ? 'started' : 'stopped',
        victim_id: null,
        email: null,
        name: null,
      })),
    ];
    return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, MAX_ACTIVITY);
  }

  /** Reads only succeeded victims (the partial index victims_succeeded). Public so that a test can check the plan. */
  repeatFailersQuery(scope: number | null) {
    let q = this.deps.db
      .selectFrom('victims')
      .select([
        'client_id',
        'email',
        sql<string>`max(name)`.as('name'),
        sql<number>`count(*)`.as('failures'),
        sql<string | null>`max(succeeded_at)`.as('last_failed_at'),
      ])
      .where('succeeded_at', 'is not', null);
    if (scope !== null) q = q.where('client_id', '=', scope);
    return q
      .groupBy(['client_id', 'email'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy(sql`max(succeeded_at)`, 'desc')
      .orderBy('email')
      .limit(MAX_FAILERS);
  }

  private async repeatFailers(scope: number | null): Promise<RepeatFailer[]> {
    const rows = await this.repeatFailersQuery(scope).execute();
    return rows.map((r) => ({ client_id: r.client_id, email: r.email, name: r.name ?? '', failures: Number(r.failures), last_failed_at: r.last_failed_at }));
  }

  private async training(scope: number | null): Promise<TrainingCompletion> {
    let e = this.deps.db.selectFrom('enrollments').select(['status', sql<number>`count(*)`.as('n')]);
    if (scope !== null) e = e.where('client_id', '=', scope);
    const t = now();
    let a = this.deps.db
      .selectFrom('assignment_learners')
      .innerJoin('assignments', 'assignments.id', 'assignment_learners.assignment_id')
      .select([
        'assignment_learners.status as status',
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when assignment_learners.status <> 'completed' and assignments.due_date < ${t} then 1 else 0 end)`.as('overdue'),
      ]);
    if (scope !== null) a = a.where('assignment_learners.client_id', '=', scope);
    const [enrolled, assigned] = await Promise.all([e.groupBy('status').execute(), a.groupBy('assignment_learners.status').execute()]);
    const out: TrainingCompletion = {
      enrollments: { total: 0, not_started: 0, in_progress: 0, passed: 0, paused: 0 },
      assignments: { total: 0, completed: 0, in_progress: 0, assigned: 0, overdue: 0 },
    };
    for (const r of enrolled) {
      const n = Number(r.n);
      out.enrollments.total += n;
      if (r.status in out.enrollments && r.status !== 'total') out.enrollments[r.status as 'passed'] += n;
    }
    for (const r of assigned) {
      const n = Number(r.n);
      out.assignments.total += n;
      // overdue is derived from the due date, whatever status the row was left in
      out.assignments.overdue += Number(r.overdue ?? 0);
      if (r.status === 'completed' || r.status === 'in_progress' || r.status === 'assigned') out.assignments[r.status] += n;
    }
    return out;
  }
}
