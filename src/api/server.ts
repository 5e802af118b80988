import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Core } from '../core/index.ts';
import { createHttpServer } from './http.ts';
import { lucyPlugin } from './lucy/index.ts';
import { phishlinePlugin } from './phishline/index.ts';
import { securityJourneyPlugin } from './securityjourney/index.ts';
import { webPlugin } from './web.ts';

export interface RouteInfo {
  method: string;
  url: string;
  schema?: Record<string, any>;
}

export interface ServerOptions {
  logger?: boolean;
  /** Filled with every route as it is registered (tests walk it). */
  routes?: RouteInfo[];
}

/** The admin server: the three API dialects (and, later, the web app). */
export async function buildAdminServer(core: Core, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = createHttpServer(core.config, options);
  // Tracking hits answered by this process are in its journal and reach the database a moment
  // later: wait for them, so that what this process answered it also reports.
  app.addHook('onRequest', async () => {
    await core.tracking.settled();
  });
  if (options.routes) {
    const routes = options.routes;
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url, schema: r.schema as Record<string, any> | undefined });
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Decoy API',
        version: '0.1.0',
        description:
          'Decoy admin API. `/api` speaks Lucy\'s admin API (with the extensions listed in the README); `/rest` speaks PhishLine\'s reporting API; `/api/v2` speaks Security Journey\'s v2 reporting API.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'JWT from POST /api/auth, or an API key' },
          apiKey: { type: 'apiKey', in: 'header', name: 'ApiKey', description: 'An API key (Security Journey v2 at /api/v2)' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { deepLinking: false } });
  await app.register(lucyPlugin, { prefix: '/api', core });
  await app.register(phishlinePlugin, { core });
  await app.register(securityJourneyPlugin, { prefix: '/api/v2', core });
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  await app.register(webPlugin, { core });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no such endpoint: ${req.method} ${req.url.split('?')[0]}` } }),
  );
  return app;
}
