/**
 * Shared by the route walkers (routes-bad-input.test.ts, routes-cross-tenant.test.ts): the Lucy
 * route table as the admin server registered it, values generated from the routes' own JSON
 * schemas (valid ones and wrongly typed ones), and a fully populated client to aim at.
 * Driven by the route table, so routes added later are walked without changing this file.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import type { RouteInfo } from '../../src/api/server.ts';
import { isLucyDateTime } from '../../src/api/lucy/plumbing.ts';
import type { TestApp } from '../helpers/app.ts';

// ---- the route table ---------------------------------------------------------------------------

/**
 * Every Lucy route: under /api, but not the OpenAPI document (/api/docs) and not Security
 * Journey (/api/v2), which has its own credential and error body.
 */
export function lucyRoutes(t: TestApp): RouteInfo[] {
  const seen = new Set<string>();
  return t.routes.filter((r) => {
    if (r.method === 'HEAD' || !r.url.startsWith('/api/') || r.url.startsWith('/api/docs') || r.url.startsWith('/api/v2/')) return false;
    const key = `${r.method} ${r.url}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Routes of the admin server under /api that the walkers leave alone, and why (for the report). */
export function unwalkedApiRoutes(t: TestApp): string[] {
  return t.routes
    .filter((r) => r.method !== 'HEAD' && (r.url.startsWith('/api/docs') || r.url.startsWith('/api/v2/')))
    .map((r) => `${r.method} ${r.url}`);
}

export const paramNames = (url: string): string[] => [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);

export function fillUrl(url: string, values: Record<string, string | number>): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(String(values[name])));
}

export const routeKey = (r: RouteInfo) => `${r.method} ${r.url}`;

/** The JSON schema of one path parameter (from the route's params schema), if any. */
export function paramSchema(r: RouteInfo, name: string): any {
  return r.schema?.params?.properties?.[name];
}

export function isIdParam(r: RouteInfo, name: string): boolean {
  const s = paramSchema(r, name);
  if (s) return typesOf(s).includes('integer') || typesOf(s).includes('number');
  return name === 'id' || name.endsWith('_id');
}

// ---- schema-driven values ----------------------------------------------------------------------

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ coerceTypes: false, useDefaults: false, strict: false, allErrors: false });
addFormats(ajv);
ajv.addFormat('lucy-datetime', { type: 'string', validate: isLucyDateTime });
ajv.addKeyword({ keyword: 'example' });

const compiled = new WeakMap<object, ValidateFunction | null>();
/** Whether `value` satisfies `schema` as the server validates bodies (no coercion); null: cannot tell. */
export function valid(schema: any, value: unknown): boolean | null {
  if (!schema || typeof schema !== 'object') return null;
  let fn = compiled.get(schema);
  if (fn === undefined) {
    try {
      fn = ajv.compile(schema);
    } catch {
      fn = null;
    }
    compiled.set(schema, fn);
  }
  return fn ? (fn(value) as boolean) : null;
}

export function typesOf(schema: any): string[] {
  if (!schema || typeof schema !== 'object') return [];
  if (schema.type) return [schema.type].flat();
  if (schema.const !== undefined) return [jsonType(schema.const)];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonType))] as string[];
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) return [...new Set(branches.flatMap(typesOf))];
  if (schema.properties) return ['object'];
  return [];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The object schema inside a body schema (itself, or the first object branch of anyOf/oneOf). */
export function objectSchema(schema: any): any {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.properties || typesOf(schema).includes('object') && !schema.anyOf && !schema.oneOf) return schema;
  for (const b of schema.anyOf ?? schema.oneOf ?? []) {
    const o = objectSchema(b);
    if (o) return o;
  }
  return null;
}

const WRONG: [string, unknown][] = [
  ['string', 'wrong-type'],
  ['integer', 12345],
  ['boolean', true],
  ['object', { wrong: 'type' }],
  ['array', ['wrong-type']],
  ['number', 12.5],
];

/** A value of a JSON type the schema does not allow; undefined when it allows anything. */
export function wrongValue(schema: any): unknown {
  const allowed = typesOf(schema);
  if (!allowed.length) return undefined;
  for (const [type, value] of WRONG) {
    if (allowed.includes(type) || (type === 'integer' && allowed.includes('number'))) continue;
    if (valid(schema, value) === false) return value;
  }
  return undefined;
}

const STRING_CANDIDATES = [
  'walker',
  'Walker 1',
  'walker@decoy.test',
  'walker.example.com',
  'https://walker.example.com/',
  '2030-01-02T03:04:05Z',
  '2030-01-02',
  'en',
  'email',
  'a',
  '192.0.2.0/24',
  '#336699',
  '.*',
  'walker-password-123',
];

function hinted(name: string): string[] {
  const n = name.toLowerCase();
  if (n.includes('email') || n === 'sender' || n === 'send_to' || n === 'sendto') return ['walker@decoy.test'];
  if (n.includes('domain') || n === 'host') return ['walker.example.com'];
  if (n.includes('url') || n === 'website' || n === 'link') return ['https://walker.example.com/'];
  if (n.includes('password')) return ['walker-password-123'];
  if (n.includes('regexp') || n.includes('regex')) return ['.*'];
  if (n.endsWith('_at') || n.includes('date') || n === 'time') return ['2030-01-02T03:04:05Z'];
  if (n === 'timezone') return ['UTC'];
  if (n === 'cidr') return ['192.0.2.0/24'];
  return [];
}

export interface SampleHints {
  /** Integer values by property name (e.g. ids of existing rows). */
  ids?: Record<string, number>;
}

/** A value the schema accepts (best effort: check with `valid`). */
export function sample(schema: any, name = '', hints: SampleHints = {}): unknown {
  if (!schema || typeof schema !== 'object') return 'walker';
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v: unknown) => v !== null) ?? schema.enum[0];
  if (schema.default !== undefined && valid(schema, schema.default)) return schema.default;
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && !schema.type) return sample(branches[0], name, hints);
  const types = typesOf(schema).filter((x) => x !== 'null');
  const type = types[0] ?? 'string';
  switch (type) {
    case 'integer':
    case 'number': {
      const hint = hints.ids?.[name];
      if (hint !== undefined && valid(schema, hint) !== false) return hint;
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined);
      let v = min !== undefined ? Math.max(min, 1) : 1;
      if (schema.maximum !== undefined && v > schema.maximum) v = schema.maximum;
      return v;
    }
    case 'boolean':
      return false;
    case 'array': {
      const n = schema.minItems ?? 0;
      return Array.from({ length: n }, (_, i) => sample(schema.items, `${name}[${i}]`, hints));
    }
    case 'object':
      return sampleObject(schema, hints);
    default: {
      const candidates = [...hinted(name), ...STRING_CANDIDATES];
      if (schema.format === 'email') candidates.unshift('walker@decoy.test');
      if (schema.format === 'date-time' || schema.format === 'lucy-datetime') candidates.unshift('2030-01-02T03:04:05Z');
      if (schema.format === 'date') candidates.unshift('2030-01-02');
      if (schema.format === 'uri' || schema.format === 'url') candidates.unshift('https://walker.example.com/');
      for (const c of candidates) if (valid({ ...schema, type: 'string' }, c)) return c;
      if (schema.minLength) return 'w'.repeat(schema.minLength);
      return 'walker';
    }
  }
}

/** An object with every required property (and nothing else) set to an accepted value. */
export function sampleObject(schema: any, hints: SampleHints = {}): Record<string, unknown> {
  const o = objectSchema(schema);
  const out: Record<string, unknown> = {};
  if (!o) return out;
  for (const name of o.required ?? []) out[name] = sample(o.properties?.[name], name, hints);
  return out;
}

// ---- answers -----------------------------------------------------------------------------------

export interface Expectation {
  status?: number | number[];
  /** The message must mention this (the field or the problem). */
  mentions?: string | RegExp;
}

/**
 * Checks one answer of a bad request: a JSON 4xx `{error:{code,message}}` with a non-empty
 * message; returns what is wrong with it (empty: fine).
 */
export function problemsWith(res: LightMyRequestResponse, exp: Expectation = {}): string[] {
  const problems: string[] = [];
  const type = String(res.headers['content-type'] ?? '');
  const brief = res.body.length > 160 ? `${res.body.slice(0, 160)}...` : res.body;
  if (res.statusCode >= 500) return [`answered ${res.statusCode} (server error): ${brief}`];
  if (res.statusCode < 400) return [`answered ${res.statusCode}, not an error: ${brief}`];
  const statuses = exp.status === undefined ? [] : [exp.status].flat();
  if (statuses.length && !statuses.includes(res.statusCode)) problems.push(`answered ${res.statusCode}, expected ${statuses.join(' or ')}: ${brief}`);
  if (!/^application\/json/.test(type)) {
    problems.push(`answered ${type || 'no content type'}${/<html|<!doctype/i.test(res.body) ? ' (HTML)' : ''}, not JSON`);
    return problems;
  }
  let body: any;
  try {
    body = JSON.parse(res.body);
  } catch {
    problems.push('answered a body that is not JSON');
    return problems;
  }
  const err = body?.error;
  if (!err || typeof err.code !== 'string' || typeof err.message !== 'string') {
    problems.push(`answered without {error:{code,message}}: ${brief}`);
    return problems;
  }
  if (!err.message.trim()) problems.push('answered an empty error message');
  if (exp.mentions !== undefined) {
    const ok = typeof exp.mentions === 'string' ? err.message.includes(exp.mentions) : exp.mentions.test(err.message);
    if (!ok) problems.push(`message "${err.message}" does not mention ${String(exp.mentions)}`);
  }
  return problems;
}

/** Collects failures as "METHOD url (case): problem" lines, for one assertion at the end. */
export class Findings {
  readonly lines: string[] = [];
  /** How many answers were checked, for the summary line. */
  checked = 0;
  check(label: string, res: LightMyRequestResponse, exp: Expectation = {}) {
    this.checked++;
    for (const p of problemsWith(res, exp)) this.lines.push(`${label}: ${p}`);
  }
  add(line: string) {
    this.lines.push(line);
  }
}

// ---- a fully populated client ------------------------------------------------------------------

/** Ids of one client's rows, by the collection name they appear under in Lucy paths. */
export type Ids = Record<string, number>;

export interface Population {
  clientId: number;
  token: string;
  ids: Ids;
  /** How each row was made: through the API, or directly in the database when the API refused or lacks the route. */
  notes: string[];
}

const created = (res: LightMyRequestResponse): Record<string, any> | null => {
  if (res.statusCode !== 200 || !/^application\/json/.test(String(res.headers['content-type']))) return null;
  const body = res.json();
  if (body && typeof body === 'object' && typeof body.id === 'number') return body;
  for (const v of Object.values(body ?? {})) if (v && typeof v === 'object' && typeof (v as any).id === 'number') return v as Record<string, any>;
  return null;
};

/**
 * Inserts a row with every NOT NULL column that has no default filled in (texts empty, numbers
 * 0, timestamps now), so that the fixture survives columns added by other areas.
 */
export async function dbInsert(t: TestApp, table: string, values: Record<string, unknown>): Promise<number> {
  const db = t.core.database.db;
  const tables = await t.tables();
  const meta = tables.find((x) => x.name === table);
  if (!meta) throw new Error(`no table ${table}`);
  const stamp = new Date().toISOString();
  const row: Record<string, unknown> = {};
  for (const c of meta.columns) {
    if (c.name === 'id' || c.isNullable || c.hasDefaultValue || c.isAutoIncrementing) continue;
    if (/_at$|^time$/.test(c.name)) row[c.name] = stamp;
    else if (/int|double|real|numeric|float/i.test(c.dataType)) row[c.name] = 0;
    else row[c.name] = '';
  }
  Object.assign(row, values);
  const r = await (db as any).insertInto(table).values(row).returning('id').executeTakeFirstOrThrow();
  return r.id as number;
}

/**
 * Makes a client with one of everything, through the API where the API has the route, and
 * directly in the database otherwise (noted). `tag` keeps names unique between clients.
 */
export async function populateClient(t: TestApp, tag: string, clientId: number, token: string): Promise<Population> {
  const ids: Ids = { clients: clientId };
  const notes: string[] = [];
  const db = t.core.database.db;
  const has = (method: string, url: string) => t.routes.some((r) => r.method === method && r.url === url);
  const api = async (what: string, method: string, url: string, route: string, body: unknown): Promise<Record<string, any> | null> => {
    if (!has(method, route)) {
      notes.push(`${what}: no ${method} ${route} yet, made in the database`);
      return null;
    }
    const res = await t.call(method, url, { token, body });
    const row = created(res);
    if (!row) notes.push(`${what}: ${method} ${url} answered ${res.statusCode} ${res.body.slice(0, 200)}; made in the database`);
    return row;
  };
  const languageId = (await db.selectFrom('languages').select('id').where('code', '=', 'en').executeTakeFirstOrThrow()).id;

  // Sender domain first: scenarios may insist on a known domain.
  const domainName = `${tag}-walker.example`;
  ids.domains = (await api('domain', 'PUT', '/api/domains', '/api/domains', { name: domainName }))?.id ?? (await dbInsert(t, 'domains', { client_id: clientId, name: domainName }));

  const group = await api('recipient group', 'PUT', '/api/recipient-groups', '/api/recipient-groups', { name: `${tag} walkers`, usb_attack: false });
  ids['recipient-groups'] = group?.id ?? (await dbInsert(t, 'recipient_groups', { client_id: clientId, name: `${tag} walkers` }));

  const people = [
    { name: 'Ada Walker', email: `ada.${tag}@walker.example` },
    { name: 'Bob Walker', email: `bob.${tag}@walker.example` },
  ];
  await api('recipients', 'PUT', `/api/recipient-groups/${ids['recipient-groups']}/recipients`, '/api/recipient-groups/:id/recipients', people);
  let recipient = await db.selectFrom('recipients').select('id').where('recipient_group_id', '=', ids['recipient-groups']).orderBy('id').executeTakeFirst();
  if (!recipient) {
    for (const p of people) await dbInsert(t, 'recipients', { client_id: clientId, recipient_group_id: ids['recipient-groups'], ...p });
    recipient = await db.selectFrom('recipients').select('id').where('recipient_group_id', '=', ids['recipient-groups']).orderBy('id').executeTakeFirstOrThrow();
  }
  ids.recipients = recipient.id;

  const rcf = await api('recipient custom field', 'PUT', '/api/recipient-custom-fields', '/api/recipient-custom-fields', { name: `${tag} department` });
  ids['recipient-custom-fields'] = rcf?.id ?? (await dbInsert(t, 'recipient_custom_fields', { client_id: clientId, name: `${tag} department` }));

  // Templates: the client's own (to aim at), and a built-in one for the scenario when the library has one.
  const st = await api('scenario template', 'PUT', '/api/scenario-templates', '/api/scenario-templates', {
    name: `${tag} own scenario template`,
    type: 'hyperlink',
    message_type: 'email',
    contents: [{ language_id: languageId, subject: 'Hello', email_html: '<p>Hello {{name}}</p>', sender_name: 'IT', sender_email: 'it@walker.example' }],
  });
  ids['scenario-templates'] =
    st?.id ?? (await dbInsert(t, 'scenario_templates', { client_id: clientId, name: `${tag} own scenario template`, type: 'hyperlink', message_type: 'email', enable: 1 }));
  if (!st) await dbInsert(t, 'scenario_template_contents', { client_id: clientId, scenario_template_id: ids['scenario-templates'], language_id: languageId, subject: 'Hello' });
  const builtIn = await db.selectFrom('scenario_templates').select('id').where('client_id', 'is', null).orderBy('id').executeTakeFirst();
  if (!builtIn) notes.push('scenario template library: empty, the scenario uses the client\'s own template');
  const scenarioTemplateId = builtIn?.id ?? ids['scenario-templates'];

  const at = await api('awareness template', 'PUT', '/api/awareness-templates', '/api/awareness-templates', {
    name: `${tag} own awareness template`,
    contents: [{ language_id: languageId, subject: 'Training', email_html: '<p>Learn</p>', page_html: '<p>Learn</p>' }],
  });
  ids['awareness-templates'] = at?.id ?? (await dbInsert(t, 'awareness_templates', { client_id: clientId, name: `${tag} own awareness template`, enabled: 1 }));
  if (!at) await dbInsert(t, 'awareness_template_contents', { client_id: clientId, awareness_template_id: ids['awareness-templates'], language_id: languageId, subject: 'Training' });
  const builtInAwareness = await db.selectFrom('awareness_templates').select('id').where('client_id', 'is', null).orderBy('id').executeTakeFirst();
  const awarenessTemplateId = builtInAwareness?.id ?? ids['awareness-templates'];

  for (const [collection, table, body] of [
    ['attachment-templates', 'attachment_templates', { name: `${tag} attachment`, scenario_type: 'file' }],
    ['report-templates', 'report_templates', { name: `${tag} report` }],
  ] as const) {
    const row = await api(collection, 'PUT', `/api/${collection}`, `/api/${collection}`, body);
    ids[collection] = row?.id ?? (await dbInsert(t, table, { client_id: clientId, ...body }));
  }

  const campaign = await api('campaign', 'PUT', '/api/campaigns', '/api/campaigns', { name: `${tag} campaign`, client_id: clientId, language_id: languageId });
  ids.campaigns = campaign?.id ?? (await dbInsert(t, 'campaigns', { client_id: clientId, name: `${tag} campaign`, status: 'idle' }));

  const linked = await api('campaign recipient group', 'PUT', `/api/campaigns/${ids.campaigns}/recipient-groups`, '/api/campaigns/:id/recipient-groups', { id: ids['recipient-groups'] });
  if (!linked) await dbInsert(t, 'campaign_recipient_groups', { client_id: clientId, campaign_id: ids.campaigns, recipient_group_id: ids['recipient-groups'] }).catch(() => 0);

  const scenario = await api('scenario', 'PUT', `/api/campaigns/${ids.campaigns}/scenarios`, '/api/campaigns/:id/scenarios', {
    name: `${tag} scenario`,
    domain: domainName,
    language_id: languageId,
    scenario_template_id: scenarioTemplateId,
    sender_name: 'IT Desk',
    sender_email: `it@${domainName}`,
  });
  ids.scenarios =
    scenario?.id ??
    (await dbInsert(t, 'scenarios', {
      client_id: clientId,
      campaign_id: ids.campaigns,
      scenario_template_id: scenarioTemplateId,
      language_id: languageId,
      name: `${tag} scenario`,
      domain: domainName,
      status: 'idle',
    }));

  const awareness = await api('campaign awareness', 'PUT', `/api/campaigns/${ids.campaigns}/awareness`, '/api/campaigns/:id/awareness', {
    name: `${tag} awareness`,
    domain: domainName,
    language_id: languageId,
    template_id: awarenessTemplateId,
  });
  ids.awareness = awareness?.id ?? (await dbInsert(t, 'campaign_awareness', { client_id: clientId, campaign_id: ids.campaigns, template_id: awarenessTemplateId, language_id: languageId, name: `${tag} awareness`, domain: domainName }));

  const ccf = await api('campaign custom field', 'PUT', '/api/campaign-custom-fields', '/api/campaign-custom-fields', { campaign_id: ids.campaigns, name: `${tag} cost centre` });
  ids['campaign-custom-fields'] = ccf?.id ?? (await dbInsert(t, 'campaign_custom_fields', { client_id: clientId, campaign_id: ids.campaigns, name: `${tag} cost centre` }));

  // A victim exists only once a campaign runs: made directly, as the sender would.
  ids.victims = await dbInsert(t, 'victims', { client_id: clientId, campaign_id: ids.campaigns, scenario_id: ids.scenarios, recipient_id: ids.recipients, email: people[0].email, name: people[0].name });

  ids.incidents = (await t.core.incidents.record(clientId, { email: people[0].email, subject: `${tag} reported`, campaign_id: ids.campaigns, message: 'Subject: x\r\n\r\nbody' })).id;

  // Messages the built-in catcher kept, and a scanner range of the client's own.
  ids.outbox = await dbInsert(t, 'outbox_messages', {
    client_id: clientId,
    campaign_id: ids.campaigns,
    victim_id: ids.victims,
    message_type: 'attack',
    channel: 'email',
    recipient: people[0].email,
    subject: `${tag} lure`,
    raw: 'Subject: lure\r\n\r\nbody',
  });
  const range = await api('scanner range', 'PUT', '/api/scanner-ranges', '/api/scanner-ranges', { cidr: '198.51.100.0/24', label: `${tag} scanner`, client_id: clientId });
  ids['scanner-ranges'] = range?.id ?? (await dbInsert(t, 'scanner_ranges', { client_id: clientId, cidr: '198.51.100.0/24', label: `${tag} scanner` }));

  const key = await api('api key', 'PUT', '/api/api-keys', '/api/api-keys', { name: `${tag} key` });
  if (!key) throw new Error('the fixture needs PUT /api/api-keys');
  ids['api-keys'] = key.id;
  const user = await api('user', 'PUT', '/api/users', '/api/users', { email: `second.${tag}@walker.example`, password: 'password-for-tests-1', role_group: 'user', client_id: clientId });
  if (!user) throw new Error('the fixture needs PUT /api/users');
  ids.users = user.id;

  // Training rows refer to each other (an enrollment needs a learner and a path), so they are
  // made through the API: a lesson, a path, the group enrolled in it, and an assignment.
  if (has('PUT', '/api/enrollments') && has('PUT', '/api/paths') && has('PUT', '/api/lessons')) {
    const lesson = await api('lesson', 'PUT', '/api/lessons', '/api/lessons', { name: `${tag} lesson` });
    const trainingPath = await api('path', 'PUT', '/api/paths', '/api/paths', { name: `${tag} path`, lessons: lesson ? [{ lesson_id: lesson.id }] : [] });
    if (lesson) ids.lessons = lesson.id;
    if (trainingPath) {
      ids.paths = trainingPath.id;
      const res = await t.call('PUT', '/api/enrollments', { token, body: { path_id: trainingPath.id, recipient_group_ids: [ids['recipient-groups']] } });
      const enrollment = res.statusCode === 200 ? res.json().enrollments?.[0] : undefined;
      if (enrollment) {
        ids.enrollments = enrollment.id;
        ids.learners = enrollment.learner_id;
      } else notes.push(`enrollment: PUT /api/enrollments answered ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    if (lesson) {
      const assignment = await api('assignment', 'PUT', '/api/assignments', '/api/assignments', {
        name: `${tag} assignment`,
        due_date: '2030-01-02T03:04:05Z',
        lesson_ids: [lesson.id],
        recipient_group_ids: [ids['recipient-groups']],
      });
      if (assignment) ids.assignments = assignment.id;
    }
  }

  // Anything else a route names by a table of the same name gets one bare row.
  const tables = await t.tables();
  for (const r of t.routes) {
    for (const param of paramNames(r.url)) {
      const c = collectionOf(r.url, param);
      if (ids[c] !== undefined || !r.url.startsWith('/api/') || GLOBAL_COLLECTIONS.has(c)) continue;
      const table = tables.find((x) => x.name === c.replace(/-/g, '_') && x.columns.some((col) => col.name === 'client_id'));
      if (!table) continue;
      try {
        ids[c] = await dbInsert(t, table.name, { client_id: clientId });
        notes.push(`${c}: a bare row made in the database (not in the fixture yet)`);
      } catch (err) {
        notes.push(`${c}: could not make a row: ${(err as Error).message}`);
      }
    }
  }

  return { clientId, token, ids, notes };
}

/** Collections that are global reference data, not owned by a client. */
export const GLOBAL_COLLECTIONS = new Set(['languages', 'language', 'benchmarks', 'benchmark', 'benchmark-sector', 'template-icons']);

/** Every string that came from the generator made unique, so that creating twice is not a conflict. */
export function uniquify<T>(value: T, n: number): T {
  if (typeof value === 'string') return value.replace(/walker/g, `walker${n}`) as T;
  if (Array.isArray(value)) return value.map((v) => uniquify(v, n)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, uniquify(v, n)])) as T;
  return value;
}

