/**
 * Assignments (Decoy extension in Lucy's style): lessons and/or paths given to people with a due
 * date; each person's status is assigned, in_progress, completed or — once the due date has
 * passed unfinished — overdue. People get a mail when assigned and a reminder every
 * `remind_every_days` until they finish.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { ASSIGNEE_STATUSES, type AssigneeFilter, type AssigneeView, type AssignmentFilter, type AssignmentInput, type AssignmentView } from '../../core/training/assignments.ts';
import { dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema, storedDate } from './plumbing.ts';
import { peopleProps } from './enrollments.ts';
import { invalid } from '../../errors.ts';

const countsSchema = {
  type: 'object',
  description: 'people by status (overdue: the due date has passed and they have not finished)',
  properties: {
    learners: { type: 'integer' },
    assigned: { type: 'integer' },
    in_progress: { type: 'integer' },
    completed: { type: 'integer' },
    overdue: { type: 'integer' },
  },
} as const;

export const assignmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: 'integer' },
    name: { type: 'string' },
    description: { type: 'string' },
    due_date: dateTimeOut,
    remind_every_days: { type: 'integer' },
    lesson_ids: { type: 'array', items: { type: 'integer' } },
    path_ids: { type: 'array', items: { type: 'integer' } },
    recipient_group_ids: { type: 'array', items: { type: 'integer' } },
    counts: countsSchema,
    created_by: { type: ['integer', 'null'] },
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

export const assigneeSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    assignment_id: { type: 'integer' },
    learner_id: { type: 'integer' },
    email: { type: 'string' },
    first_name: { type: 'string' },
    last_name: { type: 'string' },
    status: { type: 'string', enum: [...ASSIGNEE_STATUSES] },
    passed: { type: 'integer', description: 'lessons of the assignment passed' },
    total: { type: 'integer', description: 'lessons in the assignment (its lessons and the required lessons of its paths)' },
    completed_at: dateTimeOut,
    last_reminded_at: dateTimeOut,
    next_reminder_at: dateTimeOut,
    reminders_sent: { type: 'integer' },
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

const assignmentBody = {
  type: 'object',
  required: ['name', 'due_date'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 5000 },
    due_date: { type: 'string', format: 'lucy-datetime', description: 'ISO 8601, UTC unless a zone is given; a date alone means the end of that day (UTC)' },
    remind_every_days: { type: 'integer', minimum: 0, maximum: 365, description: 'days between reminders to people who have not finished; 0 (default): only the mail when assigned' },
    lesson_ids: { type: 'array', maxItems: 200, items: idSchema },
    path_ids: { type: 'array', maxItems: 50, items: idSchema },
    ...peopleProps,
    client_id: { ...nullableIdSchema, description: 'super admin only: the client (default: the acting or default client)' },
  },
} as const;

export function assignmentResource(v: AssignmentView) {
  const a = v.assignment;
  return {
    id: a.id,
    client_id: a.client_id,
    name: a.name,
    description: a.description,
    due_date: lucyDate(a.due_date),
    remind_every_days: a.remind_every_days,
    lesson_ids: v.lesson_ids,
    path_ids: v.path_ids,
    recipient_group_ids: v.recipient_group_ids,
    counts: v.counts,
    created_by: a.created_by,
    created_at: lucyDate(a.created_at),
    updated_at: lucyDate(a.updated_at),
    links: [
      { rel: 'self', href: `/api/assignments/${a.id}` },
      { rel: 'learners', href: `/api/assignments/${a.id}/learners` },
    ],
  };
}

export function assigneeResource(r: AssigneeView) {
  return {
    ...r,
    completed_at: lucyDate(r.completed_at),
    last_reminded_at: lucyDate(r.last_reminded_at),
    next_reminder_at: lucyDate(r.next_reminder_at),
    created_at: lucyDate(r.created_at),
    updated_at: lucyDate(r.updated_at),
    links: [{ rel: 'learner', href: `/api/learners/${r.learner_id}` }],
  };
}

/** A date alone is due at the end of that day; a day that does not exist (2026-02-30) is refused. */
function input(body: AssignmentInput): AssignmentInput {
  const [y, m, d] = body.due_date.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) throw invalid(`due_date: ${body.due_date.slice(0, 10)} is not a day of the calendar`);
  const due = /^\d{4}-\d{2}-\d{2}$/.test(body.due_date) ? `${body.due_date}T23:59:59Z` : body.due_date;
  return { ...body, due_date: storedDate(due) ?? '' };
}

const tags = ['training'];
const one = { 200: { type: 'object', properties: { assignment: assignmentSchema } }, ...errorResponses };

export default async function assignmentRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: AssignmentFilter }>(
    '/assignments',
    {
      schema: {
        tags,
        summary: 'List training assignments with people counted by status (Decoy extension)',
        querystring: { ...listQuery, properties: { ...listQuery.properties, q: { type: 'string', maxLength: 255, description: 'part of the name' } } },
        response: { 200: { type: 'object', properties: { assignments: { type: 'array', items: assignmentSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ assignments: (await core.training.assignments.list(req.principal, req.query)).map(assignmentResource) }),
  );

  app.put<{ Body: AssignmentInput }>(
    '/assignments',
    {
      schema: {
        tags,
        summary: 'Assign lessons and/or paths to people with a due date (Decoy extension); each person is mailed their personal portal link',
        body: assignmentBody,
        response: one,
      },
    },
    async (req) => ({ assignment: assignmentResource(await core.training.assignments.create(req.principal, input(req.body))) }),
  );

  app.get<{ Params: { id: number } }>(
    '/assignments/:id',
    { schema: { tags, summary: 'Get a training assignment (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ assignment: assignmentResource(await core.training.assignments.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: AssignmentInput }>(
    '/assignments/:id',
    {
      schema: {
        tags,
        summary:
          'Save a training assignment (Decoy extension): lesson_ids/path_ids (when given) replace what is assigned; people named are added (nobody is removed)',
        params: idParams,
        body: assignmentBody,
        response: one,
      },
    },
    async (req) => ({ assignment: assignmentResource(await core.training.assignments.save(req.principal, req.params.id, input(req.body))) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/assignments/:id',
    { schema: { tags, summary: 'Delete a training assignment (Decoy extension)', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.training.assignments.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<{ Params: { id: number }; Querystring: AssigneeFilter }>(
    '/assignments/:id/learners',
    {
      schema: {
        tags,
        summary: 'The people of an assignment with their status: assigned, in_progress, completed or overdue (Decoy extension)',
        params: idParams,
        querystring: { ...listQuery, properties: { ...listQuery.properties, status: { type: 'string', enum: [...ASSIGNEE_STATUSES] } } },
        response: { 200: { type: 'object', properties: { learners: { type: 'array', items: assigneeSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ learners: (await core.training.assignments.learners(req.principal, req.params.id, req.query)).map(assigneeResource) }),
  );
}
