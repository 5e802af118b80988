/**
 * The awareness page on the tracking server (core/training/awareness-training.ts):
 *
 *   GET  /a/:token   the awareness page (recorded as awareness_open; HEAD too, as automated)
 *   POST /a/:token   the quiz (or "done") form: scored on the server, the page answers with the result
 *
 * Same answers as the rest of the tracking server: the neutral 404 for an unknown or forged
 * token or when the campaign has no (online) awareness for the victim, and the same security
 * headers (CSP, no-referrer, noindex, no-store). The answer never depends on the verdict.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Core } from '../core/index.ts';
import { parseForm } from './forms.ts';
import { senderOf } from './sender.ts';
import { PAGE_CSP, SECURITY_HEADERS } from './pages.ts';

const HTML = 'text/html; charset=utf-8';

export function registerAwarenessRoutes(app: FastifyInstance, core: Core, notFound: (reply: FastifyReply) => FastifyReply): void {
  const page = (reply: FastifyReply, html: string) =>
    reply.headers(SECURITY_HEADERS).header('cache-control', 'no-store').header('content-security-policy', PAGE_CSP).type(HTML).send(html);

  app.get<{ Params: { token: string } }>('/a/:token', async (req, reply) => {
    // The success that led here may still be on its way from the journal to the database.
    await core.tracking.settled();
    const out = await core.awarenessTraining.open(req.params.token, senderOf(req));
    return out ? page(reply, out.html) : notFound(reply);
  });

  app.post<{ Params: { token: string }; Body: Buffer | undefined }>('/a/:token', async (req, reply) => {
    const fields = parseForm(req.headers['content-type'], Buffer.isBuffer(req.body) ? req.body : undefined);
    await core.tracking.settled();
    const out = await core.awarenessTraining.submit(req.params.token, senderOf(req), fields);
    return out ? page(reply, out.html) : notFound(reply);
  });
}
