/**
 * Recipients at scale, through the real admin server (fastify inject: JSON parsing, auth,
 * validation, tenant checks, serialisation) against the same work done bare through the same
 * driver, in the same run:
 *   1. PUT /api/recipient-groups/:id/recipients with 10,000 rows in one request
 *      vs. the same rows as a chunked multi-row INSERT (500 rows a statement, one transaction);
 *   2. GET /api/recipient-groups/:id/recipients?offset=90000&limit=100 of a 100,000-recipient
 *      group vs. SELECT * ... WHERE recipient_group_id = ? ORDER BY id LIMIT 100 OFFSET 90000.
 * The baseline is the driver itself (better-sqlite3 or pg) on its own connection, with a
 * prepared statement where the driver has one: no query builder, HTTP, validation or checks.
 *
 *   node --import tsx bench/recipients.ts                       # a temporary SQLite file
 *   DECOY_BENCH_DATABASE_URL=postgres://... node --import tsx bench/recipients.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Insertable } from 'kysely';
import pg from 'pg';
import { buildAdminServer } from '../src/api/server.ts';
import { loadConfig } from '../src/config.ts';
import { createCore } from '../src/core/index.ts';
import { INSERT_CHUNK } from '../src/core/people/people.ts';
import { seedReferenceData } from '../src/core/seed.ts';
import { migrate, now, openDatabase } from '../src/db/index.ts';
import type { RecipientTable } from '../src/db/schema.ts';

const BULK_ROWS = 10_000;
const BULK_RUNS = 5;
const BIG_GROUP = 100_000;
const PAGE_RUNS = 30;
const ADMIN = { email: 'bench@decoy.test', password: 'bench password, not secret' };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

function requestRows(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    name: `Person ${i}`,
    email: `person.${i}.${tag}@bench.example`,
    firstname: 'Person',
    lastname: String(i),
    division: `Division ${i % 17}`,
    location: `Site ${i % 5}`,
    staff_type: 'staff',
    language_id: null,
    ldap_based: false,
    custom_fields: [`cf${i % 3}`],
  }));
}

/** The rows as the service stores them: what the bare INSERT writes. */
function storedRows(n: number, tag: string, clientId: number, groupId: number): Insertable<RecipientTable>[] {
  const t = now();
  return requestRows(n, tag).map((r) => ({
    client_id: clientId,
    recipient_group_id: groupId,
    language_id: null,
    email: r.email,
    name: r.name,
    phone: '',
    staff_type: r.staff_type,
    location: r.location,
    division: r.division,
    comment: '',
    link: '',
    gender: '',
    ldap_based: 0,
    firstname: r.firstname,
    lastname: r.lastname,
    objectguid: '',
    external_id: '',
    custom_fields: JSON.stringify(r.custom_fields),
    last_tested: null,
    created_at: t,
    updated_at: t,
  }));
}

const COLUMNS = Object.keys(storedRows(1, 'x', 1, 1)[0]) as (keyof Insertable<RecipientTable>)[];

