import { sql, type Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { AwarenessTemplateContentTable, AwarenessTemplateTable } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assertSeen, assertWritable, checkContentLanguages, cleanName, likePattern, ownerFor, parseJson, type LanguageRow, templateLanguages } from './common.ts';
import { companyName } from './scenario-templates.ts';
import { escapeHtml, renderPreview, sampleVariables } from './variables.ts';
import { awarenessTexts } from './awareness-texts.ts';

export type AwarenessTemplateRow = Selectable<AwarenessTemplateTable>;
export type AwarenessTemplateContentRow = Selectable<AwarenessTemplateContentTable>;

export interface QuizQuestion {
  question: string;
  answers: string[];
  /** Index into `answers`. */
  correct: number;
}

export const AWARENESS_CONTENT_FIELDS = ['subject', 'email_html', 'email_text', 'page_html'] as const;
export type AwarenessContentField = (typeof AWARENESS_CONTENT_FIELDS)[number];

export type AwarenessContentInput = { language_id: number; quiz?: QuizQuestion[] } & Partial<Record<AwarenessContentField, string>>;

export interface AwarenessTemplateInput {
  /** Super admin only; `null` adds to the built-in library. Ignored on save. */
  client_id?: number | null;
  name: string;
  description?: string;
  email_sender_name?: string;
  email_sender?: string;
  /** Absent on create: true when any language has quiz questions. */
  quiz?: boolean;
  license?: string;
  license_priority?: number;
  enabled?: boolean;
  /** The full set of languages when given: languages left out are removed. Absent: unchanged. */
  contents?: AwarenessContentInput[];
}

export interface AwarenessTemplateFilter extends ListOptions {
  language_id?: number;
  q?: string;
  builtin?: boolean;
}

export interface AwarenessTemplateView {
  template: AwarenessTemplateRow;
  languages: LanguageRow[];
  contents?: (Omit<AwarenessTemplateContentRow, 'quiz'> & { quiz: QuizQuestion[] })[];
}

export interface AwarenessPreview {
  language_id: number;
  sender_name: string;
  sender_email: string;
  subject: string;
  html: string;
  text: string;
  page_html: string;
}

const SORT = ['id', 'name', 'client_id', 'license_priority', 'created_at', 'updated_at'];

/**
 * The quiz as an HTML form, what `{{quiz}}` becomes on an awareness page. Each question is a
 * radio group named `q<index>` whose values are answer indexes; `action` empty: a preview form
 * that does not submit.
 */
export function quizHtml(questions: QuizQuestion[], options: { action?: string; languageCode?: string } = {}): string {
  if (!questions.length) return '';
  const labels = awarenessTexts(options.languageCode);
  const items = questions
    .map((q, i) => {
      const answers = q.answers
        .map((a, j) => `<label style="display:block;margin:6px 0"><input type="radio" name="q${i}" value="${j}" required> ${escapeHtml(a)}</label>`)
        .join('');
      return `<fieldset style="border:1px solid #d0d7de;border-radius:6px;margin:0 0 16px;padding:12px 16px"><legend style="font-weight:600">${escapeHtml(labels.question)} ${i + 1}</legend><p style="margin:0 0 8px">${escapeHtml(q.question)}</p>${answers}</fieldset>`;
    })
    .join('');
  const action = options.action ? ` action="${escapeHtml(options.action)}"` : ' onsubmit="return false"';
  return `<form class="decoy-quiz" method="post"${action}>${items}<button type="submit" style="background:#1f6feb;color:#fff;border:0;border-radius:6px;padding:10px 18px;font-size:15px;cursor:pointer">${escapeHtml(labels.submit)}</button></form>`;
}

function checkQuiz(contents: AwarenessContentInput[]) {
  contents.forEach((c, i) => {
    (c.quiz ?? []).forEach((q, k) => {
      const at = `contents[${i}].quiz[${k}]`;
      if (!q.question.trim()) throw invalid(`${at}.question: must not be empty`);
      if (q.answers.some((a) => !a.trim())) throw invalid(`${at}.answers: must not contain empty answers`);
      if (q.correct >= q.answers.length) throw invalid(`${at}.correct: must be the index of one of the ${q.answers.length} answers (0-${q.answers.length - 1})`);
    });
  });
}

