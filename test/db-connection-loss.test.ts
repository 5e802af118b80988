/**
 * PostgreSQL: a pooled connection lost while in use (PostgreSQL restarted, the backend killed, the
 * network gone) fails what ran on it, and nothing more: the process goes on (pg throws an
 * 'error' event nobody listens to, which would end it), and the pool serves the next queries on
 * other connections.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { terminateBackend } from './helpers/pg.ts';

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
      await terminateBackend(killer, "query = 'select pg_sleep(10)' and state = 'active'");
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
