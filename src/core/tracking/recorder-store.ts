/**
 * The recorder's database access. A batch is read, planned (by the recorder, from what was
 * read or from the victims it remembers) and written atomically, in a fixed number of
 * statements or round trips whatever its size. `writeIfUnchanged` writes a batch only if the
 * victims it was planned from are still exactly so, compared inside the write's transaction;
 * `run` reads, plans and writes until that holds (holding the victims, on PostgreSQL).
 *
 * SQLite: the recorder works through its own connection to the database file, on a thread of
 * its own (recorder-writer.ts), so that the statements and the commit run beside the event
 * loop instead of on it. Single-row statements are prepared once and reused (Kysely prepares
 * every statement anew, and with better-sqlite3 a prepared single-row statement run N times
 * costs about half of one N-row statement: binding hundreds of parameters in one call is the
 * expensive part). A write is one synchronous `BEGIN IMMEDIATE` transaction on that thread
 * that re-reads the victims, compares them and writes; meanwhile the event loop holds Kysely's
 * connection, so that no transaction of the rest of the application is open (one would
 * otherwise wait for the write lock, blocking the event loop). Checkpoints (copying the WAL
 * back into the database file, with fsync) run on a third thread.
 *
 * PostgreSQL: `writeIfUnchanged` is one statement, one round trip: it locks the victims
 * (`FOR UPDATE`, in id order, so concurrent batches cannot deadlock on them), compares them,
 * and inserts the events, updates the victims and bumps the counters only if all are
 * unchanged (rows travel as JSON, one parameter per table); run outside a transaction, the
 * statement commits by itself. It is a named statement, parsed and planned once per connection.
 * `run` is four round trips: BEGIN; the victims read with `FOR UPDATE`; the same writes; COMMIT.
 * The hit journal in the database: `appendJournal` commits a batch's lines as one row, holding the
 * journal with a session-level advisory lock on a connection of its own (the lease); the batch
 * statement that applies rows deletes them; `recoverJournals` applies the rows of journals whose
 * lock it can take (their process is gone).
 *
 * An in-memory SQLite database (which a second connection cannot open) goes through Kysely,
 * as SQLite does otherwise.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Dialect } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import type { CountDeltas } from '../stats/counters.ts';
import type { PlanState } from './hit-plan.cjs';
import { HIT_PLAN_MODULE } from './hits.ts';
import { parseJournal, type JournalLine } from './journal.ts';
import { WriterThread, type JournalRange } from './recorder-writer.ts';

/** The victim columns a hit can change (planHits' state, hit-plan.d.cts). */
export type VictimState = PlanState;

/** A victim as a batch reads it: who and where (facts), what hits did so far (state), and the person when a page needs it. */
export interface VictimRecord extends VictimState {
  client_id: number;
  campaign_id: number;
  scenario_id: number;
  language_id: number | null;
  submitted_at: string | null;
  email?: string;
  name?: string;
  firstname?: string;
  lastname?: string;
  phone?: string;
  staff_type?: string;
  location?: string;
  division?: string;
  custom_fields?: string;
}

export interface CounterKey {
  clientId: number;
  campaignId: number;
  scenarioId: number;
}

export interface BatchWrites {
  /** tracking_events rows, EVENT_COLUMNS in order. */
  events: unknown[][];
  /** The new state of every victim that changed. */
  victims: VictimState[];
  counters: { key: CounterKey; deltas: CountDeltas }[];
  updatedAt: string;
  /** The events as a JSON array of their journal lines (`[seq, flags, ...event]`), when the recorder has them: built on demand. */
  eventLines?: () => string;
  /**
   * How far the hit journal these hits come from is applied, written in the same transaction: in
   * tracking_journals for a journal file; for the journal in the database (`inDatabase`), its rows
   * up to `seq` are deleted.
   */
  journal?: { id: string; seq: number; inDatabase?: boolean };
}

export type BatchPlan = (victims: VictimRecord[]) => Promise<BatchWrites>;

