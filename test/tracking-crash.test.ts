/**
 * Durability of tracking hits: the tracking server runs as a real process, is killed with
 * SIGKILL while hits are arriving, and every hit that got a 2xx before the kill is in the
 * database afterwards.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
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

it('keeps every hit answered with a 2xx when the tracking process is killed', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/decoy.js', 'serve', '--only', 'tracking'], {
    env: {
      PATH: process.env.PATH ?? '',
      DECOY_DATABASE_URL: databaseUrlForChild(),
      DECOY_SECRET: t.config.secret,
      DECOY_DATA_DIR: t.config.dataDir,
      DECOY_TRACKING_ADDR: `127.0.0.1:${port}`,
      DECOY_ADMIN_EMAIL: 'crash@decoy.test',
      DECOY_ADMIN_PASSWORD: 'a-long-enough-password',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    let out = '';
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
  const row = await t.core.database.db
    .selectFrom('tracking_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', f.campaignId)
    .executeTakeFirstOrThrow();
  expect(Number(row.n)).toBeGreaterThanOrEqual(ok);
}, 90_000);
