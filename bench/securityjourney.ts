/**
 * Security Journey streaming at scale: `GET /api/v2/enrollments?limit=1200000` over 1,000,000
 * enrollments (200,000 learners in 5 paths), answered by a real Decoy server in its own
 * process (`node bin/decoy.js serve --only admin`) over a real socket. Prints whether every
 * row arrived, the server's peak memory (VmHWM from /proc/<pid>/status; target < 300 MB), the
 * time, and its ratio to a bare query-and-serialise of the same rows in this process: the same
 * join, one plain SELECT through the driver (better-sqlite3 `iterate()`, or a PostgreSQL
 * cursor fetched 5,000 rows at a time), `JSON.stringify` of every row, written to /dev/null.
 *
 *   node --import tsx bench/securityjourney.ts                       # a temporary SQLite file
 *   DECOY_BENCH_DATABASE_URL=postgres://... node --import tsx bench/securityjourney.ts
 *   BENCH_ENROLLMENTS=1000000 BENCH_RUNS=3 (defaults)
 *   BENCH_SERVER_NODE_FLAGS='--max-old-space-size=256'   node flags for the server process
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { fmt, median, openBench, type Bench } from './helpers.ts';

const ENROLLMENTS = Number(process.env.BENCH_ENROLLMENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PATHS = 5;
const LEARNERS = Math.ceil(ENROLLMENTS / PATHS);
const T = '2026-01-15T08:30:00.000Z';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The query the read model runs per batch, here once over everything. */
const JOIN = `select e.id, l.email, l.first_name, l.last_name, e.path_id, p.role_name, e.status, e.level, e.last_engagement_at,
  e.created_at, e.updated_at, e.completed_at, e.required_total, e.required_passed, e.total_lessons, e.total_passed
  from enrollments e join learners l on l.id = e.learner_id join paths p on p.id = e.path_id
  where e.client_id = ? order by e.id`;

