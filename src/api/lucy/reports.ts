/**
 * Lucy's Campaign Report: `POST /api/campaigns/:id/report`. Decoy extensions:
 * `GET /api/reports/:id` (status), `GET /api/reports/:id/download` (the file),
 * `GET /api/reports` (list) and `DELETE /api/reports/:id`.
 *
 * The file is written after the answer: the report is returned with status 10 (processing)
 * and becomes 20 (ready) or 100 (error); the download answers 409 until it is ready. `view`
 * users may read and download reports but not request them (403).
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { FONT_SIZE, REPORT_TYPES, type ReportRequest, type ReportRow } from '../../core/reporting/reports.ts';
import { sendFile } from './exports.ts';
import { dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, noContent, type ListQuery } from './plumbing.ts';

const reportSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    campaign_id: { type: ['integer', 'null'] },
    status: { type: 'integer', description: '10 processing, 20 ready, 100 error' },
    type: { type: 'string', enum: [...REPORT_TYPES] },
    created_at: dateTimeOut,
    error: { type: 'string', description: 'Decoy extension: why the report failed (status 100)' },
    links: linksSchema,
  },
} as const;

const reportBody = {
  type: 'object',
  required: ['template_id', 'format'],
  properties: {
    template_id: { ...idSchema, description: 'a report template (GET /api/report-templates)' },
    format: { type: 'string', enum: [...REPORT_TYPES] },
    font_size: { type: 'integer', minimum: FONT_SIZE.min, maximum: FONT_SIZE.max, description: `body text size in points; default ${FONT_SIZE.default}` },
    font_family: { type: 'string', maxLength: 100, description: 'e.g. Helvetica, Times, Courier (PDF uses the closest standard font)' },
    scenarios: { type: 'array', maxItems: 1000, items: idSchema, description: 'scenario ids of the campaign; absent or empty: all' },
    sections: { type: 'array', maxItems: 100, items: idSchema, description: "section ids of the template; absent or empty: all of the template's sections" },
  },
} as const;

export function reportResource(r: ReportRow) {
  const links = [
    { rel: 'campaign', href: r.campaign_id ? `/api/campaigns/${r.campaign_id}` : '' },
    { rel: 'self', href: `/api/reports/${r.id}` },
  ];
  if (r.status === 20) links.push({ rel: 'download', href: `/api/reports/${r.id}/download` });
  return { id: r.id, campaign_id: r.campaign_id, status: r.status, type: r.type, created_at: lucyDate(r.created_at), error: r.error, links };
}

const reportListQuery = {
  type: 'object',
  properties: { ...listQuery.properties, campaign_id: { ...idSchema, description: 'only the reports of this campaign' } },
} as const;

const one = { 200: { type: 'object', properties: { report: reportSchema } }, ...errorResponses } as const;
const tags = ['reports'];

export default async function reportRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Params: { id: number }; Body: ReportRequest }>(
    '/campaigns/:id/report',
    {
      schema: {
        tags,
        summary: 'Create a campaign report (PDF, HTML or DOCX; generated in the background: poll GET /api/reports/:id until status 20)',
        params: idParams,
        body: reportBody,
        response: one,
      },
    },
    async (req) => ({ report: reportResource(await core.reports.create(req.principal, req.params.id, req.body)) }),
  );

  app.get<{ Querystring: ListQuery & { campaign_id?: number } }>(
    '/reports',
    {
      schema: {
        tags,
        summary: 'List campaign reports (Decoy extension)',
        querystring: reportListQuery,
        response: { 200: { type: 'object', properties: { reports: { type: 'array', items: reportSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ reports: (await core.reports.list(req.principal, req.query)).map(reportResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/reports/:id',
    { schema: { tags, summary: 'Get a campaign report and its status (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ report: reportResource(await core.reports.get(req.principal, req.params.id)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/reports/:id/download',
    {
      schema: {
        tags,
        summary: 'Download the file of a ready report; 409 while it is processing (Decoy extension)',
        params: idParams,
        response: { 200: { description: 'the report (PDF, HTML or DOCX)', type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const file = await core.reports.file(req.principal, req.params.id);
      return sendFile(reply, file, file.name, file.row.type);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/reports/:id',
    { schema: { tags, summary: 'Delete a campaign report and its file (Decoy extension)', params: idParams } },
    async (req, reply) => {
      await core.reports.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
