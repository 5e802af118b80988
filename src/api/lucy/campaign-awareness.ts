import type { FastifyInstance } from 'fastify';
import type { Awareness, AwarenessInput } from '../../core/campaigns/awareness.ts';
import type { Core } from '../../core/index.ts';
import { bool, errorResponses, idParams, idSchema, linksSchema, listQuery, noContent, nullableIdSchema, paramsOf, yes, type ListQuery } from './plumbing.ts';

const riskLevel = { type: 'integer', minimum: 0, maximum: 100 } as const;

const awarenessProps = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  template_id: idSchema,
  language_id: idSchema,
  website_online: { ...bool, description: 'default: true' },
  sender_email: { type: 'string', maxLength: 320, description: 'default: the template’s sender' },
  sender_name: { type: 'string', maxLength: 255, description: 'default: the template’s sender name' },
  subject: { type: 'string', maxLength: 998, description: 'default: the template’s subject in this language' },
  domain: { type: 'string', minLength: 1, maxLength: 253 },
  quiz: bool,
  risk_level: riskLevel,
  website_type: { type: 'integer', enum: [1, 2], description: '1 regular awareness, 2 adaptive learning' },
  course_id: nullableIdSchema,
  scenarios: {
    type: 'array',
    maxItems: 1000,
    description: 'scenarios of this campaign that lead to this awareness, with a risk level each',
    items: { type: 'object', required: ['scenario_id'], properties: { scenario_id: idSchema, risk_level: riskLevel } },
  },
} as const;

const awarenessBody = { type: 'object', required: ['name', 'domain', 'language_id', 'template_id'], properties: awarenessProps } as const;

export const awarenessSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    campaign_id: { type: 'integer' },
    template_id: { type: 'integer' },
    language_id: { type: 'integer' },
    website_online: { type: 'boolean' },
    sender_email: { type: 'string' },
    sender_name: { type: 'string' },
    subject: { type: 'string' },
    domain: { type: 'string' },
    quiz: { type: 'boolean' },
    risk_level: { type: 'integer' },
    public_id: { type: 'string', description: 'random and unguessable; identifies the awareness on the learner-facing site' },
    website_type: { type: 'integer' },
    course_id: { type: ['integer', 'null'] },
    links: linksSchema,
    scenarios: { type: 'array', items: { type: 'object', properties: { scenario_id: { type: 'integer' }, risk_level: { type: 'integer' } } } },
  },
} as const;

export function awarenessResource(a: Awareness) {
  return {
    id: a.id,
    name: a.name,
    campaign_id: a.campaign_id,
    template_id: a.template_id,
    language_id: a.language_id,
    website_online: yes(a.website_online),
    sender_email: a.sender_email,
    sender_name: a.sender_name,
    subject: a.subject,
    domain: a.domain,
    quiz: yes(a.quiz),
    risk_level: a.risk_level,
    public_id: a.public_id,
    website_type: a.website_type,
    course_id: a.course_id,
    links: [
      { rel: 'self', href: `/api/campaigns/${a.campaign_id}/awareness/${a.id}` },
      { rel: 'campaign', href: `/api/campaigns/${a.campaign_id}` },
      { rel: 'awareness_template', href: `/api/awareness-templates/${a.template_id}` },
      { rel: 'language', href: `/api/languages/${a.language_id}` },
    ],
    scenarios: a.scenarios,
  };
}

const one = { 200: { type: 'object', properties: { awareness: awarenessSchema } }, ...errorResponses } as const;
const tags = ['campaigns'];
const itemParams = paramsOf('id', 'awareness_id');
type ItemParams = { Params: { id: number; awareness_id: number } };

export default async function campaignAwarenessRoutes(app: FastifyInstance, core: Core) {
  const awareness = core.campaigns.awareness;

  app.get<{ Params: { id: number }; Querystring: ListQuery }>(
    '/campaigns/:id/awareness',
    {
      schema: {
        tags,
        summary: 'List the awareness of a campaign',
        params: idParams,
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { awareness: { type: 'array', items: awarenessSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ awareness: (await awareness.list(req.principal, req.params.id, req.query)).map(awarenessResource) }),
  );

  app.put<{ Params: { id: number }; Body: AwarenessInput }>(
    '/campaigns/:id/awareness',
    { schema: { tags, summary: 'Create awareness in a campaign', params: idParams, body: awarenessBody, response: one } },
    async (req) => ({ awareness: awarenessResource(await awareness.create(req.principal, req.params.id, req.body)) }),
  );

  app.get<ItemParams>(
    '/campaigns/:id/awareness/:awareness_id',
    { schema: { tags, summary: 'Decoy extension: get one awareness of a campaign', params: itemParams, response: one } },
    async (req) => ({ awareness: awarenessResource(await awareness.get(req.principal, req.params.id, req.params.awareness_id)) }),
  );

  app.post<ItemParams & { Body: AwarenessInput }>(
    '/campaigns/:id/awareness/:awareness_id',
    {
      schema: {
        tags,
        summary: 'Decoy extension: save an awareness of a campaign (scenarios, when given, replace the list)',
        params: itemParams,
        body: awarenessBody,
        response: one,
      },
    },
    async (req) => ({ awareness: awarenessResource(await awareness.save(req.principal, req.params.id, req.params.awareness_id, req.body)) }),
  );

  app.delete<ItemParams>(
    '/campaigns/:id/awareness/:awareness_id',
    { schema: { tags, summary: 'Decoy extension: remove an awareness from a campaign (409 while running)', params: itemParams, response: errorResponses } },
    async (req, reply) => {
      await awareness.delete(req.principal, req.params.id, req.params.awareness_id);
      return noContent(reply);
    },
  );
}
