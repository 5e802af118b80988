import type { FastifyInstance } from 'fastify';
import type { CampaignCustomFieldInput } from '../../core/campaigns/custom-fields.ts';
import type { CampaignCustomFieldRow } from '../../core/campaigns/shared.ts';
import type { Core } from '../../core/index.ts';
import { errorResponses, idParams, idSchema, linksSchema, listQuery, noContent, type ListQuery } from './plumbing.ts';

const fieldProps = {
  campaign_id: idSchema,
  name: { type: 'string', minLength: 1, maxLength: 255 },
} as const;

export const campaignCustomFieldSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, campaign_id: { type: 'integer' }, name: { type: 'string' }, links: linksSchema },
} as const;

export function campaignCustomFieldResource(f: CampaignCustomFieldRow) {
  return {
    id: f.id,
    campaign_id: f.campaign_id,
    name: f.name,
    links: [
      { rel: 'self', href: `/api/campaign-custom-fields/${f.id}` },
      { rel: 'campaign', href: `/api/campaigns/${f.campaign_id}` },
    ],
  };
}

// Lucy spells these wrapper keys with dashes.
const one = { 200: { type: 'object', properties: { 'campaign-custom-field': campaignCustomFieldSchema } }, ...errorResponses } as const;
const tags = ['campaigns'];

export default async function campaignCustomFieldRoutes(app: FastifyInstance, core: Core) {
  const fields = core.campaigns.customFields;

  app.get<{ Querystring: ListQuery & { campaign_id?: number } }>(
    '/campaign-custom-fields',
    {
      schema: {
        tags,
        summary: 'List campaign custom fields',
        querystring: {
          type: 'object',
          properties: { ...listQuery.properties, campaign_id: { ...idSchema, description: 'Decoy extension: only this campaign’s fields' } },
        },
        response: {
          200: { type: 'object', properties: { 'campaign-custom-fields': { type: 'array', items: campaignCustomFieldSchema } } },
          ...errorResponses,
        },
      },
    },
    async (req) => ({ 'campaign-custom-fields': (await fields.list(req.principal, req.query)).map(campaignCustomFieldResource) }),
  );

  app.put<{ Body: CampaignCustomFieldInput & { campaign_id: number } }>(
    '/campaign-custom-fields',
    {
      schema: { tags, summary: 'Create a campaign custom field', body: { type: 'object', required: ['campaign_id', 'name'], properties: fieldProps }, response: one },
    },
    async (req) => ({ 'campaign-custom-field': campaignCustomFieldResource(await fields.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/campaign-custom-fields/:id',
    { schema: { tags, summary: 'Get a campaign custom field', params: idParams, response: one } },
    async (req) => ({ 'campaign-custom-field': campaignCustomFieldResource(await fields.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: CampaignCustomFieldInput }>(
    '/campaign-custom-fields/:id',
    {
      schema: {
        tags,
        summary: 'Save a campaign custom field (campaign_id may move it to another campaign of the same client)',
        params: idParams,
        body: { type: 'object', required: ['name'], properties: fieldProps },
        response: one,
      },
    },
    async (req) => ({ 'campaign-custom-field': campaignCustomFieldResource(await fields.save(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/campaign-custom-fields/:id',
    { schema: { tags, summary: 'Delete a campaign custom field', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await fields.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
