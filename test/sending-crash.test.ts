/**
 * Crash safety of sending: a real `decoy serve --only worker` process is killed (SIGKILL) in the
 * middle of sending a few thousand messages to a real SMTP server on loopback, and a new worker
 * process finishes the campaign. Every recipient gets the message; only messages that were in
 * flight at the kill (handed to the relay, not yet recorded) go out twice; the counters count
 * each victim once.
 *
 * The data is created in this process through the admin API (same database file or PostgreSQL
 * database as the worker processes); the SMTP server runs in this process, so it sees exactly
 * what arrived.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdminServer } from '../src/api/server.ts';
import { loadConfig } from '../src/config.ts';
import { createCore, type Core } from '../src/core/index.ts';
import { seedReferenceData } from '../src/core/seed.ts';
import { migrate, openDatabase, type Database } from '../src/db/index.ts';
import { wireSending, type Sending } from '../src/mail/outbox-worker.ts';
import type { TestApp } from './helpers/app.ts';
import { buildCampaign, people, setStatus } from './helpers/campaign.ts';

const RECIPIENTS = 3000;
/** The worker's default claim size: at most this many messages are in flight at any moment. */
const BATCH = 200;
/** Kill the first worker once the relay has accepted this many (about a third; not a multiple of the worker's groups of 50). */
const KILL_AFTER = 1037;
const ADMIN_EMAIL = 'root@decoy.test';
const ADMIN_PASSWORD = 'correct horse battery staple';
const SECRET = 'crash-test-secret-'.padEnd(40, 'x');

/** An SMTP server that counts, per envelope recipient, every message it accepted (after DATA). */
interface CountingSink {
  url: string;
  received: Map<string, number>;
  total(): number;
  /** Called after every accepted message (with the running total). */
  onAccepted: ((total: number) => void) | null;
  close(): Promise<void>;
}

async function startCountingSink(delayMs: number): Promise<CountingSink> {
  const received = new Map<string, number>();
  let total = 0;
  const sink: CountingSink = {
    url: '',
    received,
    total: () => total,
    onAccepted: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxClients: 100,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      // A message counts once it is accepted: the connection dropping mid-DATA is no delivery.
      stream.on('end', () => {
        setTimeout(() => {
          for (const rcpt of session.envelope.rcptTo) {
            const address = rcpt.address.toLowerCase();
            received.set(address, (received.get(address) ?? 0) + 1);
            total++;
          }
          sink.onAccepted?.(total);
          cb();
        }, delayMs);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

/** The database the worker processes share with this one: a SQLite file, or a throwaway PostgreSQL database. */
async function throwawayDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DECOY_TEST_DATABASE_URL;
  if (!base?.startsWith('postgres')) return { url: `sqlite:${path.join(dir, 'decoy.db')}`, drop: async () => {} };
  const name = `decoy_crash_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface Worker {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `decoy serve --only worker` as a real process; resolves once it says it runs. */
async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, ['bin/decoy.js', 'serve', '--only', 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      if (/Decoy worker: running/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it ran:\n${out}`));
    });
  });
  await ready;
  return { child, output: () => out, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let sink: CountingSink;
let dropDatabase: () => Promise<void> = async () => {};
let database: Database;
let core: Core;
let sending: Sending;
let app: FastifyInstance;
let workerEnv: Record<string, string>;
const workers: Worker[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'decoy-crash-'));
  sink = await startCountingSink(3);
  const target = await throwawayDatabase(dir);
  dropDatabase = target.drop;
  workerEnv = {
    DECOY_DATA_DIR: dir,
    DECOY_DATABASE_URL: target.url,
    DECOY_SECRET: SECRET,
    DECOY_SMTP_URL: sink.url,
    DECOY_OUTBOX_LEASE_SECONDS: '3',
    DECOY_ADMIN_EMAIL: ADMIN_EMAIL,
    DECOY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DECOY_LOG_LEVEL: 'warn',
  };
  // This process: the admin side (migrates and seeds the database as `decoy serve` would).
  const config = loadConfig({ ...workerEnv, DECOY_LOG_LEVEL: 'silent' }, { persistSecret: false });
  database = await openDatabase(config.databaseUrl);
  await migrate(database);
  core = createCore(database, config);
  await seedReferenceData(core);
  await core.access.ensureFirstAdmin(ADMIN_EMAIL, ADMIN_PASSWORD);
  sending = wireSending(core); // the campaign hooks (victims on start); its worker is not started here
  app = await buildAdminServer(core, { logger: false });
  await app.ready();
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await sending?.close();
  await app?.close();
  await database?.close();
  await sink?.close();
  await dropDatabase();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call: TestApp['call'] = (method, url, opts = {}) => {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  return app.inject({ method: method as 'GET', url, headers, payload });
};

