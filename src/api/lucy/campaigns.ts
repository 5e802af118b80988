import { parseSchedule } from '../../core/sending/schedule.ts';
import type { FastifyInstance } from 'fastify';
import {
  CAMPAIGN_STATUSES,
  REPORT_FORMATS,
  STATUS_REQUESTS,
  type Campaign,
  type CampaignInput,
  type CampaignListOptions,
  type CampaignStats,
  type StatusRequest,
} from '../../core/campaigns/campaigns.ts';
import type { RecipientGroupRow } from '../../core/campaigns/shared.ts';
import type { Core } from '../../core/index.ts';
import {
  MAX_ID,
  bool,
  dateTimeIn,
  dateTimeOut,
  errorResponses,
  idParams,
  idSchema,
  linksSchema,
  listQuery,
  lucyDate,
  noContent,
  nullableIdSchema,
  paramsOf,
  parseJsonArray,
  storedDate,
  yes,
  type Link,
  type ListQuery,
} from './plumbing.ts';

const nullableInt = { type: ['integer', 'null'] } as const;

const campaignProps = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  client_id: idSchema,
  benchmark_sector_id: nullableIdSchema,
  awareness_template_id: { ...nullableIdSchema, description: 'Decoy extension: the default awareness template (the awareness_template link)' },
  language_id: { ...nullableIdSchema, description: 'Decoy extension: the default language (the language link)' },
  stop_date: { ...dateTimeIn, description: 'when the campaign stops by itself (ISO 8601, UTC if no zone)' },
  custom_fields: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 1000 } },
  stop_report: bool,
  stop_report_format: { type: 'string', enum: [...REPORT_FORMATS] },
  stop_report_font_family: { type: 'string', maxLength: 100 },
  stop_report_font_size: { type: 'integer', minimum: 4, maximum: 96 },
  stop_report_template: nullableIdSchema,
  stop_report_sections: { type: 'array', maxItems: 100, items: { type: 'integer', minimum: 0, maximum: MAX_ID } },
  stop_report_scenarios: { type: 'array', maxItems: 1000, items: idSchema },
  stop_report_email: { type: 'string', maxLength: 2000, description: 'one address, or several separated by commas' },
  schedule: {
    type: 'object',
    description:
      'Decoy extension: when messages go out. `immediate` (default), or `window`: spread at random between start and end, only within business hours and days in the client time zone',
    required: ['mode'],
    properties: {
      mode: { type: 'string', enum: ['immediate', 'window'] },
      start: { ...dateTimeIn, description: 'default: when the campaign starts' },
      end: dateTimeIn,
      business_hours_start: { type: ['string', 'null'], pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, client time zone' },
      business_hours_end: { type: ['string', 'null'], pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
      business_days: { type: ['array', 'null'], maxItems: 7, items: { type: 'integer', minimum: 1, maximum: 7 }, description: 'ISO weekdays, 1 = Monday' },
    },
  },
} as const;

const campaignBody = { type: 'object', required: ['name', 'client_id'], properties: campaignProps } as const;

const COUNTERS = [
  'recipients',
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
] as const;
const AVERAGES = ['awareness_average_score', 'awareness_average_percent', 'awareness_average_time'] as const;

export const campaignSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    created_at: dateTimeOut,
    started_at: dateTimeOut,
    stopped_at: dateTimeOut,
    client_id: { type: 'integer' },
    benchmark_sector_id: nullableInt,
    name: { type: 'string' },
    status: { type: 'string', enum: [...CAMPAIGN_STATUSES] },
    stop_date: dateTimeOut,
    ...Object.fromEntries(COUNTERS.map((c) => [c, { type: 'integer' }])),
    ...Object.fromEntries(AVERAGES.map((c) => [c, { type: 'number' }])),
    awareness_rescheduled: { type: 'integer' },
    custom_fields: { type: 'array', items: { type: 'string' } },
    schedule: { type: 'object', additionalProperties: true },
    links: linksSchema,
    stop_report: { type: 'boolean' },
    stop_report_format: { type: 'string' },
    stop_report_font_family: { type: 'string' },
    stop_report_font_size: { type: 'integer' },
    stop_report_template: nullableInt,
    stop_report_sections: { type: 'array', items: { type: 'integer' } },
    stop_report_scenarios: { type: 'array', items: { type: 'integer' } },
    stop_report_email: { type: 'string' },
    awareness_template_id: { ...nullableInt, description: 'Decoy extension' },
    language_id: { ...nullableInt, description: 'Decoy extension' },
    approved_by: { ...nullableInt, description: 'Decoy extension: the user who approved the campaign (clients that require approval)' },
    approved_at: { ...dateTimeOut, description: 'Decoy extension' },
  },
} as const;

