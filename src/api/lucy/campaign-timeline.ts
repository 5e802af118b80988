/**
 * Decoy extension: GET /api/campaigns/:id/timeline — how many victims had been sent, had
 * opened, clicked, succeeded and reported by the end of each interval since the start (at most
 * 60 intervals), for the web app's live chart.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { errorResponses, idParams } from './plumbing.ts';

const pointSchema = {
  type: 'object',
  properties: {
    time: { type: 'string', format: 'date-time', description: 'end of the interval' },
    submitted: { type: 'integer' },
    opened: { type: 'integer' },
    clicked: { type: 'integer' },
    succeeded: { type: 'integer' },
    reported: { type: 'integer' },
  },
} as const;

export default async function campaignTimelineRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Params: { id: number } }>(
    '/campaigns/:id/timeline',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Decoy extension: cumulative sent, opened, clicked, succeeded and reported victims per interval since the campaign started',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              timeline: {
                type: 'object',
                properties: { bucket_minutes: { type: 'integer', description: 'length of an interval; 0: not started' }, points: { type: 'array', items: pointSchema } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => ({ timeline: await core.campaignTimeline.timeline(req.principal, req.params.id) }),
  );
}
