/**
 * Lucy's export types and what each one writes: its columns and its rows, read in keyset
 * pages (by id, PAGE rows at a time) so that a campaign of a million victims is written with
 * the memory of one page.
 *
 * Decisions where Lucy's document only names a type:
 * - 14 Started Training: the awareness page was opened; 16 Not Started Training: the
 *   awareness message was sent and the page not opened; 17 Completed Training and
 *   21 Received Training Certificate: the training was completed (a certificate is due on
 *   completion).
 * - 20 Downloaded File: victims with a human download hit (scanner fetches do not count).
 * - 22 All Victims By Recipient Group: every victim with the recipient group the person was
 *   taken from.
 * - 30 Collected Data: one row per submitted field, as stored: masked (or not kept at all,
 *   as the scenario's collect_data says); passwords are never stored, and any field whose
 *   name looks secret is left out again here.
 * - 40/41/42 Visits: every tracking event (all, the attack's, the awareness'), with the verdict
 *   (human or automated) and its reasons.
 * - 50 Quiz Answers: the awareness completions with their score and answers.
 * - 80 Campaign Comparisons: every campaign of the campaign's client with its figures.
 * - 90 Campaign Benchmarks: the campaign's rates beside the pooled rates of the client's other
 *   campaigns (never other clients' data).
 * - 70 System Status Log: the campaign timelines of the caller's client(s).
 * - 500 Endusers: users with the `enduser` role; 600 Overall Recipients Statistics: per
 *   recipient, their results over every campaign.
 * - 200/201 (SCORM packages) and 400 (SAML links) are not supported: 400.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, RecipientGroupTable, VictimTable } from '../../db/schema.ts';
import type { CampaignRow } from '../campaigns/shared.ts';
import { campaignCounts, scenarioCounts, type Counts } from '../stats/counters.ts';
import { isSecretName } from '../tracking/submission.ts';
import type { Row, TableSource } from './files.ts';

export const PAGE = 5000;

export type ExportScope = 'campaign' | 'group' | 'common' | 'unsupported';

export interface ExportType {
  label: string;
  scope: ExportScope;
  /** For unsupported types: the message of the 400. */
  refusal?: string;
}

export const EXPORT_TYPES: Readonly<Record<number, ExportType>> = {
  10: { label: 'All Victims', scope: 'campaign' },
  11: { label: 'Succeeded Victims', scope: 'campaign' },
  12: { label: 'Not Succeeded Victims', scope: 'campaign' },
  13: { label: 'Clicked Victims', scope: 'campaign' },
  14: { label: 'Started Training', scope: 'campaign' },
  15: { label: 'Victims Opened Emails', scope: 'campaign' },
  16: { label: 'Not Started Training', scope: 'campaign' },
  17: { label: 'Completed Training', scope: 'campaign' },
  20: { label: 'Downloaded File', scope: 'campaign' },
  21: { label: 'Received Training Certificate', scope: 'campaign' },
  22: { label: 'All Victims By Recipient Group', scope: 'campaign' },
  30: { label: 'Collected Data', scope: 'campaign' },
  40: { label: 'Visits', scope: 'campaign' },
  41: { label: 'Scenario Visits', scope: 'campaign' },
  42: { label: 'Awareness Visits', scope: 'campaign' },
  50: { label: 'Quiz Answers', scope: 'campaign' },
  60: { label: 'Schedule Plan', scope: 'campaign' },
  80: { label: 'Campaign Comparisons', scope: 'campaign' },
  90: { label: 'Campaign Benchmarks', scope: 'campaign' },
  121: { label: 'Campaign Scenarios', scope: 'campaign' },
  210: { label: 'Mail & Web Results', scope: 'campaign' },
  200: { label: 'SCORM template of Campaign Awareness', scope: 'unsupported', refusal: 'type 200: SCORM packages are not supported' },
  201: { label: 'SCORM template of Awareness Template', scope: 'unsupported', refusal: 'type 201: SCORM packages are not supported' },
  400: { label: 'SAML links', scope: 'unsupported', refusal: 'type 400: SAML links are not supported (Decoy has no SAML sign-in)' },
  300: { label: 'Recipients', scope: 'group' },
  70: { label: 'System Status Log', scope: 'common' },
  100: { label: 'Clients', scope: 'common' },
  110: { label: 'Campaigns', scope: 'common' },
  120: { label: 'Scenarios', scope: 'common' },
  500: { label: 'Endusers', scope: 'common' },
  600: { label: 'Overall Recipients Statistics', scope: 'common' },
};

