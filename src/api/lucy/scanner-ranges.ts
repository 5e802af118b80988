/**
 * Scanner address ranges (Decoy extension in Lucy's style): tracking hits from these addresses
 * are recorded as automated, not as a person opening or clicking.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { ScannerRangeInput, ScannerRangeRow } from '../../core/tracking/scanner-ranges.ts';
import { dateTimeOut, errorResponses, idParams, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema, type ListQuery } from './plumbing.ts';

export const scannerRangeSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { type: ['integer', 'null'], description: 'the client whose hits the range applies to; null: every client' },
    cidr: { type: 'string', description: 'IPv4 or IPv6 range, e.g. 192.0.2.0/24 or 2001:db8::/32' },
    label: { type: 'string', description: 'who scans from there, e.g. "Proofpoint"; shown in the reasons of automated events' },
    created_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

export function scannerRangeResource(r: ScannerRangeRow) {
  return {
    id: r.id,
    client_id: r.client_id,
    cidr: r.cidr,
    label: r.label,
    created_at: lucyDate(r.created_at),
    links: [{ rel: 'self', href: `/api/scanner-ranges/${r.id}` }, ...(r.client_id ? [{ rel: 'client', href: `/api/clients/${r.client_id}` }] : [])],
  };
}

const tags = ['scanner-ranges'];
const one = { 200: { type: 'object', properties: { scanner_range: scannerRangeSchema } }, ...errorResponses };

export default async function scannerRangeRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery }>(
    '/scanner-ranges',
    {
      schema: {
        tags,
        summary: "List scanner address ranges (Decoy extension): everyone's and your client's own",
        querystring: listQuery,
        response: { 200: { type: 'object', properties: { scanner_ranges: { type: 'array', items: scannerRangeSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ scanner_ranges: (await core.scannerRanges.list(req.principal, req.query)).map(scannerRangeResource) }),
  );

  app.put<{ Body: ScannerRangeInput }>(
    '/scanner-ranges',
    {
      schema: {
        tags,
        summary: 'Add a scanner address range (Decoy extension): hits from it are recorded as automated',
        body: {
          type: 'object',
          required: ['cidr'],
          properties: {
            cidr: { type: 'string', minLength: 1, maxLength: 64, description: 'IPv4 or IPv6 CIDR (a single address is taken as /32 or /128)' },
            label: { type: 'string', maxLength: 255 },
            client_id: { ...nullableIdSchema, description: 'super admin only: the client it applies to; null: every client; absent: the X-Decoy-Client client, else every client' },
          },
        },
        response: one,
      },
    },
    async (req) => ({ scanner_range: scannerRangeResource(await core.scannerRanges.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/scanner-ranges/:id',
    { schema: { tags, summary: 'Get a scanner address range (Decoy extension)', params: idParams, response: one } },
    async (req) => ({ scanner_range: scannerRangeResource(await core.scannerRanges.get(req.principal, req.params.id)) }),
  );

  app.delete<{ Params: { id: number } }>(
    '/scanner-ranges/:id',
    { schema: { tags, summary: "Delete a scanner address range (everyone's: super admin only)", params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.scannerRanges.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
