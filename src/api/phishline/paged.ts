/**
 * Registers one PhishLine data endpoint under every path form the document allows:
 * `/<name>`, `/<name>/{id}`, `/<name>/{id}/{afterid}` (and the plural name where there is one).
 * `id` 0 or absent: every campaign; `afterid` absent: 0.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageRequest } from '../../core/phishline/rows.ts';
import { MAX_ID, dataEnvelope, dataEnvelopeSchema, errorResponses, type DataPage, type FieldDocs } from './envelope.ts';

export const EDIT_ALL = 'Email Campaign – Can Edit All';
export const VIEW_RESULTS = 'Email Campaign Results – Can View All';

const idParam = { type: 'integer', minimum: 0, maximum: MAX_ID } as const;

const accessTokenQuery = {
  access_token: { type: 'string', maxLength: 200, description: 'The access token, when not sent as Authorization: Bearer' },
} as const;

export interface PagedEndpoint {
  /** Path names: the first is documented, the others are aliases. */
  names: string[];
  entity: string;
  summary: string;
  description: string;
  groups: readonly string[];
  fields: FieldDocs;
  /** Extra query parameters (beyond access_token). */
  query?: Record<string, unknown>;
  load(req: FastifyRequest, page: PageRequest): Promise<DataPage>;
}

export function pagedEndpoint(app: FastifyInstance, e: PagedEndpoint, opts: { documented: boolean }) {
  const response = dataEnvelopeSchema(e.entity, e.fields);
  const forms: [string, string[]][] = [
    ['', []],
    ['/:id', ['id']],
    ['/:id/:afterid', ['id', 'afterid']],
  ];
  for (const [i, name] of e.names.entries()) {
    for (const [suffix, params] of forms) {
      app.get(
        `/${name}${suffix}`,
        {
          config: { phishline: { groups: e.groups } },
          schema: {
            tags: ['phishline'],
            summary: e.summary,
            description: `${e.description}\n\nNeeds one of the permission groups: ${e.groups.map((g) => `"${g}"`).join(', ')}. Send the access token from POST /rest/authenticate as \`Authorization: Bearer <token>\` or \`?access_token=<token>\`. Also served under \`/{instance}/rest\` (instance: the client's slug).`,
            hide: !opts.documented || i > 0,
            ...(params.length
              ? {
                  params: {
                    type: 'object',
                    required: params,
                    properties: {
                      id: { ...idParam, description: 'Campaign id; 0: every campaign of the client' },
                      ...(params.includes('afterid') ? { afterid: { ...idParam, description: 'Rows with a larger id than this (the previous MaxIdReturned); 0 from the start' } } : {}),
                    },
                  },
                }
              : {}),
            querystring: { type: 'object', properties: { ...accessTokenQuery, ...(e.query ?? {}) } },
            response: { 200: response, 206: response, ...errorResponses },
          },
        },
        async (req: FastifyRequest<{ Params: { id?: number; afterid?: number } }>, reply: FastifyReply) => {
          const ctx = req.phishline;
          const page = await e.load(req, { clientId: ctx.clientId, campaignId: req.params.id ?? 0, afterId: req.params.afterid ?? 0 });
          return dataEnvelope(reply, ctx, e.entity, page);
        },
      );
    }
  }
}
