/**
 * The hit recorder: every tracking hit becomes a `tracking_events` row, human hits move the
 * victim and the campaign counters, and all of it is committed before the hit is answered.
 *
 * Group commit: hits are queued and written together, one transaction per batch (a batch is
 * whatever arrived while the previous one was being written, at most `maxBatch` hits). Every
 * request waits for its batch's COMMIT: a 2xx answer means the hit is in the database. How a
 * batch is read and written, in a fixed number of statements or round trips whatever its size,
 * is recorder-store.ts; what it writes is `plan()` here, from the victims as read.
 *
 * Repeated hits (a person opening the message again, a scanner following every link) are
 * planned from the victims as this process last read or wrote them, kept in memory (bounded);
 * only victims not seen before are read. The write then goes through only if every victim is
 * still exactly as planned from, checked inside the write's transaction (one statement on
 * PostgreSQL, one writer-thread request on SQLite); if one changed meanwhile (another process,
 * the admin API), nothing is written and the batch is read, planned and written again with the
 * victims locked (PostgreSQL) or checked again (SQLite).
 *
 * Scenario facts, compiled landing pages (landing.ts) and scanner ranges come from short-lived
 * in-memory caches, loaded for a whole batch at a time, never per hit.
 *
 * Exact counters under concurrency: a batch is written only if the victims it was planned from
 * are unchanged at the write, so two batches or two processes cannot both count a victim's
 * first click.
 */
import type { CountDeltas } from '../stats/counters.ts';
import { classifyHit, countryOf, type HitInput, type ScannerRangeMatcher, type Verdict } from './classify.ts';
import { BROWSER_HITS, IMPLIES, SUCCEEDS_BY, VICTIM_COUNT, type HitKind } from './hits.ts';
import { contentFor, type LandingContent, type Person, type ScenarioCache, type ScenarioView, type TemplateContents } from './landing.ts';
import type { BatchWrites, CounterKey, RecorderStore, VictimRecord, VictimState } from './recorder-store.ts';
import { judgeSubmission, type FormFields } from './submission.ts';

export interface Hit {
  victimId: number;
  kind: HitKind;
  method: string;
  /** Request headers, lower-case names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client address (resolved through trusted proxies only). */
  ip: string;
  /** The trusted proxy the request came through; '' when it came directly. */
  proxyIp: string;
  /** Form posts: the fields as posted, in order. */
  fields?: FormFields;
  /** The answer is a page (landing page, or a post judged against it): load the person and the template's contents. */
  page?: boolean;
}

export interface RecordedHit {
  found: true;
  victimId: number;
  verdict: Verdict['verdict'];
  reasons: string[];
  /** This hit satisfies the scenario's success_action (human or not: the answer must not differ). */
  succeeds: boolean;
  /** Form posts: the values matched login_regexp/password_regexp (always true for other hits). */
  valid: boolean;
  scenario: ScenarioView;
  /** The template's content in the person's language (page hits only). */
  content: LandingContent | null;
  /** The person's details (page hits only). */
  person: Person | null;
}

/** Unknown victims and victims of campaigns that are not running: nothing is recorded. */
export type HitOutcome = { found: false } | RecordedHit;

export interface ScannerRangeSource {
  compiledFor(clientId: number | null): Promise<ScannerRangeMatcher>;
}

export interface RecorderOptions {
  /** Most hits in one transaction. */
  maxBatch?: number;
  /** Batches written at the same time. */
  concurrency?: number;
  /** Victims kept in memory to plan repeated hits from (see `victims`); default 20,000 (about 0.5 KB each). */
  maxKnownVictims?: number;
}

export interface RecorderStats {
  batches: number;
  hits: number;
  recorded: number;
  largestBatch: number;
  /** Batches planned from remembered victims only (nothing read before the write). */
  fromMemory: number;
}

interface Pending {
  hit: Hit;
  time: string;
  resolve: (o: HitOutcome) => void;
  reject: (e: unknown) => void;
}

