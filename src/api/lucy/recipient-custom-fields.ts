import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { RecipientCustomFieldInput, RecipientCustomFieldRow } from '../../core/people/people.ts';
import { errorResponses, idParams, listQuery, noContent, nullableIdSchema, type ListQuery } from './plumbing.ts';

const fieldProps = {
  id: { type: 'integer' },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  ldap_attribute: { type: 'string', maxLength: 255, description: 'the directory attribute the value is synchronised from' },
} as const;

export const recipientCustomFieldSchema = { type: 'object', properties: fieldProps } as const;

const createBody = {
  type: 'object',
  required: ['name'],
  properties: {
    ...fieldProps,
    client_id: { ...nullableIdSchema, description: 'Decoy extension: the client a super admin creates the field for' },
  },
} as const;
const saveBody = { type: 'object', properties: fieldProps } as const;

export function recipientCustomFieldResource(f: RecipientCustomFieldRow) {
  return { id: f.id, name: f.name, ldap_attribute: f.ldap_attribute };
}

// The spec spells these wrapper keys with dashes (unlike recipient_group).
const one = { 200: { type: 'object', properties: { 'recipient-custom-field': recipientCustomFieldSchema } }, ...errorResponses };
const tags = ['recipient custom fields'];

export default async function recipientCustomFieldRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery }>(
    '/recipient-custom-fields',
    {
      schema: {
        tags,
        summary: 'List recipient custom fields',
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { 'recipient-custom-fields': { type: 'array', items: recipientCustomFieldSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ 'recipient-custom-fields': (await core.people.listCustomFields(req.principal, req.query)).map(recipientCustomFieldResource) }),
  );

  app.put<{ Body: RecipientCustomFieldInput & { client_id?: number | null } }>(
    '/recipient-custom-fields',
    { schema: { tags, summary: 'Create a recipient custom field (name unique per client)', body: createBody, response: one } },
    async (req) => ({ 'recipient-custom-field': recipientCustomFieldResource(await core.people.createCustomField(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/recipient-custom-fields/:id',
    { schema: { tags, summary: 'Get a recipient custom field', params: idParams, response: one } },
    async (req) => ({ 'recipient-custom-field': recipientCustomFieldResource(await core.people.getCustomField(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: RecipientCustomFieldInput }>(
    '/recipient-custom-fields/:id',
    { schema: { tags, summary: 'Save a recipient custom field (absent fields keep their value)', params: idParams, body: saveBody, response: one } },
    async (req) => ({
      'recipient-custom-field': recipientCustomFieldResource(await core.people.saveCustomField(req.principal, req.params.id, req.body)),
    }),
  );

  app.delete<{ Params: { id: number } }>(
    '/recipient-custom-fields/:id',
    { schema: { tags, summary: 'Delete a recipient custom field', params: idParams } },
    async (req, reply) => {
      await core.people.deleteCustomField(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
