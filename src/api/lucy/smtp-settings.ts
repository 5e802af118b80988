/**
 * The SMTP relay as the settings screen shows it (Decoy extension in Lucy's style). The relay
 * is DECOY_SMTP_URL, so it is read-only here and its password is never returned; the test
 * message goes through it (or into the built-in catcher when it is unset).
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { errorResponses } from './plumbing.ts';

const tags = ['settings'];

export const smtpSettingsSchema = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['relay', 'catcher'], description: 'relay: DECOY_SMTP_URL is set; catcher: mail is kept in the built-in catcher (GET /api/outbox)' },
    source: { type: 'string', description: 'where the relay is configured' },
    host: { type: ['string', 'null'] },
    port: { type: ['integer', 'null'] },
    secure: { type: 'boolean', description: 'smtps:// (TLS from the start)' },
    username: { type: ['string', 'null'] },
    password_set: { type: 'boolean', description: 'whether a password is configured; the password is never returned' },
    pool: { type: ['integer', 'null'], description: 'connections to the relay (?pool=)' },
    rate: { type: ['integer', 'null'], description: 'messages per second at most (?rate=); null: no limit' },
    insecure_tls: { type: 'boolean' },
  },
} as const;

export const testMessageSchema = {
  type: 'object',
  properties: {
    mode: { type: 'string', enum: ['relay', 'catcher'] },
    ok: { type: 'boolean', description: 'whether the relay (or the catcher) accepted the message' },
    to: { type: 'string' },
    message_id: { type: ['string', 'null'] },
    response: { type: ['string', 'null'], description: "the relay's answer" },
    error: { type: ['string', 'null'], description: 'why it failed (never a credential)' },
    error_kind: { type: ['string', 'null'], enum: ['temporary', 'permanent', null] },
  },
} as const;

export default async function smtpSettingsRoutes(app: FastifyInstance, core: Core) {
  app.get(
    '/smtp-settings',
    {
      schema: {
        tags,
        summary: 'The outgoing SMTP relay, read-only (Decoy extension): set by DECOY_SMTP_URL; the password is never shown',
        response: { 200: { type: 'object', properties: { smtp_settings: smtpSettingsSchema } }, ...errorResponses },
      },
    },
    async (req) => ({ smtp_settings: core.smtpSettings.describe(req.principal) }),
  );

  app.post<{ Body: { to: string } }>(
    '/smtp-settings/test',
    {
      schema: {
        tags,
        summary: "Send Decoy's test message through the relay, or into the catcher (Decoy extension; admins only)",
        body: {
          type: 'object',
          required: ['to'],
          properties: { to: { type: 'string', minLength: 1, maxLength: 320, description: 'the address to send the test message to' } },
        },
        response: { 200: { type: 'object', properties: { test_message: testMessageSchema } }, ...errorResponses },
      },
    },
    async (req) => ({ test_message: await core.smtpSettings.sendTest(req.principal, req.body.to) }),
  );
}