async function seed(b: Bench, clientId: number) {
  const series = (n: number, body: (i: string) => string) =>
    b.isPg ? `${body('g')} from generate_series(1, ${n}) as g` : `with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) ${body('i')} from s`;
  const pathIds: number[] = [];
  for (let i = 1; i <= PATHS; i++) {
    const rows = await b.bare.all<{ id: number }>(
      `insert into paths (client_id, library_key, name, description, role_name, created_at, updated_at) values (?, '', ?, '', ?, ?, ?) returning id`,
      [clientId, `Bench path ${i}`, i % 2 ? 'Security Apprentice' : 'Security Champion', T, T],
    );
    pathIds.push(rows[0].id);
  }
  // Learners: p<i>@bench.example.
  await b.bare.run(
    `insert into learners (client_id, email, first_name, last_name, country, points, link_version, created_at, updated_at) ` +
      series(LEARNERS, (i) => `select ${clientId}, 'p' || ${i} || '@bench.example', 'Person', 'Number ' || ${i}, 'Italy', ${i} % 100, 1, '${T}', '${T}'`),
  );
  // Every learner in every path, in an order that interleaves paths (ids by learner, then path).
  await b.bare.run(
    `insert into enrollments (client_id, learner_id, path_id, status, level, required_total, required_passed, total_lessons, total_passed,
       last_engagement_at, completed_at, created_at, updated_at)
     select ${clientId}, l.id, p.id,
       case l.id % 4 when 0 then 'not_started' when 1 then 'in_progress' when 2 then 'passed' else 'paused' end,
       l.id % 8, 17, l.id % 18, 20, l.id % 21,
       case when l.id % 4 = 0 then null else '${T}' end, case when l.id % 4 = 2 then '${T}' else null end, '${T}', '${T}'
     from learners l cross join paths p where l.client_id = ${clientId} and p.id in (${pathIds.join(',')})
     order by l.id, p.id
     limit ${ENROLLMENTS}`,
  );
  if (b.isPg) {
    await b.bare.run('vacuum analyze learners');
    await b.bare.run('vacuum analyze enrollments');
    await b.bare.run('analyze paths');
  } else {
    await b.bare.run('analyze');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function startServer(b: Bench, port: number): Promise<ChildProcess> {
  let url = b.config.databaseUrl;
  if (b.isPg && b.database.schema) url += `${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${b.database.schema}`)}`;
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, path.join(root, 'bin/decoy.js'), 'serve', '--only', 'admin'], {
    cwd: root,
    env: {
      ...process.env,
      DECOY_DATABASE_URL: url,
      DECOY_ADMIN_ADDR: `127.0.0.1:${port}`,
      DECOY_DATA_DIR: b.config.dataDir,
      DECOY_SECRET: b.config.secret,
      DECOY_LOG_LEVEL: 'warn',
      DECOY_API_RATE_LIMIT: '1000000',
      DECOY_ADMIN_EMAIL: 'bench@decoy.test',
      DECOY_ADMIN_PASSWORD: 'bench password, not secret',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Decoy admin:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return child;
}

/** Streams the report, counting rows as they pass (each row starts with `{"email":`); keeps nothing. */
function fetchAll(port: number, key: string): Promise<{ rows: number; bytes: number; ms: number; tail: string }> {
  const marker = '{"email":';
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v2/enrollments?limit=1200000', headers: { apikey: key } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`status ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let rows = 0;
      let bytes = 0;
      let carry = '';
      res.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        const text = carry + chunk;
        for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) rows++;
        carry = text.slice(-(marker.length - 1));
        // A marker cut in two is counted once: only whole markers are searched, and the carry is shorter than one.
      });
      res.on('end', () => resolve({ rows, bytes, ms: performance.now() - start, tail: carry }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The same rows, bare: one plain SELECT through the driver, JSON.stringify per row, to /dev/null. */
async function bare(b: Bench, clientId: number): Promise<{ rows: number; ms: number }> {
  const out = openSync('/dev/null', 'w');
  let rows = 0;
  let buf = '';
  const emit = (row: unknown) => {
    buf += JSON.stringify(row);
    rows++;
    if (buf.length > 1 << 20) {
      writeSync(out, buf);
      buf = '';
    }
  };
  const start = performance.now();
  try {
    if (!b.isPg) {
      const conn = new SqliteDatabase(b.config.databaseUrl.slice('sqlite:'.length), { readonly: true });
      for (const row of conn.prepare(JOIN).iterate(clientId)) emit(row);
      conn.close();
    } else {
      const client = new pg.Client({ connectionString: b.config.databaseUrl, options: `-c search_path=${b.database.schema}` });
      await client.connect();
      await client.query('begin');
      await client.query(`declare c no scroll cursor for ${JOIN.replace('?', '$1')}`, [clientId]);
      for (;;) {
        const r = await client.query('fetch 5000 from c');
        for (const row of r.rows) emit(row);
        if (r.rows.length < 5000) break;
      }
      await client.query('commit');
      await client.end();
    }
    writeSync(out, buf);
  } finally {
    closeSync(out);
  }
  return { rows, ms: performance.now() - start };
}

async function main() {
  const b = await openBench();
  let server: ChildProcess | undefined;
  try {
    console.log(`Security Journey streaming bench on ${b.label}; server node flags: ${process.env.BENCH_SERVER_NODE_FLAGS || '(none)'}`);
    const clientId = (await b.core.clients.defaultClient()).id;
    const made = await b.app.inject({
      method: 'PUT',
      url: '/api/api-keys',
      headers: { authorization: b.auth, 'content-type': 'application/json', 'x-decoy-client': String(clientId) },
      payload: JSON.stringify({ name: 'Security Journey connector' }),
    });
    if (made.statusCode !== 200) throw new Error(`key: ${made.body}`);
    const key = made.json().api_key.key as string;

    let t0 = performance.now();
    await seed(b, clientId);
    const [{ n }] = await b.bare.all<{ n: number }>('select count(*) as n from enrollments where client_id = ?', [clientId]);
    console.log(`inserted ${fmt(LEARNERS)} learners and ${fmt(Number(n))} enrollments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (Number(n) !== ENROLLMENTS) throw new Error(`expected ${ENROLLMENTS} enrollments, have ${n}`);
    if (b.isPg) {
      const plan = await b.bare.all<{ 'QUERY PLAN': string }>(`explain ${JOIN} limit 2000`.replace('order by e.id limit', 'and e.id > 500000 order by e.id limit'), [clientId]);
      console.log(`plan of one batch:\n  ${plan.map((p) => p['QUERY PLAN']).join('\n  ')}`);
    }

    const port = await freePort();
    t0 = performance.now();
    server = await startServer(b, port);
    const child = server;
    process.once('exit', () => child.kill('SIGTERM'));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
    const started = memory(server.pid!);
    console.log(`server (pid ${server.pid}) up in ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${started.rss.toFixed(0)} MB`);

    const decoy: number[] = [];
    const base: number[] = [];
    let peak = 0;
    for (let run = 1; run <= RUNS; run++) {
      const got = await fetchAll(port, key);
      const mem = memory(server.pid!);
      peak = Math.max(peak, mem.hwm);
      if (got.rows !== ENROLLMENTS || !got.tail.endsWith(']}')) throw new Error(`run ${run}: received ${got.rows} rows (expected ${ENROLLMENTS}), ending ${JSON.stringify(got.tail)}`);
      decoy.push(got.ms);
      const bareRun = await bare(b, clientId);
      if (bareRun.rows !== ENROLLMENTS) throw new Error(`bare run: ${bareRun.rows} rows`);
      base.push(bareRun.ms);
      console.log(
        `run ${run}: Decoy ${fmt(got.rows)} rows, ${(got.bytes / 1048576).toFixed(0)} MB in ${(got.ms / 1000).toFixed(2)} s (${fmt(got.rows / (got.ms / 1000))} rows/s), ` +
          `server VmHWM ${mem.hwm.toFixed(0)} MB, VmRSS ${mem.rss.toFixed(0)} MB; bare ${(bareRun.ms / 1000).toFixed(2)} s`,
      );
    }
    const d = median(decoy);
    const r = median(base);
    console.log('');
    console.log(`| ${fmt(ENROLLMENTS)} enrollments, limit=1200000 | median of ${RUNS} |`);
    console.log('|---|---|');
    console.log(`| rows received | ${fmt(ENROLLMENTS)} (every run) |`);
    console.log(`| Decoy server, time to last byte | ${(d / 1000).toFixed(2)} s |`);
    console.log(`| bare query + JSON.stringify per row | ${(r / 1000).toFixed(2)} s |`);
    console.log(`| **Decoy / bare** | **${(d / r).toFixed(2)}×** |`);
    console.log(`| server peak memory (VmHWM) | **${peak.toFixed(0)} MB** (target < 300 MB; ${started.rss.toFixed(0)} MB after start) |`);
    if (peak >= 300) console.log('peak memory over the 300 MB target');
  } finally {
    server?.kill('SIGTERM');
    await b.close();
  }
}

await main();
