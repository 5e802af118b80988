import type { FastifyInstance } from 'fastify';
import type { TrackingEventRow } from '../../core/campaigns/victims.ts';
import type { Core } from '../../core/index.ts';
import type { MessageKind, VictimRow } from '../../core/sending/outbox.ts';
import { dateTimeOut, errorResponses, idParams, idSchema, listQuery, lucyDate, parseJsonArray, type ListQuery } from './plumbing.ts';

const victimProps = {
  id: { type: 'integer' },
  recipient_id: { type: ['integer', 'null'] },
  campaign_id: { type: 'integer', description: 'Decoy extension' },
  scenario_id: { type: 'integer', description: 'Decoy extension' },
  lure_submitted_at: dateTimeOut,
  submitted_at: { ...dateTimeOut, description: 'the attack message was handed to the mail server' },
  awareness_submitted_at: dateTimeOut,
  opened_at: dateTimeOut,
  clicked_at: dateTimeOut,
  succeeded_at: { ...dateTimeOut, description: "the attack succeeded by the scenario's success_action" },
  trained_at: dateTimeOut,
  reported_at: dateTimeOut,
  send_at: { ...dateTimeOut, description: 'Decoy extension: when the attack message is (or was) due' },
  os: { type: 'string' },
  browser: { type: 'string' },
  ip: { type: 'string' },
  proxy_ip: { type: 'string' },
  country: { type: 'string' },
  plugins: { type: 'string' },
  clicks: { type: 'integer' },
  opens: { type: 'integer', description: 'Decoy extension' },
  submits: { type: 'integer', description: 'Decoy extension' },
  vulnerable: { type: 'boolean', description: "Decoy extension: the victim's browser or operating system is out of date" },
  email: { type: 'string' },
  name: { type: 'string' },
  phone: { type: 'string' },
  staff_type: { type: 'string' },
  location: { type: 'string' },
  division: { type: 'string' },
  comment: { type: 'string' },
  link: { type: 'string' },
  average_quiz_score: { type: ['integer', 'null'] },
  error: { type: 'boolean' },
  error_time: dateTimeOut,
  error_text: { type: 'string' },
  links: { type: 'array', items: { type: 'object', properties: { rel: { type: 'string' }, href: { type: 'string' } } } },
} as const;
const victimSchema = { type: 'object', properties: victimProps } as const;

export function victimResource(v: VictimRow) {
  return {
    id: v.id,
    recipient_id: v.recipient_id,
    campaign_id: v.campaign_id,
    scenario_id: v.scenario_id,
    lure_submitted_at: lucyDate(v.lure_submitted_at),
    submitted_at: lucyDate(v.submitted_at),
    awareness_submitted_at: lucyDate(v.awareness_submitted_at),
    opened_at: lucyDate(v.opened_at),
    clicked_at: lucyDate(v.clicked_at),
    succeeded_at: lucyDate(v.succeeded_at),
    trained_at: lucyDate(v.trained_at),
    reported_at: lucyDate(v.reported_at),
    send_at: lucyDate(v.send_at),
    os: v.os,
    browser: v.browser,
    ip: v.ip,
    proxy_ip: v.proxy_ip,
    country: v.country,
    plugins: v.plugins,
    clicks: v.clicks,
    opens: v.opens,
    submits: v.submits,
    vulnerable: v.vulnerable === 1,
    email: v.email,
    name: v.name,
    phone: v.phone,
    staff_type: v.staff_type,
    location: v.location,
    division: v.division,
    comment: v.comment,
    link: v.link,
    average_quiz_score: v.average_quiz_score,
    error: v.error === 1,
    error_time: lucyDate(v.error_time),
    error_text: v.error_text,
    links: [
      { rel: 'self', href: `/api/victims/${v.id}` },
      ...(v.recipient_id ? [{ rel: 'recipient', href: `/api/recipients/${v.recipient_id}` }] : []),
      { rel: 'events', href: `/api/victims/${v.id}/events` },
    ],
  };
}

const eventSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    type: { type: 'string', description: 'open | click | landing | submit | download | file_data | report | ...' },
    time: dateTimeOut,
    verdict: { type: 'string', enum: ['human', 'automated'] },
    reasons: { type: 'array', items: { type: 'string' }, description: 'why the hit was judged automated (empty for people)' },
    ip: { type: 'string' },
    proxy_ip: { type: 'string' },
    user_agent: { type: 'string' },
    os: { type: 'string' },
    browser: { type: 'string' },
    country: { type: 'string' },
    data: { type: 'object', additionalProperties: true, description: 'what the hit carried (submitted field names, masked values as the scenario collects them; never passwords)' },
  },
} as const;

