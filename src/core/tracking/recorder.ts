/**
 * The hit recorder: every tracking hit becomes a `tracking_events` row, human hits move the
 * victim and the campaign counters.
 *
 * Two stages:
 * - The front (on the request's way): hits are queued and taken together (a batch is whatever
 *   arrived in one turn of the event loop, at most `maxBatch`). Each is classified (verdict,
 *   success, validity) from the victim's facts (remembered, or read for victims not seen
 *   before), written to this process's hit journal (journal.ts) in one write(), and only then
 *   answered: a 2xx means the hit is durably recorded. With the journal in the database
 *   (`databaseJournal`, PostgreSQL's default) the batch's lines are one row of
 *   tracking_journal_lines instead, committed before the answer, one row in flight at a time
 *   (the hits that arrive meanwhile share the next row); applying the rows deletes them.
 * - The apply (beside the requests): the journal's hits are applied to the database in order,
 *   in large transactions (about `maxApply` hits gathered for at most `gatherMs`): events
 *   inserted, victims and counters moved, and how far the journal is applied recorded in the
 *   same transaction (`tracking_journals`). With SQLite the writer thread reads the hits back
 *   from the journal file: the event loop keeps nothing of a hit once it is answered.
 *   What a hit does to its victim (first open, first click, success, counts) is decided here,
 *   from the victim as it is in the database at the write, so that counters stay exact whatever
 *   other processes do. `flush()` waits until every hit answered so far is applied; the admin
 *   server waits for it before it answers (so that one process reads its own hits).
 *
 * Repeated hits are planned from the victims as this process last read or wrote them, kept in
 * memory (bounded); only victims not seen before are read. The write then goes through only if
 * every victim is still exactly as planned from, checked inside the write's transaction (one
 * statement on PostgreSQL, one writer-thread request on SQLite); if one changed meanwhile
 * (another process, the admin API), nothing is written and the batch is read, planned and
 * written again with the victims locked (PostgreSQL) or checked again (SQLite).
 *
 * Scenario facts, compiled landing pages (landing.ts) and scanner ranges come from short-lived
 * in-memory caches, loaded for a whole batch at a time, never per hit. `submit` takes a callback
 * instead of answering a promise (the tracking server's fast path: no promise per hit).
 *
 * Without a journal (DECOY_TRACKING_JOURNAL=off) the hits go straight to the apply stage and
 * are answered once applied; an in-memory database (which does not outlive the process anyway)
 * has no journal either.
 */
import { classifyHit, countryOf, type HitInput, type ScannerRangeMatcher, type Verdict } from './classify.ts';
import { planHits, SUCCEEDS_BY, type HitKind } from './hits.ts';
import { HitJournal, JOURNAL_FLAGS, journalLine, newJournalId, type JournalLine } from './journal.ts';
import { contentFor, type LandingContent, type Person, type ScenarioCache, type ScenarioView, type TemplateContents } from './landing.ts';
import type { BatchWrites, RecorderStore, VictimRecord, VictimState } from './recorder-store.ts';
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
  /**
   * This hit sends the person on to the campaign's awareness: a success, or a valid form post on
   * a scenario that succeeds by click (the person succeeded on the way to the form).
   */
  leadsToAwareness: boolean;
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
  /** Most hits classified and journaled together. */
  maxBatch?: number;
  /** About the most hits applied in one transaction (default 50,000). */
  maxApply?: number;
  /** Under load, how long the hits of one transaction gather at most (default 1000 ms). */
  gatherMs?: number;
  /** Victims kept in memory to plan repeated hits from (see `victims`); default 20,000 (about 0.5 KB each). */
  maxKnownVictims?: number;
  /** Where this process's hit journal lives; null: no journal (an in-memory database). */
  journalDir?: string | null;
  /**
   * The hit journal is in the database (the store's appendJournal: PostgreSQL's default): each
   * front batch is committed as one row before its hits are answered. Ignored with journalDir.
   */
  databaseJournal?: boolean;
  /** A journal this large takes no more hits (journal.ts JOURNAL_FULL_BYTES; smaller in tests). */
  journalFullBytes?: number;
  /** A journal was deleted (all of it applied): its row in tracking_journals can go. */
  onRetired?: (journalId: string) => void;
  /** This process no longer holds its journal in the database (its connection was lost); a recovery applies its rows. */
  onJournalLost?: (journalId: string) => void;
  /** Applying failed (the database is unreachable, say); the hits stay queued and are tried again. */
  onApplyError?: (err: unknown) => void;
  /** The journal file was deleted while in use: its hits are still applied, and the next go to a new journal. */
  onJournalDeleted?: (file: string) => void;
}