/** Collection names by which a path parameter may be known, for mapping to fixture ids. */
const ALIASES: Record<string, string> = {
  'recipient-group': 'recipient-groups',
  recipient: 'recipients',
  campaign: 'campaigns',
  scenario: 'scenarios',
  victim: 'victims',
  'campaign-awareness': 'awareness',
  awarenesses: 'awareness',
  template: 'scenario-templates',
  'scenario-template': 'scenario-templates',
  'awareness-template': 'awareness-templates',
  'api-key': 'api-keys',
  user: 'users',
  client: 'clients',
  incident: 'incidents',
  domain: 'domains',
};

/** The fixture collection a path parameter refers to: `/x/:id` → x, `:recipient_group_id` → recipient-groups. */
export function collectionOf(url: string, param: string): string {
  let name: string;
  if (param === 'id') {
    const segments = url.split('/');
    const i = segments.indexOf(`:${param}`);
    name = segments[i - 1] ?? '';
    if (name === 'download') name = segments[i - 2] === 'export' ? 'exports' : (segments[i - 2] ?? '');
  } else {
    name = param.replace(/_id$/, '').replace(/_/g, '-');
    if (name === 'template' && url.includes('awareness')) name = 'awareness-templates';
  }
  return ALIASES[name] ?? name;
}

export function idFor(ids: Ids, url: string, param: string): number | undefined {
  const c = collectionOf(url, param);
  return ids[c] ?? ids[`${c}s`];
}