export interface RecorderStore {
  /**
   * Reads the victims, has `plan` decide the writes from what it read, and writes them, as if
   * nothing else happened in between. `plan` may be called more than once (when a victim
   * changed under it); only the last call's writes are made.
   */
  run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void>;
  /**
   * Writes a batch planned from `expected` (victims the caller kept from an earlier batch), in
   * one transaction, if every one of them is still exactly as given (the state columns, which are
   * all a plan depends on, and the rest of the record with the person's columns when
   * `withPerson`; SQLite compares every column read); else writes nothing and answers false.
   */
  writeIfUnchanged(withPerson: boolean, expected: VictimRecord[], writes: BatchWrites): Promise<boolean>;
  /** The victims that exist among `ids`, read without a lock (a batch then writes them with writeIfUnchanged). */
  read(ids: number[], withPerson: boolean): Promise<VictimRecord[]>;
  /**
   * Stores that apply hits by themselves: reads the victims, plans (planHits) and writes in one
   * transaction, from the hits' journal lines; answers how many events were written.
   */
  applyLines?(lines: string | JournalRange, journal: { id: string; seq: number } | undefined): Promise<number>;
  /**
   * Stores that keep the hit journal in the database (PostgreSQL): commits a batch of journal
   * lines (`seq`, the batch's last hit) as one row of tracking_journal_lines.
   */
  appendJournal?(journalId: string, seq: number, lines: string): Promise<void>;
  /**
   * The journal in the database: called when this process may no longer hold the journal it
   * appends to (its lease connection was lost). Its rows are then another process's to apply.
   */
  onJournalLost?: (journalId: string) => void;
  /**
   * The journal in the database: applies, with `apply`, the journals of processes that are gone
   * (rows whose journal nobody holds), a page of lines at a time; answers how many hits.
   */
  recoverJournals?(apply: (journalId: string, lines: JournalLine[], upToSeq: number) => Promise<number>): Promise<number>;
  close(): void;
}

const STATE_COLUMNS = ['id', 'opened_at', 'clicked_at', 'succeeded_at', 'reported_at', 'vulnerable', 'opens', 'clicks', 'submits', 'os', 'browser', 'ip', 'proxy_ip', 'country'] as const;
/** The state columns a repeated hit can change (not the milestones, nor vulnerable). */
const TOUCH_COLUMNS = ['opens', 'clicks', 'submits', 'os', 'browser', 'ip', 'proxy_ip', 'country'];
const FACT_COLUMNS = ['client_id', 'campaign_id', 'scenario_id', 'language_id', 'submitted_at'];
const PERSON_COLUMNS = ['email', 'name', 'firstname', 'lastname', 'phone', 'staff_type', 'location', 'division', 'custom_fields'];
const EVENT_COLUMNS = ['client_id', 'campaign_id', 'scenario_id', 'victim_id', 'type', 'time', 'verdict', 'reasons', 'ip', 'proxy_ip', 'user_agent', 'os', 'browser', 'country', 'data'];
const INT_STATE: ReadonlySet<string> = new Set(['id', 'vulnerable', 'opens', 'clicks', 'submits']);
/** The counters a hit can move. */
const HIT_COUNTERS = ['opened', 'clicked', 'succeeded', 'vulnerable', 'reported', 'invalid_submits', 'automated_hits'] as const;
/** Rows per statement where a statement takes many (the Kysely fallback). */
const CHUNK = 100;
/** Victims changed under a batch this many times in a row: give up (the requests fail, nothing is half-written). */
const MAX_ATTEMPTS = 20;

const recordColumns = (withPerson: boolean) => [...STATE_COLUMNS, ...FACT_COLUMNS, ...(withPerson ? PERSON_COLUMNS : [])].join(', ');

function sameRecord(a: VictimRecord | undefined, b: VictimRecord, columns: readonly string[]): boolean {
  if (!a) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const c of columns) if (x[c] !== y[c]) return false;
  return true;
}

function stateValues(r: VictimState): unknown[] {
  return STATE_COLUMNS.map((c) => r[c]);
}

function counterValues(key: CounterKey, d: CountDeltas): unknown[] {
  return [key.clientId, key.campaignId, key.scenarioId, ...HIT_COUNTERS.map((c) => d[c] ?? 0)];
}

