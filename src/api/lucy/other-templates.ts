/** Attachment, report and campaign templates on the Lucy API (read, and delete for attachments). */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { parseJson } from '../../core/templates/common.ts';
import type { AttachmentTemplateRow, CampaignTemplateRow, ReportSection, ReportTemplateRow } from '../../core/templates/other-templates.ts';
import { dateTimeOut, errorResponses, idParams, linksSchema, listQuery, lucyDate, noContent, parseJsonArray, yes, type ListQuery } from './plumbing.ts';

const attachmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    created_at: dateTimeOut,
    updated_at: dateTimeOut,
    name: { type: 'string' },
    enable: { type: 'boolean' },
    description: { type: 'string' },
    variables: { type: 'array', items: { type: 'string' } },
    configurations: { type: 'array', items: { type: 'string' } },
    scenarioType: { type: 'string' },
    client_id: { type: ['integer', 'null'], description: 'Decoy extension: the owning client; null: the built-in library' },
    links: linksSchema,
  },
} as const;

export function attachmentTemplateResource(a: AttachmentTemplateRow) {
  return {
    id: a.id,
    created_at: lucyDate(a.created_at),
    updated_at: lucyDate(a.updated_at),
    name: a.name,
    enable: yes(a.enable),
    description: a.description,
    variables: parseJsonArray<string>(a.variables),
    configurations: parseJsonArray<string>(a.configurations),
    scenarioType: a.scenario_type,
    client_id: a.client_id,
    links: [{ rel: 'self', href: `/api/attachment-templates/${a.id}` }],
  };
}

const reportSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    sections: {
      type: 'array',
      description: 'section ids are numeric strings; the same id names the same section in every template and in the integer `sections` of a report request',
      items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } },
    },
    links: linksSchema,
  },
} as const;

export function reportTemplateResource(r: ReportTemplateRow) {
  return {
    id: r.id,
    name: r.name,
    sections: parseJson<ReportSection[]>(r.sections, []).map((s) => ({ id: String(s.id), title: s.title })),
    links: [{ rel: 'self', href: `/api/report-templates/${r.id}` }],
  };
}

const campaignTemplateSchema = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } as const;

export function campaignTemplateResource(c: CampaignTemplateRow) {
  return { id: c.id, name: c.name };
}

const listOf = (key: string, item: object) => ({ 200: { type: 'object', properties: { [key]: { type: 'array', items: item } } }, ...errorResponses });
const oneOf = (key: string, item: object) => ({ 200: { type: 'object', properties: { [key]: item } }, ...errorResponses });

export default async function otherTemplateRoutes(app: FastifyInstance, core: Core) {
  const svc = core.templates.others;

  app.get<{ Querystring: ListQuery }>(
    '/attachment-templates',
    { schema: { tags: ['attachment templates'], summary: 'List attachment templates', querystring: listQuery, response: listOf('attachment_templates', attachmentSchema) } },
    async (req) => ({ attachment_templates: (await svc.listAttachments(req.principal, req.query)).map(attachmentTemplateResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/attachment-templates/:id',
    { schema: { tags: ['attachment templates'], summary: 'Get an attachment template', params: idParams, response: oneOf('attachment_template', attachmentSchema) } },
    async (req) => ({ attachment_template: attachmentTemplateResource(await svc.getAttachment(req.principal, req.params.id)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/attachment-templates/:id',
    { schema: { tags: ['attachment templates'], summary: 'Delete an attachment template (built-in ones: super admin only)', params: idParams } },
    async (req, reply) => {
      await svc.deleteAttachment(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/report-templates',
    { schema: { tags: ['report templates'], summary: 'List report templates', querystring: listQuery, response: listOf('report_templates', reportSchema) } },
    async (req) => ({ report_templates: (await svc.listReports(req.principal, req.query)).map(reportTemplateResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/report-templates/:id',
    { schema: { tags: ['report templates'], summary: 'Get a report template', params: idParams, response: oneOf('report_template', reportSchema) } },
    async (req) => ({ report_template: reportTemplateResource(await svc.getReport(req.principal, req.params.id)) }),
  );

  app.get<{ Querystring: ListQuery }>(
    '/campaign/templates',
    { schema: { tags: ['campaign templates'], summary: 'List campaign templates', querystring: listQuery, response: listOf('campaign_templates', campaignTemplateSchema) } },
    async (req) => ({ campaign_templates: (await svc.listCampaignTemplates(req.principal, req.query)).map(campaignTemplateResource) }),
  );
}