function cleanQuiz(quiz: QuizQuestion[]): QuizQuestion[] {
  return quiz.map((q) => ({ question: q.question.trim(), answers: q.answers.map((a) => a.trim()), correct: q.correct }));
}

export class AwarenessTemplates {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async list(p: Principal, f: AwarenessTemplateFilter): Promise<AwarenessTemplateView[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('awareness_templates').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    if (f.builtin === true) q = q.where('client_id', 'is', null);
    if (f.builtin === false) q = q.where('client_id', 'is not', null);
    if (f.q) q = q.where(sql<boolean>`lower(name) like ${likePattern(f.q)} escape '\\'`);
    if (f.language_id !== undefined) {
      const lang = f.language_id;
      q = q.where('id', 'in', (eb) => eb.selectFrom('awareness_template_contents').select('awareness_template_id').where('language_id', '=', lang));
    }
    const rows = await page(q, f, SORT).execute();
    const langs = await this.languagesOf(rows.map((r) => r.id));
    return rows.map((template) => ({ template, languages: langs.get(template.id) ?? [] }));
  }

  private languagesOf(ids: number[]): Promise<Map<number, LanguageRow[]>> {
    return templateLanguages(this.db, 'awareness_template_contents', ids);
  }

  private async row(p: Principal, id: number): Promise<AwarenessTemplateRow> {
    const row = await this.db.selectFrom('awareness_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return assertSeen(p, row, 'awareness template');
  }

  async get(p: Principal, id: number): Promise<AwarenessTemplateView> {
    assertCanRead(p);
    const template = await this.row(p, id);
    const contents = await this.db
      .selectFrom('awareness_template_contents')
      .selectAll()
      .where('awareness_template_id', '=', id)
      .orderBy('language_id')
      .execute();
    const languages = (await this.languagesOf([id])).get(id) ?? [];
    return { template, languages, contents: contents.map((c) => ({ ...c, quiz: parseJson<QuizQuestion[]>(c.quiz, []) })) };
  }

  private fields(input: AwarenessTemplateInput, existing?: AwarenessTemplateRow) {
    const str = (k: 'description' | 'email_sender_name' | 'email_sender' | 'license') => (input[k] ?? existing?.[k] ?? '').trim();
    const bit = (b: boolean | undefined, fallback: number) => (b === undefined ? fallback : b ? 1 : 0);
    const hasQuiz = (input.contents ?? []).some((c) => (c.quiz ?? []).length > 0) ? 1 : 0;
    return {
      name: cleanName(input.name),
      description: str('description'),
      email_sender_name: str('email_sender_name'),
      email_sender: str('email_sender'),
      license: str('license'),
      license_priority: input.license_priority ?? existing?.license_priority ?? 0,
      quiz: bit(input.quiz, existing?.quiz ?? hasQuiz),
      enabled: bit(input.enabled, existing?.enabled ?? 1),
    };
  }

  async create(p: Principal, input: AwarenessTemplateInput): Promise<AwarenessTemplateView> {
    assertCanWrite(p);
    const fields = this.fields(input);
    const contents = input.contents ?? [];
    await checkContentLanguages(this.db, contents);
    checkQuiz(contents);
    const clientId = await ownerFor(p, this.deps.clients, input.client_id);
    const t = now();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('awareness_templates')
        .values({ ...fields, client_id: clientId, created_at: t, updated_at: t })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (contents.length) {
        await trx
          .insertInto('awareness_template_contents')
          .values(contents.map((c) => ({ ...contentFields(c), client_id: clientId, awareness_template_id: row.id, language_id: c.language_id, created_at: t, updated_at: t })))
          .execute();
      }
      return row.id;
    });
    return this.get(p, id);
  }

  async save(p: Principal, id: number, input: AwarenessTemplateInput): Promise<AwarenessTemplateView> {
    assertCanWrite(p);
    const existing = await this.row(p, id);
    assertWritable(p, existing);
    const fields = this.fields(input, existing);
    const contents = input.contents;
    if (contents) {
      await checkContentLanguages(this.db, contents);
      checkQuiz(contents);
    }
    const t = now();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('awareness_templates').set({ ...fields, updated_at: t }).where('id', '=', id).execute();
      if (!contents) return;
      const current = await trx.selectFrom('awareness_template_contents').selectAll().where('awareness_template_id', '=', id).execute();
      const byLang = new Map(current.map((c) => [c.language_id, c]));
      const keep = new Set(contents.map((c) => c.language_id));
      const gone = current.filter((c) => !keep.has(c.language_id)).map((c) => c.id);
      if (gone.length) await trx.deleteFrom('awareness_template_contents').where('id', 'in', gone).execute();
      for (const c of contents) {
        const old = byLang.get(c.language_id);
        if (old) {
          await trx.updateTable('awareness_template_contents').set({ ...contentFields(c, old), updated_at: t }).where('id', '=', old.id).execute();
        } else {
          await trx
            .insertInto('awareness_template_contents')
            .values({ ...contentFields(c), client_id: existing.client_id, awareness_template_id: id, language_id: c.language_id, created_at: t, updated_at: t })
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
      .selectFrom('campaign_awareness')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('template_id', '=', id)
      .executeTakeFirstOrThrow();
    const n = Number(used.n);
    if (n > 0) throw conflict(`awareness template is used by ${n} campaign awareness item${n === 1 ? '' : 's'}; remove ${n === 1 ? 'it' : 'them'} first`);
    await this.db.deleteFrom('awareness_templates').where('id', '=', id).execute();
  }

  async preview(p: Principal, id: number, languageId: number): Promise<AwarenessPreview> {
    assertCanRead(p);
    const template = await this.row(p, id);
    const c = await this.db
      .selectFrom('awareness_template_contents')
      .innerJoin('languages', 'languages.id', 'awareness_template_contents.language_id')
      .selectAll('awareness_template_contents')
      .select('languages.code')
      .where('awareness_template_id', '=', id)
      .where('language_id', '=', languageId)
      .executeTakeFirst();
    if (!c) throw notFound('awareness template content in this language');
    const vars = sampleVariables({
      company: await companyName(this.deps, readScope(p) ?? template.client_id),
      ...(template.email_sender_name ? { sender_name: template.email_sender_name } : {}),
      ...(template.email_sender ? { sender_email: template.email_sender } : {}),
      quiz: quizHtml(parseJson<QuizQuestion[]>(c.quiz, []), { languageCode: c.code }),
    });
    return {
      language_id: languageId,
      sender_name: vars.sender_name,
      sender_email: vars.sender_email,
      subject: renderPreview(c.subject, vars, 'text'),
      html: renderPreview(c.email_html, vars, 'html'),
      text: renderPreview(c.email_text, vars, 'text'),
      page_html: renderPreview(c.page_html, vars, 'html'),
    };
  }

  /** For the campaign side: a template a client may use (its own or the library), or undefined. */
  async usableBy(clientId: number, id: number): Promise<AwarenessTemplateRow | undefined> {
    const row = await this.db.selectFrom('awareness_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return row && (row.client_id === null || row.client_id === clientId) ? row : undefined;
  }

  /** The texts of one template in one language, unrendered, with its quiz. */
  async content(templateId: number, languageId: number): Promise<(Omit<AwarenessTemplateContentRow, 'quiz'> & { quiz: QuizQuestion[] }) | undefined> {
    const c = await this.db
      .selectFrom('awareness_template_contents')
      .selectAll()
      .where('awareness_template_id', '=', templateId)
      .where('language_id', '=', languageId)
      .executeTakeFirst();
    return c && { ...c, quiz: parseJson<QuizQuestion[]>(c.quiz, []) };
  }
}

function contentFields(c: AwarenessContentInput, old?: AwarenessTemplateContentRow) {
  const out: Record<AwarenessContentField | 'quiz', string> = { subject: '', email_html: '', email_text: '', page_html: '', quiz: '[]' };
  for (const f of AWARENESS_CONTENT_FIELDS) out[f] = c[f] ?? old?.[f] ?? '';
  out.quiz = c.quiz !== undefined ? JSON.stringify(cleanQuiz(c.quiz)) : (old?.quiz ?? '[]');
  return out;
}