export interface RecorderStats {
  /** Transactions that applied hits. */
  batches: number;
  /** Hits received. */
  hits: number;
  /** Hits applied (events written). */
  recorded: number;
  largestBatch: number;
  /** Apply batches planned from remembered victims only (nothing read before the write). */
  fromMemory: number;
  /** Front batches (one journal write each). */
  journaled: number;
}

interface Pending {
  hit: Hit;
  seq: number;
  time: string;
  /** `time` in milliseconds. */
  at: number;
  /** Set by classify for a hit that is recorded. */
  outcome?: HitOutcome;
  /** Called once: with the outcome, or with the error that kept the hit from being recorded. */
  done: HitCallback;
}

/** How `submit` answers: (null, outcome) once the hit is recorded, or (error) if it cannot be. */
export type HitCallback = (err: unknown, outcome?: HitOutcome) => void;

/** Calls a hit's callback; one that throws does not keep the other hits of its batch from being answered. */
function settle(p: Pending, err: unknown, outcome?: HitOutcome): void {
  try {
    p.done(err, outcome);
  } catch (e) {
    console.error(`tracking: answering a hit failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A hit on its way to the database: its event row and its journal line. */
interface Entry {
  seq: number;
  flags: number;
  /** The tracking_events row, EVENT_COLUMNS order. */
  event: unknown[];
  /** Its journal line. */
  line: string;
}

/** A victim as this process last read or wrote it, with what hits derive from it, worked out once. */
interface Known {
  r: VictimRecord;
  /** When it was read or written (facts older than FACTS_TTL_MS are read again). */
  seen: number;
  /** submitted_at in milliseconds (NaN: not sent). */
  sentMs: number;
  /** The person's details for pages, made on the first page hit. */
  person: Person | null;
}

/**
 * Hits on their way to the database, as the front took them together (one journal write) or as
 * recovery found them. With a store that applies journal lines itself (SQLite's writer thread),
 * the front's hits are not kept in memory at all: the store reads them back from the journal
 * file (bytes `start` to `end`), so that nothing per hit outlives the request.
 */
interface Segment {
  /** The journal they are in (null: none). */
  journal: string | null;
  /** The journal's file and where their lines are in it; file '' when they are only in `entries`. */
  file: string;
  /** The file as this process holds it open (read through it, not by name: it may have been deleted meanwhile). */
  fd?: number;
  start: number;
  end: number;
  /** The hits, when kept in memory; null: in the file only. */
  entries: Entry[] | null;
  count: number;
  /** The seq of the last hit in it. */
  lastSeq: number;
  /** Once this segment is applied, every hit up to this seq is (hits that recorded nothing have a seq too). */
  cover: number;
  /** The journal is in the database (tracking_journal_lines): applying deletes its rows. */
  inDatabase?: boolean;
  /** The journal in the database: settles once the row is committed (or failed to be). */
  ready?: Promise<void> | null;
  /** Its row could not be written: its hits were answered with the error, and are not applied. */
  failed?: boolean;
  /** Called once it is applied (recovered journals). */
  applied?: () => void;
}

let isoAt = 0;
let iso = '';
/** The time as an ISO string, made once per millisecond (hits arrive thousands a second). */
function isoNow(): string {
  const t = Date.now();
  if (t !== isoAt) {
    isoAt = t;
    iso = new Date(t).toISOString();
  }
  return iso;
}
/** The victim's id in a tracking_events row (EVENT_COLUMNS in recorder-store.ts). */
const VICTIM = 3;
const NOT_FOUND: HitOutcome = { found: false };
const MAX_USER_AGENT = 512;
const EMPTY: ReadonlySet<string> = new Set();
/** PostgreSQL: deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['40P01', '40001']);
/**
 * Remembered facts (scenario, language, when the message went out, the person) are read again
 * after this long: a re-sent message or an edited person shows within it.
 */
const FACTS_TTL_MS = 30_000;
/** After a failed apply, the next attempt. */
const APPLY_RETRY_MS = 1000;

function header(headers: Hit['headers'], name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

export class HitRecorder {
  private queue: Pending[] = [];
  private scheduled = false;
  private fronting = false;
  private applyQueue: Segment[] = [];
  /** Hits in applyQueue. */
  private queuedHits = 0;
  private applying = false;
  private applyRetry: NodeJS.Timeout | null = null;
  /** Covered by the batch being applied, beyond its own entries (hits that recorded nothing meanwhile). */
  private applyingCover = 0;
  private lastApply = 0;
  /** Ends the apply's gathering wait (someone waits for the hits, or the batch is full). */
  private wake: (() => void) | null = null;
  /** The last seq given to a hit, and the highest seq up to which every hit is applied. */
  private lastSeq = 0;
  private appliedSeq = 0;
  private waiters: { seq: number; resolve: () => void; reject?: (err: unknown) => void }[] = [];
  /** Recovered segments queued and not applied yet (the apply does not gather meanwhile). */
  private recovering = 0;
  private journal: HitJournal | null = null;
  /** This process's journal in the database (options.databaseJournal), once it has hits. */
  private databaseJournal: string | null = null;
  /** Journals in the database this process no longer holds: their rows are another process's to apply. */
  private readonly lostJournals = new Set<string>();
  /** Full journals whose hits are still being applied: deleted once the last of them is. */
  private readonly fullJournals = new Map<string, HitJournal>();
  /** The journal of the batch being applied. */
  private applyingJournal: string | null = null;
  private readonly maxBatch: number;
  private readonly maxApply: number;
  private readonly gatherMs: number;
  /**
   * The victims as this process last read or wrote them, most recent last. Hits are classified
   * from their facts, and repeated hits are planned from their state; the store checks, in the
   * write's transaction, that the victim is still so.
   */
  private readonly victims = new Map<number, Known>();
  private readonly maxKnown: number;
  readonly stats: RecorderStats = { batches: 0, hits: 0, recorded: 0, largestBatch: 0, fromMemory: 0, journaled: 0 };

  constructor(
    private readonly store: RecorderStore,
    private readonly cache: ScenarioCache,
    private readonly ranges: ScannerRangeSource,
    private readonly options: RecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    // Large, rare transactions: each victim's row, its index pages and the counters' row are
    // written once for many hits, and the statement's fixed costs are paid once a second. With
    // SQLite the writer thread plans them; with PostgreSQL the event loop plans and builds the
    // statement, about 1 µs a hit (measured: a 50,000-hit batch holds it for 30-40 ms).
    this.maxApply = options.maxApply ?? 50_000;
    this.gatherMs = options.gatherMs ?? 1000;
    this.maxKnown = options.maxKnownVictims ?? 20_000;
    if (options.databaseJournal) store.onJournalLost = (id) => this.journalLost(id);
  }

  /**
   * This process lost the lease on its journal in the database (the connection holding it
   * closed): another process may now apply its rows, so this one no longer does. Its hits were
   * answered when their rows were committed; the rows stay for a recovery (recoverDatabaseJournals).
   * The next hits go to a new journal.
   */
  private journalLost(id: string): void {
    if (this.databaseJournal === id) this.databaseJournal = null;
    if (this.lostJournals.has(id)) return;
    this.lostJournals.add(id);
    this.options.onJournalLost?.(id);
  }

  /**
   * After flush(): deletes this process's journal (all of it is applied) and closes the store's
   * own connection, if it has one (both come back on the next hit).
   */
  close(): void {
    if (this.appliedSeq >= this.lastSeq && !this.applyQueue.length)
      for (const [id, full] of this.fullJournals) {
        this.fullJournals.delete(id);
        this.options.onRetired?.(full.retire());
      }
    if (this.journal && this.appliedSeq >= this.lastSeq && !this.applyQueue.length) {
      const id = this.journal.retire();
      this.journal = null;
      this.options.onRetired?.(id);
    }
    if (this.applyRetry) clearTimeout(this.applyRetry);
    this.applyRetry = null;
    // The journal in the database: its lease goes with the store's connections (a new journal
    // next time). Rows not applied yet (none after flush()) are then another process's to apply.
    if (this.databaseJournal) {
      this.lostJournals.add(this.databaseJournal);
      this.databaseJournal = null;
    }
    this.store.close();
  }

  /** Records a hit; resolves once it is in the journal (or once it is known that there is nothing to record). */
  record(hit: Hit): Promise<HitOutcome> {
    return new Promise<HitOutcome>((resolve, reject) => this.submit(hit, (err, o) => (o === undefined ? reject(err) : resolve(o))));
  }

  /** `record` with a callback instead of a promise: the tracking server's hot path (no promise per hit). */
  submit(hit: Hit, done: HitCallback): void {
    const time = isoNow();
    this.queue.push({ hit, seq: ++this.lastSeq, time, at: isoAt, outcome: undefined, done });
    this.stats.hits++;
    this.kick();
  }

  /** Resolves when every hit received so far is applied to the database. */
  flush(): Promise<void> {
    const seq = this.lastSeq;
    if (this.appliedSeq >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      this.wake?.();
    });
  }

  /** Hits received and not yet applied. */
  get pending(): boolean {
    return this.appliedSeq < this.lastSeq;
  }

  /**
   * Applies the hits of a journal left by a process that is gone (those after `appliedUpTo`; with
   * `database`, the journal's rows up to `upToSeq` are deleted in the same transaction); resolves
   * once they are in the database. At start, before this process serves, and for journals in the
   * database while it serves.
   */
  async recover(journalId: string, lines: JournalLine[], appliedUpTo: number, database?: { upToSeq: number }): Promise<number> {
    const entries = lines.filter((l) => l.seq > appliedUpTo).map((l) => ({ seq: l.seq, flags: l.flags, event: l.event, line: journalLine(l.seq, l.flags, l.event) }));
    if (!entries.length) return 0;
    const lastSeq = Math.max(entries[entries.length - 1].seq, database?.upToSeq ?? 0);
    // Resolved once this segment is applied (not once the queue is empty, which it may never be under load).
    this.recovering++;
    await new Promise<void>((resolve) =>
      this.enqueue({ journal: journalId, file: '', start: 0, end: 0, entries, count: entries.length, lastSeq, cover: 0, inDatabase: database !== undefined, applied: resolve }),
    );
    this.recovering--;
    return entries.length;
  }

  /**
   * Applies the journals in the database of processes that are gone (their rows, which nobody
   * holds), each hit once; answers how many hits. Stores without a journal in the database: 0.
   */
  async recoverDatabaseJournals(): Promise<number> {
    if (!this.store.recoverJournals) return 0;
    return this.store.recoverJournals((id, lines, upToSeq) => this.recover(id, lines, 0, { upToSeq }));
  }

  // ---- the front: classify, journal, answer ---------------------------------------------------

  private kick(): void {
    if (this.scheduled || this.fronting || !this.queue.length) return;
    this.scheduled = true;
    // After the current I/O phase: every request already read joins this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.front();
    });
  }

  private async front(): Promise<void> {
    if (this.fronting || !this.queue.length) return;
    this.fronting = true;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
    const cover = batch[batch.length - 1].seq;
    const answer = () => {
      for (const p of batch) settle(p, null, p.outcome ?? NOT_FOUND);
    };
    try {
      // A store that applies journal lines itself reads them back from the journal: nothing kept.
      const keep = !(this.options.journalDir && this.store.applyLines);
      const { text, count, lastSeq, entries } = await this.classify(batch, keep);
      if (count) {
        let segment: Segment;
        if (this.options.journalDir) {
          if (this.journal?.full) {
            const full = this.journal;
            this.journal = null;
            // Deleted after its last hit is applied; now, if that already happened.
            if (this.applyingJournal === full.id || this.applyQueue[this.applyQueue.length - 1]?.journal === full.id) this.fullJournals.set(full.id, full);
            else this.options.onRetired?.(full.retire());
          }
          this.journal ??= new HitJournal(this.options.journalDir, this.options.journalFullBytes);
          const start = this.journal.size;
          this.journal.append(text);
          segment = { journal: this.journal.id, file: keep ? '' : this.journal.file, fd: keep ? undefined : this.journal.fd, start, end: this.journal.size, entries, count, lastSeq, cover };
        } else if (this.options.databaseJournal && this.store.appendJournal) {
          this.databaseJournal ??= newJournalId();
          const s: Segment = { journal: this.databaseJournal, file: '', start: 0, end: 0, entries, count, lastSeq, cover, inDatabase: true };
          // Answered once the row is committed; the apply waits for it too.
          s.ready = this.store.appendJournal(s.journal!, lastSeq, text).then(
            () => {
              s.ready = null;
              answer();
            },
            (err) => {
              s.ready = null;
              s.failed = true;
              for (const p of batch) settle(p, err);
            },
          );
          segment = s;
        } else {
          segment = { journal: null, file: '', start: 0, end: 0, entries, count, lastSeq, cover };
        }
        this.stats.journaled++;
        this.enqueue(segment);
        // One row in flight at a time: the hits that arrive meanwhile share the next (group commit).
        if (segment.ready) await segment.ready;
        if (segment.inDatabase) return;
      } else {
        this.covered(cover);
      }
      // With a journal file the hits are durable now; without a journal, once the database has them.
      if (this.journal || !count || this.appliedSeq >= cover) answer();
      else this.waiters.push({ seq: cover, resolve: answer, reject: (err) => batch.forEach((p) => settle(p, err)) });
    } catch (err) {
      // Nothing of this batch is in the journal: its requests fail, and nothing is left half-recorded.
      for (const p of batch) settle(p, err);
      this.covered(cover);
    } finally {
      this.fronting = false;
      this.kick();
    }
  }

  private enqueue(segment: Segment): void {
    this.applyQueue.push(segment);
    this.queuedHits += segment.count;
    if (this.queuedHits >= this.maxApply) this.wake?.();
    this.kickApply();
  }

  /** Every hit up to `seq` that is not queued for the apply is done with (it recorded nothing). */
  private covered(seq: number): void {
    const tail = this.applyQueue[this.applyQueue.length - 1];
    if (tail) tail.cover = Math.max(tail.cover, seq);
    else if (this.applying) this.applyingCover = Math.max(this.applyingCover, seq);
    else this.advance(seq);
  }

  private advance(seq: number): void {
    if (seq <= this.appliedSeq) return;
    this.appliedSeq = seq;
    if (!this.waiters.length) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.seq <= seq) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /**
   * Verdicts and answers (set on each hit: `outcome`) and journal lines of a batch, from the
   * victims' facts; the event rows too when `keep` (the apply needs them in memory).
   */
  private async classify(batch: Pending[], keep: boolean): Promise<{ text: string; count: number; lastSeq: number; entries: Entry[] | null }> {
    const ids: number[] = [];
    let withPerson = false;
    for (const p of batch) {
      ids.push(p.hit.victimId);
      if (p.hit.page) withPerson = true;
    }
    const victims = new Map<number, Known>();
    const missing: number[] = [];
    const since = Date.now() - FACTS_TTL_MS;
    for (const id of ids) {
      const k = this.victims.get(id);
      if (!k || (withPerson && k.r.email === undefined) || k.seen < since) missing.push(id);
      else victims.set(id, k);
    }
    if (missing.length) for (const r of await this.store.read([...new Set(missing)].sort((a, b) => a - b), withPerson)) victims.set(r.id, this.keep(r));
    const scenarioIds = new Set<number>();
    for (const k of victims.values()) scenarioIds.add(k.r.scenario_id);
    const scenarios = await this.cache.scenariosById(scenarioIds);
    const templateIds = new Set<number>();
    const clientIds = new Set<number>();
    for (const p of batch) {
      const k = victims.get(p.hit.victimId);
      const s = k && scenarios.get(k.r.scenario_id);
      if (!s?.live) continue;
      clientIds.add(s.clientId);
      if (p.hit.page) templateIds.add(s.templateId);
    }
    const templates: Map<number, TemplateContents> = templateIds.size ? await this.cache.templatesById(templateIds) : new Map();
    const ranges = new Map<number, ScannerRangeMatcher>();
    for (const c of clientIds) ranges.set(c, await this.ranges.compiledFor(c));

    const entries: Entry[] | null = keep ? [] : null;
    let text = '';
    let count = 0;
    let lastSeq = 0;
    for (const p of batch) {
      const k = victims.get(p.hit.victimId);
      const v = k?.r;
      const s = v && scenarios.get(v.scenario_id);
      if (!k || !v || !s?.live) continue;
      const { hit, time } = p;
      const content = hit.page ? contentFor(templates.get(s.templateId), v.language_id, s.languageId) : null;
      const sentAt = k.sentMs;
      const verdict = classifyHit({
        method: hit.method,
        headers: hit.headers,
        ip: hit.ip,
        eventType: hit.kind as HitInput['eventType'],
        scannerRanges: ranges.get(s.clientId) ?? null,
        msSinceSent: Number.isFinite(sentAt) ? p.at - sentAt : null,
      });
      const submission =
        hit.kind === 'submit'
          ? judgeSubmission(hit.fields ?? [], { collectData: s.collectData, loginRe: s.loginRe, passwordRe: s.passwordRe, passwordFields: content?.passwordFields ?? EMPTY })
          : null;
      const valid = submission?.valid ?? true;
      const succeeds = SUCCEEDS_BY[hit.kind] === s.successAction && valid;
      const flags = (succeeds ? JOURNAL_FLAGS.succeeds : 0) | (valid ? 0 : JOURNAL_FLAGS.invalid) | (verdict.vulnerable ? JOURNAL_FLAGS.vulnerable : 0);
      const event = [
        s.clientId, s.campaignId, s.id, v.id, hit.kind, time, verdict.verdict, verdict.reasons.length ? JSON.stringify(verdict.reasons) : '[]', hit.ip, hit.proxyIp,
        header(hit.headers, 'user-agent').slice(0, MAX_USER_AGENT), verdict.os, verdict.browser, countryOf(hit.ip), submission ? JSON.stringify(submission.data) : '{}',
      ];
      const line = journalLine(p.seq, flags, event);
      text += line;
      count++;
      lastSeq = p.seq;
      entries?.push({ seq: p.seq, flags, event, line });
      p.outcome = {
        found: true,
        victimId: v.id,
        verdict: verdict.verdict,
        reasons: verdict.reasons,
        succeeds,
        leadsToAwareness: succeeds || (hit.kind === 'submit' && valid && s.successAction === 'click'),
        valid,
        scenario: s,
        content,
        person: hit.page ? (k.person ??= personOf(v)) : null,
      };
    }
    return { text, count, lastSeq, entries };
  }

  // ---- the apply: the journal's hits into the database, in order --------------------------------

  private kickApply(): void {
    if (this.applying || this.applyRetry || !this.applyQueue.length) return;
    this.applying = true;
    void this.applyAll();
  }

  private async applyAll(): Promise<void> {
    while (this.applyQueue.length) {
      // Under load, a batch gathers for up to gatherMs: fewer, larger transactions (each
      // victim's row, its pages and the counter rows written once for many hits). Not while
      // someone waits for the hits (flush()), nor once a batch is full.
      const since = Date.now() - this.lastApply;
      if ((this.journal || this.databaseJournal) && since < this.gatherMs && this.queuedHits < this.maxApply && !this.waiters.length && !this.recovering) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.gatherMs - since).unref();
        });
        this.wake = null;
      }
      this.lastApply = Date.now();
      // Consecutive segments of one journal (the watermark written with them is that journal's),
      // all in memory or all in the file, about maxApply hits.
      const q = this.applyQueue;
      const journal = q[0].journal;
      const inFile = q[0].entries === null;
      let n = 1;
      let hits = q[0].count;
      while (n < q.length && hits < this.maxApply && q[n].journal === journal && (q[n].entries === null) === inFile) hits += q[n++].count;
      const batch = q.splice(0, n);
      this.queuedHits -= hits;
      try {
        this.applyingJournal = journal;
        // The journal in the database: each row committed first; those that failed are not applied.
        for (const g of batch) if (g.ready) await g.ready;
        // (Checked here, as late as can be: a journal lost while its hits waited or were retried.)
        // A recovery (`applied` set) applies a lost journal's rows on purpose, holding its lock.
        const kept = (g: Segment) => !g.failed && !(g.inDatabase && !g.applied && this.lostJournals.has(g.journal!));
        const written = batch.every(kept) ? batch : batch.filter(kept);
        if (written.length) await this.apply(written, journal);
      } catch (err) {
        this.applyingJournal = null;
        this.options.onApplyError?.(err);
        if (journal === null) {
          // Not in any journal: these hits are lost, and their requests fail (none was answered yet).
          let cover = 0;
          for (const e of batch) if (e.cover > cover) cover = e.cover;
          const still: typeof this.waiters = [];
          for (const w of this.waiters) {
            if (w.seq > cover) still.push(w);
            else if (w.reject) w.reject(err);
            else w.resolve();
          }
          this.waiters = still;
          this.appliedSeq = Math.max(this.appliedSeq, cover);
          continue;
        }
        // Still in the journal: put back and tried again later, in the same order.
        this.applyQueue.unshift(...batch);
        this.queuedHits += hits;
        this.applying = false;
        this.applyRetry = setTimeout(() => {
          this.applyRetry = null;
          this.kickApply();
        }, APPLY_RETRY_MS);
        this.applyRetry.unref();
        return;
      }
      this.applyingJournal = null;
      if (this.journal?.checkFile()) this.options.onJournalDeleted?.(this.journal.file);
      // The last hits of a full journal are applied: it goes (the queue is in journal order).
      const full = journal === null ? undefined : this.fullJournals.get(journal);
      if (full && this.applyQueue[0]?.journal !== journal) {
        this.fullJournals.delete(journal!);
        full.retire();
        this.options.onRetired?.(journal!);
      }
      let cover = 0;
      for (const e of batch) {
        if (e.cover > cover) cover = e.cover;
        e.applied?.();
      }
      if (!this.applyQueue.length) cover = Math.max(cover, this.applyingCover);
      if (!this.applyQueue.length) this.applyingCover = 0;
      this.advance(cover);
    }
    this.applying = false;
    if (this.applyingCover) {
      this.advance(this.applyingCover);
      this.applyingCover = 0;
    }
  }

  private async apply(segments: Segment[], journal: string | null): Promise<void> {
    this.stats.batches++;
    const last = segments[segments.length - 1];
    let hits = 0;
    for (const g of segments) hits += g.count;
    if (hits > this.stats.largestBatch) this.stats.largestBatch = hits;
    const mark = journal ? { id: journal, seq: last.lastSeq, inDatabase: last.inDatabase } : undefined;
    if (this.store.applyLines) {
      if (segments[0].entries === null) {
        this.stats.recorded += await this.store.applyLines({ file: segments[0].file, fd: segments[0].fd, start: segments[0].start, end: last.end }, mark);
        return;
      }
      let text = '';
      for (const g of segments) for (const e of g.entries!) text += e.line;
      this.stats.recorded += await this.store.applyLines(text, mark);
      return;
    }
    const batch: Entry[] = segments.length === 1 ? segments[0].entries! : segments.flatMap((g) => g.entries!);
    const ids = [...new Set(batch.map((e) => e.event[VICTIM] as number))].sort((a, b) => a - b);
    // Plan from the victims as this process last read or wrote them (reading only those it has
    // not seen), and write only if they are still so: one round trip, or one writer-thread
    // request, for a batch of repeated hits.
    const known = this.known(ids, false);
    this.stats.fromMemory += known.missing.length ? 0 : 1;
    const records = known.missing.length ? [...known.records, ...(await this.store.read(known.missing, false))] : known.records;
    let from = records;
    let writes = this.plan(batch, records, mark);
    const first = writes;
    const written = (!first.events.length && !mark) || (await this.retrying(() => this.store.writeIfUnchanged(false, records, first)));
    // Changed meanwhile (by another process, or through the admin API): read, plan and write with
    // the victims held (PostgreSQL) or checked again (SQLite) until it goes through.
    if (!written) {
      for (const id of ids) this.victims.delete(id);
      await this.retrying(() =>
        this.store.run(ids, false, async (fresh) => {
          from = fresh;
          writes = this.plan(batch, fresh, mark);
          return writes;
        }),
      );
    }
    this.remember(from, writes);
    this.stats.recorded += writes.events.length;
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
      const k = this.victims.get(id);
      if (!k || (withPerson && k.r.email === undefined)) missing.push(id);
      else records.push(k.r);
    }
    return { records, missing };
  }

  private keep(r: VictimRecord): Known {
    // Delete first: re-inserted entries go to the end, so the oldest are the first evicted.
    this.victims.delete(r.id);
    const k: Known = { r, seen: Date.now(), sentMs: r.submitted_at ? Date.parse(r.submitted_at) : NaN, person: null };
    this.victims.set(r.id, k);
    if (this.victims.size > this.maxKnown)
      for (const id of this.victims.keys()) {
        if (this.victims.size <= this.maxKnown) break;
        this.victims.delete(id);
      }
    return k;
  }

  /** Keeps the victims a batch was planned from, with what it wrote to them (and the person's columns, when known). */
  private remember(records: VictimRecord[], writes: BatchWrites): void {
    const changed = new Map<number, VictimState>();
    for (const v of writes.victims) changed.set(v.id, v);
    for (const r of records) {
      const v = changed.get(r.id);
      const had = this.victims.get(r.id)?.r;
      const next = v ? Object.assign(r, v) : r;
      if (had && had !== next && had.email !== undefined && next.email === undefined) for (const c of PERSON_KEYS) (next as unknown as Record<string, unknown>)[c] = (had as unknown as Record<string, unknown>)[c];
      this.keep(next);
    }
  }

  /** What applying a batch writes, from the victims as read: the rules of hits.ts (planHits). Pure. */
  private plan(batch: Entry[], records: VictimRecord[], mark?: { id: string; seq: number }): BatchWrites {
    const victims = new Map<number, VictimRecord>();
    for (const r of records) victims.set(r.id, r);
    const { events, victims: changed, counters } = planHits(batch, (id) => victims.get(id));
    // The events' journal lines too, built only if the store takes the rows so (PostgreSQL's
    // smaller batches: as those lines, with no serialising on the event loop; larger ones go by
    // COPY, and SQLite binds each row). planHits keeps the hits of victims that exist, in order.
    const eventLines = () => {
      let text = '[';
      for (let i = 0, j = 0; i < batch.length && j < events.length; i++) {
        if (batch[i].event !== events[j]) continue;
        text += j++ ? ',' + batch[i].line : batch[i].line;
      }
      return text + ']';
    };
    return { events, victims: changed, counters, updatedAt: new Date().toISOString(), journal: mark, eventLines };
  }
}

const PERSON_KEYS = ['email', 'name', 'firstname', 'lastname', 'phone', 'staff_type', 'location', 'division', 'custom_fields'] as const;

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
