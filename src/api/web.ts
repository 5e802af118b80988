/**
 * The admin SPA on the admin server: dist/web (built by scripts/build-web.mjs) at `/`, with a
 * fallback to index.html for every other GET that is not an API path, and a strict
 * Content-Security-Policy on every HTML answer (no inline script or style).
 *
 * Rendered mail and landing pages (untrusted HTML) are shown in sandboxed frames from
 * `/frames/<ticket>` (tickets come from `POST /api/frames`, see lucy/frames.ts), served with
 * their own CSP (`sandbox; default-src 'none'`), so nothing in them runs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalFromUser } from '../core/access/access.ts';
import type { Core } from '../core/index.ts';
import { decodeTicket } from './lucy/frames.ts';

export const WEB_DIST = fileURLToPath(new URL('../../dist/web', import.meta.url));

export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Rendered messages and pages: no script, no network but images, no same-origin access. */
export const FRAME_CSP = "sandbox; default-src 'none'; img-src data: https:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Decoy</title></head>
<body><main><h1>Decoy</h1>
<p>The web app has not been built. Build it with <code>node scripts/build-web.mjs</code> (or start Decoy with <code>npm start</code>, which builds it), then reload this page.</p>
<p>The APIs work without it: <a href="/api/docs">/api/docs</a>.</p></main></body></html>
`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the APIs: never answered with the app. */
function isApiPath(url: string): boolean {
  return /^\/(api|rest|healthz)(\/|$|\?)/.test(url) || /^\/[^/]+\/rest(\/|$|\?)/.test(url) || /^\/frames(\/|$)/.test(url);
}

// ---- the app ------------------------------------------------------------------------------------

interface Bundle {
  index: string | null;
  mtime: number;
}

/** Serves the SPA and the frames. `dist` is a folder built by scripts/build-web.mjs. */
export async function webPlugin(app: FastifyInstance, { core, dist = WEB_DIST }: { core: Core; dist?: string }) {
  const indexPath = path.join(dist, 'index.html');
  let bundle: Bundle = { index: null, mtime: -1 };
  // Re-read index.html when a new build replaced it (tests and `npm start` rebuild in place).
  const index = (): string | null => {
    let mtime: number;
    try {
      mtime = statSync(indexPath).mtimeMs;
    } catch {
      return null;
    }
    if (mtime !== bundle.mtime) bundle = { index: readFileSync(indexPath, 'utf8'), mtime };
    return bundle.index;
  };

  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).headers(SECURITY_HEADERS).header('content-security-policy', APP_CSP).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(body);

  const sendApp = (reply: FastifyReply) => {
    const body = index();
    return body === null ? html(reply, NOT_BUILT_PAGE, 503) : html(reply, body);
  };

  const notFoundJson = (req: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no such endpoint: ${req.method} ${req.url.split('?')[0]}` } });

  app.get('/', { schema: { hide: true } }, async (_req, reply) => sendApp(reply));

  app.get<{ Params: { ticket: string } }>('/frames/:ticket', { schema: { hide: true } }, async (req, reply) => {
    const frame = (status: number, body: string) =>
      reply.code(status).headers(SECURITY_HEADERS).header('content-security-policy', FRAME_CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
    const t = decodeTicket(core.config.secret, req.params.ticket);
    if (!t) return frame(404, '<p>This preview has expired. Close it and open it again.</p>');
    const user = await core.access.userById(t.u);
    if (!user) return frame(404, '<p>Not found.</p>');
    const p = principalFromUser(user, `frame:${t.u}`);
    if (p.clientId === null) p.actingClientId = t.c;
    try {
      return frame(200, await core.previews.html(p, t.k, t.id, t.l));
    } catch {
      return frame(404, '<p>Not found.</p>');
    }
  });

  // Static files of the build: hashed names under /assets (cached for good), a few at the top.
  app.get<{ Params: { '*': string } }>('/*', { schema: { hide: true } }, async (req, reply) => {
    const url = req.url.split('?')[0];
    if (isApiPath(url)) return notFoundJson(req, reply);
    const rel = req.params['*'] ?? '';
    if (/^(assets\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/.test(rel) && rel !== 'index.html') {
      const file = path.join(dist, rel);
      const type = TYPES[path.extname(file)];
      if (type && existsSync(file)) {
        const immutable = rel.startsWith('assets/');
        return reply
          .headers(SECURITY_HEADERS)
          .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
          .type(type)
          .send(readFileSync(file));
      }
      if (rel.startsWith('assets/')) return reply.code(404).headers(SECURITY_HEADERS).type('text/plain; charset=utf-8').send('not found');
    }
    // Any other page of the app (/campaigns/12, /outbox…): the app routes it in the browser.
    return sendApp(reply);
  });
}
