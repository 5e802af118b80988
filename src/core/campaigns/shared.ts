/**
 * Pieces every part of the campaigns area uses: row types, tenant-scoped loading of a
 * campaign or scenario, and the small validators for the values people type in.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type {
  CampaignAwarenessTable,
  CampaignCustomFieldTable,
  CampaignTable,
  DB,
  RecipientGroupTable,
  ScenarioTable,
} from '../../db/schema.ts';
import { invalid, notFound } from '../../errors.ts';
import { readScope, type Principal } from '../access/principal.ts';

export type CampaignRow = Selectable<CampaignTable>;
export type ScenarioRow = Selectable<ScenarioTable>;
export type AwarenessRow = Selectable<CampaignAwarenessTable>;
export type CampaignCustomFieldRow = Selectable<CampaignCustomFieldTable>;
export type RecipientGroupRow = Selectable<RecipientGroupTable>;

export const CAMPAIGN_STATUSES = ['idle', 'running', 'waiting_approval', 'stopped'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** The campaign `id`, if the caller's tenant may see it; otherwise the same 404 as a missing one. */
export async function loadCampaign(db: Executor, p: Principal, id: number): Promise<CampaignRow> {
  const scope = readScope(p);
  let q = db.selectFrom('campaigns').selectAll().where('id', '=', id);
  if (scope !== null) q = q.where('client_id', '=', scope);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('campaign');
  return row;
}

export async function loadScenario(db: Executor, p: Principal, id: number): Promise<ScenarioRow> {
  const scope = readScope(p);
  let q = db.selectFrom('scenarios').selectAll().where('id', '=', id);
  if (scope !== null) q = q.where('client_id', '=', scope);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('scenario');
  return row;
}

/**
 * A recipient group that may be used in a campaign of `clientId`: it must belong to that very
 * client (a super admin cannot mix tenants either). Anything else is "not found".
 */
export async function loadGroupForClient(db: Executor, clientId: number, groupId: number): Promise<RecipientGroupRow> {
  const row = await db
    .selectFrom('recipient_groups')
    .selectAll()
    .where('id', '=', groupId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (!row) throw notFound('recipient group');
  return row;
}

export async function assertLanguage(db: Kysely<DB> | Executor, field: string, id: number): Promise<void> {
  const row = await db.selectFrom('languages').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw invalid(`${field}: no language with id ${id}`);
}

export function nonEmpty(field: string, value: string): string {
  const v = value.trim();
  if (!v) throw invalid(`${field}: must not be empty`);
  return v;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)*${LABEL}$`);
const SUBDOMAIN = new RegExp(`^(?=.{1,200}$)(?:${LABEL}\\.)*${LABEL}$`);
const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+$/;

/** A host name (`example.com`, `login.example.com`), lower-cased. */
export function hostname(field: string, value: string): string {
  const v = value.trim().toLowerCase();
  if (!HOSTNAME.test(v)) throw invalid(`${field}: "${value}" is not a valid domain name`);
  return v;
}

/** A sub-domain may be empty (none); otherwise the labels in front of the domain. */
export function subdomain(field: string, value: string): string {
  const v = value.trim().toLowerCase();
  if (v === '') return '';
  if (!SUBDOMAIN.test(v)) throw invalid(`${field}: "${value}" is not a valid sub-domain`);
  return v;
}

/** An e-mail address, or empty. */
export function optionalEmail(field: string, value: string): string {
  const v = value.trim();
  if (v !== '' && !EMAIL.test(v)) throw invalid(`${field}: "${value}" is not an e-mail address`);
  return v;
}

/** A comma-separated list of e-mail addresses, or empty. */
export function emailList(field: string, value: string): string {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const part of parts) optionalEmail(field, part);
  return parts.join(', ');
}

/**
 * An http(s) URL as it goes in a Location header: the WHATWG serialisation (punycode host,
 * percent-encoded path and query, tabs and line breaks gone), or null for anything else.
 */
export function webUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/** An http(s) URL, or empty; stored as webUrl serialises it, so that it can always be sent as typed. */
export function optionalUrl(field: string, value: string): string {
  const v = value.trim();
  if (v === '') return '';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw invalid(`${field}: "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${field}: must be an http or https URL`);
  return url.href;
}

/** Patterns are applied later to what victims type, in JavaScript; they must compile as such. */
export function jsRegExp(field: string, value: string): string {
  if (value === '') return '';
  try {
    new RegExp(value);
  } catch (err) {
    throw invalid(`${field}: not a valid regular expression (${(err as Error).message})`);
  }
  return value;
}

export const bit = (b: boolean | undefined, fallback: number): number => (b === undefined ? fallback : b ? 1 : 0);

/** Runs `fn` in a transaction (SQLite and PostgreSQL alike). */
export function inTransaction<T>(db: Kysely<DB>, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