function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** SQLite statement texts (`?` placeholders). */
const LITE = {
  record: (withPerson: boolean) => `select ${recordColumns(withPerson)} from victims where id = ?`,
  insertEvent: `insert into tracking_events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  /** Parameters: updated_at, the state columns but id, id. */
  updateVictim: `update victims set updated_at = ?, ${STATE_COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ')} where id = ?`,
  /** The same upsert as stats/counters.ts `bump`, for the counters a hit moves. */
  journal: 'insert into tracking_journals (id, seq, updated_at) values (?, ?, ?) on conflict (id) do update set seq = excluded.seq, updated_at = excluded.updated_at',
  bump:
    `insert into campaign_counters (client_id, campaign_id, scenario_id, ${HIT_COUNTERS.join(', ')}) values (${['?', '?', '?', ...HIT_COUNTERS.map(() => '?')].join(', ')}) ` +
    `on conflict (campaign_id, scenario_id) do update set ${HIT_COUNTERS.map((c) => `${c} = campaign_counters.${c} + excluded.${c}`).join(', ')}`,
};

// ---- SQLite, own connection ------------------------------------------------------------------

const RECORD_COLUMNS = { plain: recordColumnList(false), person: recordColumnList(true) };

function recordColumnList(withPerson: boolean): string[] {
  return [...STATE_COLUMNS, ...FACT_COLUMNS, ...(withPerson ? PERSON_COLUMNS : [])];
}

function recordOf(row: readonly unknown[], columns: readonly string[]): VictimRecord {
  const r: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) r[columns[i]] = row[i];
  return r as unknown as VictimRecord;
}

function rowOf(r: VictimRecord, columns: readonly string[]): unknown[] {
  const row = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) row[i] = (r as unknown as Record<string, unknown>)[columns[i]];
  return row;
}

export class SqliteRecorderStore implements RecorderStore {
  private thread: WriterThread | null = null;
  private checkpointer: Worker | null = null;
  private reader: { db: BetterSqlite; plain: BetterStatement; person: BetterStatement } | null = null;

  constructor(
    private readonly file: string,
    private readonly db: Kysely<DB>,
  ) {}

  private writer(): WriterThread {
    if (!this.thread?.alive) {
      this.thread = new WriterThread(this.file, {
        insertEvent: LITE.insertEvent,
        updateVictim: LITE.updateVictim,
        bump: LITE.bump,
        journal: LITE.journal,
        read: { plain: LITE.record(false), person: LITE.record(true) },
        readState: `select ${STATE_COLUMNS.join(', ')} from victims where id = ?`,
        touchVictim: `update victims set updated_at = ?, ${TOUCH_COLUMNS.map((c) => `${c} = ?`).join(', ')} where id = ?`,
        touchColumns: TOUCH_COLUMNS,
        stateColumns: STATE_COLUMNS,
        hitCounters: HIT_COUNTERS,
        planModule: HIT_PLAN_MODULE,
      });
      this.checkpointer ??= startCheckpointer(this.file);
    }
    return this.thread;
  }

  /**
   * Reads on the event loop, through a connection of their own: a handful of primary-key lookups
   * cost less than a message to the writer thread and back, and in WAL mode they never wait for
   * the writer.
   */
  async read(ids: number[], withPerson: boolean): Promise<VictimRecord[]> {
    if (!this.reader) {
      const db = new (requireFrom(import.meta.url)('better-sqlite3') as BetterSqliteConstructor)(this.file);
      db.pragma('busy_timeout = 5000');
      this.reader = { db, plain: db.prepare(LITE.record(false)).raw(true), person: db.prepare(LITE.record(true)).raw(true) };
    }
    const get = withPerson ? this.reader.person : this.reader.plain;
    const columns = withPerson ? RECORD_COLUMNS.person : RECORD_COLUMNS.plain;
    const out: VictimRecord[] = [];
    for (const id of ids) {
      const row = get.get(id) as unknown[] | undefined;
      if (row) out.push(recordOf(row, columns));
    }
    return out;
  }

  /** On the writer thread, which holds the write lock from its reads to its commit: nothing to compare. */
  async applyLines(lines: string | JournalRange, journal: { id: string; seq: number } | undefined): Promise<number> {
    const updatedAt = new Date().toISOString();
    const writer = this.writer();
    const source = typeof lines === 'string' ? { text: lines } : { range: lines };
    return this.db.connection().execute(async () => writer.apply({ ...source, journal: journal ? [journal.id, journal.seq, updatedAt] : null, updatedAt }));
  }

