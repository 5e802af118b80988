import type { FastifyInstance } from 'fastify';
import { COLLECT_DATA, MESSAGE_TYPES, SCENARIO_STATUSES, SUCCESS_ACTIONS, fullDomain, type Scenario, type ScenarioInput } from '../../core/campaigns/scenarios.ts';
import type { Core } from '../../core/index.ts';
import { groupList, groupRefBody, oneGroup, recipientGroupResource } from './campaigns.ts';
import { bool, dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, noContent, paramsOf, yes, type ListQuery } from './plumbing.ts';

const delay = { type: 'integer', minimum: 0, maximum: 1_000_000 } as const;
const email = { type: 'string', maxLength: 320 } as const;
const regexp = { type: 'string', maxLength: 1000, description: 'a JavaScript regular expression' } as const;

const scenarioProps = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  domain: { type: 'string', minLength: 1, maxLength: 253 },
  subdomain: { type: 'string', maxLength: 200 },
  language_id: idSchema,
  scenario_template_id: idSchema,
  sender_name: { type: 'string', maxLength: 255, description: 'default: the template’s sender in this language' },
  sender_email: { ...email, description: 'default: the template’s sender address in this language' },
  random_email: bool,
  redirect_url: { type: 'string', maxLength: 2048, description: 'an http(s) URL where a victim goes after success; stored as it goes in a Location header (punycode host, percent-encoded path, no line breaks)' },
  collect_data: { type: 'string', enum: [...COLLECT_DATA], description: 'default: partial' },
  login_regexp: regexp,
  password_regexp: regexp,
  forward_email: email,
  message_type: { type: 'string', enum: [...MESSAGE_TYPES] },
  double_barrel: bool,
  lure_sender_name: { type: 'string', maxLength: 255 },
  lure_sender_email: email,
  lure_random_email: bool,
  lure_delay: delay,
  lure_message_type: { type: 'string', enum: [...MESSAGE_TYPES] },
  send_awareness_link: bool,
  awareness_delay: delay,
  no_landing: bool,
  track_opened_emails: { ...bool, description: 'default: true' },
  use_reply_to: bool,
  anonymous_mode: bool,
  success_action: { type: 'string', enum: [...SUCCESS_ACTIONS], description: 'default by template type: data → post, file → download, hyperlink → click' },
} as const;

const scenarioBody = { type: 'object', required: ['name', 'domain', 'language_id', 'scenario_template_id'], properties: scenarioProps } as const;

const { lure_delay: _ld, awareness_delay: _ad, ...stringAndBoolProps } = scenarioProps;
export const scenarioSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    created_at: dateTimeOut,
    started_at: dateTimeOut,
    stopped_at: dateTimeOut,
    campaign_id: { type: 'integer' },
    ...stringAndBoolProps,
    scenario_template_id: { type: 'integer' },
    language_id: { type: 'integer' },
    full_domain: { type: 'string' },
    lure_delay: { type: 'integer' },
    awareness_delay: { type: 'integer' },
    status: { type: 'string', enum: [...SCENARIO_STATUSES] },
    recipient_count: { type: 'integer' },
    messages_sent: { type: 'integer' },
    clicks: { type: 'integer' },
    successful_attacks: { type: 'integer' },
    vulnerable_victims: { type: 'integer' },
    errors: { type: 'integer' },
    links: linksSchema,
  },
} as const;

