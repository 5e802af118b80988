/**
 * Scenario (attack) templates on the Lucy API. Lucy documents GET (list, one) and DELETE; Decoy
 * adds, in the same style, PUT (create) and POST /:id (save) with the per-language texts in
 * `contents`, the texts in the single GET, a preview per language, and the template icons.
 */
import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { LanguageRow } from '../../core/templates/common.ts';
import {
  MESSAGE_TYPES,
  SCENARIO_TYPES,
  type ScenarioPreview,
  type ScenarioTemplateContentRow,
  type ScenarioTemplateFilter,
  type ScenarioTemplateInput,
  type ScenarioTemplateView,
} from '../../core/templates/scenario-templates.ts';
import { invalid } from '../../errors.ts';
import {
  bool,
  dateTimeOut,
  errorResponses,
  idParams,
  idSchema,
  int,
  linksSchema,
  listQuery,
  lucyDate,
  noContent,
  nullableIdSchema,
  paramsOf,
  shortStr,
  str,
  yes,
  type ListQuery,
} from './plumbing.ts';

/** Mail bodies and pages can be long; the body limit still applies. */
export const htmlStr = { type: 'string', maxLength: 1_000_000 } as const;
const subjectStr = { type: 'string', maxLength: 998 } as const;

export const templateLanguageSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    image: { type: 'string' },
    preview: { type: 'string', description: 'GET this URL for the template rendered with sample values in this language' },
    code: { type: 'string', description: 'Decoy extension: the language code' },
  },
} as const;

export function templateLanguage(kind: 'scenario-templates' | 'awareness-templates', templateId: number, l: LanguageRow) {
  return {
    id: l.id,
    name: l.name,
    image: `/api/languages/${l.id}/image`,
    preview: `/api/${kind}/${templateId}/preview/${l.id}`,
    code: l.code,
  };
}

/** Lucy sends `id` in a save body as well as in the path: they must agree. */
export function samePathId(bodyId: unknown, pathId: number) {
  if (bodyId !== undefined && bodyId !== pathId) throw invalid(`id: ${String(bodyId)} does not match the id in the path (${pathId})`);
}

const contentProps = {
  language_id: idSchema,
  sender_name: shortStr,
  sender_email: { type: 'string', maxLength: 320 },
  subject: subjectStr,
  email_html: htmlStr,
  email_text: htmlStr,
  landing_html: htmlStr,
  lure_subject: subjectStr,
  lure_html: htmlStr,
  lure_text: htmlStr,
  attachment_name: shortStr,
} as const;

const contentSchema = { type: 'object', properties: { ...contentProps, language_id: { type: 'integer' } } } as const;

const templateProps = {
  id: { type: 'integer' },
  type: { type: 'string', enum: [...SCENARIO_TYPES] },
  client_id: { ...nullableIdSchema, description: 'null: the built-in library (visible to every client, read-only for client users)' },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: str,
  no_landing: bool,
  category: shortStr,
  audience: shortStr,
  message_type: { type: 'string', enum: [...MESSAGE_TYPES] },
  lure_message_type: { type: 'string', enum: [...MESSAGE_TYPES] },
  license: shortStr,
  license_priority: int,
  enable: bool,
  forbid: bool,
} as const;

const contentsIn = {
  type: 'array',
  maxItems: 50,
  description:
    'Decoy extension: the texts per language. On save, when present, the full set (languages left out are removed); absent: unchanged. Fields left out of an item keep their saved value.',
  items: { type: 'object', required: ['language_id'], properties: contentProps },
} as const;

const bodyProps = { ...templateProps, contents: contentsIn } as const;
const createBody = { type: 'object', required: ['name', 'type'], properties: bodyProps } as const;
const saveBody = { type: 'object', required: ['name'], properties: bodyProps } as const;

const outProps = {
  ...templateProps,
  client_id: { type: ['integer', 'null'] },
  created_at: dateTimeOut,
  updated_at: dateTimeOut,
  links: linksSchema,
  languages: { type: 'array', items: templateLanguageSchema },
} as const;

/** The list item: the Lucy resource. */
export const scenarioTemplateSchema = { type: 'object', properties: outProps } as const;
/** One template: the Lucy resource plus its texts. */
const scenarioTemplateFullSchema = {
  type: 'object',
  properties: { ...outProps, contents: { type: 'array', description: 'Decoy extension: the texts per language', items: contentSchema } },
} as const;

export function scenarioTemplateResource(v: ScenarioTemplateView) {
  const t = v.template;
  return {
    id: t.id,
    created_at: lucyDate(t.created_at),
    updated_at: lucyDate(t.updated_at),
    type: t.type,
    client_id: t.client_id,
    name: t.name,
    description: t.description,
    no_landing: yes(t.no_landing),
    category: t.category,
    audience: t.audience,
    message_type: t.message_type,
    lure_message_type: t.lure_message_type,
    license: t.license,
    license_priority: t.license_priority,
    enable: yes(t.enable),
    forbid: yes(t.forbid),
    links: [
      { rel: 'self', href: `/api/scenario-templates/${t.id}` },
      ...(t.client_id !== null ? [{ rel: 'client', href: `/api/clients/${t.client_id}` }] : []),
      { rel: 'icon', href: `/api/template-icons/${t.type}` },
    ],
    languages: v.languages.map((l) => templateLanguage('scenario-templates', t.id, l)),
  };
}

