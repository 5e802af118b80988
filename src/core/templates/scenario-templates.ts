import { sql, type Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { ScenarioTemplateContentTable, ScenarioTemplateTable } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assertSeen, assertWritable, checkContentLanguages, cleanName, likePattern, ownerFor, type LanguageRow, templateLanguages } from './common.ts';
import { renderPreview, sampleVariables } from './variables.ts';

export type ScenarioTemplateRow = Selectable<ScenarioTemplateTable>;
export type ScenarioTemplateContentRow = Selectable<ScenarioTemplateContentTable>;

export const SCENARIO_TYPES = ['data', 'file', 'mixed', 'hyperlink', 'malware_test', 'usb_attack', 'awareness'] as const;
export const MESSAGE_TYPES = ['email', 'sms'] as const;

/** The per-language texts of a scenario template. */
export const SCENARIO_CONTENT_FIELDS = [
  'sender_name',
  'sender_email',
  'subject',
  'email_html',
  'email_text',
  'landing_html',
  'lure_subject',
  'lure_html',
  'lure_text',
  'attachment_name',
] as const;
export type ScenarioContentField = (typeof SCENARIO_CONTENT_FIELDS)[number];

export type ScenarioContentInput = { language_id: number } & Partial<Record<ScenarioContentField, string>>;

export interface ScenarioTemplateInput {
  /** Super admin only; `null` adds to the built-in library. Ignored on save. */
  client_id?: number | null;
  type?: string;
  name: string;
  description?: string;
  no_landing?: boolean;
  category?: string;
  audience?: string;
  message_type?: string;
  lure_message_type?: string;
  license?: string;
  license_priority?: number;
  enable?: boolean;
  forbid?: boolean;
  /** The full set of languages when given: languages left out are removed. Absent: unchanged. */
  contents?: ScenarioContentInput[];
}

export interface ScenarioTemplateFilter extends ListOptions {
  type?: string;
  language_id?: number;
  /** Case-insensitive part of the name. */
  q?: string;
  /** true: only the built-in library; false: only the caller's own templates. */
  builtin?: boolean;
}

export interface ScenarioTemplateView {
  template: ScenarioTemplateRow;
  languages: LanguageRow[];
  contents?: ScenarioTemplateContentRow[];
}

export interface ScenarioPreview {
  language_id: number;
  sender_name: string;
  sender_email: string;
  subject: string;
  html: string;
  text: string;
  landing_html: string;
  lure_subject: string;
  lure_html: string;
  lure_text: string;
  attachment_name: string;
}

const SORT = ['id', 'name', 'type', 'category', 'audience', 'client_id', 'license_priority', 'created_at', 'updated_at'];

export class ScenarioTemplates {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async list(p: Principal, f: ScenarioTemplateFilter): Promise<ScenarioTemplateView[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('scenario_templates').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    if (f.type !== undefined) q = q.where('type', '=', f.type);
    if (f.builtin === true) q = q.where('client_id', 'is', null);
    if (f.builtin === false) q = q.where('client_id', 'is not', null);
    if (f.q) q = q.where(sql<boolean>`lower(name) like ${likePattern(f.q)} escape '\\'`);
    if (f.language_id !== undefined) {
      const lang = f.language_id;
      q = q.where('id', 'in', (eb) => eb.selectFrom('scenario_template_contents').select('scenario_template_id').where('language_id', '=', lang));
    }
    const rows = await page(q, f, SORT).execute();
    const langs = await this.languagesOf(rows.map((r) => r.id));
    return rows.map((template) => ({ template, languages: langs.get(template.id) ?? [] }));
  }

  private languagesOf(ids: number[]): Promise<Map<number, LanguageRow[]>> {
    return templateLanguages(this.db, 'scenario_template_contents', ids);
  }