  async run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const records = await this.read(ids, withPerson);
      const writes = await plan(records);
      if (!writes.events.length && !writes.journal) return; // nothing found: nothing to write
      if (await this.writeIfUnchanged(withPerson, records, writes)) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`tracking: victims kept changing under a batch (${attempt} attempts)`);
    }
  }

  async writeIfUnchanged(withPerson: boolean, expected: VictimRecord[], w: BatchWrites): Promise<boolean> {
    const columns = withPerson ? RECORD_COLUMNS.person : RECORD_COLUMNS.plain;
    const batch = {
      withPerson,
      expected: expected.map((r) => rowOf(r, columns)),
      events: w.events,
      victims: w.victims.map((v) => [w.updatedAt, ...stateValues(v).slice(1), v.id]),
      counters: w.counters.map((c) => counterValues(c.key, c.deltas)),
      journal: w.journal ? [w.journal.id, w.journal.seq, w.updatedAt] : null,
    };
    const writer = this.writer();
    // Holding Kysely's connection: no transaction of the rest of this process is open while the
    // writer thread holds the write lock (one would otherwise wait for it, blocking the event loop).
    return this.db.connection().execute(async () => writer.write(batch));
  }

  close(): void {
    this.thread?.close();
    this.thread = null;
    void this.checkpointer?.terminate();
    this.checkpointer = null;
    this.reader?.db.close();
    this.reader = null;
  }
}

interface BetterStatement {
  get(...params: unknown[]): unknown;
  raw(on: boolean): BetterStatement;
}
interface BetterSqlite {
  pragma(text: string): unknown;
  prepare(text: string): BetterStatement;
  close(): void;
}
type BetterSqliteConstructor = new (file: string) => BetterSqlite;

function requireFrom(url: string): NodeRequire {
  return createRequire(url);
}

/** How often the checkpointer thread copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * The checkpointer thread: its own connection, a PASSIVE checkpoint every
 * CHECKPOINT_INTERVAL_MS (it never blocks a writer, and does nothing when there is nothing to
 * copy). Plain JavaScript evaluated in the worker, so that it runs however the main thread loads
 * TypeScript. Unreferenced: it never keeps the process alive.
 */
