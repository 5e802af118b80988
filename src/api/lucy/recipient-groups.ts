import type { FastifyInstance, FastifySchema } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { RecipientGroupInput, RecipientGroupRow } from '../../core/people/people.ts';
import { MAX_BULK_RECIPIENTS, recipientCreateSchema } from '../../core/people/recipient-input.ts';
import { bool, errorResponses, idParams, linksSchema, listQuery, noContent, nullableIdSchema, yes, type ListQuery } from './plumbing.ts';
import { recipientResource, recipientSchema } from './recipients.ts';

const groupProps = {
  id: { type: 'integer' },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  usb_attack: bool,
} as const;

export const recipientGroupSchema = {
  type: 'object',
  properties: {
    ...groupProps,
    client_id: { type: 'integer', description: 'Decoy extension: the client the group belongs to' },
    recipient_count: { type: 'integer', description: 'Decoy extension: how many recipients the group has' },
    links: linksSchema,
  },
} as const;

const groupBody = {
  type: 'object',
  required: ['name', 'usb_attack'],
  properties: {
    ...groupProps,
    client_id: { ...nullableIdSchema, description: 'Decoy extension: the client a super admin creates the group for (default: the acting or default client)' },
  },
} as const;

export function recipientGroupResource(g: RecipientGroupRow) {
  return {
    id: g.id,
    name: g.name,
    usb_attack: yes(g.usb_attack),
    client_id: g.client_id,
    recipient_count: g.recipient_count,
    links: [
      { rel: 'self', href: `/api/recipient-groups/${g.id}` },
      { rel: 'recipients', href: `/api/recipient-groups/${g.id}/recipients` },
    ],
  };
}

/**
 * What the OpenAPI document shows for PUT .../recipients: one Recipient or an array of them.
 * Validation of that shape is done row by row in core (one compiled validator, errors naming
 * the row), so fastify only checks the outer shape; see `bulkValidator` below.
 */
const addRecipientsBody = {
  description: `One Recipient, or an array of at most ${MAX_BULK_RECIPIENTS} Recipients created in one transaction (a bad row rejects the whole request, naming the row: \`recipients[3].email: is required\`). Mandatory: name, email.`,
  anyOf: [recipientCreateSchema, { type: 'array', maxItems: MAX_BULK_RECIPIENTS, items: recipientCreateSchema }],
} as const;
const addRecipientsOuterShape = { type: ['object', 'array'], maxItems: MAX_BULK_RECIPIENTS } as const;

const one = { 200: { type: 'object', properties: { recipient_group: recipientGroupSchema } }, ...errorResponses };
const tags = ['recipient groups'];

export default async function recipientGroupRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery }>(
    '/recipient-groups',
    {
      schema: {
        tags,
        summary: 'List recipient groups',
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { recipient_groups: { type: 'array', items: recipientGroupSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ recipient_groups: (await core.people.listGroups(req.principal, req.query)).map(recipientGroupResource) }),
  );

  app.put<{ Body: RecipientGroupInput }>(
    '/recipient-groups',
    { schema: { tags, summary: 'Create a recipient group', body: groupBody, response: one } },
    async (req) => ({ recipient_group: recipientGroupResource(await core.people.createGroup(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/recipient-groups/:id',
    { schema: { tags, summary: 'Get a recipient group', params: idParams, response: one } },
    async (req) => ({ recipient_group: recipientGroupResource(await core.people.getGroup(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: RecipientGroupInput }>(
    '/recipient-groups/:id',
    { schema: { tags, summary: 'Save a recipient group', params: idParams, body: groupBody, response: one } },
    async (req) => ({ recipient_group: recipientGroupResource(await core.people.saveGroup(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/recipient-groups/:id',
    { schema: { tags, summary: 'Delete a recipient group and its recipients', description: '409 while a running campaign sends to the group; otherwise each campaign it was part of records its removal (event 21). Victims stay.', params: idParams } },
    async (req, reply) => {
      await core.people.deleteGroup(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<{ Params: { id: number }; Querystring: ListQuery }>(
    '/recipient-groups/:id/recipients',
    {
      schema: {
        tags,
        summary: 'List the recipients of a group',
        params: idParams,
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { recipients: { type: 'array', items: recipientSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ recipients: (await core.people.listRecipients(req.principal, req.params.id, req.query)).map(recipientResource) }),
  );

  app.put<{ Params: { id: number }; Body: unknown }>(
    '/recipient-groups/:id/recipients',
    {
      schema: { tags, summary: 'Create one recipient, or many in one request', params: idParams, body: addRecipientsBody, response: one },
      // The documented body schema would check every row twice and name no row; core does it.
      validatorCompiler: (route) => {
        const compile = app.validatorCompiler;
        if (!compile) throw new Error('the server has no validator compiler');
        return compile(route.httpPart === 'body' ? { ...route, schema: addRecipientsOuterShape as FastifySchema } : route);
      },
    },
    async (req) => ({ recipient_group: recipientGroupResource(await core.people.addRecipients(req.principal, req.params.id, req.body)) }),
  );
}