async function login(email: string, password: string): Promise<string> {
  const res = await call('POST', '/api/auth', { body: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

async function unsent(campaignId: number): Promise<Set<string>> {
  const rows = await database.db.selectFrom('victims').select('email').where('campaign_id', '=', campaignId).where('submitted_at', 'is', null).execute();
  return new Set(rows.map((r) => r.email.toLowerCase()));
}

describe('a worker process killed in the middle of a campaign', () => {
  it('after a restart, every recipient has the message once, except those in flight at the kill; counters count each victim once', { timeout: 180_000 }, async () => {
    // A tenant and a campaign of 3,000 people, built through the admin API.
    const root = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const client = await call('PUT', '/api/clients', { token: root, body: { name: 'Crash Corp' } });
    expect(client.statusCode, client.body).toBe(200);
    const clientId = client.json().client.id as number;
    const user = await call('PUT', '/api/users', {
      token: root,
      body: { email: 'sec@crash.test', password: 'password-for-tests-1', role_group: 'admin', client_id: clientId },
    });
    expect(user.statusCode, user.body).toBe(200);
    const a = { clientId, token: await login('sec@crash.test', 'password-for-tests-1') };
    const everyone = people(RECIPIENTS, 'crash-');
    const built = await buildCampaign({ call } as TestApp, a, { groups: [everyone] });

    // The first worker process runs; the campaign starts (victims are created here, on start).
    workers.push(await startWorker(workerEnv));
    const first = workers[0];
    let killedAt = -1;
    sink.onAccepted = (total) => {
      if (killedAt < 0 && total >= KILL_AFTER) {
        killedAt = total;
        first.child.kill('SIGKILL');
      }
    };
    const started = await setStatus({ call } as TestApp, a.token, built.campaignId, 'running');
    expect(started.status).toBe('running');
    expect(await database.db.selectFrom('victims').where('campaign_id', '=', built.campaignId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: RECIPIENTS });

    await first.exited;
    expect(killedAt, first.output()).toBeGreaterThan(0);
    expect(first.child.signalCode).toBe('SIGKILL');
    // Let the sink finish whatever reached it before the sockets closed.
    await sleep(500);
    sink.onAccepted = null;

    // What the database knows at the kill: recorded sends, and the rest (some of which were in flight).
    const notRecorded = await unsent(built.campaignId);
    const receivedBeforeRestart = new Map(sink.received);
    const inFlight = [...receivedBeforeRestart.keys()].filter((email) => notRecorded.has(email));
    expect(notRecorded.size).toBeGreaterThan(0);
    expect(notRecorded.size).toBeLessThan(RECIPIENTS);
    // Nothing recorded as sent was lost: every recorded victim had its message accepted.
    const recorded = everyone.map((p) => p.email).filter((e) => !notRecorded.has(e));
    expect(recorded.filter((e) => !receivedBeforeRestart.has(e))).toEqual([]);

    // A new worker process takes over once the dead worker's lease (3 s) has run out.
    workers.push(await startWorker(workerEnv));
    const second = workers[1];
    const deadline = Date.now() + 120_000;
    while ((await unsent(built.campaignId)).size > 0) {
      if (Date.now() > deadline) throw new Error(`the campaign did not finish; worker output:\n${second.output()}`);
      if (second.child.exitCode !== null) throw new Error(`the second worker exited:\n${second.output()}`);
      await sleep(200);
    }

    // Every recipient got the message; duplicates are exactly (a subset of) those in flight at the kill.
    const missing = everyone.filter((p) => !sink.received.has(p.email));
    expect(missing).toEqual([]);
    const duplicated = [...sink.received].filter(([, n]) => n > 1);
    const duplicates = duplicated.reduce((sum, [, n]) => sum + n - 1, 0);
    expect(duplicated.every(([, n]) => n === 2)).toBe(true);
    expect(duplicated.map(([email]) => email).filter((e) => !inFlight.includes(e))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(BATCH);
    expect(sink.total()).toBe(RECIPIENTS + duplicates);
    console.log(
      `sending-crash (${database.dialect}): killed after ${killedAt} accepted messages; ${RECIPIENTS - notRecorded.size} recorded as sent at the kill; ` +
        `${inFlight.length} accepted but not yet recorded (in flight); ${duplicates} duplicate(s) after the restart; ${sink.total()} messages in all`,
    );

    // Counters: each victim counted once, whatever went out twice.
    const stats = (await call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats).toMatchObject({ victims: RECIPIENTS, submitted: RECIPIENTS, errors: 0 });
    const campaign = (await call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign;
    expect(campaign).toMatchObject({ recipients: RECIPIENTS, submitted: RECIPIENTS });
    const leftovers = await database.db
      .selectFrom('victims')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', built.campaignId)
      .where((eb) => eb.or([eb('lease_until', 'is not', null), eb('next_send_at', 'is not', null), eb('error', '=', 1)]))
      .executeTakeFirstOrThrow();
    expect(Number(leftovers.n)).toBe(0);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
