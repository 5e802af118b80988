/**
 * Tracking hits per second, each durably recorded before the response, against a bare
 * `node:http` server answering the same 1×1 GIF, under the same load (autocannon, run in a
 * child process so that it does not share the servers' event loop):
 *   (a) bare node:http answering the GIF to every path;
 *   (b) Decoy's open pixel  GET /o/<token>.gif;
 *   (c) Decoy's click       GET /l/<token> (records the click, answers the landing page);
 * every request a different victim's token (a campaign of 10,000 victims), a browser user
 * agent (so every hit is human and moves its victim and the counters). A 2xx answer means the
 * hit is durably recorded: in the process's hit journal file (DECOY_TRACKING_JOURNAL=on, the
 * default with SQLite), in the hit journal in the database (database, the default with
 * PostgreSQL), or with its own transaction committed (off). After each Decoy
 * run the recorder is flushed and the event rows are counted: every 2xx answer must be in the
 * database (there can be a few more rows than 2xx answers: hits recorded while autocannon was
 * already stopping).
 *
 *   node --import tsx bench/tracking.ts                       # a temporary SQLite file
 *   DECOY_BENCH_DATABASE_URL=postgres://... node --import tsx bench/tracking.ts
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_VICTIMS=10000 BENCH_ONLY=a,b,c BENCH_ROUNDS=3 (defaults)
 *   DECOY_TRACKING_JOURNAL=auto|on|database|off (default auto); BENCH_THREADS=1 prints every thread's CPU per request
 *   BENCH_KEEP=1 keeps the PostgreSQL schema afterwards (its name is printed), to look at its tables' statistics
 * The runs go in rounds of (a), (b), (c); each ratio is against the bare run of its round, and the
 * figure is the median of the rounds' ratios.
 * With PostgreSQL on this machine, the CPU its server processes used per hit is printed too.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createCore } from '../src/core/index.ts';
import { seedReferenceData } from '../src/core/seed.ts';
import { ensureCounterRows } from '../src/core/stats/counters.ts';
import { migrate, now, openDatabase } from '../src/db/index.ts';
import { buildTrackingServer } from '../src/tracking/server.ts';
import { PIXEL_GIF } from '../src/tracking/pages.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const VICTIMS = Number(process.env.BENCH_VICTIMS ?? 10_000);
const WARMUP_SECONDS = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Linux clock ticks per second (USER_HZ), the unit of /proc/<pid>/task/<tid>/stat times. */
const CLOCK_TICKS = 100;
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

interface LoadResult {
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p99: number;
  /** CPU time (µs) the load generator used during the run. */
  loadCpu: number;
}

// ---- the load generator (child process) ------------------------------------------------------
async function loadMode(url: string, pathsFile: string, seconds: number): Promise<void> {
  // autocannon ships no type declarations.
  type Autocannon = (opts: Record<string, unknown>) => Promise<{
    requests: { average: number };
    latency: { p99: number };
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
  }>;
  const { default: autocannon } = (await import('autocannon' as string)) as { default: Autocannon };
  const paths: string[] = JSON.parse(readFileSync(pathsFile, 'utf8'));
  // Each connection cycles through its own slice of the victims, its requests built once up front
  // (building each request anew costs the load generator more than the bare server spends).
  const slice = Math.ceil(paths.length / CONNECTIONS);
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'user-agent': UA },
    setupClient: (client: { setRequests(r: { method: string; path: string }[]): void }) => {
      const k = next++ % CONNECTIONS;
      client.setRequests(paths.slice(k * slice, (k + 1) * slice).map((p) => ({ method: 'GET', path: p })));
    },
  });
  const out: LoadResult = {
    rps: result.requests.average,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p99: result.latency.p99,
    loadCpu: ((u) => u.user + u.system)(process.cpuUsage(cpuBefore)),
  };
  process.stdout.write(JSON.stringify(out));
}

