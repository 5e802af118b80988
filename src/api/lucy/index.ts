import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../../core/index.ts';
import { classifyError, forbidden, unauthenticated } from '../../errors.ts';
import apiKeys from './api-keys.ts';
import auth from './auth.ts';
import clients from './clients.ts';
import users from './users.ts';
import reference from './reference.ts';
import recipientGroups from './recipient-groups.ts';
import recipients from './recipients.ts';
import recipientCustomFields from './recipient-custom-fields.ts';
import scenarioTemplates from './scenario-templates.ts';
import awarenessTemplates from './awareness-templates.ts';
import otherTemplates from './other-templates.ts';
import campaigns from './campaigns.ts';
import scenarios from './scenarios.ts';
import campaignAwareness from './campaign-awareness.ts';
import campaignCustomFields from './campaign-custom-fields.ts';
import incidents from './incidents.ts';
import outbox from './outbox.ts';
import scannerRanges from './scanner-ranges.ts';
import victims from './victims.ts';
import exportRoutes from './exports.ts';
import reportRoutes from './reports.ts';
import lessonRoutes from './lessons.ts';
import pathRoutes from './paths.ts';
import learnerRoutes from './learners.ts';
import enrollmentRoutes from './enrollments.ts';
import assignmentRoutes from './assignments.ts';
import learnerLinks from './learner-links.ts';
import dashboardRoutes from './dashboard.ts';
import smtpSettingsRoutes from './smtp-settings.ts';
import recipientImportRoutes from './recipient-import.ts';
import recipientSearchRoutes from './recipient-search.ts';
import frameRoutes from './frames.ts';
import campaignTimelineRoutes from './campaign-timeline.ts';
import awarenessCertificateRoutes from './awareness-certificates.ts';

export type LucyRoutes = (app: FastifyInstance, core: Core) => Promise<void> | void;

const ROUTES: LucyRoutes[] = [
  auth,
  users,
  apiKeys,
  clients,
  reference,
  recipientGroups,
  recipients,
  recipientCustomFields,
  scenarioTemplates,
  awarenessTemplates,
  otherTemplates,
  campaigns,
  scenarios,
  campaignAwareness,
  campaignCustomFields,
  incidents,
  outbox,
  scannerRanges,
  victims,
  exportRoutes,
  reportRoutes,
  lessonRoutes,
  pathRoutes,
  learnerRoutes,
  enrollmentRoutes,
  assignmentRoutes,
  learnerLinks,
  dashboardRoutes,
  smtpSettingsRoutes,
  recipientImportRoutes,
  recipientSearchRoutes,
  frameRoutes,
  campaignTimelineRoutes,
  awarenessCertificateRoutes,
];

export function sendLucyError(reply: FastifyReply, err: unknown, req?: FastifyRequest) {
  const c = classifyError(err);
  if (c.status >= 500) req?.log.error({ err }, 'request failed');
  if (c.code === 'rate_limited') reply.header('Retry-After', String(c.details?.retryAfterSeconds ?? 3600));
  return reply.code(c.status).type('application/json; charset=utf-8').send({ error: { code: c.code, message: c.message } });
}

/** The Lucy dialect: `/api/...` with a JWT (or an API key) as Bearer. */
export async function lucyPlugin(app: FastifyInstance, { core }: { core: Core }) {
  app.decorateRequest('principal', null as never);

  app.setErrorHandler((err, req, reply) => sendLucyError(reply, err, req));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no such endpoint: ${req.method} ${req.url.split('?')[0]}` } }),
  );

  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public) return;
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) throw unauthenticated('missing credentials: send Authorization: Bearer <token from POST /api/auth>');
    const p = await core.access.authenticateBearer(m[1]);
    if (p.role === 'enduser') throw forbidden('your role (enduser) cannot use the admin API');
    // A super admin can act within one client, as the UI's client switcher does.
    const acting = req.headers['x-decoy-client'];
    if (p.clientId === null && typeof acting === 'string' && acting !== '') {
      if (!/^\d{1,10}$/.test(acting)) throw forbidden('X-Decoy-Client: must be a client id');
      const client = await core.clients.get(p, Number(acting)).catch(() => null);
      if (!client) throw forbidden('X-Decoy-Client: no such client');
      p.actingClientId = client.id;
    }
    req.principal = p;
    await core.access.rateLimiter.hit(p.credential);
  });

  // A write needs a JSON body: anything else is 415 (bodies that are not JSON are refused by
  // the parser with 415 too).
  app.addHook('preValidation', async (req) => {
    if (req.method === 'GET' || req.method === 'DELETE' || req.method === 'HEAD') return;
    if (!req.routeOptions.schema?.body) return;
    const type = req.headers['content-type'];
    if (!type || !/^application\/json\b/i.test(type)) {
      const e = new Error('request body must be JSON (Content-Type: application/json)') as Error & { code: string };
      e.code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
      throw e;
    }
  });

  // `view` users read only, whatever the route.
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config?.public || req.routeOptions.config?.readsOnly || req.method === 'GET' || req.method === 'HEAD') return;
    if (req.principal?.role === 'view') throw forbidden('your role (view) is read-only');
  });

  for (const routes of ROUTES) await routes(app, core);
}