function insertText(rows: number, pgStyle: boolean) {
  const tuples = Array.from({ length: rows }, (_, r) => `(${COLUMNS.map((_c, c) => (pgStyle ? `$${r * COLUMNS.length + c + 1}` : '?')).join(', ')})`);
  return `insert into recipients (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
}

function flatten(rows: Insertable<RecipientTable>[]) {
  const params: unknown[] = [];
  for (const row of rows) for (const c of COLUMNS) params.push(row[c]);
  return params;
}

const PAGE_SQL = 'select * from recipients where recipient_group_id = $1 order by id limit 100 offset 90000';

/**
 * The baseline: the database driver itself (better-sqlite3 or pg), on its own connection,
 * with no query builder, HTTP, validation or tenant checks.
 */
interface Bare {
  /** Multi-row INSERTs of INSERT_CHUNK rows each, in one transaction. */
  insert(rows: Insertable<RecipientTable>[]): Promise<void>;
  page(groupId: number): Promise<{ id: number }[]>;
  close(): Promise<void>;
}

async function bareDriver(isPg: boolean, sqliteFile: string, url: string, schema?: string): Promise<Bare> {
  if (!isPg) {
    const conn = new SqliteDatabase(sqliteFile);
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = NORMAL');
    conn.pragma('busy_timeout = 10000');
    conn.pragma('foreign_keys = ON');
    const full = conn.prepare(insertText(INSERT_CHUNK, false));
    const page = conn.prepare(PAGE_SQL.replace('$1', '?'));
    return {
      async insert(rows) {
        conn.transaction(() => {
          for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
            const chunk = rows.slice(i, i + INSERT_CHUNK);
            (chunk.length === INSERT_CHUNK ? full : conn.prepare(insertText(chunk.length, false))).run(flatten(chunk));
          }
        })();
      },
      async page(groupId) {
        return page.all(groupId) as { id: number }[];
      },
      async close() {
        conn.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    async insert(rows) {
      await client.query('BEGIN');
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        await client.query({ text: insertText(chunk.length, true), values: flatten(chunk) });
      }
      await client.query('COMMIT');
    },
    async page(groupId) {
      return (await client.query({ text: PAGE_SQL, values: [groupId] })).rows;
    },
    async close() {
      await client.end();
    },
  };
}

async function main() {
  const url = process.env.DECOY_BENCH_DATABASE_URL || '';
  const dir = mkdtempSync(path.join(tmpdir(), 'decoy-bench-'));
  const isPg = url.startsWith('postgres');
  const schema = isPg ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const sqliteFile = path.join(dir, 'bench.db');
  const config = loadConfig(
    {
      DECOY_DATA_DIR: dir,
      DECOY_SECRET: 'bench-secret-'.padEnd(40, 'x'),
      DECOY_DATABASE_URL: isPg ? url : `sqlite:${sqliteFile}`,
      DECOY_LOG_LEVEL: 'silent',
    },
    { persistSecret: false },
  );
  const database = await openDatabase(config.databaseUrl, { schema });
  try {
    await migrate(database);
    const core = createCore(database, config);
    await seedReferenceData(core);
    await core.access.ensureFirstAdmin(ADMIN.email, ADMIN.password);
    const app = await buildAdminServer(core, { logger: false });
    await app.ready();
    const auth = await app.inject({ method: 'POST', url: '/api/auth', payload: ADMIN });
    const headers = { authorization: `Bearer ${auth.json().token}`, 'content-type': 'application/json' };
    const db = database.db;
    const bareDb = await bareDriver(isPg, sqliteFile, url, schema);
    const clientId = (await core.clients.defaultClient()).id;
    const newGroup = async (name: string) => {
      const res = await app.inject({ method: 'PUT', url: '/api/recipient-groups', headers, payload: { name, usb_attack: false } });
      return res.json().recipient_group.id as number;
    };

    console.log(`database: ${database.dialect}${isPg ? ` (${url.replace(/\/\/[^@]*@/, '//***@')}, schema ${schema})` : ''}; node ${process.version}`);

    // 1. Bulk create: interleaved, a warm-up of each first.
    const api: number[] = [];
    const bare: number[] = [];
    for (let run = -1; run < BULK_RUNS; run++) {
      const apiGroup = await newGroup(`api ${run}`);
      const payload = JSON.stringify(requestRows(BULK_ROWS, `api${run}`));
      let t0 = performance.now();
      const res = await app.inject({ method: 'PUT', url: `/api/recipient-groups/${apiGroup}/recipients`, headers, payload });
      const apiTime = performance.now() - t0;
      if (res.statusCode !== 200 || res.json().recipient_group.recipient_count !== BULK_ROWS) throw new Error(`bulk create: ${res.statusCode} ${res.body.slice(0, 300)}`);

      const bareGroup = await newGroup(`bare ${run}`);
      const rows = storedRows(BULK_ROWS, `bare${run}`, clientId, bareGroup);
      t0 = performance.now();
      await bareDb.insert(rows);
      const bareTime = performance.now() - t0;
      if (run >= 0) {
        api.push(apiTime);
        bare.push(bareTime);
      }
    }
    const apiMed = median(api);
    const bareMed = median(bare);
    console.log(`\n1. create ${BULK_ROWS.toLocaleString('en')} recipients in one request (median of ${BULK_RUNS})`);
    console.log(`   PUT /api/recipient-groups/:id/recipients : ${ms(apiMed)}  (${Math.round(BULK_ROWS / (apiMed / 1000)).toLocaleString('en')} rows/s)`);
    console.log(`   bare ${isPg ? 'pg' : 'better-sqlite3'}: multi-row INSERT (${INSERT_CHUNK} rows/statement, 1 transaction): ${ms(bareMed)}`);
    console.log(`   ratio: ${(apiMed / bareMed).toFixed(2)}x`);

    // 2. A deep page of a 100,000-recipient group (beside the ~110,000 rows of part 1).
    const big = await newGroup('big');
    for (let i = 0; i < BIG_GROUP; i += BULK_ROWS) {
      const rows = storedRows(BULK_ROWS, `big${i}`, clientId, big);
      await bareDb.insert(rows);
    }
    // What autovacuum does after a load this size (PostgreSQL 13+ vacuums after inserts too):
    // fresh statistics, and a visibility map that lets the page's ids come from the index alone.
    if (isPg) await sql`VACUUM ANALYZE recipients`.execute(db);
    const url2 = `/api/recipient-groups/${big}/recipients?offset=90000&limit=100`;
    const pageApi: number[] = [];
    const pageBare: number[] = [];
    let expectedFirst = '';
    for (let run = -3; run < PAGE_RUNS; run++) {
      let t0 = performance.now();
      const res = await app.inject({ method: 'GET', url: url2, headers: { authorization: headers.authorization } });
      const apiTime = performance.now() - t0;
      t0 = performance.now();
      const rows = await bareDb.page(big);
      const bareTime = performance.now() - t0;
      const got = res.json().recipients;
      if (res.statusCode !== 200 || got.length !== 100 || rows.length !== 100 || got[0].id !== rows[0].id) throw new Error(`page: ${res.statusCode} ${res.body.slice(0, 300)}`);
      expectedFirst = (rows[0] as unknown as { email: string }).email;
      if (run >= 0) {
        pageApi.push(apiTime);
        pageBare.push(bareTime);
      }
    }
    const pApi = median(pageApi);
    const pBare = median(pageBare);
    console.log(`\n2. page at offset 90,000 (limit 100) of a ${BIG_GROUP.toLocaleString('en')}-recipient group (median of ${PAGE_RUNS}; first row ${expectedFirst})`);
    console.log(`   GET ${url2.replace(String(big), ':id')} : ${ms(pApi)}`);
    console.log(`   bare ${isPg ? 'pg' : 'better-sqlite3'}: ${PAGE_SQL}: ${ms(pBare)}`);
    console.log(`   ratio: ${(pApi / pBare).toFixed(2)}x`);
    console.log(`   plan (API): ${(await core.people.explainRecipientPage(big, { offset: 90_000, limit: 100 })).map((l) => l.trim()).join(' | ')}`);
    const barePlan = await sql.raw<Record<string, unknown>>(`${isPg ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${PAGE_SQL.replace('$1', String(big))}`).execute(db);
    console.log(`   plan (bare): ${barePlan.rows.map((r) => String(r.detail ?? r['QUERY PLAN']).trim()).join(' | ')}`);
    await app.close();
    await bareDb.close();
  } finally {
    await database.close();
    if (isPg && schema) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
