/**
 * What the web app's sandboxed preview frames show: a caught message, a template's email or page
 * in a language, or a draft (text not saved yet) with the sample values a saved preview gets.
 * Everything is read with the caller's rights (another client's id: 404). Drafts live in
 * `frame_drafts` for a few minutes, for the user and client that made them: any server process
 * can serve them.
 */
import { assertCanRead, readScope, type Principal } from '../access/principal.ts';
import { escapeHtml } from '../html.ts';
import type { ServiceDeps } from '../index.ts';
import type { OutboxService } from '../outbox/outbox.ts';
import type { TemplateService } from './templates.ts';
import type { VictimTokens } from '../tracking/token.ts';
import { now } from '../../db/index.ts';
import { notFound } from '../../errors.ts';
import { renderPreview, sampleVariables } from './variables.ts';

export const PREVIEW_KINDS = ['outbox', 'scenario-email', 'scenario-landing', 'awareness-email', 'awareness-page', 'draft'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

export class PreviewService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly parts: { outbox: OutboxService; templates: TemplateService; tokens: VictimTokens },
  ) {}

  async html(p: Principal, kind: PreviewKind, id: number, languageId: number | null): Promise<string> {
    switch (kind) {
      case 'draft': {
        assertCanRead(p);
        const scope = readScope(p);
        let q = this.deps.db.selectFrom('frame_drafts').select('html').where('id', '=', id).where('user_id', '=', p.userId).where('expires_at', '>', now());
        q = scope === null ? q.where('client_id', 'is', null) : q.where('client_id', '=', scope);
        const row = await q.executeTakeFirst();
        if (!row) throw notFound('draft preview');
        return row.html;
      }
      case 'outbox': {
        const m = await this.parts.outbox.get(p, id);
        if (!m.html) return `<pre>${escapeHtml(m.text)}</pre>`;
        // Looking at a message must not count as the person opening it: drop its open pixel.
        if (m.victim_id === null) return m.html;
        const token = this.parts.tokens.token(m.victim_id);
        return m.html.replace(new RegExp(`<img\\b[^>]*/o/${token}(\\.gif)?[^>]*>`, 'gi'), '');
      }
      case 'scenario-email':
      case 'scenario-landing': {
        if (languageId === null) throw notFound('scenario template content in this language');
        const v = await this.parts.templates.scenarios.preview(p, id, languageId);
        return kind === 'scenario-email' ? v.html || `<pre>${escapeHtml(v.text)}</pre>` : v.landing_html;
      }
      case 'awareness-email':
      case 'awareness-page': {
        if (languageId === null) throw notFound('awareness template content in this language');
        const v = await this.parts.templates.awareness.preview(p, id, languageId);
        return kind === 'awareness-email' ? v.html || `<pre>${escapeHtml(v.text)}</pre>` : v.page_html;
      }
    }
  }

  /**
   * Keeps a draft for the caller (replacing their draft `id` when given) with sample values filled
   * in, as the saved previews show them; deletes everyone's expired drafts on the way.
   */
  async saveDraft(p: Principal, html: string, id: number | undefined, expiresAt: string): Promise<number> {
    assertCanRead(p);
    const db = this.deps.db;
    const scope = readScope(p);
    await db.deleteFrom('frame_drafts').where('expires_at', '<=', now()).execute();
    let company = sampleVariables().company;
    if (scope !== null) company = (await this.deps.clients.byId(scope))?.name ?? company;
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
}
