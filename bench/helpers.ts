/**
 * Shared set-up of bench/sending.ts and bench/stats.ts: a throwaway database (a temporary
 * SQLite file, or a throwaway schema on the PostgreSQL server named by DECOY_BENCH_DATABASE_URL),
 * migrated and seeded as `decoy serve` does, the core, the admin server driven through inject(),
 * and a bare connection of the same driver (better-sqlite3 or pg, no query builder) for baselines.
 */
import { randomBytes } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildAdminServer } from '../src/api/server.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createCore, type Core } from '../src/core/index.ts';
import { COUNTERS } from '../src/core/stats/counters.ts';
import { seedReferenceData } from '../src/core/seed.ts';
import { migrate, openDatabase, type Database } from '../src/db/index.ts';

export const ADMIN = { email: 'bench@decoy.test', password: 'bench password, not secret' };

/** The database driver itself on its own connection: SQL text with `?` placeholders. */
export interface Bare {
  /** Runs one statement; returns the number of rows it changed. */
  run(text: string, params?: unknown[]): Promise<number>;
  all<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface Bench {
  isPg: boolean;
  /** What to print about the database. */
  label: string;
  config: Config;
  database: Database;
  core: Core;
  app: FastifyInstance;
  bare: Bare;
  /** A super admin's Authorization header. */
  auth: string;
  call(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function openBench(env: Record<string, string> = {}): Promise<Bench> {
  const url = process.env.DECOY_BENCH_DATABASE_URL || '';
  const isPg = url.startsWith('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'decoy-bench-'));
  const schema = isPg ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const sqliteFile = path.join(dir, 'bench.db');
  const config = loadConfig(
    {
      DECOY_DATA_DIR: dir,
      DECOY_SECRET: 'bench-secret-'.padEnd(40, 'x'),
      DECOY_DATABASE_URL: isPg ? url : `sqlite:${sqliteFile}`,
      DECOY_LOG_LEVEL: 'silent',
      DECOY_API_RATE_LIMIT: '1000000',
      ...env,
    },
    { persistSecret: false },
  );
  const database = await openDatabase(config.databaseUrl, { schema });
  await migrate(database);
  const core = createCore(database, config);
  await seedReferenceData(core);
  await core.access.ensureFirstAdmin(ADMIN.email, ADMIN.password);
  const app = await buildAdminServer(core, { logger: false });
  await app.ready();
  const signIn = await app.inject({ method: 'POST', url: '/api/auth', payload: ADMIN });
  const auth = `Bearer ${signIn.json().token}`;
  const bare = await bareDriver(isPg, sqliteFile, url, schema);
  const call: Bench['call'] = (method, u, body) =>
    app.inject({
      method: method as 'GET',
      url: u,
      headers: body === undefined ? { authorization: auth } : { authorization: auth, 'content-type': 'application/json' },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    isPg,
    label: `${database.dialect}${isPg ? ` (${url.replace(/\/\/[^@]*@/, '//***@')}, schema ${schema})` : ` (${sqliteFile})`}; node ${process.version}`,
    config,
    database,
    core,
    app,
    bare,
    auth,
    call,
    async close() {
      await app.close();
      await bare.close();
      await database.close();
      if (isPg && schema) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bareDriver(isPg: boolean, sqliteFile: string, url: string, schema?: string): Promise<Bare> {
  if (!isPg) {
    const conn = new SqliteDatabase(sqliteFile);
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = NORMAL');
    conn.pragma('busy_timeout = 10000');
    conn.pragma('foreign_keys = ON');
    return {
      async run(text, params = []) {
        return conn.prepare(text).run(...params).changes;
      },
      async all<T>(text: string, params: unknown[] = []) {
        return conn.prepare(text).all(...params) as T[];
      },
      async close() {
        conn.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  let n = 0;
  const pgText = (text: string) => text.replace(/\?/g, () => `$${++n}`);
  return {
    async run(text, params = []) {
      n = 0;
      return (await client.query(pgText(text), params)).rowCount ?? 0;
    },
    async all<T>(text: string, params: unknown[] = []) {
      n = 0;
      return (await client.query(pgText(text), params)).rows as T[];
    },
    async close() {
      await client.end();
    },
  };
}

/** Builds a campaign through the admin API: one scenario (a built-in hyperlink template), one group. */
export async function apiCampaign(b: Bench, groupId: number, name = 'Bench campaign'): Promise<{ campaignId: number; scenarioId: number }> {
  const clientId = (await b.core.clients.defaultClient()).id;
  const c = await b.call('PUT', '/api/campaigns', { name, client_id: clientId });
  if (c.statusCode !== 200) throw new Error(`create campaign: ${c.statusCode} ${c.body}`);
  const campaignId = c.json().campaign.id as number;
  const tpl = await b.call('GET', '/api/scenario-templates?type=hyperlink&builtin=true&limit=1');
  const templateId = tpl.json().scenario_templates[0].id as number;
  const s = await b.call('PUT', `/api/campaigns/${campaignId}/scenarios`, {
    name: 'Scenario',
    domain: 'login.example-corp.test',
    language_id: 1,
    scenario_template_id: templateId,
  });
  if (s.statusCode !== 200) throw new Error(`create scenario: ${s.statusCode} ${s.body}`);
  const add = await b.call('PUT', `/api/campaigns/${campaignId}/recipient-groups`, { id: groupId });
  if (add.statusCode !== 200) throw new Error(`add group: ${add.statusCode} ${add.body}`);
  return { campaignId, scenarioId: s.json().scenario.id };
}

export async function apiGroup(b: Bench, name: string): Promise<number> {
  const g = await b.call('PUT', '/api/recipient-groups', { name, usb_attack: false });
  if (g.statusCode !== 200) throw new Error(`create group: ${g.statusCode} ${g.body}`);
  return g.json().recipient_group.id;
}

/** The SMTP sink of bench/smtp-sink.ts, in another process. */
export interface Sink {
  port: number;
  url: string;
  count(): Promise<number>;
  /** Zeroes the count; resolves with the sink's CPU time so far (ms). */
  reset(): Promise<number>;
  cpuMs(): Promise<number>;
  stop(): void;
}

export async function startSink(): Promise<Sink> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = fork(path.join(here, 'smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (msg: string) =>
    new Promise<{ count: number; cpuMs: number }>((resolve) => {
      child.once('message', (m: any) => resolve(m));
      child.send(msg);
    });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: any) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    count: async () => (await ask('count')).count,
    reset: async () => (await ask('reset')).cpuMs,
    cpuMs: async () => (await ask('count')).cpuMs,
    stop: () => child.kill(),
  };
}

export const median = (xs: number[]) => quantile(xs, 0.5);
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** n rows numbered 1..n: a recursive CTE on SQLite, generate_series on PostgreSQL. */
export const numbers = (b: Bench, n: number) =>
  b.isPg ? `select g as n from generate_series(1, ${n}) g` : `with recursive s(n) as (select 1 union all select n + 1 from s where n < ${n}) select n from s`;

/**
 * A running campaign with `victims` people in one group and one victim each, written with bare
 * INSERT ... SELECT the way a started campaign stores them, everything at time `t`: all sent but
 * every 1000th (an error), every 3rd opened, every 5th clicked, every 20th succeeded, every 50th
 * reported; campaign_counters filled from the same rows. PostgreSQL: VACUUM ANALYZE afterwards,
 * as autovacuum would.
 */
export async function seedResultsCampaign(b: Bench, victims: number, t: string) {
  const clientId = (await b.core.clients.defaultClient()).id;
  const groupId = await apiGroup(b, 'Everyone');
  const { campaignId, scenarioId } = await apiCampaign(b, groupId);
  await b.bare.run(
    `insert into recipients (client_id, recipient_group_id, language_id, email, name, phone, staff_type, location, division, comment, link, gender,
       ldap_based, firstname, lastname, objectguid, external_id, custom_fields, last_tested, created_at, updated_at)
     select ?, ?, null, 'person.' || n || '@bench.example', 'Person ' || n, '', 'staff', 'Site ' || (n % 5), 'Division ' || (n % 17), '', '', '',
       0, 'Person', '' || n, '', '', '[]', ?, ?, ? from (${numbers(b, victims)}) nums`,
    [clientId, groupId, t, t, t],
  );
  const at = (k: number) => `case when r.id % ${k} = 0 then '${t}' end`;
  await b.bare.run(
    `insert into victims (client_id, campaign_id, scenario_id, recipient_id, language_id, email, name, firstname, lastname, phone, staff_type,
       location, division, comment, link, gender, custom_fields, send_at, submitted_at, attempts, error, error_text, error_time, error_type,
       opened_at, clicked_at, succeeded_at, reported_at, opens, clicks, created_at, updated_at)
     select r.client_id, ?, ?, r.id, 1, r.email, r.name, r.firstname, r.lastname, r.phone, r.staff_type, r.location, r.division, r.comment,
       r.link, r.gender, r.custom_fields, ?, case when r.id % 1000 = 0 then null else '${t}' end, 1,
       case when r.id % 1000 = 0 then 1 else 0 end, case when r.id % 1000 = 0 then '550 mailbox unavailable' else '' end,
       case when r.id % 1000 = 0 then '${t}' end, case when r.id % 1000 = 0 then 'attack' else '' end,
       ${at(3)}, ${at(5)}, ${at(20)}, ${at(50)}, case when r.id % 3 = 0 then 1 else 0 end, case when r.id % 5 = 0 then 1 else 0 end, ?, ?
     from recipients r where r.recipient_group_id = ? order by r.id`,
    [campaignId, scenarioId, t, t, t, groupId],
  );
  const [c] = await b.bare.all<Record<string, number>>(
    `select count(*) as victims, count(submitted_at) as submitted, count(opened_at) as opened, count(clicked_at) as clicked,
       count(succeeded_at) as succeeded, count(reported_at) as reported, sum(error) as errors, count(distinct email) as people
     from victims where campaign_id = ?`,
    [campaignId],
  );
  const counts: Record<string, number> = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
  for (const k of ['victims', 'submitted', 'opened', 'clicked', 'succeeded', 'reported', 'errors'] as const) counts[k] = Number(c[k]);
  await b.database.db
    .insertInto('campaign_counters')
    .values({ client_id: clientId, campaign_id: campaignId, scenario_id: scenarioId, ...counts } as any)
    .onConflict((oc) => oc.columns(['campaign_id', 'scenario_id']).doUpdateSet(counts as any))
    .execute();
  await b.database.db.updateTable('campaigns').set({ status: 'running', started_at: t, recipients_count: Number(c.people) }).where('id', '=', campaignId).execute();
  await b.database.db.updateTable('scenarios').set({ status: 'running', started_at: t }).where('id', '=', scenarioId).execute();
  if (b.isPg) {
    await b.bare.run('vacuum analyze recipients');
    await b.bare.run('vacuum analyze victims');
  }
  return { clientId, groupId, campaignId, scenarioId, counts };
}
