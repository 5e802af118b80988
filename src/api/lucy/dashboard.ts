/**
 * The admin home page's data in one request (Decoy extension in Lucy's style): running
 * campaigns with their funnel, recent activity, the people who fail most, training completion.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { Activity, Dashboard, DashboardCampaign, RepeatFailer } from '../../core/stats/dashboard.ts';
import { dateTimeOut, errorResponses, linksSchema, lucyDate } from './plumbing.ts';

const count = { type: 'integer', minimum: 0 } as const;

const funnelSchema = {
  type: 'object',
  description: 'from the campaign counters: victims, then sent (submitted) → opened → clicked → succeeded → reported → trained',
  properties: { victims: count, sent: count, opened: count, clicked: count, succeeded: count, reported: count, trained: count },
} as const;

const campaignSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: 'integer' },
    name: { type: 'string' },
    status: { type: 'string' },
    started_at: dateTimeOut,
    stopped_at: dateTimeOut,
    funnel: funnelSchema,
    links: linksSchema,
  },
} as const;

const activitySchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['hit', 'campaign'], description: "hit: a person's tracking event (automated hits are left out); campaign: the campaign started or stopped" },
    time: dateTimeOut,
    campaign_id: { type: 'integer' },
    campaign_name: { type: 'string' },
    type: { type: 'string', description: 'open, click, landing, submit, download, file_data, report, awareness_open, awareness_complete; started, stopped' },
    victim_id: { type: ['integer', 'null'] },
    email: { type: ['string', 'null'] },
    name: { type: ['string', 'null'] },
  },
} as const;

const failerSchema = {
  type: 'object',
  properties: {
    client_id: { type: 'integer' },
    email: { type: 'string' },
    name: { type: 'string' },
    failures: { type: 'integer', description: 'victims of this address whose attack succeeded, across campaigns' },
    last_failed_at: dateTimeOut,
  },
} as const;

export const dashboardSchema = {
  type: 'object',
  properties: {
    running_count: { type: 'integer', description: 'running campaigns in all (at most 20 are listed)' },
    running: { type: 'array', items: campaignSchema, description: 'running campaigns, most recently started first' },
    finished: { type: 'array', items: campaignSchema, description: 'the five most recently stopped campaigns' },
    activity: { type: 'array', items: activitySchema, description: 'newest first: human hits among the latest 200 hits of each of the ten most recently started campaigns, and their starts and stops' },
    repeat_failers: { type: 'array', items: failerSchema, description: 'the ten addresses with the most succeeded attacks' },
    training: {
      type: 'object',
      properties: {
        enrollments: { type: 'object', properties: { total: count, not_started: count, in_progress: count, passed: count, paused: count } },
        assignments: {
          type: 'object',
          description: 'one per person an assignment was given to; overdue: not completed and past the due date (also counted under its status)',
          properties: { total: count, completed: count, in_progress: count, assigned: count, overdue: count },
        },
      },
    },
  },
} as const;

function campaignResource(c: DashboardCampaign) {
  return {
    ...c,
    started_at: lucyDate(c.started_at),
    stopped_at: lucyDate(c.stopped_at),
    links: [
      { rel: 'self', href: `/api/campaigns/${c.id}` },
      { rel: 'stats', href: `/api/campaigns/${c.id}/stats` },
    ],
  };
}

export function dashboardResource(d: Dashboard) {
  return {
    running_count: d.running_count,
    running: d.running.map(campaignResource),
    finished: d.finished.map(campaignResource),
    activity: d.activity.map((a: Activity) => ({ ...a, time: lucyDate(a.time) })),
    repeat_failers: d.repeat_failers.map((f: RepeatFailer) => ({ ...f, last_failed_at: lucyDate(f.last_failed_at) })),
    training: d.training,
  };
}

export default async function dashboardRoutes(app: FastifyInstance, core: Core) {
  app.get(
    '/dashboard',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'The home page in one read (Decoy extension): running campaigns with their funnel, recent activity, people who fail most, training completion',
        response: { 200: { type: 'object', properties: { dashboard: dashboardSchema } }, ...errorResponses },
      },
    },
    async (req) => ({ dashboard: dashboardResource(await core.dashboard.get(req.principal)) }),
  );
}
