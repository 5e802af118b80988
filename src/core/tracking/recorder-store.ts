/**
 * The recorder's database access. A batch is read, planned (by the recorder, from what was
 * read) and written atomically, in a fixed number of statements or round trips whatever its
 * size.
 *
 * SQLite: the recorder works through its own connection to the database file, with
 * single-row statements prepared once and reused (Kysely prepares every statement anew, and
 * with better-sqlite3 a prepared single-row statement run N times costs about half of one
 * N-row statement: binding hundreds of parameters in one call is the expensive part). The
 * victims are read first, without a lock; the plan is made (it may need the scenario caches,
 * which query through Kysely); then, holding Kysely's connection so that no transaction of the
 * rest of the application is open meanwhile, one synchronous `BEGIN IMMEDIATE` transaction
 * checks that none of the victims changed since the read (else it starts over) and writes.
 * Checkpoints (copying the WAL back into the database file, with fsync) run on a thread of
 * their own, not in the middle of a batch on the event loop.
 *
 * PostgreSQL: four round trips a batch: BEGIN; the victims read with `FOR UPDATE` (in id
 * order, so concurrent batches cannot deadlock on them); one statement that inserts the
 * events, updates the victims and bumps the counters (rows travel as one array per column);
 * COMMIT.
 *
 * An in-memory SQLite database (which a second connection cannot open) goes through Kysely,
 * as SQLite does otherwise.
 */
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Dialect } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import type { CountDeltas } from '../stats/counters.ts';

/** The victim columns a hit can change. */
export interface VictimState {
  id: number;
  opened_at: string | null;
  clicked_at: string | null;
  succeeded_at: string | null;
  reported_at: string | null;
  vulnerable: number;
  opens: number;
  clicks: number;
  submits: number;
  os: string;
  browser: string;
  ip: string;
  proxy_ip: string;
  country: string;
}

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
}

export type BatchPlan = (victims: VictimRecord[]) => Promise<BatchWrites>;

export interface RecorderStore {
  /**
   * Reads the victims, has `plan` decide the writes from what it read, and writes them, as if
   * nothing else happened in between. `plan` may be called more than once (when a victim
   * changed under it); only the last call's writes are made.
   */
  run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void>;
  close(): void;
}

const STATE_COLUMNS = ['id', 'opened_at', 'clicked_at', 'succeeded_at', 'reported_at', 'vulnerable', 'opens', 'clicks', 'submits', 'os', 'browser', 'ip', 'proxy_ip', 'country'] as const;
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

