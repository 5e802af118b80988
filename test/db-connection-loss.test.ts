/**
 * PostgreSQL: a pooled connection lost while in use (PostgreSQL restarted, the backend killed, the
 * network gone) fails what ran on it, and nothing more: the process goes on (pg throws an
 * 'error' event nobody listens to, which would end it), and the pool serves the next queries on
 * other connections.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe.skipIf(!usingPostgres())('PostgreSQL', () => {
  it('a transaction whose connection is killed fails with the reason, and the process and the pool go on', async () => {
    const db = t.core.database.db;
    const pool = t.core.database.pool!;
    const killer = await pool.connect();
    try {
      const tx = db.transaction().execute(async (trx) => {
        await sql`select pg_sleep(10)`.execute(trx);
      });
      let pid: number | undefined;
      for (let i = 0; i < 100 && !pid; i++) {
        await new Promise((r) => setTimeout(r, 50));
        pid = (await killer.query<{ pid: number }>("select pid from pg_stat_activity where query = 'select pg_sleep(10)' and state = 'active'")).rows[0]?.pid;
      }
      expect(pid).toBeDefined();
      await killer.query('select pg_terminate_backend($1)', [pid]);
      await expect(tx).rejects.toThrow(/terminat/);
    } finally {
      killer.release();
    }
    // Still here, and the pool answers (as many queries at once as it has connections).
    const answers = await Promise.all(Array.from({ length: 12 }, () => db.selectFrom('clients').select('id').limit(1).execute()));
    expect(answers).toHaveLength(12);
    expect(answers.every((rows) => rows.length === 1)).toBe(true);
  });
});
