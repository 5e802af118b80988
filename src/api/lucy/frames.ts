/**
 * Decoy extension for the web app: `POST /api/frames` gives a short-lived signed address
 * (`/frames/<ticket>`, served by src/api/web.ts) that shows a rendered message or page in a
 * sandboxed frame. A frame cannot send the Bearer token and srcdoc would inherit the app's CSP,
 * so the ticket names what to show and who asked, is signed with DECOY_SECRET (HMAC-SHA-256),
 * expires after five minutes, and the content is authorised again for that user when fetched.
 * Nothing is kept in memory: any admin server process can answer it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../core/access/principal.ts';
import type { Core } from '../../core/index.ts';
import { notFound } from '../../errors.ts';
import { errorResponses, idSchema } from './plumbing.ts';

export const FRAME_KINDS = ['outbox', 'scenario-email', 'scenario-landing', 'awareness-email', 'awareness-page'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];
const FRAME_LIFETIME_SECONDS = 300;

interface Ticket {
  k: FrameKind;
  id: number;
  l: number | null;
  u: number;
  c: number | null;
  exp: number;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`decoy-frame:${payload}`).digest('base64url');
}

function encodeTicket(secret: string, t: Ticket): string {
  const payload = Buffer.from(JSON.stringify(t)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export function decodeTicket(secret: string, ticket: string): Ticket | null {
  const [payload, sig] = ticket.split('.');
  if (!payload || !sig) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const t = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Ticket;
    if (!FRAME_KINDS.includes(t.k) || typeof t.exp !== 'number' || t.exp < Date.now() / 1000) return null;
    return t;
  } catch {
    return null;
  }
}

/** The HTML a frame shows, read with the caller's rights (another client's id: 404). */
export async function frameHtml(core: Core, p: Principal, kind: FrameKind, id: number, languageId: number | null): Promise<string> {
  switch (kind) {
    case 'outbox': {
      const m = await core.outbox.get(p, id);
      if (!m.html) return `<pre>${escapeHtml(m.text)}</pre>`;
      // Looking at a message must not count as the person opening it: drop its open pixel.
      if (m.victim_id === null) return m.html;
      const token = core.tracking.tokens.token(m.victim_id);
      return m.html.replace(new RegExp(`<img\\b[^>]*/o/${token}(\\.gif)?[^>]*>`, 'gi'), '');
    }
    case 'scenario-email':
    case 'scenario-landing': {
      if (languageId === null) throw notFound('scenario template content in this language');
      const v = await core.templates.scenarios.preview(p, id, languageId);
      return kind === 'scenario-email' ? v.html || `<pre>${escapeHtml(v.text)}</pre>` : v.landing_html;
    }
    case 'awareness-email':
    case 'awareness-page': {
      if (languageId === null) throw notFound('awareness template content in this language');
      const v = await core.templates.awareness.preview(p, id, languageId);
      return kind === 'awareness-email' ? v.html || `<pre>${escapeHtml(v.text)}</pre>` : v.page_html;
    }
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export default async function frameRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Body: { kind: FrameKind; id: number; language_id?: number } }>(
    '/frames',
    {
      config: { readsOnly: true },
      schema: {
        tags: ['web'],
        summary: 'Decoy extension (web app): a short-lived address that shows a rendered message or page in a sandboxed frame',
        description:
          'kind: outbox (id: an outbox message), scenario-email / scenario-landing (id: a scenario template, language_id), awareness-email / awareness-page (id: an awareness template, language_id). ' +
          'The address works for five minutes, for the caller only; its content is served with `Content-Security-Policy: sandbox; default-src \'none\'`.',
        body: {
          type: 'object',
          required: ['kind', 'id'],
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: [...FRAME_KINDS] }, id: idSchema, language_id: idSchema },
        },
        response: {
          200: { type: 'object', properties: { frame: { type: 'object', properties: { url: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' } } } } },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = req.principal;
      const languageId = req.body.language_id ?? null;
      await frameHtml(core, p, req.body.kind, req.body.id, languageId); // 404 now rather than in the frame
      const exp = Math.floor(Date.now() / 1000) + FRAME_LIFETIME_SECONDS;
      const ticket = encodeTicket(core.config.secret, { k: req.body.kind, id: req.body.id, l: languageId, u: p.userId, c: p.actingClientId, exp });
      return { frame: { url: `/frames/${ticket}`, expires_at: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') } };
    },
  );
}