function sameState(a: VictimState | undefined, b: VictimState): boolean {
  if (!a) return false;
  for (const c of STATE_COLUMNS) if (a[c] !== b[c]) return false;
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
  state: `select ${STATE_COLUMNS.join(', ')} from victims where id = ?`,
  insertEvent: `insert into tracking_events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  /** Parameters: updated_at, the state columns but id, id. */
  updateVictim: `update victims set updated_at = ?, ${STATE_COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ')} where id = ?`,
  /** The same upsert as stats/counters.ts `bump`, for the counters a hit moves. */
  bump:
    `insert into campaign_counters (client_id, campaign_id, scenario_id, ${HIT_COUNTERS.join(', ')}) values (${['?', '?', '?', ...HIT_COUNTERS.map(() => '?')].join(', ')}) ` +
    `on conflict (campaign_id, scenario_id) do update set ${HIT_COUNTERS.map((c) => `${c} = campaign_counters.${c} + excluded.${c}`).join(', ')}`,
};

// ---- SQLite, own connection ------------------------------------------------------------------

export class SqliteRecorderStore implements RecorderStore {
  private conn: SqliteDatabase.Database | null = null;
  private checkpointer: Worker | null = null;
  private readonly prepared = new Map<string, SqliteDatabase.Statement>();

  constructor(
    private readonly file: string,
    private readonly db: Kysely<DB>,
  ) {}

  private connection(): SqliteDatabase.Database {
    if (!this.conn) {
      const c = new SqliteDatabase(this.file);
      c.pragma('journal_mode = WAL');
      c.pragma('synchronous = NORMAL');
      // In this process nobody else writes while a batch does (see the file comment); another process may, briefly.
      c.pragma('busy_timeout = 5000');
      c.pragma('foreign_keys = ON');
      c.pragma('wal_autocheckpoint = 0');
      this.conn = c;
      this.checkpointer = startCheckpointer(this.file);
    }
    return this.conn;
  }

  private stmt(text: string): SqliteDatabase.Statement {
    let s = this.prepared.get(text);
    if (!s) {
      s = this.connection().prepare(text);
      this.prepared.set(text, s);
    }
    return s;
  }

  async run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const read = this.stmt(LITE.record(withPerson));
      const records: VictimRecord[] = [];
      for (const id of ids) {
        const r = read.get(id) as VictimRecord | undefined;
        if (r) records.push(r);
      }
      const writes = await plan(records);
      if (!writes.events.length) return; // nothing found: nothing to write
      const written = await this.db.connection().execute(async () => this.write(records, writes));
      if (written) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`tracking: victims kept changing under a batch (${attempt} attempts)`);
    }
  }

  /** One synchronous transaction; false (nothing written) when a victim changed since it was read. */
  private write(records: VictimRecord[], w: BatchWrites): boolean {
    const conn = this.connection();
    const state = this.stmt(LITE.state);
    const insert = this.stmt(LITE.insertEvent);
    const update = this.stmt(LITE.updateVictim);
    const bump = this.stmt(LITE.bump);
    conn.exec('begin immediate');
    try {
      for (const r of records) {
        if (!sameState(state.get(r.id) as VictimState | undefined, r)) {
          conn.exec('rollback');
          return false;
        }
      }
      for (const e of w.events) insert.run(e);
      for (const v of w.victims) {
        update.run(w.updatedAt, v.opened_at, v.clicked_at, v.succeeded_at, v.reported_at, v.vulnerable, v.opens, v.clicks, v.submits, v.os, v.browser, v.ip, v.proxy_ip, v.country, v.id);
      }
      for (const c of w.counters) bump.run(counterValues(c.key, c.deltas));
      conn.exec('commit');
      return true;
    } catch (err) {
      if (conn.inTransaction) conn.exec('rollback');
      throw err;
    }
  }

  close(): void {
    this.prepared.clear();
    this.conn?.close();
    this.conn = null;
    void this.checkpointer?.terminate();
    this.checkpointer = null;
  }
}

/** How often the checkpointer thread copies the WAL back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

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

const EVENT_TYPES = ['integer', 'integer', 'integer', 'integer', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
const STATE_TYPES = STATE_COLUMNS.map((c) => (INT_STATE.has(c) ? 'integer' : 'text'));
const COUNTER_TYPES = ['integer', 'integer', 'integer', ...HIT_COUNTERS.map(() => 'integer')];
const arrays = (types: readonly string[], from: number) => types.map((t, i) => `$${from + i}::${t}[]`).join(', ');

/** Rows as one array per column. */
function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < width; c++) cols[c][r] = rows[r][c];
  return cols;
}

