/**
 * Lucy's Awareness Certificate: `POST /api/awareness-certificates/generate` (types 1001 victim,
 * 1002 recipient, 1003 campaign; format 0 PDF, 1 JPG; optional `sendTo`),
 * `GET /api/awareness-certificates/:id` (status 10 processing, 20 ready, 100 error) and
 * `GET /api/awareness-certificates/download/:id` (a zip of the files; 409 until ready).
 * Generating writes files: `view` users may read and download certificates but not generate them.
 */
import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import type { Core } from '../../core/index.ts';
import { CERTIFICATE_TYPE_IDS, type CertificateRequest, type CertificateRow } from '../../core/reporting/certificates.ts';
import { contentDisposition } from '../../core/reporting/files.ts';
import { dateTimeOut, errorResponses, idParams, idSchema, linksSchema, lucyDate } from './plumbing.ts';

const certificateSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    type: { type: 'integer', description: '1001 victim, 1002 recipient, 1003 campaign' },
    format: { type: 'integer', description: '0 PDF, 1 JPG' },
    object_id: { type: ['integer', 'null'], description: 'the victim (1001) or campaign (1003); null for 1002' },
    status: { type: 'integer', description: '10 processing, 20 ready, 100 error' },
    email: { type: 'string', description: 'the recipient (1002)' },
    sendTo: { type: 'string', description: 'where the certificate was mailed' },
    error: { type: 'string' },
    files: { type: 'integer', description: 'Decoy extension: certificates in the zip (status 20)' },
    created_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

const generateBody = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'integer', enum: [...CERTIFICATE_TYPE_IDS], description: '1001 a victim (object_id), 1002 a recipient (email), 1003 every trained victim of a campaign (object_id)' },
    format: { type: 'integer', enum: [0, 1], description: '0 PDF (default), 1 JPG' },
    object_id: { ...idSchema, type: ['integer', 'null'], description: 'the victim id (1001) or campaign id (1003); empty for 1002' },
    email: { type: 'string', maxLength: 320, description: 'the recipient’s email address (1002)' },
    sendTo: { type: 'string', maxLength: 320, description: 'mail the certificate to this address once generated' },
  },
} as const;

export function certificateResource(c: CertificateRow) {
  const links = [{ rel: 'self', href: `/api/awareness-certificates/${c.id}` }];
  if (c.file) links.push({ rel: 'download', href: `/api/awareness-certificates/download/${c.id}` });
  if (c.type === 1001 && c.object_id !== null) links.push({ rel: 'victim', href: `/api/victims/${c.object_id}` });
  if (c.type === 1003 && c.object_id !== null) links.push({ rel: 'campaign', href: `/api/campaigns/${c.object_id}` });
  return {
    id: c.id,
    type: c.type,
    format: c.format,
    object_id: c.object_id,
    status: c.status,
    email: c.email,
    sendTo: c.send_to,
    error: c.error,
    files: c.file_count,
    created_at: lucyDate(c.created_at),
    links,
  };
}

const one = { 200: { type: 'object', properties: { 'awareness-certificate': certificateSchema } }, ...errorResponses } as const;
const tags = ['awareness certificates'];

export default async function awarenessCertificateRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Body: CertificateRequest }>(
    '/awareness-certificates/generate',
    {
      schema: {
        tags,
        summary: 'Generate awareness certificates of trained victims (in the background: poll GET /api/awareness-certificates/:id until status 20)',
        body: generateBody,
        response: one,
      },
    },
    async (req) => ({ 'awareness-certificate': certificateResource(await core.certificates.generate(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/awareness-certificates/:id',
    { schema: { tags, summary: 'Check an awareness certificate’s status', params: idParams, response: one } },
    async (req) => ({ 'awareness-certificate': certificateResource(await core.certificates.get(req.principal, req.params.id)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/awareness-certificates/download/:id',
    {
      schema: {
        tags,
        summary: 'Download the zip of the certificate files; 409 while they are generated',
        params: idParams,
        response: { 200: { description: 'a zip file', type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const file = await core.certificates.file(req.principal, req.params.id);
      return reply
        .type('application/zip')
        .header('content-disposition', contentDisposition(`awareness-certificates-${file.row.id}`, 'zip'))
        .header('content-length', String(file.size))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file.path));
    },
  );
}
