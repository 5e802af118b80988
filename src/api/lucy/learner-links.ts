/**
 * Personal learner-portal links (Decoy extension in Lucy's style). A link is signed, expires by
 * itself, and is never stored; revoking a learner's links invalidates every one issued so far.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { LINK_DAYS, MAX_LINK_DAYS } from '../../core/training/portal.ts';
import { dateTimeOut, errorResponses, idParams, lucyDate, noContent } from './plumbing.ts';

const tags = ['learners'];

export default async function learnerLinkRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Params: { id: number }; Body: { days?: number } }>(
    '/learners/:id/portal-link',
    {
      schema: {
        tags,
        summary: "A personal link to the learner portal on the tracking server (no password; body {} or {days}); it stops working when it expires or when the learner's links are revoked",
        params: idParams,
        body: {
          type: 'object',
          properties: { days: { type: 'integer', minimum: 1, maximum: MAX_LINK_DAYS, default: LINK_DAYS, description: `how long the link works (default ${LINK_DAYS})` } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              portal_link: {
                type: 'object',
                properties: {
                  url: { type: 'string', description: 'DECOY_PUBLIC_URL (else the tracking address) + /learn/<token>' },
                  expires_at: dateTimeOut,
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const link = await core.portal.issueLink(req.principal, req.params.id, req.body?.days ?? LINK_DAYS);
      return { portal_link: { url: link.url, expires_at: lucyDate(link.expiresAt) } };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/learners/:id/revoke-links',
    {
      schema: {
        tags,
        summary: 'Revoke every portal link issued to the learner so far (body {})',
        params: idParams,
        body: { type: 'object', properties: {}, description: 'nothing to send: {}' },
        response: errorResponses,
      },
    },
    async (req, reply) => {
      await core.portal.revokeLinks(req.principal, req.params.id);
      return noContent(reply);
    },
  );
}
