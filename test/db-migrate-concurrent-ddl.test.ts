/**
 * PostgreSQL: migrating while someone else on the same server renames a table of theirs.
 * Kysely's migrator, left to itself, lists every schema's tables and resolves each by name; a
 * table renamed meanwhile failed that listing ("relation ... does not exist"). migrate() gives
 * it an introspection of its own schema only; and a table named like Kysely's own in another
 * schema does not make it skip creating its own.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../src/db/index.ts';
import { usingPostgres } from './helpers/app.ts';

describe.skipIf(!usingPostgres())('PostgreSQL', () => {
  it("migrates while another schema's table is renamed ten times a second, next to another schema's Kysely tables", async () => {
    const url = process.env.DECOY_TEST_DATABASE_URL!;
    const prefix = process.env.DECOY_TEST_SCHEMA_PREFIX ?? 't_';
    const other = `${prefix}${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".a (id serial primary key)`);
    // Someone else's Kysely bookkeeping, in their schema.
    await admin.query(`CREATE TABLE "${other}".kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null); CREATE TABLE "${other}".kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`);
    let stop = false;
    let renames = 0;
    const churn = (async () => {
      for (let name = 'a'; !stop; renames++) {
        const next = name === 'a' ? 'b' : 'a';
        await admin.query(`ALTER TABLE "${other}"."${name}" RENAME TO "${next}"`);
        name = next;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const schemas: string[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const schema = `${prefix}${randomBytes(6).toString('hex')}`;
        schemas.push(schema);
        const database = await openDatabase(url, { schema });
        try {
          await migrate(database);
          const { rows } = await database.pool!.query<{ n: number }>(`select count(*)::int as n from "${schema}".kysely_migration`);
          expect(rows[0].n).toBeGreaterThan(10);
        } finally {
          await database.close();
        }
      }
    } finally {
      stop = true;
      await churn;
      if (!process.env.DECOY_TEST_SCHEMA_PREFIX) for (const s of [other, ...schemas]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await admin.end();
    }
    expect(renames).toBeGreaterThan(3);
  });
});