/** One statement for all of a batch's writes (data-modifying WITH clauses run as one). */
function pgWrite(w: BatchWrites): CompiledQuery {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (w.events.length) {
    const from = params.length + 1;
    params.push(...columnsOf(w.events, EVENT_COLUMNS.length));
    parts.push(`e as (insert into tracking_events (${EVENT_COLUMNS.join(', ')}) select * from unnest(${arrays(EVENT_TYPES, from)}))`);
  }
  if (w.victims.length) {
    params.push(w.updatedAt);
    const at = params.length;
    params.push(...columnsOf(w.victims.map(stateValues), STATE_COLUMNS.length));
    parts.push(
      `v as (update victims set updated_at = $${at}, ${STATE_COLUMNS.slice(1).map((c) => `${c} = u.${c}`).join(', ')} ` +
        `from unnest(${arrays(STATE_TYPES, at + 1)}) as u(${STATE_COLUMNS.join(', ')}) where victims.id = u.id)`,
    );
  }
  if (w.counters.length) {
    const from = params.length + 1;
    params.push(...columnsOf(w.counters.map((c) => counterValues(c.key, c.deltas)), COUNTER_TYPES.length));
    parts.push(
      `c as (insert into campaign_counters (client_id, campaign_id, scenario_id, ${HIT_COUNTERS.join(', ')}) select * from unnest(${arrays(COUNTER_TYPES, from)}) ` +
        `on conflict (campaign_id, scenario_id) do update set ${HIT_COUNTERS.map((c) => `${c} = campaign_counters.${c} + excluded.${c}`).join(', ')})`,
    );
  }
  return CompiledQuery.raw(`with ${parts.join(', ')} select 1`, params);
}

export class PostgresRecorderStore implements RecorderStore {
  constructor(private readonly db: Kysely<DB>) {}

  async run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void> {
    await this.db.connection().execute(async (conn) => {
      await sql.raw('begin').execute(conn);
      try {
        const read = CompiledQuery.raw(`select ${recordColumns(withPerson)} from victims where id = any($1::integer[]) order by id for update`, [ids]);
        const records = (await conn.executeQuery<VictimRecord>(read)).rows;
        // The plan may load scenario caches meanwhile: through other pooled connections.
        const writes = await plan(records);
        if (writes.events.length) await conn.executeQuery(pgWrite(writes));
        await sql.raw('commit').execute(conn);
      } catch (err) {
        await sql.raw('rollback').execute(conn).catch(() => {});
        throw err;
      }
    });
  }

  close(): void {}
}

// ---- SQLite through Kysely (in-memory databases) ---------------------------------------------

export class KyselySqliteRecorderStore implements RecorderStore {
  constructor(private readonly db: Kysely<DB>) {}

  async run(ids: number[], withPerson: boolean, plan: BatchPlan): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const records: VictimRecord[] = [];
      for (const part of chunks(ids)) {
        const q = CompiledQuery.raw(`select ${recordColumns(withPerson)} from victims where id in (${part.map(() => '?').join(', ')})`, part);
        records.push(...(await this.db.executeQuery<VictimRecord>(q)).rows);
      }
      const writes = await plan(records);
      if (!writes.events.length) return;
      const written = await this.db.connection().execute(async (conn) => {
        const run = (text: string, params: readonly unknown[]) => conn.executeQuery(CompiledQuery.raw(text, params as unknown[]));
        await sql.raw('begin immediate').execute(conn);
        try {
          for (const r of records) {
            if (!sameState((await run(LITE.state, [r.id])).rows[0] as VictimState | undefined, r)) {
              await sql.raw('rollback').execute(conn);
              return false;
            }
          }
          for (const e of writes.events) await run(LITE.insertEvent, e);
          for (const v of writes.victims) await run(LITE.updateVictim, [writes.updatedAt, ...stateValues(v).slice(1), v.id]);
          for (const c of writes.counters) await run(LITE.bump, counterValues(c.key, c.deltas));
          await sql.raw('commit').execute(conn);
          return true;
        } catch (err) {
          await sql.raw('rollback').execute(conn).catch(() => {});
          throw err;
        }
      });
      if (written) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`tracking: victims kept changing under a batch (${attempt} attempts)`);
    }
  }

  close(): void {}
}

/** The store for a database: SQLite files get their own connection. */
export function recorderStore(db: Kysely<DB>, dialect: Dialect, databaseUrl: string): RecorderStore {
  if (dialect === 'postgres') return new PostgresRecorderStore(db);
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  if (file && file !== ':memory:' && !file.startsWith('file::memory:')) return new SqliteRecorderStore(file, db);
  return new KyselySqliteRecorderStore(db);
}
