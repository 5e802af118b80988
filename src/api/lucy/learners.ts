/**
 * Learners (Decoy extension in Lucy's style): one per distinct email of a client, made when
 * people are enrolled or assigned training (or created here); with their points, enrollments
 * and assignments.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { LearnerFilter, LearnerInput, LearnerRow, LearnerView } from '../../core/training/learners.ts';
import { dateTimeOut, errorResponses, idParams, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema } from './plumbing.ts';

const learnerFields = {
  email: { type: 'string', minLength: 3, maxLength: 254 },
  first_name: { type: 'string', maxLength: 255 },
  last_name: { type: 'string', maxLength: 255 },
  country: { type: 'string', maxLength: 64 },
} as const;

export const learnerSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: 'integer' },
    ...learnerFields,
    points: { type: 'integer', description: 'points earned by passing lessons' },
    enrollments: {
      type: 'array',
      description: 'single GET only: the paths the learner is enrolled in',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          path_id: { type: 'integer' },
          path_name: { type: 'string' },
          status: { type: 'string' },
          level: { type: 'integer' },
          belt: { type: 'string' },
          required_passed: { type: 'integer' },
          required_total: { type: 'integer' },
          total_passed: { type: 'integer' },
          total_lessons: { type: 'integer' },
          last_engagement_at: dateTimeOut,
          completed_at: dateTimeOut,
        },
      },
    },
    assignments: {
      type: 'array',
      description: 'single GET only: the assignments given to the learner',
      items: {
        type: 'object',
        properties: {
          assignment_id: { type: 'integer' },
          name: { type: 'string' },
          due_date: dateTimeOut,
          status: { type: 'string', enum: ['assigned', 'in_progress', 'completed', 'overdue'] },
          passed: { type: 'integer' },
          total: { type: 'integer' },
          completed_at: dateTimeOut,
        },
      },
    },
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

const learnerBody = {
  type: 'object',
  required: ['email'],
  properties: {
    ...learnerFields,
    client_id: { ...nullableIdSchema, description: 'super admin only: the client (default: the acting or default client)' },
  },
} as const;

function base(l: LearnerRow) {
  return {
    id: l.id,
    client_id: l.client_id,
    email: l.email,
    first_name: l.first_name,
    last_name: l.last_name,
    country: l.country,
    points: l.points,
    created_at: lucyDate(l.created_at),
    updated_at: lucyDate(l.updated_at),
    links: [
      { rel: 'self', href: `/api/learners/${l.id}` },
      { rel: 'enrollments', href: `/api/enrollments?learner_id=${l.id}` },
    ],
  };
}

export function learnerResource(v: LearnerView) {
  return {
    ...base(v.learner),
    ...(v.enrollments
      ? { enrollments: v.enrollments.map((e) => ({ ...e, last_engagement_at: lucyDate(e.last_engagement_at), completed_at: lucyDate(e.completed_at) })) }
      : {}),
    ...(v.assignments ? { assignments: v.assignments.map((a) => ({ ...a, due_date: lucyDate(a.due_date), completed_at: lucyDate(a.completed_at) })) } : {}),
  };
}

const tags = ['training'];
const one = { 200: { type: 'object', properties: { learner: learnerSchema } }, ...errorResponses };

export default async function learnerRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: LearnerFilter }>(
    '/learners',
    {
      schema: {
        tags,
        summary: 'List learners (Decoy extension)',
        querystring: {
          ...listQuery,
          properties: {
            ...listQuery.properties,
            q: { type: 'string', maxLength: 255, description: 'part of the email, first or last name' },
            email: { type: 'string', maxLength: 254, description: 'exactly this email (case-insensitive)' },
          },
        },
        response: { 200: { type: 'object', properties: { learners: { type: 'array', items: learnerSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ learners: (await core.training.learners.list(req.principal, req.query)).map((l) => learnerResource({ learner: l })) }),
  );

  app.put<{ Body: LearnerInput }>(
    '/learners',
    { schema: { tags, summary: 'Create a learner (Decoy extension); enrolling or assigning recipients makes them too', body: learnerBody, response: one } },
    async (req) => ({ learner: learnerResource(await core.training.learners.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/learners/:id',
    { schema: { tags, summary: 'Get a learner with points, enrollments and assignments (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ learner: learnerResource(await core.training.learners.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: LearnerInput }>(
    '/learners/:id',
    { schema: { tags, summary: 'Save a learner (Decoy extension)', params: idParams, body: learnerBody, response: one } },
    async (req) => ({ learner: learnerResource(await core.training.learners.save(req.principal, req.params.id, req.body)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/learners/:id',
    { schema: { tags, summary: 'Delete a learner with their enrollments, assignments and attempts (Decoy extension)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.training.learners.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
