import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { RecipientRow } from '../../core/people/people.ts';
import { recipientSaveSchema } from '../../core/people/recipient-input.ts';
import { dateTimeOut, errorResponses, idParams, linksSchema, lucyDate, noContent, parseJsonArray, yes } from './plumbing.ts';

const text = { type: 'string' } as const;

/** The Recipient resource, in the spec's order. */
export const recipientSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    last_tested: dateTimeOut,
    recipient_group_id: { type: 'integer' },
    language_id: { type: ['integer', 'null'] },
    email: text,
    name: text,
    phone: text,
    staff_type: text,
    location: text,
    division: text,
    comment: text,
    link: text,
    gender: text,
    ldap_based: { type: 'boolean' },
    firstname: text,
    lastname: text,
    objectguid: text,
    external_id: text,
    links: linksSchema,
    custom_fields: { type: 'array', items: text },
  },
} as const;

export function recipientResource(r: RecipientRow) {
  return {
    id: r.id,
    last_tested: lucyDate(r.last_tested),
    recipient_group_id: r.recipient_group_id,
    language_id: r.language_id,
    email: r.email,
    name: r.name,
    phone: r.phone,
    staff_type: r.staff_type,
    location: r.location,
    division: r.division,
    comment: r.comment,
    link: r.link,
    gender: r.gender,
    ldap_based: yes(r.ldap_based),
    firstname: r.firstname,
    lastname: r.lastname,
    objectguid: r.objectguid,
    external_id: r.external_id,
    links: [
      { rel: 'recipient_group', href: `/api/recipient-groups/${r.recipient_group_id}` },
      ...(r.language_id !== null ? [{ rel: 'language', href: `/api/languages/${r.language_id}` }] : []),
    ],
    custom_fields: parseJsonArray<string>(r.custom_fields).map(String),
  };
}

const one = { 200: { type: 'object', properties: { recipient: recipientSchema } }, ...errorResponses };
const tags = ['recipients'];

export default async function recipientRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Params: { id: number } }>(
    '/recipients/:id',
    { schema: { tags, summary: 'Get a recipient', params: idParams, response: one } },
    async (req) => ({ recipient: recipientResource(await core.people.getRecipient(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: unknown }>(
    '/recipients/:id',
    {
      schema: {
        tags,
        summary: 'Save a recipient',
        description:
          'Mandatory: name. Absent fields keep their value. `recipient_group_id` moves the recipient to another group of the same client; `language_id` must be a language from GET /api/languages.',
        params: idParams,
        body: recipientSaveSchema,
        response: one,
      },
    },
    async (req) => ({ recipient: recipientResource(await core.people.saveRecipient(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/recipients/:id',
    { schema: { tags, summary: 'Delete a recipient', params: idParams } },
    async (req, reply) => {
      await core.people.deleteRecipient(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