export function campaignResource(c: Campaign) {
  const n = c.counters;
  const links: Link[] = [
    { rel: 'self', href: `/api/campaigns/${c.id}` },
    { rel: 'client', href: `/api/clients/${c.client_id}` },
  ];
  if (c.benchmark_sector_id !== null) links.push({ rel: 'benchmark_sector', href: `/api/benchmarks/${c.benchmark_sector_id}` });
  if (c.awareness_template_id !== null) links.push({ rel: 'awareness_template', href: `/api/awareness-templates/${c.awareness_template_id}` });
  if (c.language_id !== null) links.push({ rel: 'language', href: `/api/languages/${c.language_id}` });
  return {
    id: c.id,
    created_at: lucyDate(c.created_at),
    started_at: lucyDate(c.started_at),
    stopped_at: lucyDate(c.stopped_at),
    client_id: c.client_id,
    benchmark_sector_id: c.benchmark_sector_id,
    name: c.name,
    status: c.status,
    stop_date: lucyDate(c.stop_date),
    recipients: n.recipients,
    submitted: n.submitted,
    lure_submitted: n.lure_submitted,
    opened: n.opened,
    clicked: n.clicked,
    succeeded: n.succeeded,
    vulnerable: n.vulnerable,
    errors: n.errors,
    reported: n.reported,
    invalid_submits: n.invalid_submits,
    awareness_submitted: n.awareness_submitted,
    awareness_opened: n.awareness_opened,
    awareness_completed: n.awareness_completed,
    awareness_average_score: n.awareness_average_score,
    awareness_average_percent: n.awareness_average_percent,
    awareness_average_time: n.awareness_average_time,
    awareness_rescheduled: n.awareness_rescheduled,
    custom_fields: parseJsonArray<string>(c.custom_fields),
    links,
    stop_report: yes(c.stop_report),
    stop_report_format: c.stop_report_format,
    stop_report_font_family: c.stop_report_font_family,
    stop_report_font_size: c.stop_report_font_size,
    stop_report_template: c.stop_report_template,
    stop_report_sections: parseJsonArray<number>(c.stop_report_sections),
    stop_report_scenarios: parseJsonArray<number>(c.stop_report_scenarios),
    stop_report_email: c.stop_report_email,
    awareness_template_id: c.awareness_template_id,
    language_id: c.language_id,
    approved_by: c.approved_by,
    approved_at: lucyDate(c.approved_at),
    schedule: parseSchedule(c.schedule),
  };
}

type CampaignBody = Omit<CampaignInput, 'stop_date'> & { stop_date?: string | null };

function campaignInput(body: CampaignBody): CampaignInput {
  const schedule = body.schedule && { ...body.schedule, start: storedDate(body.schedule.start), end: storedDate(body.schedule.end) };
  return { ...body, schedule, stop_date: body.stop_date === undefined ? undefined : storedDate(body.stop_date) };
}

/** Lucy's Recipient Group resource, as listed inside a campaign or scenario. */
export const recipientGroupSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, usb_attack: { type: 'boolean' }, links: linksSchema },
} as const;

export function recipientGroupResource(g: RecipientGroupRow) {
  return { id: g.id, name: g.name, usb_attack: yes(g.usb_attack), links: [{ rel: 'self', href: `/api/recipient-groups/${g.id}` }] };
}

export const groupRefBody = { type: 'object', required: ['id'], properties: { id: idSchema } } as const;
export const oneGroup = { 200: { type: 'object', properties: { recipient_group: recipientGroupSchema } }, ...errorResponses } as const;
export const groupList = { 200: { type: 'object', properties: { recipient_groups: { type: 'array', items: recipientGroupSchema } } }, ...errorResponses } as const;

const statsSchema = {
  type: 'object',
  properties: {
    victims: { type: 'integer' },
    submitted: { type: 'integer' },
    clicks: { type: 'integer' },
    success: { type: 'integer' },
    vulnerable: { type: 'integer' },
    awareness_submitted: { type: 'integer' },
    trained: { type: 'integer' },
    report: { type: 'integer' },
    errors: { type: 'integer' },
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'integer', description: '1 created, 2 started, 3 stopped, 10/11 attack scenario added/removed, 20/21 recipient group added/removed, 50/51 awareness added/removed' },
          time: dateTimeOut,
          event: { type: 'string' },
        },
      },
    },
  },
} as const;

function statsResource(s: CampaignStats) {
  const n = s.counters;
  return {
    victims: n.victims,
    submitted: n.submitted,
    clicks: n.clicked,
    success: n.succeeded,
    vulnerable: n.vulnerable,
    awareness_submitted: n.awareness_submitted,
    trained: n.awareness_completed,
    report: n.reported,
    errors: n.errors,
    timeline: s.timeline.map((e) => ({ type: e.type, time: lucyDate(e.time), event: e.event })),
  };
}

const campaignListQuery = {
  type: 'object',
  properties: {
    ...listQuery.properties,
    status: { type: 'string', enum: [...CAMPAIGN_STATUSES], description: 'Decoy extension: only campaigns in this status' },
    q: { type: 'string', maxLength: 255, description: 'Decoy extension: part of the name (case-insensitive)' },
    client_id: { ...idSchema, description: 'Decoy extension: only this client’s campaigns' },
  },
} as const;

const one = { 200: { type: 'object', properties: { campaign: campaignSchema } }, ...errorResponses } as const;
const tags = ['campaigns'];
type IdParams = { Params: { id: number } };

