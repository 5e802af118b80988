/**
 * Decoy extension (spec README): GET /api/outbox — the messages the built-in catcher kept
 * (mail when DECOY_SMTP_URL is unset, SMS with the built-in provider), with their rendered content.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { OutboxFilter, OutboxMessageSummary } from '../../core/outbox/outbox.ts';
import { dateTimeOut, errorResponses, idParams, idSchema, linksSchema, listQuery, lucyDate, type ListQuery } from './plumbing.ts';

const nullableId = { type: ['integer', 'null'] } as const;

const messageSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    client_id: { ...nullableId, description: 'null: a relay test by a super admin' },
    campaign_id: nullableId,
    victim_id: nullableId,
    message_type: { type: 'string', description: 'attack, lure, awareness, test, ...' },
    channel: { type: 'string', enum: ['email', 'sms'] },
    sender: { type: 'string', description: 'envelope sender (email); empty for SMS' },
    recipient: { type: 'string', description: 'email address(es) or phone number' },
    subject: { type: 'string' },
    message_id: { type: 'string', description: 'Message-ID header, with angle brackets; empty for SMS' },
    html: { type: 'string', description: 'rendered HTML part' },
    text: { type: 'string', description: 'rendered text part (the SMS text for SMS)' },
    created_at: dateTimeOut,
    links: linksSchema,
  },
} as const;

const listQuerySchema = {
  type: 'object',
  properties: {
    ...listQuery.properties,
    campaign_id: idSchema,
    victim_id: idSchema,
    channel: { type: 'string', enum: ['email', 'sms'] },
    q: { type: 'string', minLength: 1, maxLength: 255, description: 'recipient or subject contains this (case-insensitive)' },
  },
} as const;

export function outboxResource(m: OutboxMessageSummary) {
  return {
    id: m.id,
    client_id: m.client_id,
    campaign_id: m.campaign_id,
    victim_id: m.victim_id,
    message_type: m.message_type,
    channel: m.channel,
    sender: m.sender,
    recipient: m.recipient,
    subject: m.subject,
    message_id: m.message_id,
    html: m.html,
    text: m.text,
    created_at: lucyDate(m.created_at),
    links: [
      { rel: 'self', href: `/api/outbox/${m.id}` },
      { rel: 'raw', href: `/api/outbox/${m.id}/raw` },
    ],
  };
}

const tags = ['outbox'];

export default async function outboxRoutes(app: FastifyInstance, core: Core) {
  app.get<{ Querystring: ListQuery & OutboxFilter }>(
    '/outbox',
    {
      schema: {
        tags,
        summary: 'List messages kept by the built-in catcher (Decoy extension)',
        querystring: listQuerySchema,
        response: { 200: { type: 'object', properties: { outbox: { type: 'array', items: messageSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ outbox: (await core.outbox.list(req.principal, req.query)).map(outboxResource) }),
  );

  app.get<{ Params: { id: number } }>(
    '/outbox/:id',
    {
      schema: {
        tags,
        summary: 'Get a message kept by the built-in catcher (Decoy extension)',
        params: idParams,
        response: { 200: { type: 'object', properties: { message: messageSchema } }, ...errorResponses },
      },
    },
    async (req) => ({ message: outboxResource(await core.outbox.get(req.principal, req.params.id)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/outbox/:id/raw',
    {
      schema: {
        tags,
        summary: 'The whole message as sent (message/rfc822; the SMS text for SMS) (Decoy extension)',
        params: idParams,
        produces: ['message/rfc822', 'text/plain'],
        response: { 200: { type: 'string', description: 'RFC 5322 message' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const m = await core.outbox.get(req.principal, req.params.id);
      const type = m.channel === 'sms' ? 'text/plain; charset=utf-8' : 'message/rfc822';
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="message-${m.id}.${m.channel === 'sms' ? 'txt' : 'eml'}"`)
        .header('x-content-type-options', 'nosniff')
        .send(m.raw);
    },
  );
}
