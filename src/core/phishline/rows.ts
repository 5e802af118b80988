/**
 * The rows behind PhishLine's reporting endpoints, paged by record id (keyset): the rows with
 * id > afterId, ascending, at most PAGE_SIZE at a time, with how many rows the whole request
 * matches and how many remain after the page. Every query is limited to one client (or to
 * every client for a super admin's token) and uses an index that starts with the filter and
 * ends with id, so a page costs the same at the start and at the end of a million rows.
 *
 * - campaign: one campaign and its counters;
 * - campaignresult: one victim (one person in one scenario) and the times of what happened;
 * - webactivity: one tracking event, with its verdict (human or automated) and the reasons;
 * - outboundanalysis: one campaign and its rates.
 *
 * `campaignId` 0 means every campaign of the client. Values are returned as stored (numbers,
 * ISO timestamps, null); the dialect formats them.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { invalid, notFound } from '../../errors.ts';
import type { Dialect } from '../../db/index.ts';
import { campaignCounters } from '../campaigns/counters.ts';
import type { ServiceDeps } from '../index.ts';

/** At most this many rows per response (PhishLine: 5,000). */
export const PAGE_SIZE = 5000;

export interface PageRequest {
  /** The client every row must belong to; null: every client. */
  clientId: number | null;
  /** 0: every campaign of the client. */
  campaignId: number;
  /** Rows with a larger id than this. */
  afterId: number;
}

export interface RowPage<T> {
  rows: T[];
  /** Rows the request matches, whatever the page (afterId does not change it). */
  total: number;
  /** Rows after this page. */
  remaining: number;
  /** Largest id on this page; afterId when the page is empty. */
  maxId: number;
}

export interface CampaignRow {
  id: number;
  name: string;
  status: string;
  created_at: string;
  started_at: string | null;
  stopped_at: string | null;
  recipients: number;
  victims: number;
  sent: number;
  opened: number;
  clicked: number;
  data_entered: number;
  succeeded: number;
  reported: number;
  trained: number;
  errors: number;
  automated_hits: number;
}

export interface CampaignResultRow {
  id: number;
  campaign_id: number;
  campaign_name: string;
  scenario_id: number;
  scenario_name: string;
  email: string;
  name: string;
  firstname: string;
  lastname: string;
  sent_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
  /** When the person entered data on the landing page (a scenario that succeeds by a form post). */
  data_entered_at: string | null;
  succeeded_at: string | null;
  reported_at: string | null;
  trained_at: string | null;
  /** The sending error, empty when none. */
  error: string;
}

export interface WebActivityRow {
  id: number;
  campaign_id: number;
  scenario_id: number;
  victim_id: number;
  email: string;
  time: string;
  type: string;
  ip: string;
  user_agent: string;
  os: string;
  browser: string;
  country: string;
  automated: boolean;
  reasons: string[];
}

export interface OutboundAnalysisRow extends CampaignRow {
  /** Percent of the messages sent, two decimals; null when nothing was sent. */
  open_rate: number | null;
  click_rate: number | null;
  data_entered_rate: number | null;
  report_rate: number | null;
  trained_rate: number | null;
  error_rate: number | null;
}

