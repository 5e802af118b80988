/**
 * The PhishLine (Barracuda Security Awareness Training) dialect: `/rest/...` and
 * `/:instance/rest/...` (instance: a client's slug). POST /authenticate hands out an access
 * token; every other call presents it (`Authorization: Bearer` or `?access_token=`), from the
 * same address. Every answer is PhishLine's envelope; any path or method the document does not
 * list is 405 NotAllowed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../../core/index.ts';
import { AppError, forbidden, unauthenticated } from '../../errors.ts';
import authenticate from './authenticate.ts';
import campaign from './campaign.ts';
import campaignResult from './campaignresult.ts';
import { sendPhishlineError } from './envelope.ts';
import outboundAnalysis from './outboundanalysis.ts';
import webActivity from './webactivity.ts';

const ROUTES = [authenticate, campaign, campaignResult, webActivity, outboundAnalysis];

/** `Authorization: Bearer <t>`, `?access_token=<t>`, or an `access_token` header (the document names it so). */
function presentedToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : null;
  }
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  if (typeof q === 'string' && q) return q;
  const h = req.headers.access_token;
  if (typeof h === 'string' && h) return h.replace(/^Bearer\s+/i, '');
  return null;
}

async function restScope(app: FastifyInstance, core: Core, instance: boolean) {
  app.setErrorHandler((err, req, reply) => sendPhishlineError(reply, err, req));

  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config?.phishline;
    if (!config || config.notAllowed) {
      throw new AppError('method_not_allowed', `${req.method} ${req.url.split('?')[0]} is not available via the public API`);
    }
    if (config.public) return;
    const token = presentedToken(req);
    if (!token) throw unauthenticated('no access token: send Authorization: Bearer <token> or ?access_token=<token> from POST /rest/authenticate');
    const caller = await core.accessTokens.verify(token, req.ip);
    let clientId = caller.clientId;
    if (instance) {
      const slug = (req.params as { instance?: string }).instance ?? '';
      const client = await core.clients.bySlug(slug);
      // An unknown instance and another client's instance answer alike.
      if (!client || (caller.clientId !== null && caller.clientId !== client.id)) throw unauthenticated('this access token is not valid for this instance');
      clientId = client.id;
    }
    req.phishline = { caller, clientId, calls: 0, limit: core.access.rateLimiter.limitPerHour };
    // Throws rate_limited (429) over the key's hourly limit.
    req.phishline.calls = (await core.access.rateLimiter.hit(caller.credential)).calls;
    if (config.groups && !config.groups.some((g) => caller.permissions.includes(g))) {
      throw forbidden(`this endpoint needs the permission group ${config.groups.map((g) => `"${g}"`).join(' or ')}`);
    }
  });

  // A POST needs a JSON body (bodies of other types are refused by the parser with 415 too).
  app.addHook('preValidation', async (req) => {
    if (req.method !== 'POST') return;
    const type = req.headers['content-type'];
    if (!type || !/^application\/json\b/i.test(type)) {
      throw new AppError('unsupported_media_type', 'request body must be JSON (Content-Type: application/json)');
    }
  });

  for (const routes of ROUTES) await routes(app, core, { documented: !instance, instance });

  const notAllowed = { config: { phishline: { notAllowed: true } }, schema: { hide: true } };
  const never = async () => undefined;
  app.all('/', notAllowed, never);
  app.all('/*', notAllowed, never);
}

export async function phishlinePlugin(app: FastifyInstance, { core }: { core: Core }) {
  app.decorateRequest('phishline', null as never);
  await app.register((scope) => restScope(scope, core, false), { prefix: '/rest' });
  await app.register((scope) => restScope(scope, core, true), { prefix: '/:instance/rest' });
}
