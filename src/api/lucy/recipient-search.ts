/**
 * Searching a recipient group (Decoy extension in Lucy's style): the group's recipients whose
 * email or name contains `q`, with Lucy's sort/offset/limit.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { RecipientSearch } from '../../core/people/recipient-search.ts';
import { errorResponses, idParams, listQuery } from './plumbing.ts';
import { recipientResource, recipientSchema } from './recipients.ts';

export default async function recipientSearchRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Params: { id: number }; Querystring: RecipientSearch }>(
    '/recipient-groups/:id/recipients/search',
    {
      schema: {
        tags: ['recipient groups'],
        summary: 'Find recipients of a group by part of their email or name (Decoy extension)',
        params: idParams,
        querystring: {
          ...listQuery,
          properties: { ...listQuery.properties, q: { type: 'string', maxLength: 255, description: 'part of the email, name, first or last name (case-insensitive); empty: everyone' } },
        },
        response: { 200: { type: 'object', properties: { recipients: { type: 'array', items: recipientSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ recipients: (await core.recipientSearch.search(req.principal, req.params.id, req.query)).map(recipientResource) }),
  );
}
