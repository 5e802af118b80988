/**
 * `GET /api/v2/users`: the people of the client, one row per distinct email. The optional
 * fields appear on every row when at least one of the client's people has a value for them,
 * and on none otherwise (see USER_FIELDS in the read model for where each comes from).
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { USER_FIELDS, type UserField, type UserReportRow } from '../../core/securityjourney/reports.ts';
import { errorResponses, reportQuery, reportQuerystring, sendStreamed } from './plumbing.ts';

const SOURCES: Record<UserField, string> = {
  ad_id: 'the recipient\'s objectguid',
  initial: 'a recipient custom field named "initial"',
  phone_number: 'the recipient\'s phone',
  title: 'the recipient\'s staff_type',
  company: 'a recipient custom field named "company"',
  job_role: 'a recipient custom field named "job_role"',
  team: 'a recipient custom field named "team"',
  security_champion: 'a recipient custom field named "security_champion"',
  department_number: 'a recipient custom field named "department_number"',
  employee_number: 'the recipient\'s external_id',
  managers_name: 'a recipient custom field named "managers_name"',
  managers_employee_number: 'a recipient custom field named "managers_employee_number"',
  business_unit: 'the recipient\'s division',
  employee_secondary_number: 'a recipient custom field named "employee_secondary_number"',
  business_unit_description: 'a recipient custom field named "business_unit_description"',
};

export const USER_SCHEMA = {
  type: 'object',
  properties: {
    email: { type: 'string', description: 'Email address (the person\'s identity; the report is ordered by it)' },
    first_name: { type: 'string', description: 'First name' },
    last_name: { type: 'string', description: 'Last name' },
    total_points: { type: 'integer', description: 'Points earned in lessons (0 before any)', example: 53 },
    country: { type: 'string', description: 'Country ("" when unknown)', example: 'Italy' },
    ...Object.fromEntries(
      USER_FIELDS.map(([f]) => [
        f,
        { type: 'string', description: `Optional: present on every row when at least one person has a value, on none otherwise. From ${SOURCES[f]} (a recipient custom field of that name wins when set)` },
      ]),
    ),
  },
} as const;

function userJson(fields: UserField[]) {
  return (r: UserReportRow) => {
    const row: Record<string, unknown> = { email: r.email, first_name: r.first_name, last_name: r.last_name, total_points: r.total_points, country: r.country };
    for (const f of fields) row[f] = r.optional[f] ?? '';
    return JSON.stringify(row);
  };
}

export default function userRoutes(app: FastifyInstance, core: Core) {
  app.get(
    '/users',
    {
      exposeHeadRoute: false,
      config: { securityJourney: { dates: false } },
      schema: {
        tags: ['securityjourney'],
        summary: 'List all users',
        description:
          'The people of the key\'s client: one row per distinct email among its recipients and learners, ordered by email. People who have not started any training appear with `total_points` 0. Large answers are streamed. `updated_after`/`updated_before` are refused (400): people have no single update time.',
        security: [{ apiKey: [] }],
        querystring: reportQuerystring('none'),
        response: { 200: { type: 'object', properties: { users: { type: 'array', items: USER_SCHEMA } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const report = await core.securityJourney.users(req.securityJourney.clientId, reportQuery(req));
      return sendStreamed(reply, 'users', report.batches, userJson(report.fields));
    },
  );
}