export const EXPORT_TYPE_IDS = Object.keys(EXPORT_TYPES).map(Number).sort((a, b) => a - b);

/** What a source reads: the campaign or group the export is about, or the client scope for common data. */
export interface SourceContext {
  db: Kysely<DB>;
  campaign?: CampaignRow;
  group?: Selectable<RecipientGroupTable>;
  /** Common data: the client whose rows are exported; null: every client (super admin). */
  clientId: number | null;
}

/** `2026-11-23T19:22:10Z`, as the API shows datetimes. */
export const iso = (t: string | null | undefined): string | null => (t ? t.replace(/\.\d{3}Z$/, 'Z') : null);

const pct = (n: number, of: number): number => (of > 0 ? Math.round((n / of) * 1000) / 10 : 0);

/** Pages of rows by increasing id, starting after `after`; stops on a short page. */
async function* keyset<T>(fetch: (after: number) => Promise<T[]>, idOf: (row: T) => number): AsyncGenerator<T[]> {
  let after = 0;
  for (;;) {
    const rows = await fetch(after);
    if (!rows.length) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = idOf(rows[rows.length - 1]);
  }
}

async function* mapPages<T>(pages: AsyncIterable<T[]>, map: (rows: T[]) => Row[] | Promise<Row[]>): AsyncGenerator<Row[]> {
  for await (const page of pages) yield await map(page);
}