const MILESTONE_COLUMN = { opened: 'opened_at', clicked: 'clicked_at', reported: 'reported_at' } as const;
const MAX_USER_AGENT = 512;
const EMPTY: ReadonlySet<string> = new Set();
/** PostgreSQL: deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['40P01', '40001']);

function header(headers: Hit['headers'], name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

export class HitRecorder {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  /**
   * The victims as this process last read or wrote them, most recent last. Repeated hits on a
   * victim (a person opening the message again, a scanner following a link) are planned from
   * here; the store checks, in the write's transaction, that the victim is still so.
   */
  private readonly victims = new Map<number, VictimRecord>();
  private readonly maxKnown: number;
  readonly stats: RecorderStats = { batches: 0, hits: 0, recorded: 0, largestBatch: 0, fromMemory: 0 };

  constructor(
    private readonly store: RecorderStore,
    private readonly cache: ScenarioCache,
    private readonly ranges: ScannerRangeSource,
    options: RecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.maxKnown = options.maxKnownVictims ?? 20_000;
  }

  /** Closes the store's own connection, if it has one (after flush(); it reopens on the next hit). */
  close(): void {
    this.store.close();
  }

  /** Records a hit; resolves once it is committed (or once it is known that there is nothing to record). */
  record(hit: Hit): Promise<HitOutcome> {
    return new Promise<HitOutcome>((resolve, reject) => {
      this.queue.push({ hit, time: new Date().toISOString(), resolve, reject });
      this.kick();
    });
  }

  /** Resolves when every hit queued so far is written. */
  flush(): Promise<void> {
    if (!this.queue.length && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private kick(): void {
    if (this.scheduled || this.inFlight >= this.concurrency || !this.queue.length) return;
    this.scheduled = true;
    // After the current I/O phase: every request already read joins this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.start();
    });
  }

  private start(): void {
    while (this.inFlight < this.concurrency && this.queue.length) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
      this.inFlight++;
      this.stats.batches++;
      this.stats.hits += batch.length;
      if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;
      this.write(batch)
        .catch((err: unknown) => {
          for (const p of batch) p.reject(err);
        })
        .finally(() => {
          this.inFlight--;
          if (this.queue.length) this.kick();
          else if (!this.inFlight) for (const done of this.idle.splice(0)) done();
        });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const ids = [...new Set(batch.map((p) => p.hit.victimId))].sort((a, b) => a - b);
    const withPerson = batch.some((p) => p.hit.page);
    // Plan from the victims as this process last read or wrote them (reading only those it has
    // not seen), and write only if they are still so: one round trip, or one writer-thread
    // request, for a batch of repeated hits.
    const known = this.known(ids, withPerson);
    this.stats.fromMemory += known.missing.length ? 0 : 1;
    const records = known.missing.length ? [...known.records, ...(await this.store.read(known.missing, withPerson))] : known.records;
    let from = records;
    let planned = await this.plan(batch, records);
    const first = planned.writes;
    const written = !first.events.length || (await this.retrying(() => this.store.writeIfUnchanged(withPerson, records, first)));
    // Changed meanwhile (by another process, or through the admin API): read, plan and write with
    // the victims held (PostgreSQL) or checked again (SQLite) until it goes through.
    if (!written) {
      for (const id of ids) this.victims.delete(id);
      await this.retrying(() =>
        this.store.run(ids, withPerson, async (fresh) => {
          from = fresh;
          planned = await this.plan(batch, fresh);
          return planned.writes;
        }),
      );
    }
    const { outcomes, recorded, writes } = planned;
    this.remember(from, writes);
    this.stats.recorded += recorded;
    for (const p of batch) p.resolve(outcomes.get(p) ?? { found: false });
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        // PostgreSQL deadlock or serialization failure: nothing was written, so it is safe to go again.
        if (n >= 3 || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }

  /** The victims as this process last saw them (with the person's columns when needed), and the ids it has not seen. */
  private known(ids: number[], withPerson: boolean): { records: VictimRecord[]; missing: number[] } {
    const records: VictimRecord[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const r = this.victims.get(id);
      if (!r || (withPerson && r.email === undefined)) missing.push(id);
      else records.push(r);
    }
    return { records, missing };
  }

  /** Keeps the victims a batch was planned from, with what it wrote to them. */
  private remember(records: VictimRecord[], writes: BatchWrites): void {
    const changed = new Map<number, VictimState>();
    for (const v of writes.victims) changed.set(v.id, v);
    for (const r of records) {
      const v = changed.get(r.id);
      // Delete first: re-inserted entries go to the end, so the oldest are the first evicted.
      this.victims.delete(r.id);
      this.victims.set(r.id, v ? Object.assign(r, v) : r);
    }
    for (const id of this.victims.keys()) {
      if (this.victims.size <= this.maxKnown) break;
      this.victims.delete(id);
    }
  }

  /** What a batch writes and answers, from the victims as read. Pure but for the cache loads. */
  private async plan(batch: Pending[], records: VictimRecord[]): Promise<Planned> {
    const victims = new Map<number, VictimRecord>();
    for (const r of records) victims.set(r.id, r);
    const scenarios = await this.cache.scenariosById(new Set(records.map((v) => v.scenario_id)));
    const templateIds = new Set<number>();
    const clientIds = new Set<number>();
    for (const p of batch) {
      const v = victims.get(p.hit.victimId);
      const s = v && scenarios.get(v.scenario_id);
      if (!s?.live) continue;
      clientIds.add(s.clientId);
      if (p.hit.page) templateIds.add(s.templateId);
    }
    const templates: Map<number, TemplateContents> = templateIds.size ? await this.cache.templatesById(templateIds) : new Map();
    const ranges = new Map<number, ScannerRangeMatcher>();
    for (const c of clientIds) ranges.set(c, await this.ranges.compiledFor(c));

    const outcomes = new Map<Pending, HitOutcome>();
    const events: unknown[][] = [];
    const states = new Map<number, VictimState>();
    const deltas = new Map<string, { key: CounterKey; deltas: CountDeltas }>();
    for (const p of batch) {
      const v = victims.get(p.hit.victimId);
      const s = v && scenarios.get(v.scenario_id);
      if (!v || !s?.live) {
        outcomes.set(p, { found: false });
        continue;
      }
      const { hit, time } = p;
      const content = hit.page ? contentFor(templates.get(s.templateId), v.language_id, s.languageId) : null;
      const sentAt = v.submitted_at ? Date.parse(v.submitted_at) : NaN;
      const verdict = classifyHit({
        method: hit.method,
        headers: hit.headers,
        ip: hit.ip,
        eventType: hit.kind as HitInput['eventType'],
        scannerRanges: ranges.get(s.clientId) ?? null,
        msSinceSent: Number.isFinite(sentAt) ? Date.parse(time) - sentAt : null,
      });
      const submission =
        hit.kind === 'submit'
          ? judgeSubmission(hit.fields ?? [], { collectData: s.collectData, loginRe: s.loginRe, passwordRe: s.passwordRe, passwordFields: content?.passwordFields ?? EMPTY })
          : null;
      const valid = submission?.valid ?? true;
      const country = countryOf(hit.ip);
      events.push([
        s.clientId, s.campaignId, s.id, v.id, hit.kind, time, verdict.verdict, JSON.stringify(verdict.reasons), hit.ip, hit.proxyIp,
        header(hit.headers, 'user-agent').slice(0, MAX_USER_AGENT), verdict.os, verdict.browser, country, submission ? JSON.stringify(submission.data) : '{}',
      ]);
      outcomes.set(p, {
        found: true,
        victimId: v.id,
        verdict: verdict.verdict,
        reasons: verdict.reasons,
        succeeds: SUCCEEDS_BY[hit.kind] === s.successAction && valid,
        valid,
        scenario: s,
        content,
        person: hit.page ? personOf(v) : null,
      });

      const k = `${s.campaignId}:${s.id}`;
      let entry = deltas.get(k);
      if (!entry) deltas.set(k, (entry = { key: { clientId: s.clientId, campaignId: s.campaignId, scenarioId: s.id }, deltas: {} }));
      const d = entry.deltas;
      if (verdict.verdict !== 'human') {
        d.automated_hits = (d.automated_hits ?? 0) + 1;
        continue;
      }
      let st = states.get(v.id);
      if (!st) states.set(v.id, (st = stateOf(v)));
      for (const m of IMPLIES[hit.kind]) {
        const col = MILESTONE_COLUMN[m];
        if (st[col] === null) {
          st[col] = time;
          d[m] = (d[m] ?? 0) + 1;
        }
      }
      const count = VICTIM_COUNT[hit.kind];
      if (count) st[count]++;
      if (SUCCEEDS_BY[hit.kind] === s.successAction && valid && st.succeeded_at === null) {
        st.succeeded_at = time;
        d.succeeded = (d.succeeded ?? 0) + 1;
      }
      if (!valid) d.invalid_submits = (d.invalid_submits ?? 0) + 1;
      if (BROWSER_HITS.has(hit.kind) && verdict.vulnerable && !st.vulnerable) {
        st.vulnerable = 1;
        d.vulnerable = (d.vulnerable ?? 0) + 1;
      }
      if (verdict.os) st.os = verdict.os;
      if (verdict.browser) st.browser = verdict.browser;
      st.ip = hit.ip;
      st.proxy_ip = hit.proxyIp;
      st.country = country;
    }
    // Counter rows in a fixed order, so that concurrent batches cannot deadlock on them.
    const counters = [...deltas.values()].sort((a, b) => a.key.campaignId - b.key.campaignId || a.key.scenarioId - b.key.scenarioId);
    return {
      writes: { events, victims: [...states.values()], counters, updatedAt: new Date().toISOString() },
      outcomes,
      recorded: events.length,
    };
  }
}

interface Planned {
  writes: BatchWrites;
  outcomes: Map<Pending, HitOutcome>;
  recorded: number;
}

function stateOf(v: VictimRecord): VictimState {
  return {
    id: v.id,
    opened_at: v.opened_at,
    clicked_at: v.clicked_at,
    succeeded_at: v.succeeded_at,
    reported_at: v.reported_at,
    vulnerable: v.vulnerable,
    opens: v.opens,
    clicks: v.clicks,
    submits: v.submits,
    os: v.os,
    browser: v.browser,
    ip: v.ip,
    proxy_ip: v.proxy_ip,
    country: v.country,
  };
}

function personOf(v: VictimRecord): Person {
  return {
    email: v.email ?? '',
    name: v.name ?? '',
    firstname: v.firstname ?? '',
    lastname: v.lastname ?? '',
    phone: v.phone ?? '',
    staff_type: v.staff_type ?? '',
    location: v.location ?? '',
    division: v.division ?? '',
    custom_fields: v.custom_fields ?? '[]',
  };
}
