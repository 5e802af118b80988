import type { FastifyInstance } from 'fastify';
import type { UserInput, UserRow } from '../../core/access/access.ts';
import { PERMISSION_GROUPS, ROLE_GROUPS } from '../../core/access/principal.ts';
import type { Core } from '../../core/index.ts';
import { bool, dateTimeOut, errorResponses, idParams, listQuery, lucyDate, noContent, nullableIdSchema, parseJsonArray, yes, type ListQuery } from './plumbing.ts';

const userProps = {
  id: { type: 'integer', minimum: 1, maximum: 2147483647 },
  email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' },
  password: { type: 'string', minLength: 10, maxLength: 1024, description: 'write only' },
  name: { type: 'string', maxLength: 255 },
  role_group: { type: 'string', enum: [...ROLE_GROUPS] },
  client_id: { ...nullableIdSchema, description: 'null: a super admin (only a super admin may set this)' },
  api_only: { ...bool, description: 'API users can use the APIs (Lucy, PhishLine, Security Journey) but never sign in to the UI' },
  permissions: { type: 'array', maxItems: 10, items: { type: 'string', enum: [...PERMISSION_GROUPS] } },
} as const;

const { password: _pw, ...outProps } = userProps;
export const userSchema = {
  type: 'object',
  properties: { ...outProps, created_at: dateTimeOut, updated_at: dateTimeOut, links: { type: 'array' } },
} as const;

export function userResource(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role_group: u.role_group,
    client_id: u.client_id,
    api_only: yes(u.api_only),
    permissions: parseJsonArray<string>(u.permissions),
    created_at: lucyDate(u.created_at),
    updated_at: lucyDate(u.updated_at),
    links: [
      { rel: 'self', href: `/api/users/${u.id}` },
      ...(u.client_id ? [{ rel: 'client', href: `/api/clients/${u.client_id}` }] : []),
    ],
  };
}

const one = { 200: { type: 'object', properties: { user: userSchema } }, ...errorResponses };
const tags = ['users'];

export default async function userRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery }>(
    '/users',
    { schema: { tags, summary: 'List users (admin)', querystring: listQuery, response: { 200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } } } } },
    async (req) => ({ users: (await core.access.listUsers(req.principal, req.query)).map(userResource) }),
  );

  app.put<{ Body: UserInput }>(
    '/users',
    { schema: { tags, summary: 'Create a user (admin)', body: { type: 'object', required: ['email', 'password', 'role_group'], properties: userProps }, response: one } },
    async (req) => ({ user: userResource(await core.access.createUser(req.principal, req.body)) }),
  );

  app.get(
    '/users/me',
    { schema: { tags, summary: 'Decoy extension: the signed-in user (any role), so that a client can learn its role and client', response: one } },
    async (req) => ({ user: userResource(await core.access.getUser(req.principal, req.principal.userId)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/users/:id',
    { schema: { tags, summary: 'Get a user', params: idParams, response: one } },
    async (req) => ({ user: userResource(await core.access.getUser(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: UserInput }>(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Save a user (password optional: omitted keeps the current one)',
        params: idParams,
        body: { type: 'object', required: ['email', 'role_group'], properties: userProps },
        response: one,
      },
    },
    async (req) => ({ user: userResource(await core.access.saveUser(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/users/:id',
    { schema: { tags, summary: 'Delete a user (admin)', params: idParams } },
    async (req, reply) => {
      await core.access.deleteUser(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
