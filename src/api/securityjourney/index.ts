/**
 * The Security Journey v2 dialect: `/api/v2/...` reports read with an API key in the `ApiKey`
 * header. The key's client is the tenant; a key that belongs to no client (made by a super
 * admin outside any client) must name one with `X-Decoy-Client: <id>`. Parameters come from
 * the query string or from a form-encoded or JSON body (SJ's own clients send them as a form
 * body, even on GET). Errors are `{"error": {"code", "message"}}` as on the rest of `/api`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../core/index.ts';
import { forbidden, invalid, notFound, unauthenticated, classifyError } from '../../errors.ts';
import assignments from './assignments.ts';
import enrollments from './enrollments.ts';
import lessonAttempts from './lesson-attempts.ts';
import { collectParams } from './plumbing.ts';
import users from './users.ts';

const ROUTES = [enrollments, users, assignments, lessonAttempts];

function sendError(reply: FastifyReply, err: unknown, req: FastifyRequest) {
  const c = classifyError(err);
  if (c.status >= 500) req.log.error({ err }, 'request failed');
  if (c.code === 'rate_limited') reply.header('Retry-After', String(c.details?.retryAfterSeconds ?? 3600));
  return reply.code(c.status).type('application/json; charset=utf-8').send({ error: { code: c.code, message: c.message } });
}

export async function securityJourneyPlugin(app: FastifyInstance, { core }: { core: Core }) {
  app.decorateRequest('securityJourney', null as never);
  app.setErrorHandler((err, req, reply) => sendError(reply, err, req));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no such endpoint: ${req.method} ${req.url.split('?')[0]}` } }),
  );

  app.addHook('onRequest', async (req) => {
    const header = req.headers.apikey;
    const key = typeof header === 'string' ? header.trim() : '';
    if (!key) throw unauthenticated('missing API key: send it in the ApiKey header');
    const p = await core.access.authenticateApiKey(key);
    if (p.role === 'enduser') throw forbidden('your role (enduser) cannot use the API');
    let clientId = p.clientId ?? p.actingClientId;
    if (clientId === null) {
      const acting = req.headers['x-decoy-client'];
      if (typeof acting !== 'string' || acting === '') {
        throw invalid('X-Decoy-Client: this API key belongs to no client; name the client to report on with the X-Decoy-Client header, or use a key made within the client');
      }
      if (!/^\d{1,10}$/.test(acting)) throw invalid('X-Decoy-Client: must be a client id');
      const client = await core.clients.get(p, Number(acting)).catch(() => null);
      if (!client) throw notFound(`client ${acting}`);
      clientId = client.id;
    }
    req.securityJourney = { clientId };
    await core.access.rateLimiter.hit(p.credential);
  });

  app.addHook('preValidation', async (req) => {
    const config = req.routeOptions.config?.securityJourney;
    if (config) await collectParams(req, config.dates);
  });

  for (const routes of ROUTES) await routes(app, core);
}
