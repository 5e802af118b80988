/**
 * Lucy's Campaign Export: `POST /api/export/generate` (every request variant of the document:
 * campaign data, SCORM, SAML links, recipients of a group, common data). Decoy extensions:
 * `GET /api/export/:id` (status), `GET /api/export/download/:id` (the file), `GET /api/exports`
 * (list) and `DELETE /api/export/:id`.
 *
 * The file is written after the answer: the export is returned with status 10 (processing)
 * and becomes 20 (ready) or 100 (error); the download answers 409 until it is ready. Writing
 * a file is a write: `view` users may read and download exports but not generate them (403).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import { ROLE_GROUPS } from '../../core/access/principal.ts';
import type { Core } from '../../core/index.ts';
import { EXPORT_TYPES, EXPORT_TYPE_IDS } from '../../core/reporting/export-types.ts';
import { EXPORT_EXTENSIONS, type ExportRequest, type ExportRow } from '../../core/reporting/exports.ts';
import { contentDisposition } from '../../core/reporting/files.ts';
import { dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, noContent, shortStr, type ListQuery } from './plumbing.ts';

const typeList = EXPORT_TYPE_IDS.map((id) => `${id} ${EXPORT_TYPES[id].label}`).join('; ');

const exportSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { type: 'integer' },
    extension: { type: 'string', enum: [...EXPORT_EXTENSIONS] },
    status: { type: 'integer', description: '10 processing, 20 ready, 100 error' },
    created_at: dateTimeOut,
    id: { type: 'integer' },
    filter: { type: 'string', description: 'what the export covers, e.g. campaign_id=12' },
    error: { type: 'string', description: 'Decoy extension: why the export failed (status 100)' },
    rows: { type: 'integer', description: 'Decoy extension: rows written (status 20)' },
    size: { type: 'integer', description: 'Decoy extension: file size in bytes (status 20)' },
    links: linksSchema,
  },
} as const;

const generateBody = {
  type: 'object',
  required: ['type'],
  properties: {
    name: { ...shortStr, description: 'file name without extension; default: the type and what it covers' },
    type: { type: 'integer', enum: EXPORT_TYPE_IDS, description: typeList },
    campaign_id: { ...idSchema, description: 'required for the campaign data types (10-121, 210)' },
    awareness_id: idSchema,
    role_group: { type: 'string', enum: [...ROLE_GROUPS] },
    group_id: { ...idSchema, description: 'required for type 300 (recipients of a recipient group)' },
    template_id: idSchema,
    language_id: idSchema,
    extension: { type: 'string', enum: [...EXPORT_EXTENSIONS], description: 'default csv' },
  },
} as const;

export function exportResource(e: ExportRow) {
  const links = [{ rel: 'self', href: `/api/export/${e.id}` }];
  if (e.status === 20) links.push({ rel: 'download', href: `/api/export/download/${e.id}` });
  return {
    name: e.name,
    type: e.type,
    extension: e.extension,
    status: e.status,
    created_at: lucyDate(e.created_at),
    id: e.id,
    filter: e.filter,
    error: e.error,
    rows: e.row_count,
    size: e.size,
    links,
  };
}

export const FILE_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** Sends a generated file as a download. */
export function sendFile(reply: FastifyReply, file: { path: string; size: number }, name: string, extension: string) {
  reply
    .type(FILE_TYPES[extension] ?? 'application/octet-stream')
    .header('content-disposition', contentDisposition(name, extension))
    .header('content-length', String(file.size))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store');
  // An HTML report opened from the admin origin runs nothing and loads nothing.
  if (extension === 'html') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  return reply.send(createReadStream(file.path));
}

const fileResponse = {
  200: { description: 'the file (CSV or XML)', type: 'string', format: 'binary' },
  ...errorResponses,
} as const;

const one = { 200: { type: 'object', properties: { export: exportSchema } }, ...errorResponses } as const;
const tags = ['exports'];

export default async function exportRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Body: ExportRequest }>(
    '/export/generate',
    {
      schema: {
        tags,
        summary: 'Export campaign data, recipients of a group or common data as CSV or XML (generated in the background: poll GET /api/export/:id until status 20)',
        body: generateBody,
        response: one,
      },
    },
    async (req) => ({ export: exportResource(await core.exports.generate(req.principal, req.body)) }),
  );

  app.get<{ Querystring: ListQuery }>(
    '/exports',
    {
      schema: {
        tags,
        summary: 'List exports (Decoy extension)',
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { exports: { type: 'array', items: exportSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ exports: (await core.exports.list(req.principal, req.query)).map(exportResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/export/:id',
    { schema: { tags, summary: 'Get an export and its status (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ export: exportResource(await core.exports.get(req.principal, req.params.id)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/export/download/:id',
    { schema: { tags, summary: 'Download the file of a ready export; 409 while it is processing (Decoy extension)', params: idParams, response: fileResponse } },
    async (req, reply) => {
      const file = await core.exports.file(req.principal, req.params.id);
      return sendFile(reply, file, file.row.name, file.row.extension);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/export/:id',
    { schema: { tags, summary: 'Delete an export and its file (Decoy extension)', params: idParams } },
    async (req, reply) => {
      await core.exports.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