export default async function campaignRoutes(app: FastifyInstance, core: Core) {
  const campaigns = core.campaigns;

  app.get<{ Querystring: ListQuery & CampaignListOptions }>(
    '/campaigns',
    {
      schema: {
        tags,
        summary: 'List campaigns',
        querystring: campaignListQuery,
        response: { 200: { type: 'object', properties: { campaigns: { type: 'array', items: campaignSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ campaigns: (await campaigns.list(req.principal, req.query)).map(campaignResource) }),
  );

  app.put<{ Body: CampaignBody }>(
    '/campaigns',
    { schema: { tags, summary: 'Create a campaign', body: campaignBody, response: one } },
    async (req) => ({ campaign: campaignResource(await campaigns.create(req.principal, campaignInput(req.body))) }),
  );

  app.get<IdParams>(
    '/campaigns/:id',
    { schema: { tags, summary: 'Get a campaign', params: idParams, response: one } },
    async (req) => ({ campaign: campaignResource(await campaigns.get(req.principal, req.params.id)) }),
  );

  app.post<IdParams & { Body: CampaignBody }>(
    '/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'Save a campaign (status, counters and dates are read-only: use /status to run or stop)',
        params: idParams,
        body: campaignBody,
        response: one,
      },
    },
    async (req) => ({ campaign: campaignResource(await campaigns.save(req.principal, req.params.id, campaignInput(req.body))) }),
  );

  app.delete<IdParams>(
    '/campaigns/:id',
    { schema: { tags, summary: 'Delete a campaign with its scenarios and awareness (409 while running)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await campaigns.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.post<IdParams & { Body: { status: StatusRequest } }>(
    '/campaigns/:id/status',
    {
      schema: {
        tags,
        summary: 'Run, stop or restart a campaign',
        description:
          'running: idle|stopped → running; stopped: running|waiting_approval → stopped; restart: stopped → running. ' +
          'When the client requires approval, running and restart go to waiting_approval until POST /api/campaigns/:id/approve, which then does what was asked (the dates stay until then). ' +
          'Any other change: 409. Starting needs at least one scenario and one recipient group, a stop_date that has not passed, ' +
          'and, for a sending window, time left in it when anyone still needs a send time (else 409, nothing changed).',
        params: idParams,
        body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: [...STATUS_REQUESTS] } } },
        response: one,
      },
    },
    async (req) => ({ campaign: campaignResource(await campaigns.changeStatus(req.principal, req.params.id, req.body.status)) }),
  );

  app.post<IdParams>(
    '/campaigns/:id/approve',
    {
      schema: {
        tags,
        summary: 'Decoy extension: approve a campaign that waits for approval (supervisor or admin); it starts, resumes or restarts running, as was asked',
        params: idParams,
        response: one,
      },
    },
    async (req) => ({ campaign: campaignResource(await campaigns.approve(req.principal, req.params.id)) }),
  );

  app.post<IdParams>(
    '/campaigns/:id/copy',
    {
      schema: {
        tags,
        summary: 'Copy a campaign with its scenarios, recipient groups, awareness and custom fields (the copy is idle)',
        params: idParams,
        response: one,
      },
    },
    async (req) => ({ campaign: campaignResource(await campaigns.copy(req.principal, req.params.id)) }),
  );

  app.get<IdParams>(
    '/campaigns/:id/stats',
    { schema: { tags, summary: 'Campaign statistics and timeline', params: idParams, response: { 200: statsSchema, ...errorResponses } } },
    async (req) => statsResource(await campaigns.stats(req.principal, req.params.id)),
  );

  app.get<IdParams & { Querystring: ListQuery }>(
    '/campaigns/:id/recipient-groups',
    { schema: { tags, summary: 'List the recipient groups of a campaign', params: idParams, querystring: listQuery, response: groupList } },
    async (req) => ({
      recipient_groups: (await campaigns.recipientGroups.listForCampaign(req.principal, req.params.id, req.query)).map(recipientGroupResource),
    }),
  );

  app.put<IdParams & { Body: { id: number } }>(
    '/campaigns/:id/recipient-groups',
    {
      schema: {
        tags,
        summary: 'Add a recipient group to a campaign (and to every scenario of it)',
        description: 'A running campaign sends to its people at once (409 if its sending window has no time left).',
        params: idParams,
        body: groupRefBody,
        response: oneGroup,
      },
    },
    async (req) => ({ recipient_group: recipientGroupResource(await campaigns.recipientGroups.addToCampaign(req.principal, req.params.id, req.body.id)) }),
  );

  app.delete<{ Params: { id: number; recipient_group_id: number } }>(
    '/campaigns/:id/recipient-groups/:recipient_group_id',
    {
      schema: {
        tags,
        summary: 'Remove a recipient group from a campaign and its scenarios (409 while running)',
        params: paramsOf('id', 'recipient_group_id'),
        response: errorResponses,
      },
    },
    async (req, reply) => {
      await campaigns.recipientGroups.removeFromCampaign(req.principal, req.params.id, req.params.recipient_group_id);
      return noContent(reply);
    },
  );
}
