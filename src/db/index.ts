import SqliteDatabase from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type DatabaseIntrospector, type Migration, type Transaction } from 'kysely';
import pg from 'pg';
import { ConfigError, redact } from '../config.ts';
import type { DB } from './schema.ts';
import * as m001 from './migrations/001_core.ts';
import * as m002 from './migrations/002_sending_tracking.ts';
import * as m003 from './migrations/003_campaign_recipients.ts';
import * as m004 from './migrations/004_exports_reports.ts';
import * as m005 from './migrations/005_access_tokens.ts';
import * as m006 from './migrations/006_victim_errors_index.ts';
import * as m007 from './migrations/007_training.ts';
import * as m008 from './migrations/008_awareness_certificates.ts';
import * as m009 from './migrations/009_victims_succeeded_index.ts';
import * as m010 from './migrations/010_frame_drafts.ts';
import * as m011 from './migrations/011_tracking_journals.ts';
import * as m012 from './migrations/012_tracking_write_path.ts';
import * as m013 from './migrations/013_tracking_journal_lines.ts';
import * as m014 from './migrations/014_campaign_approval_request.ts';
import * as m015 from './migrations/015_awareness_timed.ts';
import * as m016 from './migrations/016_victim_resend.ts';
import { PRIVATE_DIR, PRIVATE_FILE } from '../private-files.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** PostgreSQL: the schema in use when not the default. */
  schema?: string;
  /**
   * PostgreSQL: the pool under `db`, for long streamed reads that run Kysely-compiled queries
   * through pg's callback API (see core/securityjourney/reports.ts for why).
   */
  pool?: pg.Pool;
  /**
   * Bookkeeping that need not hold up the request that causes it: run now, not waited for, its
   * failure logged; close() waits for what is still running.
   */
  later?(what: string, work: () => Promise<unknown>): void;
  close(): Promise<void>;
}

/** `later` and a close() that waits for it, around a Kysely instance. */
function withLater(db: Kysely<DB>): Pick<Database, 'later' | 'close'> {
  const running = new Set<Promise<unknown>>();
  return {
    later(what, work) {
      const p: Promise<unknown> = work()
        .catch((err: unknown) => console.error(`decoy: ${what}: ${(err as Error).message}`))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async close() {
      await Promise.all(running);
      await db.destroy();
    },
  };
}

export type Executor = Kysely<DB> | Transaction<DB>;

// count(*) and bigint come back from pg as strings; every id and count here fits a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface OpenOptions {
  /** PostgreSQL only: use this schema (created if missing) — lets tests share one server. */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: PRIVATE_DIR });
    let sqlite: SqliteDatabase.Database;
    try {
      // A new database file is this user's only (SQLite gives its -wal and -shm files the database file's mode).
      if (file !== ':memory:') closeSync(openSync(file, 'a', PRIVATE_FILE));
      sqlite = new SqliteDatabase(file);
    } catch (err) {
      throw new ConfigError(`DECOY_DATABASE_URL: cannot open SQLite file ${file}: ${(err as Error).message}`);
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', ...withLater(db) };
  }
  const poolConfig: pg.PoolConfig = { connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 };
  if (options.schema) {
    const admin = new pg.Client({ connectionString: url });
    await connectOrExplain(admin, url);
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`);
    await admin.end();
    poolConfig.options = `-c search_path=${options.schema}`;
  }
  const pool = new pg.Pool(poolConfig);
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  // Nor one in use (in a transaction, a recovery, a COPY): pg-pool listens only to idle clients,
  // and an 'error' nobody listens to is thrown. Its queries fail with the error, and the pool
  // drops the client when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));
  const probe = await pool.connect().catch((err: Error) => {
    void pool.end();
    throw new ConfigError(`DECOY_DATABASE_URL: cannot connect to ${redact(url)}: ${err.message}`);
  });
  probe.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', schema: options.schema, pool, ...withLater(db) };
}

async function connectOrExplain(client: pg.Client, url: string) {
  try {
    await client.connect();
  } catch (err) {
    throw new ConfigError(`DECOY_DATABASE_URL: cannot connect to ${redact(url)}: ${(err as Error).message}`);
  }
}

const MIGRATIONS: Record<string, { up: (db: Kysely<any>, dialect: Dialect) => Promise<void> }> = {
  '001_core': m001,
  '002_sending_tracking': m002,
  '003_campaign_recipients': m003,
  '004_exports_reports': m004,
  '005_access_tokens': m005,
  '006_victim_errors_index': m006,
  '007_training': m007,
  '008_awareness_certificates': m008,
  '009_victims_succeeded_index': m009,
  '010_frame_drafts': m010,
  '011_tracking_journals': m011,
  '012_tracking_write_path': m012,
  '013_tracking_journal_lines': m013,
  '014_campaign_approval_request': m014,
  '015_awareness_timed': m015,
  '016_victim_resend': m016,
};

/**
 * Kysely's migrator asks whether its tables exist by listing every schema's tables, with their
 * columns, and resolving each by name (PostgreSQL): slow on a server with many schemas, wrong
 * when another schema has a table of that name, and failing ("does not exist") when someone
 * renames or drops a table of theirs meanwhile. It is given an introspection of this database's
 * own schema instead (names only, from the catalogue, nothing resolved), and the same Kysely
 * for everything else.
 */
function withOwnTablesIntrospection(db: Kysely<DB>, schema: string | undefined): Kysely<DB> {
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => (await sql<{ name: string }>`select nspname as name from pg_namespace`.execute(db)).rows,
    getTables: async () => {
      const { rows } = await sql<{ name: string; schema: string }>`
        select c.relname as name, n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = coalesce(${schema ?? null}::text, current_schema())`.execute(db);
      return rows.map((r) => ({ ...r, isView: false, columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export async function migrate(database: Database): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) migrations[name] = { up: (db) => m.up(db, database.dialect) };
  // With several schemas on one server (tests), Kysely must keep its bookkeeping in ours.
  const migrator = new Migrator({
    db: database.dialect === 'postgres' ? withOwnTablesIntrospection(database.db, database.schema) : database.db,
    provider: { getMigrations: async () => migrations },
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** The application's clock, as stored: ISO 8601 UTC with milliseconds. */
export function now(): string {
  return new Date().toISOString();
}