export interface DateRange {
  /** YYYY-MM-DD, inclusive. */
  start?: string;
  /** YYYY-MM-DD, inclusive. */
  end?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` as the ISO instant its day starts (UTC); a 400 naming `field` otherwise. */
export function dayStart(field: string, value: string): string {
  const m = DAY.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw invalid(`${field}: must be a date as YYYY-MM-DD, got "${value.slice(0, 40)}"`);
  }
  return d.toISOString();
}

const nextDay = (iso: string) => new Date(Date.parse(iso) + 86400_000).toISOString();

/** Chunks for IN lists (both databases cap bound parameters). */
function chunks<T>(xs: T[], n = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10000) / 100 : null);

export class PhishlineRowService {
  private readonly db: Kysely<DB>;
  private readonly dialect: Dialect;

  constructor(deps: ServiceDeps) {
    this.db = deps.db;
    this.dialect = deps.dialect;
  }

  /** 404 (the same for another client's campaign as for a missing one) unless 0 or visible. */
  private async assertCampaign(req: PageRequest): Promise<void> {
    if (req.campaignId === 0) return;
    let q = this.db.selectFrom('campaigns').select('id').where('id', '=', req.campaignId);
    if (req.clientId !== null) q = q.where('client_id', '=', req.clientId);
    if (!(await q.executeTakeFirst())) throw notFound(`campaign ${req.campaignId}`);
  }

  // ---- campaign -----------------------------------------------------------------------------

  async campaigns(req: PageRequest): Promise<RowPage<CampaignRow>> {
    await this.assertCampaign(req);
    const base = () => {
      let q = this.db.selectFrom('campaigns');
      if (req.clientId !== null) q = q.where('client_id', '=', req.clientId);
      if (req.campaignId) q = q.where('id', '=', req.campaignId);
      return q;
    };
    const found = await base()
      .select(['id', 'name', 'status', 'created_at', 'started_at', 'stopped_at'])
      .where('id', '>', req.afterId)
      .orderBy('id')
      .limit(PAGE_SIZE + 1)
      .execute();
    const page = found.slice(0, PAGE_SIZE);
    const counts = await this.campaignCounts(page.map((c) => c.id));
    const rows = page.map((c) => ({ ...c, ...counts.get(c.id)! }));
    return this.finish(rows, found.length > PAGE_SIZE, req, base);
  }

  async outboundAnalysis(req: PageRequest): Promise<RowPage<OutboundAnalysisRow>> {
    const page = await this.campaigns(req);
    return {
      ...page,
      rows: page.rows.map((c) => ({
        ...c,
        open_rate: rate(c.opened, c.sent),
        click_rate: rate(c.clicked, c.sent),
        data_entered_rate: rate(c.data_entered, c.sent),
        report_rate: rate(c.reported, c.sent),
        trained_rate: rate(c.trained, c.sent),
        error_rate: rate(c.errors, c.sent),
      })),
    };
  }

  /** The campaigns' counters (kept as things happen: no scan of victims), and data entered. */
  private async campaignCounts(ids: number[]) {
    const out = new Map<number, Omit<CampaignRow, 'id' | 'name' | 'status' | 'created_at' | 'started_at' | 'stopped_at'>>();
    for (const part of chunks(ids)) {
      const counters = await campaignCounters(this.db, part);
      const extra = await this.db
        .selectFrom('campaign_counters as cc')
        .innerJoin('scenarios as s', 's.id', 'cc.scenario_id')
        .select([
          'cc.campaign_id',
          sql<number>`coalesce(sum(case when s.success_action = 'post' then cc.succeeded else 0 end), 0)`.as('data_entered'),
          sql<number>`coalesce(sum(cc.trained), 0)`.as('trained'),
          sql<number>`coalesce(sum(cc.automated_hits), 0)`.as('automated_hits'),
        ])
        .where('cc.campaign_id', 'in', part)
        .groupBy('cc.campaign_id')
        .execute();
      const byId = new Map(extra.map((e) => [e.campaign_id, e]));
      for (const id of part) {
        const c = counters.get(id)!;
        const e = byId.get(id);
        out.set(id, {
          recipients: c.recipients,
          victims: c.victims,
          sent: c.submitted,
          opened: c.opened,
          clicked: c.clicked,
          data_entered: Number(e?.data_entered ?? 0),
          succeeded: c.succeeded,
          reported: c.reported,
          trained: Number(e?.trained ?? 0),
          errors: c.errors,
          automated_hits: Number(e?.automated_hits ?? 0),
        });
      }
    }
    return out;
  }

  // ---- campaignresult -----------------------------------------------------------------------

  async campaignResults(req: PageRequest): Promise<RowPage<CampaignResultRow>> {
    await this.assertCampaign(req);
    const base = () => {
      // A named campaign was checked to be the client's: its index alone (campaign_id, id) serves.
      let q = this.db.selectFrom('victims');
      if (req.campaignId) q = q.where('campaign_id', '=', req.campaignId);
      else if (req.clientId !== null) q = q.where('client_id', '=', req.clientId);
      return q;
    };
    const found = await base()
      .select([
        'id',
        'campaign_id',
        'scenario_id',
        'email',
        'name',
        'firstname',
        'lastname',
        'submitted_at',
        'opened_at',
        'clicked_at',
        'succeeded_at',
        'reported_at',
        'trained_at',
        'error',
        'error_text',
      ])
      .where('id', '>', req.afterId)
      .orderBy('id')
      .limit(PAGE_SIZE + 1)
      .execute();
    const page = found.slice(0, PAGE_SIZE);
    const scenarios = await this.scenarioNames([...new Set(page.map((v) => v.scenario_id))]);
    const campaigns = await this.campaignNames([...new Set(page.map((v) => v.campaign_id))]);
    const rows = page.map((v): CampaignResultRow => {
      const s = scenarios.get(v.scenario_id);
      return {
        id: v.id,
        campaign_id: v.campaign_id,
        campaign_name: campaigns.get(v.campaign_id) ?? '',
        scenario_id: v.scenario_id,
        scenario_name: s?.name ?? '',
        email: v.email,
        name: v.name,
        firstname: v.firstname,
        lastname: v.lastname,
        sent_at: v.submitted_at,
        opened_at: v.opened_at,
        clicked_at: v.clicked_at,
        data_entered_at: s?.success_action === 'post' ? v.succeeded_at : null,
        succeeded_at: v.succeeded_at,
        reported_at: v.reported_at,
        trained_at: v.trained_at,
        error: v.error ? v.error_text || 'error' : '',
      };
    });
    return this.victimPage(rows, found.length > PAGE_SIZE, req, base);
  }

  private async scenarioNames(ids: number[]) {
    const out = new Map<number, { name: string; success_action: string }>();
    for (const part of chunks(ids)) {
      const rows = await this.db.selectFrom('scenarios').select(['id', 'name', 'success_action']).where('id', 'in', part).execute();
      for (const r of rows) out.set(r.id, r);
    }
    return out;
  }

  private async campaignNames(ids: number[]) {
    const out = new Map<number, string>();
    for (const part of chunks(ids)) {
      const rows = await this.db.selectFrom('campaigns').select(['id', 'name']).where('id', 'in', part).execute();
      for (const r of rows) out.set(r.id, r.name);
    }
    return out;
  }

  // ---- webactivity --------------------------------------------------------------------------

  async webActivity(req: PageRequest, range: DateRange = {}): Promise<RowPage<WebActivityRow>> {
    const from = range.start !== undefined ? dayStart('startdate', range.start) : undefined;
    const until = range.end !== undefined ? nextDay(dayStart('enddate', range.end)) : undefined;
    if (from !== undefined && until !== undefined && until <= from) throw invalid('enddate: must not be before startdate');
    await this.assertCampaign(req);
    const base = () => {
      let q = this.db.selectFrom('tracking_events');
      if (req.campaignId) q = q.where('campaign_id', '=', req.campaignId);
      else if (req.clientId !== null) q = q.where('client_id', '=', req.clientId);
      if (from !== undefined) q = q.where('time', '>=', from);
      if (until !== undefined) q = q.where('time', '<', until);
      return q;
    };
    const found = await base()
      .select(['id', 'campaign_id', 'scenario_id', 'victim_id', 'type', 'time', 'verdict', 'reasons', 'ip', 'user_agent', 'os', 'browser', 'country'])
      .where('id', '>', req.afterId)
      .orderBy('id')
      .limit(PAGE_SIZE + 1)
      .execute();
    const page = found.slice(0, PAGE_SIZE);
    const emails = new Map<number, string>();
    for (const part of chunks([...new Set(page.map((e) => e.victim_id))])) {
      for (const v of await this.db.selectFrom('victims').select(['id', 'email']).where('id', 'in', part).execute()) emails.set(v.id, v.email);
    }
    const rows = page.map(
      (e): WebActivityRow => ({
        id: e.id,
        campaign_id: e.campaign_id,
        scenario_id: e.scenario_id,
        victim_id: e.victim_id,
        email: emails.get(e.victim_id) ?? '',
        time: e.time,
        type: e.type,
        ip: e.ip,
        user_agent: e.user_agent,
        os: e.os,
        browser: e.browser,
        country: e.country,
        automated: e.verdict === 'automated',
        reasons: parseReasons(e.reasons),
      }),
    );
    return this.finish(rows, found.length > PAGE_SIZE, req, base);
  }

  // ---- counts -------------------------------------------------------------------------------

  /**
   * Victims are counted without scanning them: the total is the `victims` counter (a count set
   * from the rows when victims are created; victims are never created any other way and go only
   * with their campaign or scenario). What remains after the page is arithmetic when the ids are
   * dense (one campaign launched in one INSERT, the usual case: max - min + 1 = total), else a
   * count of the smaller side of the page on the (campaign_id, id) or (client_id, id) index.
   * Whether rows remain at all (206 or 200) always comes from the page query itself, never from
   * a count.
   */
  private async victimPage<T extends { id: number }>(rows: T[], more: boolean, req: PageRequest, base: () => any): Promise<RowPage<T>> {
    const maxId = rows.length ? rows[rows.length - 1].id : req.afterId;
    let counters = this.db.selectFrom('campaign_counters').select(sql<number>`coalesce(sum(victims), 0)`.as('n'));
    if (req.campaignId) counters = counters.where('campaign_id', '=', req.campaignId);
    else if (req.clientId !== null) counters = counters.where('client_id', '=', req.clientId);
    const total = Number((await counters.executeTakeFirst())?.n ?? 0);
    if (!more) return { rows, total, remaining: 0, maxId };
    const edge = async (dir: 'asc' | 'desc') => Number((await base().select('id').orderBy('id', dir).limit(1).executeTakeFirst())?.id ?? 0);
    const [min, max] = [await edge('asc'), await edge('desc')];
    let remaining: number;
    if (max - min + 1 === total) {
      remaining = max - maxId;
    } else if ((maxId - min) * 2 >= max - min) {
      remaining = await this.count(base().where('id', '>', maxId));
    } else {
      remaining = total - (await this.count(base().where('id', '<=', maxId)));
      // The counter disagreeing with the rows must never end a walk early.
      if (remaining <= 0) remaining = await this.count(base().where('id', '>', maxId));
    }
    return { rows, total: Math.max(total, remaining + rows.length), remaining, maxId };
  }

  private async count(q: any): Promise<number> {
    return Number((await q.select(sql<number>`count(*)`.as('n')).executeTakeFirst())?.n ?? 0);
  }

  /**
   * Exact total and remaining by counting on the query's index (rows before the page and rows
   * after it: the whole query once per page); the page query itself tells whether any remain,
   * so the count after the last page is skipped.
   */
  private async finish<T extends { id: number }>(
    rows: T[],
    more: boolean,
    req: PageRequest,
    base: () => any,
  ): Promise<RowPage<T>> {
    const maxId = rows.length ? rows[rows.length - 1].id : req.afterId;
    const remaining = more ? await this.count(base().where('id', '>', maxId)) : 0;
    // Rows before the page: none on the first page.
    const before = req.afterId > 0 ? await this.count(base().where('id', '<=', req.afterId)) : 0;
    return { rows, total: before + rows.length + remaining, remaining, maxId };
  }
}

function parseReasons(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