export function scenarioResource(s: Scenario) {
  const n = s.counters;
  return {
    id: s.id,
    created_at: lucyDate(s.created_at),
    started_at: lucyDate(s.started_at),
    stopped_at: lucyDate(s.stopped_at),
    campaign_id: s.campaign_id,
    scenario_template_id: s.scenario_template_id,
    language_id: s.language_id,
    name: s.name,
    domain: s.domain,
    subdomain: s.subdomain,
    full_domain: fullDomain(s),
    sender_name: s.sender_name,
    sender_email: s.sender_email,
    random_email: yes(s.random_email),
    redirect_url: s.redirect_url,
    collect_data: s.collect_data,
    login_regexp: s.login_regexp,
    password_regexp: s.password_regexp,
    forward_email: s.forward_email,
    message_type: s.message_type,
    double_barrel: yes(s.double_barrel),
    lure_sender_name: s.lure_sender_name,
    lure_sender_email: s.lure_sender_email,
    lure_random_email: yes(s.lure_random_email),
    lure_delay: s.lure_delay,
    lure_message_type: s.lure_message_type,
    status: s.status,
    send_awareness_link: yes(s.send_awareness_link),
    awareness_delay: s.awareness_delay,
    no_landing: yes(s.no_landing),
    track_opened_emails: yes(s.track_opened_emails),
    use_reply_to: yes(s.use_reply_to),
    anonymous_mode: yes(s.anonymous_mode),
    success_action: s.success_action,
    recipient_count: n.recipient_count,
    messages_sent: n.messages_sent,
    clicks: n.clicks,
    successful_attacks: n.successful_attacks,
    vulnerable_victims: n.vulnerable_victims,
    errors: n.errors,
    links: [
      { rel: 'self', href: `/api/scenarios/${s.id}` },
      { rel: 'campaign', href: `/api/campaigns/${s.campaign_id}` },
      { rel: 'scenario_template', href: `/api/scenario-templates/${s.scenario_template_id}` },
      { rel: 'language', href: `/api/languages/${s.language_id}` },
    ],
  };
}

const one = { 200: { type: 'object', properties: { scenario: scenarioSchema } }, ...errorResponses } as const;
const tags = ['scenarios'];
type IdParams = { Params: { id: number } };

export default async function scenarioRoutes(app: FastifyInstance, core: Core) {
  const scenarios = core.campaigns.scenarios;
  const groups = core.campaigns.recipientGroups;

  app.get<IdParams & { Querystring: ListQuery }>(
    '/campaigns/:id/scenarios',
    {
      schema: {
        tags,
        summary: 'List the scenarios of a campaign',
        params: idParams,
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { scenarios: { type: 'array', items: scenarioSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ scenarios: (await scenarios.list(req.principal, req.params.id, req.query)).map(scenarioResource) }),
  );

  app.put<IdParams & { Body: ScenarioInput }>(
    '/campaigns/:id/scenarios',
    { schema: { tags, summary: 'Create a scenario in a campaign', params: idParams, body: scenarioBody, response: one } },
    async (req) => ({ scenario: scenarioResource(await scenarios.create(req.principal, req.params.id, req.body)) }),
  );

  app.get<IdParams>(
    '/scenarios/:id',
    { schema: { tags, summary: 'Get a scenario', params: idParams, response: one } },
    async (req) => ({ scenario: scenarioResource(await scenarios.get(req.principal, req.params.id)) }),
  );

  app.post<IdParams & { Body: ScenarioInput }>(
    '/scenarios/:id',
    {
      schema: {
        tags,
        summary: 'Save a scenario (while the campaign runs, template, language, domain, subdomain and message type are fixed: 409)',
        params: idParams,
        body: scenarioBody,
        response: one,
      },
    },
    async (req) => ({ scenario: scenarioResource(await scenarios.save(req.principal, req.params.id, req.body)) }),
  );

  app.delete<IdParams>(
    '/scenarios/:id',
    { schema: { tags, summary: 'Decoy extension: delete a scenario (409 while its campaign runs)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await scenarios.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<IdParams & { Querystring: ListQuery }>(
    '/scenarios/:id/recipient-groups',
    { schema: { tags, summary: 'List the recipient groups of a scenario', params: idParams, querystring: listQuery, response: groupList } },
    async (req) => ({ recipient_groups: (await groups.listForScenario(req.principal, req.params.id, req.query)).map(recipientGroupResource) }),
  );

  app.put<IdParams & { Body: { id: number } }>(
    '/scenarios/:id/recipient-groups',
    { schema: { tags, summary: 'Add a recipient group to a scenario', params: idParams, body: groupRefBody, response: oneGroup } },
    async (req) => ({ recipient_group: recipientGroupResource(await groups.addToScenario(req.principal, req.params.id, req.body.id)) }),
  );

  app.delete<{ Params: { id: number; recipient_group_id: number } }>(
    '/scenarios/:id/recipient-groups/:recipient_group_id',
    {
      schema: {
        tags,
        summary: 'Remove a recipient group from a scenario (409 while the campaign runs)',
        params: paramsOf('id', 'recipient_group_id'),
        response: errorResponses,
      },
    },
    async (req, reply) => {
      await groups.removeFromScenario(req.principal, req.params.id, req.params.recipient_group_id);
      return noContent(reply);
    },
  );
}
