import type { Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { IncidentTable } from '../../db/schema.ts';
import { invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';

export type IncidentRow = Selectable<IncidentTable>;

export const INCIDENT_STATUSES = ['open', 'in_progress', 'dismissed', 'simulation', 'real_phishing', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** One `Received:` hop of the reported message, as the Lucy Incident resource shows it. */
export interface IncidentHeader {
  from: string;
  ip: string;
  by: string;
  with: string;
  time: string;
  blacklisted: boolean;
  score: number;
}

export interface IncidentDomainCheck {
  service_name: string;
  flagged: boolean;
}

export interface IncidentDomain {
  source: string;
  domain: string;
  score: number;
  checks: IncidentDomainCheck[];
}

export interface IncidentBodyRule {
  rule: string;
  score: number;
}

/** What the report button or the mailbox reader knows about one reported message. */
export interface IncidentInput {
  /** Who reported the message. */
  email: string;
  subject?: string;
  /** When it was reported (ISO 8601); default: now. */
  time?: string;
  status?: IncidentStatus;
  score?: number;
  more_analysis?: boolean;
  /** Set when the reported message was one of Decoy's own simulations. */
  campaign_id?: number | null;
  headers?: Partial<IncidentHeader>[];
  domains?: (Partial<Omit<IncidentDomain, 'checks'>> & { checks?: Partial<IncidentDomainCheck>[] })[];
  body_analysis?: Partial<IncidentBodyRule>[];
  /** The reported message, raw (RFC 822). */
  message?: string;
}

export interface IncidentListOptions extends ListOptions {
  status?: string;
}

const SORT = ['id', 'time', 'email', 'status', 'score', 'subject', 'campaign_id', 'more_analysis'];
const MAX_ITEMS = 1000;

const text = (v: unknown, max = 1000): string => (typeof v === 'string' ? v.slice(0, max) : v === undefined || v === null ? '' : String(v).slice(0, max));
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function checkStatus(status: string): IncidentStatus {
  if (!(INCIDENT_STATUSES as readonly string[]).includes(status)) throw invalid(`status: must be one of ${INCIDENT_STATUSES.join(', ')}`);
  return status as IncidentStatus;
}

/** The analysis lists in exactly the shape of the Lucy resource, whatever the analyser produced. */
function normalise(input: IncidentInput) {
  const list = <T>(v: T[] | undefined, field: string): T[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw invalid(`${field}: must be an array`);
    return v.slice(0, MAX_ITEMS);
  };
  const headers: IncidentHeader[] = list(input.headers, 'headers').map((h) => ({
    from: text(h.from),
    ip: text(h.ip, 64),
    by: text(h.by),
    with: text(h.with),
    time: text(h.time, 64),
    blacklisted: h.blacklisted === true,
    score: num(h.score),
  }));
  const domains: IncidentDomain[] = list(input.domains, 'domains').map((d) => ({
    source: text(d.source),
    domain: text(d.domain, 253),
    score: num(d.score),
    checks: list(d.checks, 'domains.checks').map((c) => ({ service_name: text(c.service_name), flagged: c.flagged === true })),
  }));
  const body: IncidentBodyRule[] = list(input.body_analysis, 'body_analysis').map((r) => ({ rule: text(r.rule), score: num(r.score) }));
  return { headers, domains, body };
}

export class IncidentService {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  /**
   * Records a reported message for a client. Not an API call: the report button and the
   * mailbox reader call it once they have analysed the message.
   */
  async record(clientId: number, input: IncidentInput): Promise<IncidentRow> {
    if (typeof input.email !== 'string' || !input.email.trim()) throw invalid('email: is required');
    const client = await this.deps.clients.byId(clientId);
    if (!client) throw notFound('client');
    if (input.campaign_id !== undefined && input.campaign_id !== null) {
      const campaign = await this.db
        .selectFrom('campaigns')
        .select('id')
        .where('id', '=', input.campaign_id)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      if (!campaign) throw notFound('campaign');
    }
    let time = now();
    if (input.time !== undefined) {
      const d = new Date(input.time);
      if (Number.isNaN(d.getTime())) throw invalid('time: must be an ISO 8601 datetime');
      time = d.toISOString();
    }
    const { headers, domains, body } = normalise(input);
    return this.db
      .insertInto('incidents')
      .values({
        client_id: clientId,
        campaign_id: input.campaign_id ?? null,
        email: input.email.trim().toLowerCase().slice(0, 320),
        status: checkStatus(input.status ?? 'open'),
        time,
        score: num(input.score),
        more_analysis: input.more_analysis ? 1 : 0,
        subject: text(input.subject, 1000),
        headers: JSON.stringify(headers),
        domains: JSON.stringify(domains),
        body_analysis: JSON.stringify(body),
        message: input.message ?? '',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async list(p: Principal, opts: IncidentListOptions): Promise<Omit<IncidentRow, 'message'>[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db
      .selectFrom('incidents')
      .select(['id', 'client_id', 'campaign_id', 'email', 'status', 'time', 'score', 'more_analysis', 'subject', 'headers', 'domains', 'body_analysis']);
    if (scope !== null) q = q.where('client_id', '=', scope);
    if (opts.status !== undefined) q = q.where('status', '=', checkStatus(opts.status));
    return page(q, opts, SORT).execute();
  }

  async get(p: Principal, id: number): Promise<IncidentRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('incidents').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('incident');
    return row;
  }

  /** Triage: the security team moves an incident through its statuses. */
  async setStatus(p: Principal, id: number, status: string): Promise<IncidentRow> {
    assertCanWrite(p);
    const checked = checkStatus(status);
    const row = await this.get(p, id);
    return this.db
      .updateTable('incidents')
      .set({ status: checked })
      .where('id', '=', row.id)
      .where('client_id', '=', row.client_id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.get(p, id);
    await this.db.deleteFrom('incidents').where('id', '=', row.id).where('client_id', '=', row.client_id).execute();
  }
}
