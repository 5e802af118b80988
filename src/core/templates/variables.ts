/**
 * Template variables: `{{name}}`-style placeholders in subjects, mail bodies, landing pages and
 * awareness pages. This list is the documented set (the UI shows it as a palette; the mail
 * renderer fills it per recipient). Unknown placeholders are left as they are, so a typo shows
 * up in the preview instead of silently vanishing.
 */
import { escapeHtml } from '../html.ts';

export { escapeHtml };

export type VariableContext = 'email' | 'landing' | 'awareness';

let dayEnds = 0;
let day = '';
/** `{{date}}`: today (UTC, YYYY-MM-DD), worked out once a day rather than once a page or mail. */
export function today(): string {
  const t = Date.now();
  if (t >= dayEnds) {
    day = new Date(t).toISOString().slice(0, 10);
    dayEnds = (Math.floor(t / 86_400_000) + 1) * 86_400_000;
  }
  return day;
}

/**
 * `{{custom.<name>}}`: a recipient's custom field values (a JSON array, in the order of the
 * client's field names) set on `values` under their names. Unreadable JSON: no values.
 */
export function setCustomValues(values: VariableValues, fieldNames: readonly string[], customFields: string | null | undefined): VariableValues {
  if (!fieldNames.length) return values;
  let list: unknown = [];
  try {
    list = JSON.parse(customFields || '[]');
  } catch {
    // unreadable: no custom values
  }
  const items = Array.isArray(list) ? list : [];
  // Named custom.*: never one of the other variables.
  fieldNames.forEach((name, i) => (values[`custom.${name}`] = String(items[i] ?? '')));
  return values;
}

export interface TemplateVariable {
  /** What goes between the braces. `custom.<field name>` stands for any recipient custom field. */
  name: string;
  description: string;
  /** Where the variable has a value. */
  contexts: VariableContext[];
  /** The value is markup (an image tag, a quiz form) and is inserted into HTML unescaped. */
  markup?: boolean;
}

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: 'name', description: "The recipient's full name", contexts: ['email', 'landing', 'awareness'] },
  { name: 'firstname', description: "The recipient's first name", contexts: ['email', 'landing', 'awareness'] },
  { name: 'lastname', description: "The recipient's last name", contexts: ['email', 'landing', 'awareness'] },
  { name: 'email', description: "The recipient's email address", contexts: ['email', 'landing', 'awareness'] },
  { name: 'phone', description: "The recipient's phone number", contexts: ['email', 'landing', 'awareness'] },
  { name: 'staff_type', description: "The recipient's staff type (e.g. employee, contractor)", contexts: ['email', 'landing', 'awareness'] },
  { name: 'location', description: "The recipient's location", contexts: ['email', 'landing', 'awareness'] },
  { name: 'division', description: "The recipient's division or department", contexts: ['email', 'landing', 'awareness'] },
  { name: 'custom.<field name>', description: 'A recipient custom field by its name, e.g. {{custom.cost center}}', contexts: ['email', 'landing', 'awareness'] },
  { name: 'link', description: "The recipient's tracking link (to the landing page, or the awareness page in awareness mail)", contexts: ['email', 'awareness'] },
  { name: 'pixel', description: 'The open-tracking image tag; empty when open tracking is off', contexts: ['email'], markup: true },
  { name: 'sender_name', description: "The sender's display name as configured on the scenario", contexts: ['email', 'landing', 'awareness'] },
  { name: 'sender_email', description: "The sender's email address as configured on the scenario", contexts: ['email', 'landing', 'awareness'] },
  { name: 'date', description: 'The date the message is sent (YYYY-MM-DD)', contexts: ['email', 'landing', 'awareness'] },
  { name: 'company', description: "The client's (organisation's) name", contexts: ['email', 'landing', 'awareness'] },
  { name: 'form_action', description: 'Landing pages: the URL the landing page form posts to', contexts: ['landing'] },
  { name: 'download_link', description: 'Landing pages of file scenarios: the URL of the file download', contexts: ['landing', 'email'] },
  { name: 'quiz', description: 'Awareness pages: the quiz form', contexts: ['awareness'], markup: true },
];

/** Values for a render: variable name (`custom.<field>` for custom fields) to text. */
export type VariableValues = Record<string, string>;

const MARKUP = new Set(TEMPLATE_VARIABLES.filter((v) => v.markup).map((v) => v.name));
const KNOWN = new Set(TEMPLATE_VARIABLES.map((v) => v.name).filter((n) => !n.includes('<')));

/** `{{ name }}`, `{{custom.Cost Center}}`; names are matched case-insensitively, custom field names as written. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_]+)(?:\.([^{}]{1,100}?))?\s*\}\}/g;


function keyOf(name: string, field: string | undefined): string {
  const n = name.toLowerCase();
  return field === undefined ? n : `${n}.${field.trim()}`;
}

/** Placeholders in `text` that are not in the documented set (for warnings in the UI). */
export function unknownVariables(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1].toLowerCase();
    if (m[2] !== undefined ? name !== 'custom' : !KNOWN.has(name)) out.add(m[0]);
  }
  return [...out];
}

export type RenderMode = 'html' | 'text';

/**
 * Splits a template once into literal parts and placeholders, so that rendering per recipient
 * is a join. In `html` mode values are HTML-escaped, except markup variables (`pixel`, `quiz`).
 */
export function compileTemplate(text: string, mode: RenderMode): (values: VariableValues) => string {
  const parts: (string | { key: string; raw: string; markup: boolean })[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const key = keyOf(m[1], m[2]);
    parts.push({ key, raw: m[0], markup: mode === 'html' && MARKUP.has(key) });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (values) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      // Own values only: {{constructor}} is a placeholder like any other, not Object.prototype's.
      const v = Object.hasOwn(values, p.key) ? values[p.key] : undefined;
      if (v === undefined) out += p.raw;
      else out += mode === 'html' && !p.markup ? escapeHtml(v) : v;
    }
    return out;
  };
}

export function substitute(text: string, values: VariableValues, mode: RenderMode): string {
  return compileTemplate(text, mode)(values);
}

/** Sample values for previews. `overrides` (e.g. the client's name as `company`) win. */
export function sampleVariables(overrides: VariableValues = {}): VariableValues {
  return {
    name: 'Alex Sample',
    firstname: 'Alex',
    lastname: 'Sample',
    email: 'alex.sample@example.com',
    phone: '+1 555 0100',
    staff_type: 'Employee',
    location: 'Head Office',
    division: 'Finance',
    link: 'https://example.com/preview/link',
    pixel: '',
    sender_name: 'Sample Sender',
    sender_email: 'sender@example.com',
    date: today(),
    company: 'Example Ltd',
    form_action: '#',
    download_link: 'https://example.com/preview/download',
    quiz: '',
    ...overrides,
  };
}

/**
 * Substitutes sample values for a preview. HTML (`mode` 'html', the default when the text looks
 * like markup) gets escaped values; subjects and plain text get them as they are.
 */
export function renderPreview(text: string, sampleVars: VariableValues, mode?: RenderMode): string {
  const m = mode ?? (/<[a-z!/][^>]*>/i.test(text) ? 'html' : 'text');
  return substitute(text, sampleVars, m);
}
