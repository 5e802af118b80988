/**
 * What the tracking server needs to know about a scenario on every hit (is its campaign running,
 * what counts as success, how form posts are judged) and its landing pages, compiled. Both are
 * kept in memory for a short time (SCENARIO_CACHE_TTL_MS) and loaded for many scenarios in one
 * query, so that a hit costs no query of its own. A campaign stopped in another process stops
 * answering within that time (and the reload's query); in this process `forget()` makes it immediate.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { compileTemplate, setCustomValues, today, type VariableValues } from '../templates/variables.ts';
import { passwordFieldsOf, type CollectData } from './submission.ts';
import { webUrl } from '../campaigns/shared.ts';

export const SCENARIO_CACHE_TTL_MS = 2000;
/** An entry this many TTLs old is not answered while it reloads: the hit waits for the read (the database was unreachable meanwhile). */
const STALE_FACTOR = 10;

export interface ScenarioView {
  id: number;
  clientId: number;
  campaignId: number;
  templateId: number;
  languageId: number;
  /** The campaign runs: its links answer. Anything else (idle, waiting_approval, stopped) is the neutral 404. */
  live: boolean;
  successAction: string;
  collectData: CollectData;
  loginRe: RegExp | null;
  passwordRe: RegExp | null;
  redirectUrl: string;
  noLanding: boolean;
  senderName: string;
  senderEmail: string;
  /** The client's name ({{company}}). */
  company: string;
  /** The client's recipient custom field names, in order: `{{custom.<name>}}` is the victim's value at that position. */
  customFieldNames: string[];
}

export interface LandingContent {
  languageId: number;
  /** The landing page with the person's values substituted (HTML-escaped). */
  render: (values: VariableValues) => string;
  hasLanding: boolean;
  /** `type="password"` inputs of the landing page (lower-case names): never stored. */
  passwordFields: ReadonlySet<string>;
  /** File scenarios: the name of the file the download answers with. */
  attachmentName: string;
}

/** A template's contents by language. */
export interface TemplateContents {
  byLanguage: Map<number, LandingContent>;
  /** The default language's content, else the first one. */
  fallback: LandingContent | null;
}

/** The person's details a landing page may show. */
export interface Person {
  email: string;
  name: string;
  firstname: string;
  lastname: string;
  phone: string;
  staff_type: string;
  location: string;
  division: string;
  /** JSON array of the custom field values, as on the victim. */
  custom_fields: string;
}

interface Entry<T> {
  at: number;
  value: T;
}

function regexp(source: string): RegExp | null {
  if (!source) return null;
  try {
    return new RegExp(source);
  } catch {
    // Validated when saved; a pattern that no longer compiles matches nothing rather than everything.
    return /(?!)/;
  }
}

const COLLECT: ReadonlySet<string> = new Set(['no', 'partial', 'full']);

export class ScenarioCache {
  private readonly scenarios = new Map<number, Entry<ScenarioView | null>>();
  private readonly templates = new Map<number, Entry<TemplateContents>>();

  constructor(
    private readonly db: Kysely<DB>,
    readonly ttlMs = SCENARIO_CACHE_TTL_MS,
  ) {}

  private generation = 0;
  /** Which kind of entry one query is reloading now. */
  private readonly reloading = new Set<'scenarios' | 'templates'>();

  /** Drops everything cached (e.g. after a campaign was stopped in this process): the next hit waits for a fresh read. */
  forget(): void {
    this.generation++;
    this.scenarios.clear();
    this.templates.clear();
  }

  /**
   * The scenarios by id; missing ids map to null. Missing entries are loaded in one query that
   * the caller waits for; entries past the TTL are answered as they are while one query reloads
   * them beside the hits (a hit never waits for a reload, which on SQLite can queue behind a
   * large write of the recorder).
   */
  async scenariosById(ids: Iterable<number>): Promise<Map<number, ScenarioView | null>> {
    return this.lookup(this.scenarios, ids, 'scenarios', (missing) => this.loadScenarios(missing));
  }

  private async loadScenarios(missing: number[]): Promise<Map<number, ScenarioView | null>> {
    const generation = this.generation;
    const out = new Map<number, ScenarioView | null>();
    const rows = await this.db
      .selectFrom('scenarios as s')
      .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
      .innerJoin('clients as cl', 'cl.id', 's.client_id')
      .select([
        's.id', 's.client_id', 's.campaign_id', 's.scenario_template_id', 's.language_id', 's.success_action', 's.collect_data',
        's.login_regexp', 's.password_regexp', 's.redirect_url', 's.no_landing', 's.sender_name', 's.sender_email',
        'c.status as campaign_status', 'cl.name as company',
      ])
      .where('s.id', 'in', missing)
      .execute();
    const clientIds = [...new Set(rows.map((r) => r.client_id))];
    const fields = clientIds.length
      ? await this.db.selectFrom('recipient_custom_fields').select(['client_id', 'name']).where('client_id', 'in', clientIds).orderBy('id').execute()
      : [];
    const loaded = Date.now();
    // After forget(), what this query read may predate the change: answered, not kept.
    const keep = generation === this.generation;
    for (const id of missing) {
      if (keep) this.scenarios.set(id, { at: loaded, value: null });
      out.set(id, null);
    }
    for (const r of rows) {
      const view: ScenarioView = {
        id: r.id,
        clientId: r.client_id,
        campaignId: r.campaign_id,
        templateId: r.scenario_template_id,
        languageId: r.language_id,
        live: r.campaign_status === 'running',
        successAction: r.success_action,
        collectData: (COLLECT.has(r.collect_data) ? r.collect_data : 'partial') as CollectData,
        loginRe: regexp(r.login_regexp),
        passwordRe: regexp(r.password_regexp),
        // Rows stored before redirect_url was normalised on the way in hold it as typed.
        redirectUrl: webUrl(r.redirect_url) ?? '',
        noLanding: r.no_landing === 1,
        senderName: r.sender_name,
        senderEmail: r.sender_email,
        company: r.company,
        customFieldNames: fields.filter((f) => f.client_id === r.client_id).map((f) => f.name),
      };
      if (keep) this.scenarios.set(r.id, { at: loaded, value: view });
      out.set(r.id, view);
    }
    return out;
  }

