import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { ClientInput, ClientRow } from '../../core/tenants/clients.ts';
import { invalid } from '../../errors.ts';
import { bool, errorResponses, idParams, idSchema, listQuery, noContent, shortStr, str, yes, type ListQuery } from './plumbing.ts';

const clientProps = {
  id: { type: 'integer' },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  slug: { type: 'string', maxLength: 64, description: 'Decoy extension: URL-safe unique name, the PhishLine instance name' },
  country: shortStr,
  state: shortStr,
  city: shortStr,
  address: str,
  postcode: shortStr,
  website: shortStr,
  email: shortStr,
  phone: shortStr,
  fax: shortStr,
  contact: shortStr,
  timezone: { type: 'string', maxLength: 64, description: 'Decoy extension: IANA time zone for business-hours scheduling' },
  require_approval: { ...bool, description: 'Decoy extension: campaigns wait for a supervisor before sending' },
} as const;

export const clientSchema = { type: 'object', properties: { ...clientProps, links: { type: 'array' } } } as const;
const clientBody = { type: 'object', required: ['name'], properties: clientProps } as const;
const clientSaveBody = { type: 'object', required: ['id', 'name'], properties: { ...clientProps, id: idSchema } } as const;

export function clientResource(c: ClientRow) {
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    country: c.country,
    state: c.state,
    city: c.city,
    address: c.address,
    postcode: c.postcode,
    website: c.website,
    email: c.email,
    phone: c.phone,
    fax: c.fax,
    contact: c.contact,
    timezone: c.timezone,
    require_approval: yes(c.require_approval),
    links: [{ rel: 'self', href: `/api/clients/${c.id}` }],
  };
}

const one = { 200: { type: 'object', properties: { client: clientSchema } }, ...errorResponses };
const tags = ['clients'];

export default async function clientRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery }>(
    '/clients',
    { schema: { tags, summary: 'List clients (tenants)', querystring: listQuery, response: { 200: { type: 'object', properties: { clients: { type: 'array', items: clientSchema } } } } } },
    async (req) => ({ clients: (await core.clients.list(req.principal, req.query)).map(clientResource) }),
  );

  app.put<{ Body: ClientInput }>(
    '/clients',
    { schema: { tags, summary: 'Create a client (super admin)', body: clientBody, response: one } },
    async (req) => ({ client: clientResource(await core.clients.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/clients/:id',
    { schema: { tags, summary: 'Get a client', params: idParams, response: one } },
    async (req) => ({ client: clientResource(await core.clients.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: ClientInput & { id: number } }>(
    '/clients/:id',
    { schema: { tags, summary: 'Save a client', params: idParams, body: clientSaveBody, response: one } },
    async (req) => {
      if (req.body.id !== req.params.id) throw invalid(`id: ${req.body.id} does not match the id in the path (${req.params.id})`);
      return { client: clientResource(await core.clients.save(req.principal, req.params.id, req.body)) };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/clients/:id',
    { schema: { tags, summary: 'Delete a client and everything it owns (super admin)', params: idParams } },
    async (req, reply) => {
      await core.clients.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