function eventResource(e: TrackingEventRow) {
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    data = {};
  }
  return { ...e, time: lucyDate(e.time), reasons: parseJsonArray<string>(e.reasons), data };
}

const errorSchema = {
  type: 'object',
  properties: {
    victim_id: { type: 'integer' },
    recipient_id: { type: ['integer', 'null'] },
    name: { type: 'string' },
    email: { type: 'string' },
    error_text: { type: 'string' },
    error_time: dateTimeOut,
    error_type: { type: 'string', enum: ['attack', 'awareness', 'lure', ''] },
  },
} as const;

const list = (key: string, items: object) => ({ 200: { type: 'object', properties: { [key]: { type: 'array', items } } }, ...errorResponses });
const tags = ['victims'];

export default async function victimRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Params: { id: number }; Querystring: ListQuery & { q?: string } }>(
    '/campaigns/:id/victims',
    {
      schema: {
        tags,
        summary: 'Victims of a campaign (one person in one scenario)',
        params: idParams,
        querystring: { type: 'object', properties: { ...listQuery.properties, q: { type: 'string', maxLength: 255, description: 'Decoy extension: part of the name or email address (case-insensitive)' } } },
        response: list('victims', victimSchema),
      },
    },
    async (req) => ({ victims: (await core.victims.ofCampaign(req.principal, req.params.id, req.query)).map(victimResource) }),
  );

  app.get<{ Params: { id: number }; Querystring: ListQuery }>(
    '/scenarios/:id/victims',
    { schema: { tags, summary: 'Victims of a scenario', params: idParams, querystring: listQuery, response: list('victims', victimSchema) } },
    async (req) => ({ victims: (await core.victims.ofScenario(req.principal, req.params.id, req.query)).map(victimResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/victims/:id',
    { schema: { tags, summary: 'A victim (Decoy extension)', params: idParams, response: { 200: { type: 'object', properties: { victim: victimSchema } }, ...errorResponses } } },
    async (req) => ({ victim: victimResource(await core.victims.get(req.principal, req.params.id)) }),
  );

  app.get<{ Params: { id: number }; Querystring: ListQuery }>(
    '/victims/:id/events',
    {
      schema: {
        tags,
        summary: "Every hit on a victim's links with its verdict (human or automated) and the reasons (Decoy extension)",
        params: idParams,
        querystring: listQuery,
        response: list('events', eventSchema),
      },
    },
    async (req) => ({ events: (await core.victims.events(req.principal, req.params.id, req.query)).map(eventResource) }),
  );

  app.get<{ Params: { id: number }; Querystring: ListQuery }>(
    '/campaigns/:id/errors',
    { schema: { tags, summary: 'Victims whose message could not be delivered', params: idParams, querystring: listQuery, response: list('errors', errorSchema) } },
    async (req) => ({
      errors: (await core.victims.errors(req.principal, req.params.id, req.query)).map((v) => ({
        victim_id: v.id,
        recipient_id: v.recipient_id,
        name: v.name,
        email: v.email,
        error_text: v.error_text,
        error_time: lucyDate(v.error_time),
        error_type: v.error_type,
      })),
    }),
  );

  app.post<{ Params: { victim_id: number; message_type: MessageKind } }>(
    '/campaigns/victims/:victim_id/re-send/:message_type',
    {
      schema: {
        tags,
        summary: 'Send a message of a victim again, now',
        description:
          "Its attempts start afresh. A message that had gone out stays recorded as sent (submitted_at, the counters) until the new one goes, which moves submitted_at forward and counts nothing twice. 400 when the scenario has no lure (lure) or none of the campaign's awareness applies to the victim's scenario (awareness); 409 when the campaign is not running.",
        params: {
          type: 'object',
          required: ['victim_id', 'message_type'],
          properties: { victim_id: idSchema, message_type: { type: 'string', enum: ['attack', 'lure', 'awareness'] } },
        },
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (req) => {
      await core.victims.resend(req.principal, req.params.victim_id, req.params.message_type);
      return { status: 'ok' };
    },
  );
}
