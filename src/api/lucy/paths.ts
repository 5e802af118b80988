/**
 * Learning paths (Decoy extension in Lucy's style): ordered lessons, each required or not;
 * progress through a path is shown as a level named as a belt (White Belt ... Black Belt).
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { MAX_PATH_LESSONS, type PathFilter, type PathInput, type PathView } from '../../core/training/paths.ts';
import { BELTS } from '../../core/training/progress.ts';
import { bool, dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema } from './plumbing.ts';

const pathFields = {
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: { type: 'string', maxLength: 5000 },
  role_name: { type: 'string', maxLength: 255, description: 'the role a learner of this path trains for ("Security Apprentice"); Security Journey\'s role_name' },
} as const;

export const pathSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: ['integer', 'null'], description: 'null: the built-in catalogue (visible to every client, read-only)' },
    builtin: { type: 'boolean' },
    library_key: { type: 'string' },
    ...pathFields,
    lessons: {
      type: 'array',
      description: 'in order',
      items: {
        type: 'object',
        properties: {
          lesson_id: { type: 'integer' },
          name: { type: 'string' },
          position: { type: 'integer' },
          required: { type: 'boolean' },
          points: { type: 'integer' },
          minutes: { type: 'integer' },
        },
      },
    },
    lesson_count: { type: 'integer' },
    required_count: { type: 'integer' },
    levels: { type: 'array', items: { type: 'string' }, description: 'the levels of the path, lowest first: a learner reaches Black Belt by passing every required lesson' },
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

const pathBody = {
  type: 'object',
  required: ['name'],
  properties: {
    ...pathFields,
    lessons: {
      type: 'array',
      maxItems: MAX_PATH_LESSONS,
      description: 'the lessons in order; absent on save: unchanged',
      items: { type: 'object', required: ['lesson_id'], properties: { lesson_id: idSchema, required: { ...bool, description: 'default true' } } },
    },
    client_id: { ...nullableIdSchema, description: 'super admin only: the client; null adds to the built-in catalogue' },
  },
} as const;

export function pathResource(v: PathView) {
  const p = v.path;
  return {
    id: p.id,
    client_id: p.client_id,
    builtin: p.client_id === null,
    library_key: p.library_key,
    name: p.name,
    description: p.description,
    role_name: p.role_name,
    lessons: v.lessons,
    lesson_count: v.lessons.length,
    required_count: v.lessons.filter((l) => l.required).length,
    levels: [...BELTS],
    created_at: lucyDate(p.created_at),
    updated_at: lucyDate(p.updated_at),
    links: [
      { rel: 'self', href: `/api/paths/${p.id}` },
      { rel: 'enrollments', href: `/api/enrollments?path_id=${p.id}` },
    ],
  };
}

const tags = ['training'];
const one = { 200: { type: 'object', properties: { path: pathSchema } }, ...errorResponses };

export default async function pathRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: PathFilter }>(
    '/paths',
    {
      schema: {
        tags,
        summary: 'List learning paths (Decoy extension): the built-in catalogue and your own',
        querystring: {
          ...listQuery,
          properties: {
            ...listQuery.properties,
            q: { type: 'string', maxLength: 255, description: 'part of the name' },
            builtin: { type: 'boolean', description: 'true: only the built-in catalogue; false: only your own' },
          },
        },
        response: { 200: { type: 'object', properties: { paths: { type: 'array', items: pathSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ paths: (await core.training.paths.list(req.principal, req.query)).map(pathResource) }),
  );

  app.put<{ Body: PathInput }>(
    '/paths',
    { schema: { tags, summary: 'Create a learning path (Decoy extension)', body: pathBody, response: one } },
    async (req) => ({ path: pathResource(await core.training.paths.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/paths/:id',
    { schema: { tags, summary: 'Get a learning path (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ path: pathResource(await core.training.paths.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: PathInput }>(
    '/paths/:id',
    { schema: { tags, summary: 'Save a learning path (built-in paths: super admin only); new lessons recompute everyone\'s progress', params: idParams, body: pathBody, response: one } },
    async (req) => ({ path: pathResource(await core.training.paths.save(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/paths/:id',
    { schema: { tags, summary: 'Delete a learning path nobody is enrolled in or assigned (built-in: super admin only)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.training.paths.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
