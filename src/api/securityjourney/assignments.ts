/** `GET /api/v2/assignments`: one row per person an assignment was given to. */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { AssignmentReportRow } from '../../core/securityjourney/reports.ts';
import { errorResponses, reportQuery, reportQuerystring, sendStreamed, sjMinute } from './plumbing.ts';

export const ASSIGNMENT_SCHEMA = {
  type: 'object',
  properties: {
    assignment_name: { type: 'string', description: 'The assignment\'s name', example: 'Test Name' },
    email: { type: 'string', description: 'The person\'s email address' },
    first_name: { type: 'string', description: 'First name' },
    last_name: { type: 'string', description: 'Last name' },
    due_date: { type: 'string', description: 'Due date (UTC, YYYY/MM/DD HH:MM)', example: '2021/06/30 04:00' },
    passed: { type: 'integer', description: 'Lessons of the assignment passed', example: 0 },
    total: { type: 'integer', description: 'Lessons in the assignment (the required lessons of assigned paths included)', example: 39 },
    status: { type: 'string', enum: ['assigned', 'in_progress', 'completed', 'overdue'], description: '`overdue` once the due date has passed unfinished' },
    progress: { type: 'string', description: 'passed of total', example: '0 of 39' },
  },
} as const;

export function assignmentJson(r: AssignmentReportRow): string {
  return JSON.stringify({
    assignment_name: r.assignment_name,
    email: r.email,
    first_name: r.first_name,
    last_name: r.last_name,
    due_date: sjMinute(r.due_date),
    passed: r.passed,
    total: r.total,
    status: r.status,
    progress: `${r.passed} of ${r.total}`,
  });
}

export default function assignmentRoutes(app: FastifyInstance, core: Core) {
  app.get(
    '/assignments',
    {
      exposeHeadRoute: false,
      config: { securityJourney: { dates: true } },
      schema: {
        tags: ['securityjourney'],
        summary: 'List all assignments',
        description:
          'One row per person an assignment was given to, ordered by that row\'s id. `updated_after`/`updated_before` filter by when the person\'s progress in the assignment last changed (a Decoy addition). Large answers are streamed.',
        security: [{ apiKey: [] }],
        querystring: reportQuerystring('filter'),
        response: { 200: { type: 'object', properties: { assignments: { type: 'array', items: ASSIGNMENT_SCHEMA } } }, ...errorResponses },
      },
    },
    async (req, reply) => sendStreamed(reply, 'assignments', core.securityJourney.assignments(req.securityJourney.clientId, reportQuery(req)), assignmentJson),
  );
}
