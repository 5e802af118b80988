/**
 * Enrollments (Decoy extension in Lucy's style): people in a learning path, with their progress
 * (status, level as a belt, lessons passed) as the learner portal records it.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { ENROLLMENT_STATUSES, type EnrollInput, type EnrollmentFilter, type EnrollmentView } from '../../core/training/enrollments.ts';
import { bool, dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema } from './plumbing.ts';

export const peopleProps = {
  recipient_group_ids: { type: 'array', maxItems: 1000, items: idSchema, description: 'everyone in these recipient groups' },
  learner_ids: { type: 'array', maxItems: 10000, items: idSchema, description: 'these learners' },
  emails: { type: 'array', maxItems: 10000, items: { type: 'string', minLength: 1, maxLength: 254 }, description: 'the recipients with these emails' },
} as const;

export const enrollmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: 'integer' },
    learner_id: { type: 'integer' },
    email: { type: 'string' },
    first_name: { type: 'string' },
    last_name: { type: 'string' },
    path_id: { type: 'integer' },
    path_name: { type: 'string' },
    status: { type: 'string', enum: [...ENROLLMENT_STATUSES] },
    paused: { type: 'boolean' },
    level: { type: 'integer', description: '0 White Belt ... 7 Black Belt' },
    belt: { type: 'string' },
    required_total: { type: 'integer' },
    required_passed: { type: 'integer' },
    total_lessons: { type: 'integer' },
    total_passed: { type: 'integer' },
    last_engagement_at: dateTimeOut,
    completed_at: dateTimeOut,
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

export function enrollmentResource(e: EnrollmentView) {
  return {
    id: e.id,
    client_id: e.client_id,
    learner_id: e.learner_id,
    email: e.email,
    first_name: e.first_name,
    last_name: e.last_name,
    path_id: e.path_id,
    path_name: e.path_name,
    status: e.status,
    paused: e.status === 'paused',
    level: e.level,
    belt: e.belt,
    required_total: e.required_total,
    required_passed: e.required_passed,
    total_lessons: e.total_lessons,
    total_passed: e.total_passed,
    last_engagement_at: lucyDate(e.last_engagement_at),
    completed_at: lucyDate(e.completed_at),
    created_at: lucyDate(e.created_at),
    updated_at: lucyDate(e.updated_at),
    links: [
      { rel: 'self', href: `/api/enrollments/${e.id}` },
      { rel: 'learner', href: `/api/learners/${e.learner_id}` },
      { rel: 'path', href: `/api/paths/${e.path_id}` },
    ],
  };
}

const enrollBody = {
  type: 'object',
  required: ['path_id'],
  properties: {
    path_id: idSchema,
    ...peopleProps,
    client_id: { ...nullableIdSchema, description: 'super admin only: the client whose people are enrolled' },
  },
} as const;

const saveBody = {
  type: 'object',
  required: ['paused'],
  properties: { paused: { ...bool, description: 'true pauses the enrollment, false resumes it' } },
} as const;

const tags = ['training'];
const many = { 200: { type: 'object', properties: { enrollments: { type: 'array', items: enrollmentSchema } } }, ...errorResponses };
const one = { 200: { type: 'object', properties: { enrollment: enrollmentSchema } }, ...errorResponses };

export default async function enrollmentRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: EnrollmentFilter }>(
    '/enrollments',
    {
      schema: {
        tags,
        summary: 'List enrollments (Decoy extension)',
        querystring: {
          ...listQuery,
          properties: {
            ...listQuery.properties,
            path_id: idSchema,
            learner_id: idSchema,
            status: { type: 'string', enum: [...ENROLLMENT_STATUSES] },
          },
        },
        response: many,
      },
    },
    async (req) => ({ enrollments: (await core.training.enrollments.list(req.principal, req.query)).map(enrollmentResource) }),
  );

  app.put<{ Body: EnrollInput }>(
    '/enrollments',
    {
      schema: {
        tags,
        summary:
          'Enroll people in a path (Decoy extension): recipient groups, learners or recipients by email; people already enrolled stay as they are. Answers their enrollments in the path (at most 1000).',
        body: enrollBody,
        response: many,
      },
    },
    async (req) => ({ enrollments: (await core.training.enrollments.enroll(req.principal, req.body)).map(enrollmentResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/enrollments/:id',
    { schema: { tags, summary: 'Get an enrollment (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ enrollment: enrollmentResource(await core.training.enrollments.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: { paused: boolean } }>(
    '/enrollments/:id',
    { schema: { tags, summary: 'Pause or resume an enrollment (Decoy extension)', params: idParams, body: saveBody, response: one } },
    async (req) => ({ enrollment: enrollmentResource(await core.training.enrollments.save(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/enrollments/:id',
    { schema: { tags, summary: 'Delete an enrollment (Decoy extension)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.training.enrollments.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
