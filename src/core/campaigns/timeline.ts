/**
 * A campaign's activity over time, for the web app's live chart: how many victims had been
 * sent, had opened, clicked, succeeded and reported by the end of each interval. One grouped
 * query per milestone over the campaign's victims (timestamps are ISO text on both databases,
 * so a prefix of the text is the minute, hour or day).
 */
import { sql } from 'kysely';
import { assertCanRead, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { loadCampaign } from './shared.ts';

export const MILESTONES = ['submitted', 'opened', 'clicked', 'succeeded', 'reported'] as const;
export type Milestone = (typeof MILESTONES)[number];

export interface TimelinePoint extends Record<Milestone, number> {
  /** End of the interval (ISO 8601). */
  time: string;
}

export interface Timeline {
  bucket_minutes: number;
  points: TimelinePoint[];
}

const MAX_POINTS = 60;
const STEPS = [1, 5, 15, 30, 60, 180, 360, 720, 1440, 2880, 10080];

export class CampaignTimelineService {
  constructor(private readonly deps: ServiceDeps) {}

  async timeline(p: Principal, campaignId: number, nowMs = Date.now()): Promise<Timeline> {
    assertCanRead(p);
    const db = this.deps.db;
    const campaign = await loadCampaign(db, p, campaignId);
    if (!campaign.started_at) return { bucket_minutes: 0, points: [] };
    const start = Date.parse(campaign.started_at);
    const end = campaign.status === 'running' || !campaign.stopped_at ? nowMs : Date.parse(campaign.stopped_at);
    const minutes = Math.max(1, (end - start) / 60_000);
    const bucket = STEPS.find((s) => minutes / s <= MAX_POINTS) ?? Math.ceil(minutes / MAX_POINTS);
    // Read at the finest text prefix the bucket allows: minute, hour or day.
    const prefix = bucket < 60 ? 16 : bucket < 1440 ? 13 : 10;
    const counts = new Map<Milestone, { t: string; n: number }[]>();
    for (const m of MILESTONES) {
      const col = sql.ref(`${m}_at`);
      const rows = await db
        .selectFrom('victims')
        .select([sql<string>`substr(${col}, 1, ${sql.lit(prefix)})`.as('t'), sql<number>`count(*)`.as('n')])
        .where('campaign_id', '=', campaign.id)
        .where(sql<boolean>`${col} is not null`)
        .groupBy(sql`substr(${col}, 1, ${sql.lit(prefix)})`)
        .execute();
      counts.set(m, rows.map((r) => ({ t: r.t, n: Number(r.n) })));
    }
    const toMs = (t: string) => Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t.length === 13 ? `${t}:00:00Z` : `${t}:00Z`);
    const n = Math.max(1, Math.ceil(minutes / bucket));
    const points: TimelinePoint[] = [];
    for (let i = 1; i <= n; i++) {
      const edge = Math.min(end, start + i * bucket * 60_000);
      const point = { time: new Date(edge).toISOString().replace(/\.\d{3}Z$/, 'Z') } as TimelinePoint;
      for (const m of MILESTONES) point[m] = counts.get(m)!.reduce((sum, r) => (toMs(r.t) < edge ? sum + r.n : sum), 0);
      points.push(point);
    }
    // Everything so far counts by the last point, whatever the text prefix's rounding.
    const last = points[points.length - 1];
    for (const m of MILESTONES) last[m] = counts.get(m)!.reduce((sum, r) => sum + r.n, 0);
    return { bucket_minutes: bucket, points };
  }
}
