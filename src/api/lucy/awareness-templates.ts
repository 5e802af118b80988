/**
 * Awareness templates on the Lucy API. Lucy documents GET (list, one) and DELETE; Decoy adds PUT
 * (create) and POST /:id (save) with the per-language texts and quiz in `contents`, the texts in
 * the single GET, and a preview per language.
 */
import type { FastifyInstance } from 'fastify';
import type {
  AwarenessPreview,
  AwarenessTemplateFilter,
  AwarenessTemplateInput,
  AwarenessTemplateView,
} from '../../core/templates/awareness-templates.ts';
import type { Core } from '../../core/index.ts';
import { bool, dateTimeOut, errorResponses, idParams, idSchema, int, linksSchema, listQuery, lucyDate, noContent, nullableIdSchema, paramsOf, shortStr, str, yes, type ListQuery } from './plumbing.ts';
import { htmlStr, samePathId, templateLanguage, templateLanguageSchema } from './scenario-templates.ts';

const quizQuestion = {
  type: 'object',
  required: ['question', 'answers', 'correct'],
  properties: {
    question: { type: 'string', minLength: 1, maxLength: 2000 },
    answers: { type: 'array', minItems: 2, maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 1000 } },
    correct: { type: 'integer', minimum: 0, maximum: 9, description: 'index into answers' },
  },
} as const;

const contentProps = {
  language_id: idSchema,
  subject: { type: 'string', maxLength: 998 },
  email_html: htmlStr,
  email_text: htmlStr,
  page_html: { ...htmlStr, description: 'the awareness page; {{quiz}} marks where the quiz goes' },
  quiz: { type: 'array', maxItems: 50, items: quizQuestion },
} as const;

const templateProps = {
  id: { type: 'integer' },
  client_id: { ...nullableIdSchema, description: 'Decoy extension: the owning client; null: the built-in library (read-only for client users)' },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: str,
  email_sender_name: shortStr,
  email_sender: { type: 'string', maxLength: 320 },
  quiz: bool,
  license: shortStr,
  license_priority: int,
  enabled: bool,
} as const;

const contentsIn = {
  type: 'array',
  maxItems: 50,
  description:
    'Decoy extension: the texts and quiz per language. On save, when present, the full set (languages left out are removed); absent: unchanged. Fields left out of an item keep their saved value.',
  items: { type: 'object', required: ['language_id'], properties: contentProps },
} as const;

const bodyProps = { ...templateProps, contents: contentsIn } as const;
const writeBody = { type: 'object', required: ['name'], properties: bodyProps } as const;

const outProps = {
  ...templateProps,
  client_id: { type: ['integer', 'null'], description: 'Decoy extension: the owning client; null: the built-in library' },
  created_at: dateTimeOut,
  updated_at: dateTimeOut,
  links: linksSchema,
  languages: { type: 'array', items: templateLanguageSchema },
} as const;

export const awarenessTemplateSchema = { type: 'object', properties: outProps } as const;
const awarenessTemplateFullSchema = {
  type: 'object',
  properties: {
    ...outProps,
    contents: {
      type: 'array',
      description: 'Decoy extension: the texts and quiz per language',
      items: { type: 'object', properties: { ...contentProps, language_id: { type: 'integer' } } },
    },
  },
} as const;

export function awarenessTemplateResource(v: AwarenessTemplateView) {
  const t = v.template;
  return {
    id: t.id,
    created_at: lucyDate(t.created_at),
    updated_at: lucyDate(t.updated_at),
    client_id: t.client_id,
    name: t.name,
    description: t.description,
    email_sender_name: t.email_sender_name,
    email_sender: t.email_sender,
    quiz: yes(t.quiz),
    license: t.license,
    license_priority: t.license_priority,
    enabled: yes(t.enabled),
    links: [
      { rel: 'self', href: `/api/awareness-templates/${t.id}` },
      { rel: 'icon', href: '/api/template-icons/awareness' },
    ],
    languages: v.languages.map((l) => templateLanguage('awareness-templates', t.id, l)),
  };
}

function fullResource(v: AwarenessTemplateView) {
  return {
    ...awarenessTemplateResource(v),
    contents: (v.contents ?? []).map((c) => ({
      language_id: c.language_id,
      subject: c.subject,
      email_html: c.email_html,
      email_text: c.email_text,
      page_html: c.page_html,
      quiz: c.quiz,
    })),
  };
}

const previewSchema = {
  type: 'object',
  properties: {
    preview: {
      type: 'object',
      properties: {
        language_id: { type: 'integer' },
        sender_name: { type: 'string' },
        sender_email: { type: 'string' },
        subject: { type: 'string' },
        html: { type: 'string', description: 'the awareness email HTML' },
        text: { type: 'string', description: 'the awareness email plain text' },
        page_html: { type: 'string', description: 'the awareness page, with the quiz form in place of {{quiz}}' },
      },
    },
  },
} as const;

const listQuerySchema = {
  type: 'object',
  properties: {
    ...listQuery.properties,
    language_id: { ...idSchema, description: 'Decoy extension: only templates with texts in this language' },
    q: { type: 'string', maxLength: 255, description: 'Decoy extension: part of the name (case-insensitive)' },
    builtin: { type: 'boolean', description: 'Decoy extension: true: only the built-in library; false: only client templates' },
  },
} as const;

const one = { 200: { type: 'object', properties: { awareness_template: awarenessTemplateFullSchema } }, ...errorResponses };
const tags = ['awareness templates'];

export default async function awarenessTemplateRoutes(app: FastifyInstance, core: Core) {
  const svc = core.templates.awareness;

  app.get<{ Querystring: ListQuery & Omit<AwarenessTemplateFilter, keyof ListQuery> }>(
    '/awareness-templates',
    {
      schema: {
        tags,
        summary: 'List awareness templates (the built-in library and your own)',
        querystring: listQuerySchema,
        response: { 200: { type: 'object', properties: { awareness_templates: { type: 'array', items: awarenessTemplateSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ awareness_templates: (await svc.list(req.principal, req.query)).map(awarenessTemplateResource) }),
  );

  app.put<{ Body: AwarenessTemplateInput }>(
    '/awareness-templates',
    { schema: { tags, summary: 'Create an awareness template (Decoy extension)', body: writeBody, response: one } },
    async (req) => ({ awareness_template: fullResource(await svc.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/awareness-templates/:id',
    { schema: { tags, summary: 'Get an awareness template, with its texts and quiz per language (`contents`)', params: idParams, response: one } },
    async (req) => ({ awareness_template: fullResource(await svc.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: AwarenessTemplateInput & { id?: number } }>(
    '/awareness-templates/:id',
    { schema: { tags, summary: 'Save an awareness template (Decoy extension; built-in templates: super admin only)', params: idParams, body: writeBody, response: one } },
    async (req) => {
      samePathId(req.body.id, req.params.id);
      return { awareness_template: fullResource(await svc.save(req.principal, req.params.id, req.body)) };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/awareness-templates/:id',
    { schema: { tags, summary: 'Delete an awareness template (409 while a campaign uses it)', params: idParams } },
    async (req, reply) => {
      await svc.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<{ Params: { id: number; language_id: number } }>(
    '/awareness-templates/:id/preview/:language_id',
    {
      schema: {
        tags,
        summary: 'Preview: the awareness mail and page in one language with sample values (Decoy extension)',
        params: paramsOf('id', 'language_id'),
        response: { 200: previewSchema, ...errorResponses },
      },
    },
    async (req): Promise<{ preview: AwarenessPreview }> => ({ preview: await svc.preview(req.principal, req.params.id, req.params.language_id) }),
  );
}
