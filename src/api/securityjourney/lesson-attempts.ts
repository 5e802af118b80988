/** `GET /api/v2/lesson_attempts`: what each person did in each lesson. */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { AttemptReportRow } from '../../core/securityjourney/reports.ts';
import { errorResponses, reportQuery, reportQuerystring, sendStreamed, sjMinute } from './plumbing.ts';

export const ATTEMPT_SCHEMA = {
  type: 'object',
  properties: {
    module_name: { type: 'string', description: 'The lesson\'s name', example: 'Awareness: Data Security' },
    email: { type: 'string', description: 'The person\'s email address' },
    user_id: { type: 'string', description: 'The person\'s (learner\'s) id, as a string', example: '27' },
    first_name: { type: 'string', description: 'First name' },
    last_name: { type: 'string', description: 'Last name' },
    status: { type: 'string', enum: ['consumed', 'passed', 'failed'], description: 'The attempt\'s status' },
    'watched_video?': { type: 'string', enum: ['watched', 'not watched', 'N/A'], description: 'N/A: the lesson has no video' },
    'read_transcript?': { type: 'string', enum: ['read', 'not read', 'N/A'], description: 'N/A: the lesson has no transcript' },
    'experiment_passed?': { type: 'string', enum: ['passed', 'failed', 'N/A'], description: 'The hands-on exercise; N/A: the lesson has none' },
    assessments: { type: 'string', enum: ['not_started', 'in_progress', 'passed', 'failed'], description: 'The quiz' },
    last_updated: { type: 'string', description: 'Last change (UTC, YYYY/MM/DD HH:MM)', example: '2022/03/07 17:28' },
  },
} as const;

const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? 'N/A' : v ? yes : no);

export function attemptJson(r: AttemptReportRow): string {
  return JSON.stringify({
    module_name: r.module_name,
    email: r.email,
    user_id: String(r.learner_id),
    first_name: r.first_name,
    last_name: r.last_name,
    status: r.status,
    'watched_video?': yesNo(r.watched_video, 'watched', 'not watched'),
    'read_transcript?': yesNo(r.read_transcript, 'read', 'not read'),
    'experiment_passed?': yesNo(r.exercise_passed, 'passed', 'failed'),
    assessments: r.assessment,
    last_updated: sjMinute(r.updated_at),
  });
}

export default function lessonAttemptRoutes(app: FastifyInstance, core: Core) {
  app.get(
    '/lesson_attempts',
    {
      exposeHeadRoute: false,
      config: { securityJourney: { dates: true } },
      schema: {
        tags: ['securityjourney'],
        summary: 'List all lesson attempts',
        description:
          'One row per person and lesson attempted, ordered by id. `updated_after`/`updated_before` filter by `last_updated` (a Decoy addition). Large answers are streamed.',
        security: [{ apiKey: [] }],
        querystring: reportQuerystring('filter'),
        response: { 200: { type: 'object', properties: { attempts: { type: 'array', items: ATTEMPT_SCHEMA } } }, ...errorResponses },
      },
    },
    async (req, reply) => sendStreamed(reply, 'attempts', core.securityJourney.lessonAttempts(req.securityJourney.clientId, reportQuery(req)), attemptJson),
  );
}