  private async row(p: Principal, id: number): Promise<ScenarioTemplateRow> {
    const row = await this.db.selectFrom('scenario_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return assertSeen(p, row, 'scenario template');
  }

  /** One template with its per-language contents. */
  async get(p: Principal, id: number): Promise<ScenarioTemplateView> {
    assertCanRead(p);
    const template = await this.row(p, id);
    const contents = await this.db
      .selectFrom('scenario_template_contents')
      .selectAll()
      .where('scenario_template_id', '=', id)
      .orderBy('language_id')
      .execute();
    const languages = (await this.languagesOf([id])).get(id) ?? [];
    return { template, languages, contents };
  }

  private fields(input: ScenarioTemplateInput, existing?: ScenarioTemplateRow) {
    const str = (k: 'description' | 'category' | 'audience' | 'license') => (input[k] ?? existing?.[k] ?? '').trim();
    const bit = (b: boolean | undefined, fallback: number) => (b === undefined ? fallback : b ? 1 : 0);
    const type = input.type ?? existing?.type;
    if (type === undefined) throw invalid('type: is required');
    if (!(SCENARIO_TYPES as readonly string[]).includes(type)) throw invalid(`type: must be one of ${SCENARIO_TYPES.join(', ')}`);
    for (const k of ['message_type', 'lure_message_type'] as const) {
      const v = input[k];
      if (v !== undefined && !(MESSAGE_TYPES as readonly string[]).includes(v)) throw invalid(`${k}: must be one of ${MESSAGE_TYPES.join(', ')}`);
    }
    return {
      type,
      name: cleanName(input.name),
      description: str('description'),
      category: str('category'),
      audience: str('audience'),
      license: str('license'),
      message_type: input.message_type ?? existing?.message_type ?? 'email',
      lure_message_type: input.lure_message_type ?? existing?.lure_message_type ?? 'email',
      license_priority: input.license_priority ?? existing?.license_priority ?? 0,
      no_landing: bit(input.no_landing, existing?.no_landing ?? 0),
      enable: bit(input.enable, existing?.enable ?? 1),
      forbid: bit(input.forbid, existing?.forbid ?? 0),
    };
  }

  async create(p: Principal, input: ScenarioTemplateInput): Promise<ScenarioTemplateView> {
    assertCanWrite(p);
    const fields = this.fields(input);
    const contents = input.contents ?? [];
    await checkContentLanguages(this.db, contents);
    const clientId = await ownerFor(p, this.deps.clients, input.client_id);
    const t = now();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('scenario_templates')
        .values({ ...fields, client_id: clientId, created_at: t, updated_at: t })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (contents.length) {
        await trx
          .insertInto('scenario_template_contents')
          .values(contents.map((c) => ({ ...contentFields(c), client_id: clientId, scenario_template_id: row.id, language_id: c.language_id, created_at: t, updated_at: t })))
          .execute();
      }
      return row.id;
    });
    return this.get(p, id);
  }

  async save(p: Principal, id: number, input: ScenarioTemplateInput): Promise<ScenarioTemplateView> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    assertWritable(p, existing);
    const fields = this.fields(input, existing);
    const contents = input.contents;
    if (contents) await checkContentLanguages(this.db, contents);
    const t = now();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('scenario_templates').set({ ...fields, updated_at: t }).where('id', '=', id).execute();
      if (!contents) return;
      const current = await trx.selectFrom('scenario_template_contents').selectAll().where('scenario_template_id', '=', id).execute();
      const byLang = new Map(current.map((c) => [c.language_id, c]));
      const keep = new Set(contents.map((c) => c.language_id));
      const gone = current.filter((c) => !keep.has(c.language_id)).map((c) => c.id);
      if (gone.length) await trx.deleteFrom('scenario_template_contents').where('id', 'in', gone).execute();
      for (const c of contents) {
        const old = byLang.get(c.language_id);
        if (old) {
          await trx.updateTable('scenario_template_contents').set({ ...contentFields(c, old), updated_at: t }).where('id', '=', old.id).execute();
        } else {
          await trx
            .insertInto('scenario_template_contents')
            .values({ ...contentFields(c), client_id: existing.client_id, scenario_template_id: id, language_id: c.language_id, created_at: t, updated_at: t })
            .execute();
        }
      }
    });
    return this.get(p, id);
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    assertWritable(p, existing);
    const used = await this.db
      .selectFrom('scenarios')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('scenario_template_id', '=', id)
      .executeTakeFirstOrThrow();
    const n = Number(used.n);
    if (n > 0) throw conflict(`scenario template is used by ${n} scenario${n === 1 ? '' : 's'}; delete or change ${n === 1 ? 'it' : 'them'} first`);
    await this.db.deleteFrom('scenario_templates').where('id', '=', id).execute();
  }

  /** The template's texts in one language with sample values filled in. */
  async preview(p: Principal, id: number, languageId: number): Promise<ScenarioPreview> {
    assertCanRead(p);
    const template = await this.row(p, id);
    const c = await this.db
      .selectFrom('scenario_template_contents')
      .selectAll()
      .where('scenario_template_id', '=', id)
      .where('language_id', '=', languageId)
      .executeTakeFirst();
    if (!c) throw notFound('scenario template content in this language');
    const vars = sampleVariables({
      company: await companyName(this.deps, readScope(p) ?? template.client_id),
      ...(c.sender_name ? { sender_name: c.sender_name } : {}),
      ...(c.sender_email ? { sender_email: c.sender_email } : {}),
    });
    return {
      language_id: languageId,
      sender_name: renderPreview(c.sender_name, vars, 'text'),
      sender_email: renderPreview(c.sender_email, vars, 'text'),
      subject: renderPreview(c.subject, vars, 'text'),
      html: renderPreview(c.email_html, vars, 'html'),
      text: renderPreview(c.email_text, vars, 'text'),
      landing_html: renderPreview(c.landing_html, vars, 'html'),
      lure_subject: renderPreview(c.lure_subject, vars, 'text'),
      lure_html: renderPreview(c.lure_html, vars, 'html'),
      lure_text: renderPreview(c.lure_text, vars, 'text'),
      attachment_name: renderPreview(c.attachment_name, vars, 'text'),
    };
  }

  /**
   * For the campaign side and the mail renderer: a template a client may use (its own or the
   * library), or undefined.
   */
  async usableBy(clientId: number, id: number): Promise<ScenarioTemplateRow | undefined> {
    const row = await this.db.selectFrom('scenario_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return row && (row.client_id === null || row.client_id === clientId) ? row : undefined;
  }

  /** The texts of one template in one language, unrendered (the mail renderer fills them). */
  async content(templateId: number, languageId: number): Promise<ScenarioTemplateContentRow | undefined> {
    return this.db
      .selectFrom('scenario_template_contents')
      .selectAll()
      .where('scenario_template_id', '=', templateId)
      .where('language_id', '=', languageId)
      .executeTakeFirst();
  }
}

function contentFields(c: ScenarioContentInput, old?: ScenarioTemplateContentRow): Record<ScenarioContentField, string> {
  const out = {} as Record<ScenarioContentField, string>;
  for (const f of SCENARIO_CONTENT_FIELDS) out[f] = c[f] ?? old?.[f] ?? '';
  return out;
}

/** The name a preview shows for `{{company}}`: the client's, else a sample. */
export async function companyName(deps: ServiceDeps, clientId: number | null): Promise<string> {
  if (clientId === null) return sampleVariables().company;
  const c = await deps.db.selectFrom('clients').select('name').where('id', '=', clientId).executeTakeFirst();
  return c?.name ?? sampleVariables().company;
}