async function scenarioNames(db: Kysely<DB>, campaignId: number): Promise<Map<number, string>> {
  const rows = await db.selectFrom('scenarios').select(['id', 'name']).where('campaign_id', '=', campaignId).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---- victims ---------------------------------------------------------------------------------

type VictimRow = Selectable<VictimTable> & { recipient_group?: string | null };

const VICTIM_COLUMNS = [
  'victim_id', 'email', 'name', 'firstname', 'lastname', 'division', 'location', 'staff_type', 'scenario',
  'submitted_at', 'opened_at', 'clicked_at', 'succeeded_at', 'reported_at', 'awareness_submitted_at', 'awareness_opened_at', 'trained_at',
  'clicks', 'vulnerable', 'os', 'browser', 'ip', 'country', 'error_text',
] as const;

function victimRow(v: VictimRow, scenarios: Map<number, string>): Row {
  return {
    victim_id: v.id,
    recipient_group: v.recipient_group ?? '',
    email: v.email,
    name: v.name,
    firstname: v.firstname,
    lastname: v.lastname,
    division: v.division,
    location: v.location,
    staff_type: v.staff_type,
    scenario: scenarios.get(v.scenario_id) ?? '',
    submitted_at: iso(v.submitted_at),
    opened_at: iso(v.opened_at),
    clicked_at: iso(v.clicked_at),
    succeeded_at: iso(v.succeeded_at),
    reported_at: iso(v.reported_at),
    awareness_submitted_at: iso(v.awareness_submitted_at),
    awareness_opened_at: iso(v.awareness_opened_at),
    trained_at: iso(v.trained_at ?? v.awareness_completed_at),
    clicks: v.clicks,
    vulnerable: v.vulnerable === 1,
    os: v.os,
    browser: v.browser,
    ip: v.ip,
    country: v.country,
    error_text: v.error_text,
  };
}

type VictimFilter = (q: any, campaignId: number, db: Kysely<DB>) => any;

const VICTIM_FILTERS: Record<number, VictimFilter> = {
  10: (q) => q,
  11: (q) => q.where('v.succeeded_at', 'is not', null),
  12: (q) => q.where('v.succeeded_at', 'is', null),
  13: (q) => q.where('v.clicked_at', 'is not', null),
  14: (q) => q.where('v.awareness_opened_at', 'is not', null),
  15: (q) => q.where('v.opened_at', 'is not', null),
  16: (q) => q.where('v.awareness_submitted_at', 'is not', null).where('v.awareness_opened_at', 'is', null),
  17: (q) => q.where((eb: any) => eb.or([eb('v.awareness_completed_at', 'is not', null), eb('v.trained_at', 'is not', null)])),
  20: (q, campaignId, db) =>
    q.where(
      'v.id',
      'in',
      db.selectFrom('tracking_events').select('victim_id').where('campaign_id', '=', campaignId).where('type', '=', 'download').where('verdict', '=', 'human'),
    ),
  21: (q) => q.where((eb: any) => eb.or([eb('v.awareness_completed_at', 'is not', null), eb('v.trained_at', 'is not', null)])),
  22: (q) => q,
};

function victimPages(ctx: SourceContext, filter: VictimFilter, withGroup = false): AsyncGenerator<VictimRow[]> {
  const { db } = ctx;
  const campaignId = ctx.campaign!.id;
  return keyset<VictimRow>(async (after) => {
    let q: any = db.selectFrom('victims as v').selectAll('v').where('v.campaign_id', '=', campaignId).where('v.id', '>', after);
    if (withGroup) {
      q = q
        .leftJoin('recipients as r', 'r.id', 'v.recipient_id')
        .leftJoin('recipient_groups as g', 'g.id', 'r.recipient_group_id')
        .select('g.name as recipient_group');
    }
    q = filter(q, campaignId, db);
    return q.orderBy('v.id').limit(PAGE).execute();
  }, (v) => v.id);
}

async function victimsSource(ctx: SourceContext, type: number): Promise<TableSource> {
  const scenarios = await scenarioNames(ctx.db, ctx.campaign!.id);
  const withGroup = type === 22;
  return {
    columns: withGroup ? ['recipient_group', ...VICTIM_COLUMNS] : VICTIM_COLUMNS,
    pages: mapPages(victimPages(ctx, VICTIM_FILTERS[type], withGroup), (rows) => rows.map((v) => victimRow(v, scenarios))),
  };
}

async function schedulePlanSource(ctx: SourceContext): Promise<TableSource> {
  const scenarios = await scenarioNames(ctx.db, ctx.campaign!.id);
  const state = (v: VictimRow) => {
    if (v.error) return 'error';
    if (v.submitted_at) return 'sent';
    if (v.send_at) return 'scheduled';
    return 'not scheduled';
  };
  return {
    columns: ['victim_id', 'email', 'name', 'scenario', 'state', 'send_at', 'submitted_at', 'lure_send_at', 'lure_submitted_at', 'awareness_send_at', 'awareness_submitted_at', 'attempts', 'error_text'],
    pages: mapPages(victimPages(ctx, VICTIM_FILTERS[10]), (rows) =>
      rows.map((v) => ({
        victim_id: v.id,
        email: v.email,
        name: v.name,
        scenario: scenarios.get(v.scenario_id) ?? '',
        state: state(v),
        send_at: iso(v.send_at),
        submitted_at: iso(v.submitted_at),
        lure_send_at: iso(v.lure_send_at),
        lure_submitted_at: iso(v.lure_submitted_at),
        awareness_send_at: iso(v.awareness_send_at),
        awareness_submitted_at: iso(v.awareness_submitted_at),
        attempts: v.attempts,
        error_text: v.error_text,
      })),
    ),
  };
}

async function mailWebSource(ctx: SourceContext): Promise<TableSource> {
  const scenarios = await scenarioNames(ctx.db, ctx.campaign!.id);
  return {
    columns: [
      'victim_id', 'email', 'name', 'scenario', 'submitted_at', 'error', 'error_text', 'opened_at', 'opens', 'clicked_at', 'clicks', 'succeeded_at',
      'submits', 'reported_at', 'vulnerable', 'os', 'browser', 'ip', 'proxy_ip', 'country', 'plugins',
    ],
    pages: mapPages(victimPages(ctx, VICTIM_FILTERS[10]), (rows) =>
      rows.map((v) => ({
        victim_id: v.id,
        email: v.email,
        name: v.name,
        scenario: scenarios.get(v.scenario_id) ?? '',
        submitted_at: iso(v.submitted_at),
        error: v.error === 1,
        error_text: v.error_text,
        opened_at: iso(v.opened_at),
        opens: v.opens,
        clicked_at: iso(v.clicked_at),
        clicks: v.clicks,
        succeeded_at: iso(v.succeeded_at),
        submits: v.submits,
        reported_at: iso(v.reported_at),
        vulnerable: v.vulnerable === 1,
        os: v.os,
        browser: v.browser,
        ip: v.ip,
        proxy_ip: v.proxy_ip,
        country: v.country,
        plugins: v.plugins,
      })),
    ),
  };
}

// ---- tracking events -------------------------------------------------------------------------

interface EventRow {
  id: number;
  scenario_id: number;
  type: string;
  time: string;
  verdict: string;
  reasons: string;
  ip: string;
  proxy_ip: string;
  user_agent: string;
  os: string;
  browser: string;
  country: string;
  data: string;
  email: string;
  name: string;
}

function eventPages(ctx: SourceContext, filter: (q: any) => any): AsyncGenerator<EventRow[]> {
  const { db } = ctx;
  const campaignId = ctx.campaign!.id;
  return keyset<EventRow>(async (after) => {
    const q = db
      .selectFrom('tracking_events as e')
      .innerJoin('victims as v', 'v.id', 'e.victim_id')
      .select([
        'e.id', 'e.scenario_id', 'e.type', 'e.time', 'e.verdict', 'e.reasons', 'e.ip', 'e.proxy_ip', 'e.user_agent', 'e.os', 'e.browser', 'e.country', 'e.data',
        'v.email', 'v.name',
      ])
      .where('e.campaign_id', '=', campaignId)
      .where('e.id', '>', after);
    return (filter(q) as typeof q).orderBy('e.id').limit(PAGE).execute();
  }, (e) => e.id);
}

function parseObject(json: string): Record<string, any> {
  try {
    const v = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function parseList(json: string): unknown[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

const AWARENESS_EVENT = 'awareness%';

async function visitsSource(ctx: SourceContext, type: number): Promise<TableSource> {
  const scenarios = await scenarioNames(ctx.db, ctx.campaign!.id);
  const filter = type === 41 ? (q: any) => q.where('e.type', 'not like', AWARENESS_EVENT) : type === 42 ? (q: any) => q.where('e.type', 'like', AWARENESS_EVENT) : (q: any) => q;
  return {
    columns: ['event_id', 'time', 'type', 'email', 'name', 'scenario', 'verdict', 'reasons', 'ip', 'proxy_ip', 'country', 'os', 'browser', 'user_agent'],
    pages: mapPages(eventPages(ctx, filter), (rows) =>
      rows.map((e) => ({
        event_id: e.id,
        time: iso(e.time),
        type: e.type,
        email: e.email,
        name: e.name,
        scenario: scenarios.get(e.scenario_id) ?? '',
        verdict: e.verdict,
        reasons: parseList(e.reasons).map(String).join('; '),
        ip: e.ip,
        proxy_ip: e.proxy_ip,
        country: e.country,
        os: e.os,
        browser: e.browser,
        user_agent: e.user_agent,
      })),
    ),
  };
}

async function collectedDataSource(ctx: SourceContext): Promise<TableSource> {
  const scenarios = await scenarioNames(ctx.db, ctx.campaign!.id);
  return {
    columns: ['event_id', 'time', 'email', 'name', 'scenario', 'verdict', 'valid', 'field', 'value', 'password_entered'],
    pages: mapPages(eventPages(ctx, (q) => q.where('e.type', '=', 'submit')), (rows) => {
      const out: Row[] = [];
      for (const e of rows) {
        const data = parseObject(e.data);
        const base = {
          event_id: e.id,
          time: iso(e.time),
          email: e.email,
          name: e.name,
          scenario: scenarios.get(e.scenario_id) ?? '',
          verdict: e.verdict,
          valid: data.valid === true,
          password_entered: data.password_present === true,
        };
        const fields = Array.isArray(data.fields) ? data.fields : [];
        const kept = fields.filter((f: any) => f && typeof f.name === 'string' && !isSecretName(f.name));
        if (!kept.length) out.push({ ...base, field: Array.isArray(data.fields) ? '' : '(not collected)', value: '' });
        for (const f of kept) out.push({ ...base, field: f.name, value: typeof f.value === 'string' ? f.value : '' });
      }
      return out;
    }),
  };
}

async function quizSource(ctx: SourceContext): Promise<TableSource> {
  const scenarios = await scenarioNames(ctx.db, ctx.campaign!.id);
  const answersText = (answers: unknown): string => {
    if (!Array.isArray(answers)) return '';
    return answers.map((a, i) => (a !== null && typeof a === 'object' ? JSON.stringify(a) : `${i + 1}: ${String(a)}`)).join('; ');
  };
  return {
    columns: ['event_id', 'time', 'email', 'name', 'scenario', 'score', 'answers'],
    pages: mapPages(eventPages(ctx, (q) => q.where('e.type', '=', 'awareness_complete')), (rows) =>
      rows.map((e) => {
        const data = parseObject(e.data);
        return {
          event_id: e.id,
          time: iso(e.time),
          email: e.email,
          name: e.name,
          scenario: scenarios.get(e.scenario_id) ?? '',
          score: typeof data.score === 'number' ? data.score : null,
          answers: answersText(data.answers),
        };
      }),
    ),
  };
}

// ---- campaign figures ------------------------------------------------------------------------

/** Rates as percentages of the messages sent (of the victims when nothing was sent yet). */
export function rates(c: Counts) {
  const base = c.submitted || c.victims;
  return {
    open_rate: pct(c.opened, base),
    click_rate: pct(c.clicked, base),
    success_rate: pct(c.succeeded, base),
    report_rate: pct(c.reported, base),
    training_rate: pct(c.awareness_completed, c.awareness_submitted || base),
    error_rate: pct(c.errors, c.victims),
  };
}

const FIGURE_COLUMNS = ['victims', 'submitted', 'opened', 'clicked', 'succeeded', 'reported', 'trained', 'errors'] as const;

function figures(c: Counts): Row {
  return {
    victims: c.victims,
    submitted: c.submitted,
    opened: c.opened,
    clicked: c.clicked,
    succeeded: c.succeeded,
    reported: c.reported,
    trained: c.awareness_completed,
    errors: c.errors,
  };
}

function comparisonsSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  const campaign = ctx.campaign!;
  return {
    columns: ['campaign_id', 'name', 'status', 'this_campaign', 'started_at', 'stopped_at', ...FIGURE_COLUMNS, 'open_rate', 'click_rate', 'success_rate', 'report_rate'],
    pages: mapPages(
      keyset(
        (after) =>
          db.selectFrom('campaigns').select(['id', 'name', 'status', 'started_at', 'stopped_at']).where('client_id', '=', campaign.client_id).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
        (c) => c.id,
      ),
      async (rows) => {
        const counts = await campaignCounts(db, rows.map((r) => r.id));
        return rows.map((r) => {
          const c = counts.get(r.id)!;
          const rt = rates(c);
          return {
            campaign_id: r.id,
            name: r.name,
            status: r.status,
            this_campaign: r.id === campaign.id,
            started_at: iso(r.started_at),
            stopped_at: iso(r.stopped_at),
            ...figures(c),
            open_rate: rt.open_rate,
            click_rate: rt.click_rate,
            success_rate: rt.success_rate,
            report_rate: rt.report_rate,
          };
        });
      },
    ),
  };
}

async function benchmarksSource(ctx: SourceContext): Promise<TableSource> {
  const { db } = ctx;
  const campaign = ctx.campaign!;
  const own = (await campaignCounts(db, [campaign.id])).get(campaign.id)!;
  const sums = await db
    .selectFrom('campaign_counters')
    .select([
      sql<number>`coalesce(sum(victims), 0)`.as('victims'),
      sql<number>`coalesce(sum(submitted), 0)`.as('submitted'),
      sql<number>`coalesce(sum(opened), 0)`.as('opened'),
      sql<number>`coalesce(sum(clicked), 0)`.as('clicked'),
      sql<number>`coalesce(sum(succeeded), 0)`.as('succeeded'),
      sql<number>`coalesce(sum(reported), 0)`.as('reported'),
      sql<number>`coalesce(sum(awareness_submitted), 0)`.as('awareness_submitted'),
      sql<number>`coalesce(sum(awareness_completed), 0)`.as('awareness_completed'),
      sql<number>`coalesce(sum(errors), 0)`.as('errors'),
      sql<number>`count(distinct campaign_id)`.as('campaigns'),
    ])
    .where('client_id', '=', campaign.client_id)
    .where('campaign_id', '!=', campaign.id)
    .where('victims', '>', 0)
    .executeTakeFirst();
  const others = Object.fromEntries(Object.entries(sums ?? {}).map(([k, v]) => [k, Number(v)])) as unknown as Counts & { campaigns: number };
  const sector = campaign.benchmark_sector_id
    ? ((await db.selectFrom('benchmarks').select('name').where('id', '=', campaign.benchmark_sector_id).executeTakeFirst())?.name ?? '')
    : '';
  const mine = rates(own);
  const theirs = rates(others);
  const rows: Row[] = (Object.keys(mine) as (keyof typeof mine)[]).map((metric) => ({
    metric,
    campaign: mine[metric],
    client_other_campaigns: others.campaigns ? theirs[metric] : null,
    campaigns_compared: others.campaigns,
    benchmark_sector: sector,
  }));
  return { columns: ['metric', 'campaign', 'client_other_campaigns', 'campaigns_compared', 'benchmark_sector'], pages: (async function* () { yield rows; })() };
}

async function campaignScenariosSource(ctx: SourceContext): Promise<TableSource> {
  const { db } = ctx;
  const rows = await db
    .selectFrom('scenarios as s')
    .leftJoin('scenario_templates as t', 't.id', 's.scenario_template_id')
    .leftJoin('languages as l', 'l.id', 's.language_id')
    .select(['s.id', 's.name', 's.status', 's.domain', 's.started_at', 's.stopped_at', 't.name as template', 't.type as template_type', 'l.code as language'])
    .where('s.campaign_id', '=', ctx.campaign!.id)
    .orderBy('s.id')
    .execute();
  const counts = await scenarioCounts(db, rows.map((r) => r.id));
  const out: Row[] = rows.map((s) => {
    const c = counts.get(s.id)!;
    const rt = rates(c);
    return {
      scenario_id: s.id,
      name: s.name,
      template: s.template ?? '',
      type: s.template_type ?? '',
      language: s.language ?? '',
      domain: s.domain,
      status: s.status,
      started_at: iso(s.started_at),
      stopped_at: iso(s.stopped_at),
      ...figures(c),
      vulnerable: c.vulnerable,
      automated_hits: c.automated_hits,
      click_rate: rt.click_rate,
      success_rate: rt.success_rate,
      report_rate: rt.report_rate,
    };
  });
  return {
    columns: ['scenario_id', 'name', 'template', 'type', 'language', 'domain', 'status', 'started_at', 'stopped_at', ...FIGURE_COLUMNS, 'vulnerable', 'automated_hits', 'click_rate', 'success_rate', 'report_rate'],
    pages: (async function* () {
      yield out;
    })(),
  };
}

// ---- recipients ------------------------------------------------------------------------------

function recipientsSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  const group = ctx.group!;
  return {
    columns: ['recipient_id', 'email', 'name', 'firstname', 'lastname', 'phone', 'staff_type', 'location', 'division', 'comment', 'gender', 'external_id', 'custom_fields', 'last_tested', 'created_at'],
    pages: mapPages(
      keyset(
        (after) =>
          db.selectFrom('recipients').selectAll().where('recipient_group_id', '=', group.id).where('client_id', '=', group.client_id).where('id', '>', after).orderBy('id').limit(PAGE).execute(),
        (r) => r.id,
      ),
      (rows) =>
        rows.map((r) => ({
          recipient_id: r.id,
          email: r.email,
          name: r.name,
          firstname: r.firstname,
          lastname: r.lastname,
          phone: r.phone,
          staff_type: r.staff_type,
          location: r.location,
          division: r.division,
          comment: r.comment,
          gender: r.gender,
          external_id: r.external_id,
          custom_fields: parseList(r.custom_fields).map(String).join('; '),
          last_tested: iso(r.last_tested),
          created_at: iso(r.created_at),
        })),
    ),
  };
}

// ---- common data -----------------------------------------------------------------------------

function scoped<Q extends { where: (...args: any[]) => Q }>(q: Q, column: string, clientId: number | null): Q {
  return clientId === null ? q : q.where(column, '=', clientId);
}

function systemLogSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  return {
    columns: ['event_id', 'time', 'client_id', 'campaign_id', 'campaign', 'type', 'event'],
    pages: mapPages(
      keyset(
        (after) =>
          scoped(
            db
              .selectFrom('campaign_events as e')
              .innerJoin('campaigns as c', 'c.id', 'e.campaign_id')
              .select(['e.id', 'e.time', 'e.client_id', 'e.campaign_id', 'c.name as campaign', 'e.type', 'e.event'])
              .where('e.id', '>', after),
            'e.client_id',
            ctx.clientId,
          )
            .orderBy('e.id')
            .limit(PAGE)
            .execute(),
        (e) => e.id,
      ),
      (rows) => rows.map((e) => ({ event_id: e.id, time: iso(e.time), client_id: e.client_id, campaign_id: e.campaign_id, campaign: e.campaign, type: e.type, event: e.event })),
    ),
  };
}

function clientsSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  return {
    columns: ['client_id', 'name', 'slug', 'country', 'city', 'email', 'phone', 'contact', 'timezone', 'created_at'],
    pages: mapPages(
      keyset((after) => scoped(db.selectFrom('clients').selectAll().where('id', '>', after), 'id', ctx.clientId).orderBy('id').limit(PAGE).execute(), (c) => c.id),
      (rows) =>
        rows.map((c) => ({
          client_id: c.id,
          name: c.name,
          slug: c.slug,
          country: c.country,
          city: c.city,
          email: c.email,
          phone: c.phone,
          contact: c.contact,
          timezone: c.timezone,
          created_at: iso(c.created_at),
        })),
    ),
  };
}

function campaignsSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  return {
    columns: ['campaign_id', 'client_id', 'name', 'status', 'created_at', 'started_at', 'stopped_at', ...FIGURE_COLUMNS, 'click_rate', 'success_rate', 'report_rate'],
    pages: mapPages(
      keyset(
        (after) =>
          scoped(db.selectFrom('campaigns').select(['id', 'client_id', 'name', 'status', 'created_at', 'started_at', 'stopped_at']).where('id', '>', after), 'client_id', ctx.clientId)
            .orderBy('id')
            .limit(PAGE)
            .execute(),
        (c) => c.id,
      ),
      async (rows) => {
        const counts = await campaignCounts(db, rows.map((r) => r.id));
        return rows.map((r) => {
          const c = counts.get(r.id)!;
          const rt = rates(c);
          return {
            campaign_id: r.id,
            client_id: r.client_id,
            name: r.name,
            status: r.status,
            created_at: iso(r.created_at),
            started_at: iso(r.started_at),
            stopped_at: iso(r.stopped_at),
            ...figures(c),
            click_rate: rt.click_rate,
            success_rate: rt.success_rate,
            report_rate: rt.report_rate,
          };
        });
      },
    ),
  };
}

function scenariosSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  return {
    columns: ['scenario_id', 'client_id', 'campaign_id', 'campaign', 'name', 'status', 'domain', 'created_at', ...FIGURE_COLUMNS],
    pages: mapPages(
      keyset(
        (after) =>
          scoped(
            db
              .selectFrom('scenarios as s')
              .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
              .select(['s.id', 's.client_id', 's.campaign_id', 'c.name as campaign', 's.name', 's.status', 's.domain', 's.created_at'])
              .where('s.id', '>', after),
            's.client_id',
            ctx.clientId,
          )
            .orderBy('s.id')
            .limit(PAGE)
            .execute(),
        (s) => s.id,
      ),
      async (rows) => {
        const counts = await scenarioCounts(db, rows.map((r) => r.id));
        return rows.map((s) => ({
          scenario_id: s.id,
          client_id: s.client_id,
          campaign_id: s.campaign_id,
          campaign: s.campaign,
          name: s.name,
          status: s.status,
          domain: s.domain,
          created_at: iso(s.created_at),
          ...figures(counts.get(s.id)!),
        }));
      },
    ),
  };
}

function endusersSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  return {
    columns: ['user_id', 'client_id', 'email', 'name', 'created_at'],
    pages: mapPages(
      keyset(
        (after) =>
          scoped(db.selectFrom('users').select(['id', 'client_id', 'email', 'name', 'created_at']).where('role_group', '=', 'enduser').where('id', '>', after), 'client_id', ctx.clientId)
            .orderBy('id')
            .limit(PAGE)
            .execute(),
        (u) => u.id,
      ),
      (rows) => rows.map((u) => ({ user_id: u.id, client_id: u.client_id, email: u.email, name: u.name, created_at: iso(u.created_at) })),
    ),
  };
}

function recipientStatisticsSource(ctx: SourceContext): TableSource {
  const { db } = ctx;
  const n = (ref: string) => sql<number>`count(${sql.ref(ref)})`;
  return {
    columns: ['recipient_id', 'client_id', 'email', 'name', 'recipient_group', 'division', 'location', 'campaigns', 'messages', 'opened', 'clicked', 'succeeded', 'reported', 'trained', 'last_tested'],
    pages: mapPages(
      keyset(
        (after) =>
          scoped(
            db
              .selectFrom('recipients as r')
              .innerJoin('recipient_groups as g', 'g.id', 'r.recipient_group_id')
              .select(['r.id', 'r.client_id', 'r.email', 'r.name', 'g.name as recipient_group', 'r.division', 'r.location', 'r.last_tested'])
              .where('r.id', '>', after),
            'r.client_id',
            ctx.clientId,
          )
            .orderBy('r.id')
            .limit(PAGE)
            .execute(),
        (r) => r.id,
      ),
      async (rows) => {
        // One grouped read per page, by the recipient index; never a scan of every victim.
        const stats = await db
          .selectFrom('victims')
          .select([
            'recipient_id',
            sql<number>`count(*)`.as('messages'),
            sql<number>`count(distinct campaign_id)`.as('campaigns'),
            n('opened_at').as('opened'),
            n('clicked_at').as('clicked'),
            n('succeeded_at').as('succeeded'),
            n('reported_at').as('reported'),
            sql<number>`count(coalesce(trained_at, awareness_completed_at))`.as('trained'),
          ])
          .where('recipient_id', 'in', rows.map((r) => r.id))
          .groupBy('recipient_id')
          .execute();
        const by = new Map(stats.map((s) => [Number(s.recipient_id), s]));
        return rows.map((r) => {
          const s = by.get(r.id);
          return {
            recipient_id: r.id,
            client_id: r.client_id,
            email: r.email,
            name: r.name,
            recipient_group: r.recipient_group,
            division: r.division,
            location: r.location,
            campaigns: Number(s?.campaigns ?? 0),
            messages: Number(s?.messages ?? 0),
            opened: Number(s?.opened ?? 0),
            clicked: Number(s?.clicked ?? 0),
            succeeded: Number(s?.succeeded ?? 0),
            reported: Number(s?.reported ?? 0),
            trained: Number(s?.trained ?? 0),
            last_tested: iso(r.last_tested),
          };
        });
      },
    ),
  };
}

/** The columns and rows of an export of `type`. */
export async function exportSource(type: number, ctx: SourceContext): Promise<TableSource> {
  if (type in VICTIM_FILTERS) return victimsSource(ctx, type);
  switch (type) {
    case 30:
      return collectedDataSource(ctx);
    case 40:
    case 41:
    case 42:
      return visitsSource(ctx, type);
    case 50:
      return quizSource(ctx);
    case 60:
      return schedulePlanSource(ctx);
    case 80:
      return comparisonsSource(ctx);
    case 90:
      return benchmarksSource(ctx);
    case 121:
      return campaignScenariosSource(ctx);
    case 210:
      return mailWebSource(ctx);
    case 300:
      return recipientsSource(ctx);
    case 70:
      return systemLogSource(ctx);
    case 100:
      return clientsSource(ctx);
    case 110:
      return campaignsSource(ctx);
    case 120:
      return scenariosSource(ctx);
    case 500:
      return endusersSource(ctx);
    case 600:
      return recipientStatisticsSource(ctx);
  }
  throw new Error(`export type ${type} has no source`);
}
