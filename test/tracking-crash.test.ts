/**
 * Durability of tracking hits: the tracking server runs as a real process, is killed with
 * SIGKILL while hits are arriving, and every hit that got a 2xx before the kill is in the
 * database once it is started again (an answered hit is in the process's journal, a file or rows
 * in the database, or already applied; the new process applies what the killed one had not,
 * before it serves).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { BROWSER_UA, trackingFixture, type Fixture } from './tracking-factories.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await trackingFixture(t, { victims: 400 });
});
afterAll(async () => t?.close());

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The URL a separate process uses to reach the same database (and, on PostgreSQL, the test's schema). */
function databaseUrlForChild(): string {
  const url = t.config.databaseUrl;
  const schema = t.core.database.schema;
  if (!schema) return url;
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

function startTracking(port: number, journal: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/decoy.js', 'serve', '--only', 'tracking'], {
    env: {
      PATH: process.env.PATH ?? '',
      DECOY_DATABASE_URL: databaseUrlForChild(),
      DECOY_SECRET: t.config.secret,
      DECOY_DATA_DIR: t.config.dataDir,
      DECOY_TRACKING_ADDR: `127.0.0.1:${port}`,
      DECOY_ADMIN_EMAIL: 'crash@decoy.test',
      DECOY_ADMIN_PASSWORD: 'a-long-enough-password',
      DECOY_TRACKING_JOURNAL: journal,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracking process did not start: ${err}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Decoy tracking:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`tracking process exited: ${err}`)));
  });
  return { child, ready, output: () => out };
}

const journals = () => {
  try {
    return readdirSync(path.join(t.config.dataDir, 'tracking-journal')).filter((n) => !n.includes(`-${process.pid}-`));
  } catch {
    return [];
  }
};

// The default of each database (a journal file with SQLite, the journal in the database with
// PostgreSQL), and on PostgreSQL the journal file and no journal too.
const modes = usingPostgres() ? ['auto', 'on', 'off'] : ['auto'];

it.each(modes)('keeps every hit answered with a 2xx when the tracking process is killed (DECOY_TRACKING_JOURNAL=%s)', async (mode) => {
  const journaled = mode === 'on' || !usingPostgres();
  const port = await freePort();
  const { child, ready } = startTracking(port, mode);
  await ready;

  const before = Number(
    (await t.core.database.db.selectFrom('tracking_events').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', f.campaignId).executeTakeFirstOrThrow()).n,
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let ok = 0;
  let killed = false;
  let i = 0;
  const hit = () =>
    new Promise<void>((resolve) => {
      const token = f.tokens[i++ % f.tokens.length];
      const req = http.get({ host: '127.0.0.1', port, path: `/o/${token}.gif`, agent, headers: { 'user-agent': BROWSER_UA } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) ok++;
          resolve();
        });
        res.on('error', () => resolve());
      });
      req.on('error', () => resolve());
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Hits keep arriving while the process dies: some are in flight at the kill.
  const workers = Array.from({ length: 16 }, async () => {
    while (!killed) {
      await hit();
      if (ok >= 600 && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  });
  await Promise.all(workers);
  await exited;
  agent.destroy();
  expect(ok).toBeGreaterThanOrEqual(600);
  // The killed process left its journal behind (when it kept one).
  expect(journals()).toHaveLength(journaled ? 1 : 0);

  // Started again, the process applies what the journal holds before it serves.
  const again = startTracking(port, mode);
  await again.ready;
  const row = await t.core.database.db
    .selectFrom('tracking_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', f.campaignId)
    .executeTakeFirstOrThrow();
  expect(Number(row.n) - before).toBeGreaterThanOrEqual(ok);
  // Each hit once: the counters agree with the victims, the victims' opens with the events.
  const victims = await t.core.database.db.selectFrom('victims').select(['opened_at', 'opens']).where('campaign_id', '=', f.campaignId).execute();
  const counters = await t.core.database.db.selectFrom('campaign_counters').select('opened').where('campaign_id', '=', f.campaignId).executeTakeFirstOrThrow();
  expect(counters.opened).toBe(victims.filter((v) => v.opened_at !== null).length);
  expect(victims.reduce((n, v) => n + v.opens, 0)).toBe(Number(row.n));
  expect(journals()).toHaveLength(0);
  // Nor anything of the journal in the database.
  expect(await t.core.database.db.selectFrom('tracking_journal_lines').selectAll().execute()).toEqual([]);
  const stopped = new Promise((resolve) => again.child.once('exit', resolve));
  again.child.kill('SIGTERM');
  await stopped;
}, 90_000);

it('at DECOY_LOG_LEVEL=info, the request lines name the tracking paths without their tokens', async () => {
  const port = await freePort();
  const { child, ready, output } = startTracking(port, 'auto', { DECOY_LOG_LEVEL: 'info' });
  await ready;
  const token = f.tokens[0];
  const awareness = t.core.awarenessTraining.token(f.victimIds[0]);
  const ask = (method: string, p: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: p, headers: { 'user-agent': BROWSER_UA, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  // Routed by fastify (the fast path logs nothing): a form post, a HEAD, the report link, a download, the awareness page, the portal.
  expect(await ask('POST', `/l/${token}`, 'username=jane')).toBeLessThan(500);
  expect(await ask('HEAD', `/l/${token}?x=1`)).toBeLessThan(500);
  expect(await ask('GET', `/r/${token}`)).toBe(200);
  expect(await ask('GET', `/d/${token}`)).toBeLessThan(500);
  expect(await ask('GET', `/a/${awareness}`)).toBe(404);
  expect(await ask('GET', `/learn/${token}`)).toBe(404);
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await stopped;
  const lines = output().split('\n').filter((l) => l.includes('"incoming request"'));
  expect(lines.length).toBeGreaterThanOrEqual(5);
  expect(lines.some((l) => l.includes('"url":"/l/<token>"'))).toBe(true);
  expect(output()).not.toContain(token);
  expect(output()).not.toContain(awareness);
}, 60_000);
