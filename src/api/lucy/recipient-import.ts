/**
 * A dry run of a recipient import (Decoy extension in Lucy's style): every bad row listed with
 * its field and reason, nothing written. The import itself
 * (`PUT /api/recipient-groups/:id/recipients`) is all or nothing and names the first bad row.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { MAX_BULK_RECIPIENTS } from '../../core/people/recipient-input.ts';
import { errorResponses, idParams } from './plumbing.ts';

export const importCheckSchema = {
  type: 'object',
  properties: {
    rows: { type: 'integer', description: 'rows in the request' },
    valid: { type: 'integer', description: 'rows that would be imported' },
    invalid: { type: 'integer', description: 'rows with a problem' },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          row: { type: 'integer', description: 'index of the row in the request, from 0' },
          field: { type: ['string', 'null'] },
          message: { type: 'string' },
        },
      },
    },
  },
} as const;

export default async function recipientImportRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Params: { id: number }; Body: { recipients: unknown[] } }>(
    '/recipient-groups/:id/recipients/check',
    {
      schema: {
        tags: ['recipient groups'],
        summary: 'Check recipients before importing them (Decoy extension): every bad row with its field and reason; nothing is written',
        params: idParams,
        body: {
          type: 'object',
          required: ['recipients'],
          properties: {
            recipients: {
              type: 'array',
              maxItems: MAX_BULK_RECIPIENTS,
              description: 'the Recipients as they would be sent to PUT /api/recipient-groups/:id/recipients; each row is checked in the answer, not here',
            },
          },
        },
        response: { 200: { type: 'object', properties: { import_check: importCheckSchema } }, ...errorResponses },
      },
    },
    async (req) => ({ import_check: await core.recipientImport.check(req.principal, req.params.id, req.body.recipients) }),
  );
}
