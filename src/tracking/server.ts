import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../api/http.ts';
import type { Core } from '../core/index.ts';
import type { ServerOptions } from '../api/server.ts';

const NOT_FOUND_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>';

/** The public tracking server. It serves nothing of the admin API. */
export async function buildTrackingServer(core: Core, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = createHttpServer(core.config, options);
  app.get('/robots.txt', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('User-agent: *\nDisallow: /\n'));
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE));
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (!status || status >= 500) req.log.error({ err }, 'tracking request failed');
    return reply.code(status && status < 500 ? status : 404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
  });
  return app;
}