function contentResource(c: ScenarioTemplateContentRow) {
  return {
    language_id: c.language_id,
    sender_name: c.sender_name,
    sender_email: c.sender_email,
    subject: c.subject,
    email_html: c.email_html,
    email_text: c.email_text,
    landing_html: c.landing_html,
    lure_subject: c.lure_subject,
    lure_html: c.lure_html,
    lure_text: c.lure_text,
    attachment_name: c.attachment_name,
  };
}

function fullResource(v: ScenarioTemplateView) {
  return { ...scenarioTemplateResource(v), contents: (v.contents ?? []).map(contentResource) };
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
        html: { type: 'string', description: 'the email HTML' },
        text: { type: 'string', description: 'the email plain text' },
        landing_html: { type: 'string' },
        lure_subject: { type: 'string' },
        lure_html: { type: 'string' },
        lure_text: { type: 'string' },
        attachment_name: { type: 'string' },
      },
    },
  },
} as const;

const listQuerySchema = {
  type: 'object',
  properties: {
    ...listQuery.properties,
    type: { type: 'string', enum: [...SCENARIO_TYPES], description: 'Decoy extension: only templates of this type' },
    language_id: { ...idSchema, description: 'Decoy extension: only templates with texts in this language' },
    q: { type: 'string', maxLength: 255, description: 'Decoy extension: part of the name (case-insensitive)' },
    builtin: { type: 'boolean', description: 'Decoy extension: true: only the built-in library; false: only client templates' },
  },
} as const;

/** Small SVG icons, one per scenario type (and awareness), for Lucy's `icon` links. */
const ICONS: Record<string, { color: string; label: string }> = {
  data: { color: '#1d4ed8', label: 'D' },
  file: { color: '#b45309', label: 'F' },
  mixed: { color: '#7c3aed', label: 'M' },
  hyperlink: { color: '#0f766e', label: 'L' },
  malware_test: { color: '#b91c1c', label: 'X' },
  usb_attack: { color: '#4b5563', label: 'U' },
  awareness: { color: '#15803d', label: 'A' },
};

export function templateIcon(kind: string): string {
  const i = ICONS[kind] ?? ICONS.hyperlink;
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32" role="img">' +
    `<title>${kind}</title><rect width="32" height="32" rx="7" fill="${i.color}"/>` +
    `<text x="16" y="21.5" text-anchor="middle" font-family="Helvetica,Arial,sans-serif" font-size="16" font-weight="700" fill="#fff">${i.label}</text></svg>`
  );
}

const one = { 200: { type: 'object', properties: { scenario_template: scenarioTemplateFullSchema } }, ...errorResponses };
const tags = ['scenario templates'];

export default async function scenarioTemplateRoutes(app: FastifyInstance, core: Core) {
  const svc = core.templates.scenarios;

  app.get<{ Querystring: ListQuery & Omit<ScenarioTemplateFilter, keyof ListQuery> }>(
    '/scenario-templates',
    {
      schema: {
        tags,
        summary: 'List scenario templates (the built-in library and your own)',
        querystring: listQuerySchema,
        response: { 200: { type: 'object', properties: { scenario_templates: { type: 'array', items: scenarioTemplateSchema } } }, ...errorResponses },
      },
    },
    async (req) => ({ scenario_templates: (await svc.list(req.principal, req.query)).map(scenarioTemplateResource) }),
  );

  app.put<{ Body: ScenarioTemplateInput }>(
    '/scenario-templates',
    { schema: { tags, summary: 'Create a scenario template (Decoy extension)', body: createBody, response: one } },
    async (req) => ({ scenario_template: fullResource(await svc.create(req.principal, req.body)) }),
  );

  app.get<{ Params: { id: number } }>(
    '/scenario-templates/:id',
    { schema: { tags, summary: 'Get a scenario template, with its texts per language (`contents`)', params: idParams, response: one } },
    async (req) => ({ scenario_template: fullResource(await svc.get(req.principal, req.params.id)) }),
  );

  app.post<{ Params: { id: number }; Body: ScenarioTemplateInput & { id?: number } }>(
    '/scenario-templates/:id',
    { schema: { tags, summary: 'Save a scenario template (Decoy extension; built-in templates: super admin only)', params: idParams, body: saveBody, response: one } },
    async (req) => {
      samePathId(req.body.id, req.params.id);
      return { scenario_template: fullResource(await svc.save(req.principal, req.params.id, req.body)) };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/scenario-templates/:id',
    { schema: { tags, summary: 'Delete a scenario template (409 while a scenario uses it)', params: idParams } },
    async (req, reply) => {
      await svc.delete(req.principal, req.params.id);
      return noContent(reply);
    },
  );

  app.get<{ Params: { id: number; language_id: number } }>(
    '/scenario-templates/:id/preview/:language_id',
    {
      schema: {
        tags,
        summary: 'Preview: the template in one language with sample values (Decoy extension). Values are HTML-escaped in the HTML parts.',
        params: paramsOf('id', 'language_id'),
        response: { 200: previewSchema, ...errorResponses },
      },
    },
    async (req): Promise<{ preview: ScenarioPreview }> => ({ preview: await svc.preview(req.principal, req.params.id, req.params.language_id) }),
  );

  // Public like the language icons: an <img> cannot send a bearer token, and an icon says
  // nothing about any tenant.
  app.get<{ Params: { kind: string } }>(
    '/template-icons/:kind',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Template icon (SVG) for a scenario type or `awareness`',
        params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: Object.keys(ICONS) } } },
      },
    },
    async (req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml; charset=utf-8').send(templateIcon(req.params.kind)),
  );
}