const CHECKPOINTER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round tries again */ }
}, workerData.intervalMs);
`;

function startCheckpointer(file: string): Worker {
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  // Without the checkpointer the WAL only grows until another connection's commit checkpoints it.
  worker.on('error', () => {});
  return worker;
}

// ---- PostgreSQL ------------------------------------------------------------------------------

const INT_RECORD: ReadonlySet<string> = new Set([...INT_STATE, 'client_id', 'campaign_id', 'scenario_id', 'language_id']);
/** Victims' rows (JSON arrays, `columns` order) in parameter `$n`, as a FROM item named `name`. */
const jsonRows = (n: number, name: string, columns: readonly string[] = STATE_COLUMNS) =>
  `(select ${columns.map((c, i) => (INT_RECORD.has(c) ? `(e->>${i})::integer as ${c}` : `e->>${i} as ${c}`)).join(', ')} from jsonb_array_elements($${n}::jsonb) e) as ${name}`;
const COUNTER_TYPES = ['integer', 'integer', 'integer', ...HIT_COUNTERS.map(() => 'integer')];
const arrays = (types: readonly string[], from: number) => types.map((t, i) => `$${from + i}::${t}[]`).join(', ');
/** An event's columns in a journal line (`[seq, flags, ...event]`, journal.ts), as SQL over one jsonb element `e`. */
const EVENT_FROM_LINE = EVENT_COLUMNS.map((c, i) => (i < 4 ? `(e->>${i + 2})::integer` : `e->>${i + 2}`)).join(', ');

/** Rows as one array per column. */
function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < width; c++) cols[c][r] = rows[r][c];
  return cols;
}

/** A batch's events as a JSON array of rows, from their journal lines when the batch carries them. */
function eventsJson(w: BatchWrites): string {
  return w.eventLines?.() ?? JSON.stringify(w.events.map((e) => [0, 0, ...e]));
}

/**
 * A batch with at least this many events sends them with COPY, in a transaction with the batch
 * statement (which then has no events): PostgreSQL takes COPY's rows for about half of what
 * parsing them from JSON costs it (bench/README.md, sixth round), worth the transaction's three
 * more round trips for the journal's large batches, not for the few hits of a batch without one.
 */
const COPY_MIN_EVENTS = 256;
const COPY_EVENTS = `copy tracking_events (${EVENT_COLUMNS.join(', ')}) from stdin`;
/** In COPY's text format a backslash, tab, newline and return are escaped; NUL (which PostgreSQL's text cannot hold, and no hit carries) is replaced. */
const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_SPECIALS = /[\\\t\n\r\0]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD' };

function copyField(v: unknown): string {
  if (typeof v === 'string') return COPY_SPECIAL.test(v) ? v.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : v;
  if (v === null || v === undefined) return '\\N';
  return copyField(String(v));
}

/** Needs escaping, besides a tab (the separator: counted instead). */
const COPY_SPECIAL_NOT_TAB = /[\\\n\r\0]/;

/**
 * The events in COPY's text format: a line per row, its columns (EVENT_COLUMNS) separated by
 * tabs. A row is joined as it is and checked once (its tabs counted, the rest tested in one go);
 * only a row with something to escape, or a null, is built field by field (about 1 µs a row
 * against 3-4 for building every row so).
 */
export function copyRows(events: readonly (readonly unknown[])[]): string {
  const lines: string[] = new Array(events.length);
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    const line = e.join('\t');
    let tabs = 0;
    for (let at = line.indexOf('\t'); at !== -1; at = line.indexOf('\t', at + 1)) tabs++;
    lines[k] = tabs === e.length - 1 && !COPY_SPECIAL_NOT_TAB.test(line) && !e.includes(null) && !e.includes(undefined) ? line : e.map(copyField).join('\t');
  }
  return lines.join('\n') + '\n';
}

/** `COPY ... FROM STDIN` with its data, as a query pg can run (a Query that answers the server's CopyInResponse). */
class CopyIn extends pg.Query {
  constructor(
    text: string,
    private readonly data: Buffer,
    callback: (err: Error | undefined) => void,
  ) {
    super({ text }, undefined, callback);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }
}

/**
 * One statement for all of a batch's writes (data-modifying WITH clauses run as one). With
 * `expected`, the statement first locks those victims (in id order) and compares their state with
 * what the batch was planned from; every write is conditional on all of them being unchanged, and
 * the statement answers `ok` accordingly. Run outside a transaction it is one by itself.
 *
 * Rows travel as JSON arrays (one parameter per table): the events as their journal lines, the
 * victims' state as arrays in STATE_COLUMNS order; PostgreSQL takes them apart with
 * jsonb_array_elements and `->>`. Measured per row against one array parameter per column
 * (which pg serialises element by element): about half the event loop's time, and less of the
 * database's (jsonb_to_recordset, with objects, costs the database three times as much).
 */
function pgWrite(w: BatchWrites, expected?: { withPerson: boolean; records: VictimRecord[] }): CompiledQuery {
  const parts: string[] = [];
  const params: unknown[] = [];
  let unchanged = '';
  if (expected) {
    // A plan depends on the state columns only; a page's answer on the person's too.
    const cols = expected.withPerson ? recordColumnList(true) : STATE_COLUMNS;
    params.push(
      expected.records.map((r) => r.id),
      JSON.stringify(expected.records.map((r) => rowOf(r, cols))),
      expected.records.length,
    );
    const n = `$${params.length}::integer`;
    parts.push(
      `x as (select * from ${jsonRows(2, 'x', cols)})`,
      `l as (select ${cols.join(', ')} from victims where id = any($1::integer[]) order by id for update)`,
      `ok as (select (select count(*)::integer from l) = ${n} and ` +
        // Joined on id (an equality the planner can hash), then every column compared.
        `(select count(*)::integer from l join x on l.id = x.id and ${cols.filter((c) => c !== 'id').map((c) => `l.${c} is not distinct from x.${c}`).join(' and ')}) = ${n} as ok)`,
    );
    unchanged = '(select ok from ok)';
  }
  const where = (cond: string) => (unchanged ? (cond ? ` where ${cond} and ${unchanged}` : ` where ${unchanged}`) : cond ? ` where ${cond}` : '');
  if (w.events.length) {
    params.push(eventsJson(w));
    parts.push(`e as (insert into tracking_events (${EVENT_COLUMNS.join(', ')}) select ${EVENT_FROM_LINE} from jsonb_array_elements($${params.length}::jsonb) e${where('')})`);
  }
  if (w.victims.length) {
    params.push(w.updatedAt, JSON.stringify(w.victims.map(stateValues)), w.victims.map((v) => v.id));
    const at = params.length - 2;
    // The ids again as an array: PostgreSQL then finds the rows through the primary key whatever
    // it thinks of the JSON's size (without, a cached plan can join by scanning the whole table).
    parts.push(
      `v as (update victims set updated_at = $${at}, ${STATE_COLUMNS.slice(1).map((c) => `${c} = u.${c}`).join(', ')} ` +
        `from ${jsonRows(at + 1, 'u')}${where(`victims.id = any($${at + 2}::integer[]) and victims.id = u.id`)})`,
    );
  }
  if (w.counters.length) {
    const from = params.length + 1;
    params.push(...columnsOf(w.counters.map((c) => counterValues(c.key, c.deltas)), COUNTER_TYPES.length));
    parts.push(
      `c as (insert into campaign_counters (client_id, campaign_id, scenario_id, ${HIT_COUNTERS.join(', ')}) select * from unnest(${arrays(COUNTER_TYPES, from)})${where('')} ` +
        `on conflict (campaign_id, scenario_id) do update set ${HIT_COUNTERS.map((c) => `${c} = campaign_counters.${c} + excluded.${c}`).join(', ')})`,
    );
  }
  if (w.journal?.inDatabase) {
    params.push(w.journal.id, w.journal.seq);
    const n = params.length;
    parts.push(`j as (delete from tracking_journal_lines where journal_id = $${n - 1}::text and seq <= $${n}::bigint${unchanged ? ` and ${unchanged}` : ''})`);
  } else if (w.journal) {
    params.push(w.journal.id, w.journal.seq, w.updatedAt);
    const n = params.length;
    parts.push(
      `j as (insert into tracking_journals (id, seq, updated_at) select $${n - 2}::text, $${n - 1}::bigint, $${n}::text${where('')} ` +
        `on conflict (id) do update set seq = excluded.seq, updated_at = excluded.updated_at)`,
    );
  }
  return CompiledQuery.raw(`with ${parts.join(', ')} select ${unchanged || 'true'} as ok`, params);
}

/**
 * Statement texts and their names, for pg's named statements (prepared once per connection): one
 * map for the process, so that a name always means the same text on a pooled connection.
 */
const STATEMENT_NAMES = new Map<string, string>();
/** A handful of texts (which parts a batch has): each gets a name of its own. */
function statementName(text: string): string {
  let name = STATEMENT_NAMES.get(text);
  if (name === undefined) STATEMENT_NAMES.set(text, (name = `decoy_hits_${STATEMENT_NAMES.size + 1}`));
  return name;
}
interface Lease {
  id: string;
  client: pg.Client;
  /** Settles once the lock is held (or could not be taken). */
  held: Promise<void>;
}
const APPEND_JOURNAL = 'insert into tracking_journal_lines (journal_id, seq, lines) values ($1::text, $2::bigint, $3::text)';
/** A journal's session-level advisory lock key: held by its process for as long as it lives. */
const JOURNAL_LOCK = (n: number) => `hashtextextended('decoy.tracking_journal:' || $${n}::text, 0)`;
/**
 * The journals that have rows: one primary-key lookup per journal (a skip scan), not a read of
 * every row, however many rows waiting processes have left (say, after the database was away).
 */
const JOURNAL_IDS =
  'with recursive j(journal_id) as (select min(journal_id) from tracking_journal_lines ' +
  'union all select (select min(t.journal_id) from tracking_journal_lines t where t.journal_id > j.journal_id) from j where j.journal_id is not null) ' +
  'select journal_id from j where journal_id is not null';
/** Rows of a journal read at a time when recovering it. */
const RECOVER_ROWS = 500;

export class PostgresRecorderStore implements RecorderStore {

  /**
   * With `pool` (the one under `db`), the batch statement is a named one: PostgreSQL parses and
   * plans it once per connection instead of for every batch. That is about 1 ms of its time per
   * statement, which matters when the answer waits for the commit and a batch is a few dozen
   * hits (bench/README.md).
   */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly pool?: pg.Pool,
  ) {
    // The journal in the database needs a connection of its own to hold it (the lease): with a pool.
    if (!pool) this.appendJournal = undefined;
  }

  onJournalLost?: (journalId: string) => void;

  /**
   * This process's journal in the database and the connection that holds its advisory lock.
   * Another process applies a journal only when it can take that lock: when the process that
   * wrote it is gone (its connection closed), never while it lives.
   */
  private lease: Lease | null = null;

  /** On the lease's own connection: a row is written only while its journal is held. */
  appendJournal? = async (journalId: string, seq: number, lines: string): Promise<void> => {
    const lease = this.lease?.id === journalId ? this.lease : this.hold(journalId);
    await lease.held;
    await lease.client.query({ name: 'decoy_journal_append', text: APPEND_JOURNAL, values: [journalId, seq, lines] });
  };

  /** Takes the lease on a journal: a connection of its own, holding the journal's advisory lock. */
  private hold(journalId: string): Lease {
    this.dropLease();
    const client = new pg.Client({ ...this.pool!.options, keepAlive: true });
    const lease = { id: journalId, client, held: Promise.resolve() };
    const lost = () => {
      if (this.lease !== lease) return;
      this.lease = null;
      this.onJournalLost?.(journalId);
    };
    client.on('error', lost);
    client.on('end', lost);
    lease.held = (async () => {
      await client.connect();
      // Never waits: a journal held by another session (which cannot happen to a new one) is not this process's.
      const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${JOURNAL_LOCK(1)}) as ok`, [journalId]);
      if (!rows[0]?.ok) throw new Error(`tracking: the hit journal ${journalId} is held by another connection`);
    })();
    // A lease that could not be taken is not kept: its hits fail, and the next go to a new journal.
    lease.held.catch(() => {
      lost();
      void client.end().catch(() => {});
    });
    this.lease = lease;
    return lease;
  }

  private dropLease(): void {
    const lease = this.lease;
    this.lease = null;
    if (lease) void lease.client.end().catch(() => {});
  }

  async recoverJournals(apply: (journalId: string, lines: JournalLine[], upToSeq: number) => Promise<number>): Promise<number> {
    if (!this.pool) return 0;
    const own = this.lease?.id;
    const { rows: journals } = await this.pool.query<{ journal_id: string }>(JOURNAL_IDS);
    let applied = 0;
    for (const { journal_id: id } of journals) {
      if (id === own) continue;
      const client = await this.pool.connect();
      // A connection that may still hold the lock (its unlock failed) is closed, not pooled.
      let holding = false;
      try {
        const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${JOURNAL_LOCK(1)}) as ok`, [id]);
        if (!rows[0]?.ok) continue; // its process lives (or another one is recovering it)
        try {
          // Applying a page deletes its rows (up to its last row's seq): the next page starts after them.
          for (let done = -Infinity; ; ) {
            const page = await client.query<{ seq: number; lines: string }>('select seq, lines from tracking_journal_lines where journal_id = $1 order by seq limit $2', [id, RECOVER_ROWS]);
            if (!page.rows.length) break;
            // Rows already applied are back: stop rather than apply them again and again.
            if (page.rows[0].seq <= done) throw new Error(`tracking: recovering hit journal ${id} made no progress`);
            let text = '';
            for (const r of page.rows) text += r.lines;
            const upTo = page.rows[page.rows.length - 1].seq;
            done = upTo;
            const lines = parseJournal(text);
            if (lines.length) applied += await apply(id, lines, upTo);
            // Rows with no line that parses (none are written so) would otherwise be read forever.
            else await client.query('delete from tracking_journal_lines where journal_id = $1 and seq <= $2', [id, upTo]);
          }
        } finally {
          holding = true;
          await client.query(`select pg_advisory_unlock(${JOURNAL_LOCK(1)})`, [id]);
          holding = false;
        }
      } finally {
        client.release(holding);
      }
    }
    return applied;
  }

  async run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void> {
    await this.db.connection().execute(async (conn) => {
      await sql.raw('begin').execute(conn);
      try {
        const read = CompiledQuery.raw(`select ${recordColumns(withPerson)} from victims where id = any($1::integer[]) order by id for update`, [ids]);
        const records = (await conn.executeQuery<VictimRecord>(read)).rows;
        // The plan may load scenario caches meanwhile: through other pooled connections.
        const writes = await plan(records);
        if (writes.events.length || writes.journal) await conn.executeQuery(pgWrite(writes));
        await sql.raw('commit').execute(conn);
      } catch (err) {
        await sql.raw('rollback').execute(conn).catch(() => {});
        throw err;
      }
    });
  }

  async read(ids: number[], withPerson: boolean): Promise<VictimRecord[]> {
    return (await this.db.executeQuery<VictimRecord>(CompiledQuery.raw(`select ${recordColumns(withPerson)} from victims where id = any($1::integer[])`, [ids]))).rows;
  }

  /** One round trip: the statement locks, compares and writes (or not), and commits by itself. */
  async writeIfUnchanged(withPerson: boolean, expected: VictimRecord[], w: BatchWrites): Promise<boolean> {
    if (this.pool && w.events.length >= COPY_MIN_EVENTS) return this.copyAndWrite(this.pool, w, { withPerson, records: expected });
    const q = pgWrite(w, { withPerson, records: expected });
    return (await this.named<{ ok: boolean }>(q.sql, q.parameters as unknown[])).rows[0]?.ok === true;
  }

  /**
   * writeIfUnchanged for a large batch: its events through COPY, then the batch statement without
   * them (lock, compare, victims, counters, journal), in one transaction, committed only if the
   * victims were unchanged.
   */
  private async copyAndWrite(pool: pg.Pool, w: BatchWrites, expected: { withPerson: boolean; records: VictimRecord[] }): Promise<boolean> {
    const data = Buffer.from(copyRows(w.events));
    const q = pgWrite({ ...w, events: [], eventLines: undefined }, expected);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      await new Promise<void>((resolve, reject) => client.query(new CopyIn(COPY_EVENTS, data, (err) => (err ? reject(err) : resolve()))));
      const ok = (await client.query<{ ok: boolean }>({ name: statementName(q.sql), text: q.sql, values: q.parameters as unknown[] })).rows[0]?.ok === true;
      await client.query(ok ? 'commit' : 'rollback');
      return ok;
    } catch (err) {
      // After an error from PostgreSQL the transaction is rolled back and the connection pooled
      // again; after anything else (a lost connection) it is closed.
      await client.query('rollback').catch((e: Error) => (broken = e));
      if (!(err instanceof pg.DatabaseError)) broken ??= err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Runs a statement as a named one when there is a pool (else through Kysely). */
  private async named<R>(text: string, values: unknown[]): Promise<{ rows: R[] }> {
    if (!this.pool) return this.db.executeQuery<R>(CompiledQuery.raw(text, values));
    return this.pool.query<R & pg.QueryResultRow>({ name: statementName(text), text, values });
  }

  /** Lets go of this process's journal in the database (after flush: all of it is applied). */
  close(): void {
    this.dropLease();
  }
}

// ---- SQLite through Kysely (in-memory databases) ---------------------------------------------

export class KyselySqliteRecorderStore implements RecorderStore {
  constructor(private readonly db: Kysely<DB>) {}

  async read(ids: number[], withPerson: boolean): Promise<VictimRecord[]> {
    const records: VictimRecord[] = [];
    for (const part of chunks(ids)) {
      const q = CompiledQuery.raw(`select ${recordColumns(withPerson)} from victims where id in (${part.map(() => '?').join(', ')})`, part);
      records.push(...(await this.db.executeQuery<VictimRecord>(q)).rows);
    }
    return records;
  }

  async run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const records = await this.read(ids, withPerson);
      const writes = await plan(records);
      if (!writes.events.length && !writes.journal) return;
      if (await this.writeIfUnchanged(withPerson, records, writes)) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`tracking: victims kept changing under a batch (${attempt} attempts)`);
    }
  }

  async writeIfUnchanged(withPerson: boolean, expected: VictimRecord[], w: BatchWrites): Promise<boolean> {
    const columns = recordColumnList(withPerson);
    return this.db.connection().execute(async (conn) => {
      const run = (text: string, params: readonly unknown[]) => conn.executeQuery(CompiledQuery.raw(text, params as unknown[]));
      await sql.raw('begin immediate').execute(conn);
      try {
        for (const r of expected) {
          if (!sameRecord((await run(LITE.record(withPerson), [r.id])).rows[0] as VictimRecord | undefined, r, columns)) {
            await sql.raw('rollback').execute(conn);
            return false;
          }
        }
        for (const e of w.events) await run(LITE.insertEvent, e);
        for (const v of w.victims) await run(LITE.updateVictim, [w.updatedAt, ...stateValues(v).slice(1), v.id]);
        for (const c of w.counters) await run(LITE.bump, counterValues(c.key, c.deltas));
        if (w.journal) await run(LITE.journal, [w.journal.id, w.journal.seq, w.updatedAt]);
        await sql.raw('commit').execute(conn);
        return true;
      } catch (err) {
        await sql.raw('rollback').execute(conn).catch(() => {});
        throw err;
      }
    });
  }

  close(): void {}
}

/** The store for a database: SQLite files get their own connection. */
export function recorderStore(db: Kysely<DB>, dialect: Dialect, databaseUrl: string, pool?: pg.Pool): RecorderStore {
  if (dialect === 'postgres') return new PostgresRecorderStore(db, pool);
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  if (file && file !== ':memory:' && !file.startsWith('file::memory:')) return new SqliteRecorderStore(file, db);
  return new KyselySqliteRecorderStore(db);
}
