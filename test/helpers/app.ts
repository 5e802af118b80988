/**
 * Test harness: a real database (a fresh SQLite file, or a fresh schema on the PostgreSQL
 * server named by DECOY_TEST_DATABASE_URL), migrated and seeded as on first start, and the
 * admin server driven through fastify's inject().
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TableMetadata } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildAdminServer, type RouteInfo } from '../../src/api/server.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createCore, type Core } from '../../src/core/index.ts';
import { seedReferenceData } from '../../src/core/seed.ts';
import { migrate, openDatabase } from '../../src/db/index.ts';
import { wireSending, type Sending } from '../../src/mail/outbox-worker.ts';

export const ADMIN_EMAIL = 'root@decoy.test';
export const ADMIN_PASSWORD = 'correct horse battery staple';
export const PASSWORD = 'password-for-tests-1';

export const usingPostgres = () => !!process.env.DECOY_TEST_DATABASE_URL?.startsWith('postgres');

export interface TestApp {
  app: FastifyInstance;
  core: Core;
  /** Every route of the admin server, as registered. */
  routes: RouteInfo[];
  /** Sending, wired as in `decoy serve`; the worker does not poll: call `sending.worker.runOnce()`. */
  sending: Sending;
  config: Config;
  /** A super admin's bearer token. */
  rootToken: string;
  /** Calls the admin server; `body` is sent as JSON unless `raw` is given. */
  call(method: string, url: string, opts?: CallOptions): Promise<LightMyRequestResponse>;
  /** Signs in and returns the token. */
  login(email: string, password?: string): Promise<string>;
  /** A client (tenant) and one of its users with the role, signed in. */
  tenant(name?: string, role?: string): Promise<{ clientId: number; userId: number; token: string; email: string }>;
  /** Another user of an existing client. */
  user(clientId: number | null, role: string, extra?: Record<string, unknown>): Promise<{ userId: number; token: string; email: string }>;
  /**
   * The app's own tables. Kysely's introspection lists every schema's tables on PostgreSQL, and
   * test files run side by side on one server: another file's table, renamed or dropped
   * meanwhile, is not this app's to read.
   */
  tables(): Promise<TableMetadata[]>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  remoteAddress?: string;
}

/**
 * The app's connections carry its schema as their application_name, so that a test looking for
 * one of its own backends in pg_stat_activity (test/helpers/pg.ts) never finds another file's.
 */
function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'decoy-test-'));
  const pgUrl = usingPostgres() ? process.env.DECOY_TEST_DATABASE_URL! : null;
  // A run's schemas are dropped when the run ends (test/global-setup.ts); without its prefix
  // (vitest started some other way), each app drops its own when closed.
  const runPrefix = process.env.DECOY_TEST_SCHEMA_PREFIX;
  const schema = pgUrl ? `${runPrefix ?? 't_'}${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig(
    {
      DECOY_DATA_DIR: dir,
      DECOY_SECRET: 'test-secret-'.padEnd(40, 'x'),
      DECOY_DATABASE_URL: pgUrl && schema ? withApplicationName(pgUrl, schema) : `sqlite:${path.join(dir, 'decoy.db')}`,
      DECOY_ADMIN_EMAIL: ADMIN_EMAIL,
      DECOY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DECOY_LOG_LEVEL: 'silent',
      ...env,
    },
    { persistSecret: false },
  );
  const database = await openDatabase(config.databaseUrl, { schema });
  await migrate(database);
  const core = createCore(database, config);
  await seedReferenceData(core);
  await core.access.ensureFirstAdmin(ADMIN_EMAIL, ADMIN_PASSWORD);
  const sending = wireSending(core);
  const routes: RouteInfo[] = [];
  const app = await buildAdminServer(core, { logger: false, routes });
  await app.ready();

  let seq = 0;
  const call: TestApp['call'] = (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    return app.inject({ method: method as any, url, headers, payload, query: opts.query, remoteAddress: opts.remoteAddress });
  };
  const login = async (email: string, password = PASSWORD) => {
    const res = await call('POST', '/api/auth', { body: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
    return res.json().token as string;
  };
  const rootToken = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const user: TestApp['user'] = async (clientId, role, extra = {}) => {
    const email = `user${++seq}-${randomBytes(3).toString('hex')}@decoy.test`;
    const res = await call('PUT', '/api/users', {
      token: rootToken,
      body: { email, password: PASSWORD, role_group: role, client_id: clientId, ...extra },
    });
    if (res.statusCode !== 200) throw new Error(`create user: ${res.statusCode} ${res.body}`);
    const userId = res.json().user.id as number;
    const token = extra.api_only === true ? '' : await login(email);
    return { userId, token, email };
  };
  const tenant: TestApp['tenant'] = async (name = `Client ${++seq}`, role = 'admin') => {
    const res = await call('PUT', '/api/clients', { token: rootToken, body: { name } });
    if (res.statusCode !== 200) throw new Error(`create client: ${res.statusCode} ${res.body}`);
    const clientId = res.json().client.id as number;
    const u = await user(clientId, role);
    return { clientId, ...u };
  };
  const tables = async () => (await database.db.introspection.getTables()).filter((x) => !schema || x.schema === schema);
  return {
    app,
    core,
    routes,
    tables,
    sending,
    config,
    rootToken,
    call,
    login,
    tenant,
    user,
    async close() {
      await core.exports.idle();
      await core.reports.idle();
      await sending.close();
      await app.close();
      await database.close();
      if (pgUrl && schema && !runPrefix) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
