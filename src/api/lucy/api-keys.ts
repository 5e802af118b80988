import type { FastifyInstance } from 'fastify';
import type { ApiKeyInput, ApiKeyRow } from '../../core/access/access.ts';
import type { Core } from '../../core/index.ts';
import { dateTimeIn, dateTimeOut, errorResponses, idParams, listQuery, lucyDate, noContent, nullableIdSchema, storedDate, type ListQuery } from './plumbing.ts';

export const apiKeySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    prefix: { type: 'string', description: 'the first characters of the key, to tell keys apart' },
    key: { type: 'string', description: 'the key itself: returned once, on creation; only its hash is stored' },
    client_id: { type: ['integer', 'null'] },
    user_id: { type: ['integer', 'null'], description: 'when set, only this user may use the key' },
    created_by: { type: 'integer' },
    created_at: dateTimeOut,
    expires_at: dateTimeOut,
    revoked_at: dateTimeOut,
    last_used_at: dateTimeOut,
    links: { type: 'array' },
  },
} as const;

export function apiKeyResource(k: ApiKeyRow, clearKey?: string) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    ...(clearKey ? { key: clearKey } : {}),
    client_id: k.client_id,
    user_id: k.user_id,
    created_by: k.created_by,
    created_at: lucyDate(k.created_at),
    expires_at: lucyDate(k.expires_at),
    revoked_at: lucyDate(k.revoked_at),
    last_used_at: lucyDate(k.last_used_at),
    links: [{ rel: 'self', href: `/api/api-keys/${k.id}` }, ...(k.user_id ? [{ rel: 'user', href: `/api/users/${k.user_id}` }] : [])],
  };
}

const tags = ['api-keys'];

export default async function apiKeyRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery }>(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'List API keys (never the keys themselves)',
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { api_keys: { type: 'array', items: apiKeySchema } } } },
      },
    },
    async (req) => ({ api_keys: (await core.access.listApiKeys(req.principal, req.query)).map((k) => apiKeyResource(k)) }),
  );

  app.put<{ Body: ApiKeyInput }>(
    '/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the key is in the answer once and never again',
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', maxLength: 255 },
            user_id: nullableIdSchema,
            expires_at: { ...dateTimeIn, description: 'default: one year from now' },
          },
        },
        response: { 200: { type: 'object', properties: { api_key: apiKeySchema } }, ...errorResponses },
      },
    },
    async (req) => {
      const { row, key } = await core.access.createApiKey(req.principal, { ...req.body, expires_at: storedDate(req.body.expires_at) });
      return { api_key: apiKeyResource(row, key) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api-keys/:id',
    { schema: { tags, summary: 'Get an API key (without the key)', params: idParams, response: { 200: { type: 'object', properties: { api_key: apiKeySchema } }, ...errorResponses } } },
    async (req) => ({ api_key: apiKeyResource(await core.access.getApiKey(req.principal, req.params.id)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/api-keys/:id',
    { schema: { tags, summary: 'Revoke an API key', params: idParams } },
    async (req, reply) => {
      await core.access.revokeApiKey(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
