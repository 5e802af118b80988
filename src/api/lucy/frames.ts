/**
 * Decoy extension for the web app: `POST /api/frames` gives a short-lived signed address
 * (`/frames/<ticket>`, served by src/api/web.ts) that shows a rendered message or page in a
 * sandboxed frame. A frame cannot send the Bearer token and srcdoc would inherit the app's CSP,
 * so the ticket names what to show and who asked, is signed with DECOY_SECRET (HMAC-SHA-256),
 * expires after five minutes, and the content is authorised again for that user when fetched.
 * Nothing is kept in memory: any admin server process can answer it.
 *
 * Kind `draft` previews text not saved yet (the template editor, as the user types): the HTML
 * comes in the request and is kept by core.previews (src/core/templates/previews.ts) for the
 * ticket's lifetime, for that user and client only. Served from the same
 * frames address with the same sandbox CSP: never srcdoc in the admin origin.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import { PREVIEW_KINDS, type PreviewKind } from '../../core/templates/previews.ts';
import { invalid } from '../../errors.ts';
import { errorResponses, idSchema } from './plumbing.ts';

export const FRAME_KINDS = PREVIEW_KINDS;
export type FrameKind = PreviewKind;
const FRAME_LIFETIME_SECONDS = 300;
/** The largest draft a preview takes (characters of HTML). */
export const DRAFT_MAX_CHARS = 512 * 1024;

interface Ticket {
  k: FrameKind;
  id: number;
  l: number | null;
  u: number;
  c: number | null;
  exp: number;
  /** Drafts: differs on every save, so a changed draft gets a new address and the frame reloads. */
  n?: string;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`decoy-frame:${payload}`).digest('base64url');
}

export function encodeTicket(secret: string, t: Ticket): string {
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

export default async function frameRoutes(app: FastifyInstance, core: Core) {
  app.post<{ Body: { kind: FrameKind; id?: number; language_id?: number; html?: string } }>(
    '/frames',
    {
      config: { readsOnly: true },
      schema: {
        tags: ['web'],
        summary: 'Decoy extension (web app): a short-lived address that shows a rendered message or page in a sandboxed frame',
        description:
          'kind: outbox (id: an outbox message), scenario-email / scenario-landing (id: a scenario template, language_id), awareness-email / awareness-page (id: an awareness template, language_id), ' +
          `draft (html: text not saved yet, at most ${DRAFT_MAX_CHARS} characters, shown with the sample values; id: optional, a draft of yours to replace, as returned in frame.draft_id). ` +
          'The address works for five minutes, for the caller only; its content is served with `Content-Security-Policy: sandbox; default-src \'none\'`.',
        body: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...FRAME_KINDS] },
            id: idSchema,
            language_id: idSchema,
            html: { type: 'string', maxLength: DRAFT_MAX_CHARS, description: `kind draft only: the HTML to preview (at most ${DRAFT_MAX_CHARS} characters)` },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              frame: {
                type: 'object',
                properties: { url: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' }, draft_id: { type: 'integer', description: 'kind draft: pass it back as id to replace this draft' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = req.principal;
      const { kind, html } = req.body;
      const languageId = req.body.language_id ?? null;
      const exp = Math.floor(Date.now() / 1000) + FRAME_LIFETIME_SECONDS;
      const expiresAt = new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      let id: number;
      if (kind === 'draft') {
        if (html === undefined) throw invalid('html is required for kind draft');
        if (languageId !== null) throw invalid('language_id is not used with kind draft');
        id = await core.previews.saveDraft(p, html, req.body.id, new Date(exp * 1000).toISOString());
      } else {
        if (html !== undefined) throw invalid(`html is only taken with kind draft, not ${kind}`);
        if (req.body.id === undefined) throw invalid(`id is required for kind ${kind}`);
        id = req.body.id;
        await core.previews.html(p, kind, id, languageId); // 404 now rather than in the frame
      }
      const ticket = encodeTicket(core.config.secret, {
        k: kind,
        id,
        l: languageId,
        u: p.userId,
        c: p.actingClientId,
        exp,
        ...(kind === 'draft' ? { n: randomBytes(6).toString('base64url') } : {}),
      });
      return { frame: { url: `/frames/${ticket}`, expires_at: expiresAt, ...(kind === 'draft' ? { draft_id: id } : {}) } };
    },
  );
}