function load(url: string, paths: string[], seconds: number, dir: string): Promise<LoadResult> {
  const file = path.join(dir, `paths-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(paths));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--load', url, file, String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** User plus system CPU time (µs) in a /proc/<pid>[/task/<tid>]/stat line. */
function cpuOfStat(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLOCK_TICKS;
}

// ---- the benchmark ---------------------------------------------------------------------------
async function main(): Promise<void> {
  const url = process.env.DECOY_BENCH_DATABASE_URL || '';
  const isPg = url.startsWith('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'decoy-bench-tracking-'));
  const schema = isPg ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const config = loadConfig(
    {
      DECOY_DATA_DIR: dir,
      DECOY_SECRET: randomBytes(24).toString('base64url'),
      DECOY_DATABASE_URL: isPg ? url : `sqlite:${path.join(dir, 'bench.db')}`,
      DECOY_LOG_LEVEL: 'silent',
      DECOY_TRACKING_JOURNAL: process.env.DECOY_TRACKING_JOURNAL ?? 'auto',
    },
    { persistSecret: false },
  );
  const database = await openDatabase(config.databaseUrl, { schema });
  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/gif', 'content-length': PIXEL_GIF.length, 'cache-control': 'no-store' });
    res.end(PIXEL_GIF);
  });
  try {
    await migrate(database);
    const core = createCore(database, config);
    await seedReferenceData(core);
    const db = database.db;
    const { scenarioId, victimIds } = await campaign(core, VICTIMS);
    const tokens = victimIds.map((id) => core.tracking.tokens.token(id));
    console.log(
      `database: ${database.dialect}${isPg ? ` (schema ${schema})` : ''}; hit journal ${config.trackingJournal}; node ${process.version}; ${VICTIMS} victims; ` +
        `autocannon ${CONNECTIONS} connections, ${SECONDS} s per run (after ${WARMUP_SECONDS} s warm-up), each request a different victim`,
    );

    const app = await buildTrackingServer(core, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const decoyUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

    const pixelPaths = tokens.map((t) => `/o/${t}.gif`);
    const clickPaths = tokens.map((t) => `/l/${t}`);
    const events = async (type: string) =>
      Number(
        (
          await db
            .selectFrom('tracking_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('type', '=', type)
            .executeTakeFirstOrThrow()
        ).n,
      );

    /** CPU time (µs) of each of this process's threads, by thread id. */
    const perThread = (): Map<string, number> => {
      const out = new Map<string, number>();
      try {
        for (const tid of readdirSync('/proc/self/task')) out.set(tid, cpuOfStat(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
      } catch {
        // not Linux
      }
      return out;
    };

    /** CPU time (µs) of this process's main thread (the event loop) and of all its threads, from /proc (Linux; zeros elsewhere). */
    const threadCpu = (): { main: number; all: number } => {
      const out = { main: 0, all: 0 };
      for (const [tid, us] of perThread()) {
        out.all += us;
        if (Number(tid) === process.pid) out.main += us;
      }
      return out;
    };

    /**
     * CPU time (µs) of every PostgreSQL server process on this machine (the bench's server shares
     * the cores): what the database spends on the hits. Zero with SQLite, which runs in-process.
     */
    const databaseCpu = (): number => {
      if (!isPg) return 0;
      let us = 0;
      try {
        for (const pid of readdirSync('/proc')) {
          if (!/^\d+$/.test(pid)) continue;
          try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            if (stat.includes('(postgres)')) us += cpuOfStat(stat);
          } catch {
            // gone meanwhile
          }
        }
      } catch {
        // not Linux
      }
      return us;
    };

    const runs: { name: string; r: LoadResult; type?: string; rows?: number; round: number }[] = [];
    const measure = async (name: string, base: string, paths: string[], type: string | undefined, round: number) => {
      await load(base, paths, WARMUP_SECONDS, dir);
      await core.tracking.flush();
      const before = type ? await events(type) : 0;
      const cpu = process.cpuUsage();
      const threads = threadCpu();
      const tids = perThread();
      const dbCpu = databaseCpu();
      const r = await load(base, paths, SECONDS, dir);
      const used = process.cpuUsage(cpu);
      const dbUsed = databaseCpu() - dbCpu;
      const threadsAfter = threadCpu();
      await core.tracking.flush();
      const rows = type ? (await events(type)) - before : undefined;
      // BENCH_THREADS=1: every thread's CPU per answered request (the event loop is the process id).
      if (process.env.BENCH_THREADS) {
        const split = [...perThread()].map(([tid, us]) => [tid, (us - (tids.get(tid) ?? 0)) / (r.ok + r.non2xx || 1)] as const).filter(([, us]) => us >= 0.5);
        console.log(`    threads (µs/req): ${split.map(([tid, us]) => `${Number(tid) === process.pid ? 'loop' : tid} ${us.toFixed(1)}`).join(', ')}`);
      }
      runs.push({ name, r, type, rows, round });
      // CPU time of this process (the servers) per answered request: less noisy than req/s on a busy machine.
      const answered = r.ok + r.non2xx || 1;
      const perRequest = (used.user + used.system) / answered;
      // Of which the event loop (HTTP, classification, planning); the rest is the SQLite writer and checkpointer threads, GC helpers.
      const loop = (threadsAfter.main - threads.main) / answered;
      console.log(
        `  ${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms   server CPU ${perRequest.toFixed(0).padStart(3)} µs/req ` +
          `(event loop ${loop.toFixed(0)})   load generator CPU ${(r.loadCpu / answered).toFixed(0)} µs/req   ${isPg && type ? `PostgreSQL CPU ${(dbUsed / answered).toFixed(0)} µs/req   ` : ''}2xx ${r.ok}   non-2xx ${r.non2xx}   errors ${r.errors}`,
      );
    };
    const only = (process.env.BENCH_ONLY ?? 'a,b,c').split(',');
    // Rounds of (a), (b), (c) in turn: each ratio is taken against the bare run of its own round
    // (the machine's speed drifts by a sixth within minutes), and the median of the rounds is the figure.
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`  round ${round} of ${ROUNDS}`);
      if (only.includes('a')) await measure('(a) bare node:http, 1x1 GIF', bareUrl, pixelPaths, undefined, round);
      if (only.includes('b')) await measure('(b) Decoy pixel  GET /o/:token.gif', decoyUrl, pixelPaths, 'open', round);
      if (only.includes('c')) await measure('(c) Decoy click  GET /l/:token', decoyUrl, clickPaths, 'click', round);
    }

    console.log('');
    let failed = false;
    for (const type of ['open', 'click']) {
      const mine = runs.filter((r) => r.type === type);
      if (!mine.length) continue;
      const ratios = mine.map((run) => run.r.rps / (runs.find((b) => !b.type && b.round === run.round)?.r.rps ?? NaN)).sort((x, y) => x - y);
      const ratio = median(ratios);
      let ok = 0;
      let rows = 0;
      let durable = true;
      for (const run of mine) {
        ok += run.r.ok;
        rows += run.rows!;
        if (run.rows! < run.r.ok) durable = false;
        if (run.rows! < run.r.ok || run.r.non2xx || run.r.errors) failed = true;
      }
      const range = ratios.length > 1 ? ` (rounds ${ratios.map((x) => `${(x * 100).toFixed(0)}%`).join(', ')})` : '';
      console.log(
        `  ${mine[0].name}: ${(ratio * 100).toFixed(0)}% of bare${range} (target >= 50%)${ratio >= 0.5 ? '' : '  BELOW TARGET'}; ` +
          `${rows} '${type}' events for ${ok} 2xx answers${durable ? ' (every 2xx recorded)' : '  MISSING EVENTS'}`,
      );
    }
    const s = core.tracking.recorder.stats;
    console.log(
      `  recorder: ${s.hits} hits in ${s.journaled} journal writes (average ${(s.hits / (s.journaled || 1)).toFixed(1)}) and ${s.batches} transactions (average ${(s.hits / s.batches).toFixed(1)}, largest ${s.largestBatch}); ` +
        `${s.fromMemory} batches planned from remembered victims, the others read them first`,
    );
    const c = await db.selectFrom('campaign_counters').selectAll().where('scenario_id', '=', scenarioId).executeTakeFirstOrThrow();
    console.log(`  counters: opened ${c.opened}, clicked ${c.clicked}, automated_hits ${c.automated_hits} (of ${VICTIMS} victims)`);
    await app.close();
    if (failed) process.exitCode = 1;
  } finally {
    bare.close();
    await database.close();
    if (isPg && schema && !process.env.BENCH_KEEP) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A running campaign: one client, one scenario with a login landing page, `n` victims sent an hour ago. */
async function campaign(core: ReturnType<typeof createCore>, n: number) {
  const db = core.database.db;
  const ts = now();
  const sent = new Date(Date.now() - 3_600_000).toISOString();
  const clientId = (await core.clients.defaultClient()).id;
  const en = await db.selectFrom('languages').select('id').where('code', '=', 'en').executeTakeFirstOrThrow();
  const template = await db
    .insertInto('scenario_templates')
    .values({
      client_id: clientId, type: 'data', name: 'Bench', description: '', no_landing: 0, category: '', audience: '', message_type: 'email',
      lure_message_type: 'email', license: '', license_priority: 0, enable: 1, forbid: 0, created_at: ts, updated_at: ts,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('scenario_template_contents')
    .values({
      client_id: clientId, scenario_template_id: template.id, language_id: en.id, sender_name: 'IT', sender_email: 'it@example.com', subject: 'Bench',
      email_html: '', email_text: '', lure_subject: '', lure_html: '', lure_text: '', attachment_name: '', created_at: ts, updated_at: ts,
      landing_html:
        '<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title><style>body{font-family:sans-serif}</style></head><body>' +
        '<h1>Hello {{firstname}}</h1><form method="post" action="{{form_action}}"><input name="username" value="{{email}}">' +
        '<input name="password" type="password"><button>Sign in</button></form></body></html>',
    })
    .execute();
  const c = await db
    .insertInto('campaigns')
    .values({ client_id: clientId, name: 'Bench', status: 'running', started_at: ts, created_at: ts, updated_at: ts } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const s = await db
    .insertInto('scenarios')
    .values({
      client_id: clientId, campaign_id: c.id, scenario_template_id: template.id, language_id: en.id, name: 'Bench', domain: 'bench.example',
      collect_data: 'partial', message_type: 'email', lure_message_type: 'email', status: 'running', success_action: 'post', track_opened_emails: 1,
      created_at: ts, updated_at: ts, started_at: ts,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const victimIds: number[] = [];
  for (let i = 0; i < n; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      rows.push({
        client_id: clientId, campaign_id: c.id, scenario_id: s.id, email: `person${j}@bench.example`, name: `Person ${j}`, firstname: 'Person',
        lastname: String(j), submitted_at: sent, created_at: ts, updated_at: ts,
      });
    }
    victimIds.push(...(await db.insertInto('victims').values(rows as never).returning('id').execute()).map((r) => r.id));
  }
  await ensureCounterRows(db, clientId, c.id);
  return { scenarioId: s.id, victimIds };
}

if (process.argv[2] === '--load') {
  await loadMode(process.argv[3], process.argv[4], Number(process.argv[5]));
} else {
  await main();
}
