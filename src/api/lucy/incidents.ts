/**
 * Reported messages (phishing incidents) on the Lucy API. Ingestion (report button, mailbox)
 * goes through core's `IncidentService.record`; the API reads, triages and deletes.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { INCIDENT_STATUSES, type IncidentRow } from '../../core/incidents/incidents.ts';
import { invalid } from '../../errors.ts';
import { dateTimeOut, errorResponses, idParams, linksSchema, listQuery, lucyDate, noContent, parseJsonArray, yes, type ListQuery } from './plumbing.ts';

export const incidentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    email: { type: 'string' },
    status: { type: 'string', enum: [...INCIDENT_STATUSES] },
    time: dateTimeOut,
    score: { type: 'number' },
    more_analysis: { type: 'boolean' },
    client_id: { type: 'integer' },
    campaign_id: { type: ['integer', 'null'] },
    links: linksSchema,
    message_url: { type: 'string', description: 'the reported message as message/rfc822 (GET /api/incidents/:id/message, a Decoy extension)' },
    subject: { type: 'string' },
    headers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          from: { type: 'string' },
          ip: { type: 'string' },
          by: { type: 'string' },
          with: { type: 'string' },
          time: { type: 'string' },
          blacklisted: { type: 'boolean' },
          score: { type: 'number' },
        },
      },
    },
    domains: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          source: { type: 'string' },
          domain: { type: 'string' },
          score: { type: 'number' },
          checks: {
            type: 'array',
            items: { type: 'object', properties: { service_name: { type: 'string' }, flagged: { type: 'boolean' } } },
          },
        },
      },
    },
    body_analysis: {
      type: 'array',
      items: { type: 'object', properties: { rule: { type: 'string' }, score: { type: 'number' } } },
    },
  },
} as const;

export function incidentResource(i: Omit<IncidentRow, 'message'>) {
  const self = `/api/incidents/${i.id}`;
  return {
    id: i.id,
    email: i.email,
    status: i.status,
    time: lucyDate(i.time),
    score: i.score,
    more_analysis: yes(i.more_analysis),
    client_id: i.client_id,
    campaign_id: i.campaign_id,
    links: [
      { rel: 'self', href: self },
      { rel: 'delete', href: self },
    ],
    message_url: `${self}/message`,
    subject: i.subject,
    headers: parseJsonArray(i.headers),
    domains: parseJsonArray(i.domains),
    body_analysis: parseJsonArray(i.body_analysis),
  };
}

const one = { 200: { type: 'object', properties: { incident: incidentSchema } }, ...errorResponses };
const tags = ['incidents'];

export default async function incidentRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery & { status?: string } }>(
    '/incidents',
    {
      schema: {
        tags,
        summary: 'List reported messages (phishing incidents)',
        querystring: {
          ...listQuery,
          properties: { ...listQuery.properties, status: { type: 'string', enum: [...INCIDENT_STATUSES], description: 'Decoy extension: only incidents in this status' } },
        },
        response: { 200: { type: 'object', properties: { incidents: { type: 'array', items: incidentSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ incidents: (await core.incidents.list(req.principal, req.query)).map(incidentResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/incidents/:id',
    { schema: { tags, summary: 'Get a reported message', params: idParams, response: one } },
    async (req) => ({ incident: incidentResource(await core.incidents.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: { id?: number; status: string } }>(
    '/incidents/:id',
    {
      schema: {
        tags,
        summary: 'Triage a reported message: change its status (Decoy extension; every other field is ignored)',
        params: idParams,
        body: {
          type: 'object',
          required: ['status'],
          properties: { id: idParams.properties.id, status: { type: 'string', enum: [...INCIDENT_STATUSES] } },
        },
        response: one,
      },
    },
    async (req) => {
      if (req.body.id !== undefined && req.body.id !== req.params.id) throw invalid(`id: ${req.body.id} does not match the id in the path (${req.params.id})`);
      return { incident: incidentResource(await core.incidents.setStatus(req.principal, req.params.id, req.body.status)) };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/incidents/:id',
    { schema: { tags, summary: 'Delete a reported message', params: idParams, response: errorResponses } },
    async (req, reply) => {
      await core.incidents.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/incidents/:id/message',
    { schema: { tags, summary: 'Download the reported message as it arrived (message/rfc822; Decoy extension)', params: idParams } },
    async (req, reply) => {
      const incident = await core.incidents.get(req.principal, req.params.id);
      return reply
        .type('message/rfc822')
        .header('Content-Disposition', `attachment; filename="incident-${incident.id}.eml"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .send(incident.message);
    },
  );
}
