/**
 * `GET /api/v2/enrollments` (one row per person in a learning path) and
 * `GET /api/v2/enrollments/summary` (enrollments counted per path and status).
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { EnrollmentReportRow } from '../../core/securityjourney/reports.ts';
import { BELTS } from '../../core/training/progress.ts';
import { errorResponses, percent, reportQuery, reportQuerystring, sendStreamed, sjDateTime } from './plumbing.ts';

const str = (description: string, example?: string) => ({ type: 'string', description, ...(example ? { example } : {}) });
const num = (description: string, example?: number) => ({ type: 'integer', description, ...(example !== undefined ? { example } : {}) });
const when = (description: string) => ({ type: ['string', 'null'], description: `${description} (UTC, YYYY/MM/DD HH:MM:SS)`, example: '2022/02/01 17:14:06' });

export const ENROLLMENT_SCHEMA = {
  type: 'object',
  properties: {
    email: str('The person\'s email address'),
    first_name: str('First name'),
    last_name: str('Last name'),
    id: num('Enrollment id (the order of the report)', 1197),
    role_name: str('The path\'s role name', 'Security Apprentice'),
    status: { type: 'string', enum: ['not_started', 'in_progress', 'passed', 'paused'], description: 'Enrollment status' },
    last_engagement: when('When the person last did something in a lesson of the path; null: never'),
    progress: str('Lessons passed / lessons in the path', '0/20'),
    level_name: { type: 'string', enum: [...BELTS], description: 'The belt reached in the path' },
    created_at: when('Enrolled at'),
    updated_at: when('Last change of the enrollment'),
    completed_at: when('When every required lesson was passed; null until then'),
    required_total: num('Required lessons in the path', 17),
    required_passed: num('Required lessons passed', 0),
    required_progress_percent: num('required_passed / required_total in percent, rounded', 0),
    total_lessons: str('Lessons in the path (a string, as Security Journey sends it)', '20'),
    total_passed_lessons: num('Lessons passed', 0),
    passed_lessons: str('Lessons passed (a string)', '0'),
    progress_percent: num('total_passed_lessons / total_lessons in percent, rounded', 0),
    total: str('Lessons passed / lessons in the path', '0/20'),
    required: str('Required lessons passed / required lessons', '0/17'),
  },
} as const;

export function enrollmentJson(r: EnrollmentReportRow): string {
  return JSON.stringify({
    email: r.email,
    first_name: r.first_name,
    last_name: r.last_name,
    id: r.id,
    role_name: r.role_name,
    status: r.status,
    last_engagement: sjDateTime(r.last_engagement_at),
    progress: `${r.total_passed}/${r.total_lessons}`,
    level_name: BELTS[r.level] ?? BELTS[0],
    created_at: sjDateTime(r.created_at),
    updated_at: sjDateTime(r.updated_at),
    completed_at: sjDateTime(r.completed_at),
    required_total: r.required_total,
    required_passed: r.required_passed,
    required_progress_percent: percent(r.required_passed, r.required_total),
    total_lessons: String(r.total_lessons),
    total_passed_lessons: r.total_passed,
    passed_lessons: String(r.total_passed),
    progress_percent: percent(r.total_passed, r.total_lessons),
    total: `${r.total_passed}/${r.total_lessons}`,
    required: `${r.required_passed}/${r.required_total}`,
  });
}

const SUMMARY_SCHEMA = {
  type: 'object',
  properties: {
    path_id: num('Path id'),
    path_name: str('Path name'),
    role_name: str('The path\'s role name'),
    total: num('Enrollments in the path'),
    not_started: num('Enrollments not started'),
    in_progress: num('Enrollments in progress'),
    paused: num('Enrollments paused'),
    passed: num('Enrollments passed'),
  },
} as const;

export default function enrollmentRoutes(app: FastifyInstance, core: Core) {
  app.get(
    '/enrollments',
    {
      exposeHeadRoute: false,
      config: { securityJourney: { dates: true } },
      schema: {
        tags: ['securityjourney'],
        summary: 'List all enrollments (per path)',
        description:
          'One row per person enrolled in a learning path, ordered by id. `updated_after`/`updated_before` filter by `updated_at`. Parameters may also come as a form-encoded or JSON body. Large answers are streamed.',
        security: [{ apiKey: [] }],
        querystring: reportQuerystring('filter'),
        response: { 200: { type: 'object', properties: { path_enrollments: { type: 'array', items: ENROLLMENT_SCHEMA } } }, ...errorResponses },
      },
    },
    async (req, reply) => sendStreamed(reply, 'path_enrollments', core.securityJourney.enrollments(req.securityJourney.clientId, reportQuery(req)), enrollmentJson),
  );

  app.get(
    '/enrollments/summary',
    {
      exposeHeadRoute: false,
      config: { securityJourney: { dates: true } },
      schema: {
        tags: ['securityjourney'],
        summary: 'Enrollments counted per path and status',
        description:
          'Decoy\'s addition to the v2 API: for every path with enrollments, how many are not started, in progress, paused and passed. `updated_after`/`updated_before` filter as on the list; `limit`/`offset` are accepted and ignored (one row per path).',
        security: [{ apiKey: [] }],
        querystring: reportQuerystring('filter'),
        response: { 200: { type: 'object', properties: { summary: { type: 'array', items: SUMMARY_SCHEMA } } }, ...errorResponses },
      },
    },
    async (req) => {
      const q = reportQuery(req);
      return { summary: await core.securityJourney.enrollmentSummary(req.securityJourney.clientId, q) };
    },
  );
}
