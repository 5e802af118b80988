/**
 * Decoy extension for the web app: `POST /api/frames` gives a short-lived signed address
 * (`/frames/<ticket>`, served by src/api/web.ts) that shows a rendered message or page in a
 * sandboxed frame. A frame cannot send the Bearer token and srcdoc would inherit the app's CSP,
 * so the ticket names what to show and who asked, is signed with DECOY_SECRET (HMAC-SHA-256),
 * expires after five minutes, and the content is authorised again for that user when fetched.
 * Nothing is kept in memory: any admin server process can answer it.
 *
 * Kind `draft` previews text not saved yet (the template editor, as the user types): the HTML
 * comes in the request, gets the sample values a saved preview gets, and is kept in
 * `frame_drafts` for the ticket's lifetime, for that user and client only. Served from the same
 * frames address with the same sandbox CSP: never srcdoc in the admin origin.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { assertCanRead, readScope, type Principal } from '../../core/access/principal.ts';
import type { Core } from '../../core/index.ts';
import { renderPreview, sampleVariables } from '../../core/templates/variables.ts';
import { now } from '../../db/index.ts';
import { invalid, notFound } from '../../errors.ts';
import { errorResponses, idSchema } from './plumbing.ts';

export const FRAME_KINDS = ['outbox', 'scenario-email', 'scenario-landing', 'awareness-email', 'awareness-page', 'draft'] as const;
export type FrameKind = (typeof FRAME_KINDS)[number];
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

/** The HTML a frame shows, read with the caller's rights (another client's id: 404). */
export async function frameHtml(core: Core, p: Principal, kind: FrameKind, id: number, languageId: number | null): Promise<string> {
  switch (kind) {
    case 'draft': {
      assertCanRead(p);
      const scope = readScope(p);
      let q = core.database.db.selectFrom('frame_drafts').select('html').where('id', '=', id).where('user_id', '=', p.userId).where('expires_at', '>', now());
      q = scope === null ? q.where('client_id', 'is', null) : q.where('client_id', '=', scope);
      const row = await q.executeTakeFirst();
      if (!row) throw notFound('draft preview');
      return row.html;
    }
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

/**
 * Keeps a draft for the caller (replacing their draft `id` when given) with sample values filled
 * in, as the saved previews show them; deletes everyone's expired drafts on the way.
 */
async function saveDraft(core: Core, p: Principal, html: string, id: number | undefined, expiresAt: string): Promise<number> {
  assertCanRead(p);
  const db = core.database.db;
  const scope = readScope(p);
  await db.deleteFrom('frame_drafts').where('expires_at', '<=', now()).execute();
  let company = sampleVariables().company;
  if (scope !== null) company = (await db.selectFrom('clients').select('name').where('id', '=', scope).executeTakeFirst())?.name ?? company;
  const rendered = renderPreview(html, sampleVariables({ company }), 'html');
  if (id !== undefined) {
    let q = db.updateTable('frame_drafts').set({ html: rendered, expires_at: expiresAt }).where('id', '=', id).where('user_id', '=', p.userId);
    q = scope === null ? q.where('client_id', 'is', null) : q.where('client_id', '=', scope);
    const r = await q.executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('draft preview');
    return id;
  }
  const row = await db
    .insertInto('frame_drafts')
    .values({ user_id: p.userId, client_id: scope, html: rendered, created_at: now(), expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
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
        id = await saveDraft(core, p, html, req.body.id, new Date(exp * 1000).toISOString());
      } else {
        if (html !== undefined) throw invalid(`html is only taken with kind draft, not ${kind}`);
        if (req.body.id === undefined) throw invalid(`id is required for kind ${kind}`);
        id = req.body.id;
        await frameHtml(core, p, kind, id, languageId); // 404 now rather than in the frame
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