  /** Landing contents of the templates, compiled: as scenariosById, missing ones waited for, stale ones reloaded beside the hits. */
  async templatesById(ids: Iterable<number>): Promise<Map<number, TemplateContents>> {
    return this.lookup(this.templates, ids, 'templates', (missing) => this.loadTemplates(missing));
  }

  /** The entries of `ids` in `cache`: fresh ones as they are, stale ones too (reloaded by one query at a time, not waited for), missing ones loaded first. */
  private async lookup<T>(cache: Map<number, Entry<T>>, ids: Iterable<number>, kind: 'scenarios' | 'templates', load: (ids: number[]) => Promise<Map<number, T>>): Promise<Map<number, T>> {
    const out = new Map<number, T>();
    const missing: number[] = [];
    const stale: number[] = [];
    const t = Date.now();
    for (const id of ids) {
      const e = cache.get(id);
      if (e && t - e.at < this.ttlMs) out.set(id, e.value);
      else if (e && t - e.at < this.ttlMs * STALE_FACTOR) {
        out.set(id, e.value);
        stale.push(id);
      } else missing.push(id);
    }
    if (stale.length && !this.reloading.has(kind)) {
      this.reloading.add(kind);
      const done = () => this.reloading.delete(kind); // a failed reload is tried again on a later hit
      load(stale).then(done, done);
    }
    if (missing.length) for (const [id, value] of await load(missing)) out.set(id, value);
    return out;
  }

  private async loadTemplates(missing: number[]): Promise<Map<number, TemplateContents>> {
    const generation = this.generation;
    const out = new Map<number, TemplateContents>();
    const rows = await this.db
      .selectFrom('scenario_template_contents as c')
      .innerJoin('languages as l', 'l.id', 'c.language_id')
      .select(['c.scenario_template_id', 'c.language_id', 'c.landing_html', 'c.attachment_name', 'l.is_default'])
      .where('c.scenario_template_id', 'in', missing)
      .orderBy('c.id')
      .execute();
    const loaded = Date.now();
    const built = new Map<number, TemplateContents>(missing.map((id) => [id, { byLanguage: new Map(), fallback: null }]));
    for (const r of rows) {
      const entry = built.get(r.scenario_template_id)!;
      const content: LandingContent = {
        languageId: r.language_id,
        render: compileTemplate(r.landing_html, 'html'),
        hasLanding: r.landing_html.trim() !== '',
        passwordFields: passwordFieldsOf(r.landing_html),
        attachmentName: r.attachment_name,
      };
      entry.byLanguage.set(r.language_id, content);
      if (!entry.fallback || r.is_default === 1) entry.fallback = content;
    }
    for (const [id, value] of built) {
      if (generation === this.generation) this.templates.set(id, { at: loaded, value });
      out.set(id, value);
    }
    return out;
  }
}

/**
 * The content in the person's language, else the scenario's, else the default language's (or
 * the first). A language whose landing page was left empty (a translation of the mail only)
 * gives way to the next that has one, keeping its own attachment name (the file the person's
 * mail named).
 */
export function contentFor(contents: TemplateContents | undefined, personLanguage: number | null, scenarioLanguage: number): LandingContent | null {
  if (!contents) return null;
  const own = personLanguage !== null ? contents.byLanguage.get(personLanguage) : undefined;
  const first = own ?? contents.byLanguage.get(scenarioLanguage) ?? contents.fallback;
  if (!first || first.hasLanding) return first;
  const scenario = contents.byLanguage.get(scenarioLanguage);
  const withLanding = own && scenario?.hasLanding ? scenario : contents.fallback?.hasLanding ? contents.fallback : null;
  return withLanding ? { ...withLanding, attachmentName: first.attachmentName } : first;
}

/** The values a landing page can show: the person, the scenario's sender, and where the page's form and download link go. */
export function landingValues(person: Person, scenario: ScenarioView, paths: { formAction: string; downloadLink: string }): VariableValues {
  const values: VariableValues = {
    name: person.name,
    firstname: person.firstname,
    lastname: person.lastname,
    email: person.email,
    phone: person.phone,
    staff_type: person.staff_type,
    location: person.location,
    division: person.division,
    sender_name: scenario.senderName,
    sender_email: scenario.senderEmail,
    company: scenario.company,
    date: today(),
    form_action: paths.formAction,
    download_link: paths.downloadLink,
  };
  setCustomValues(values, scenario.customFieldNames, person.custom_fields);
  return values;
}
