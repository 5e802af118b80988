/**
 * On PostgreSQL, each test app gets its own schema on the shared server. They are dropped once
 * the whole run is over, not as each file ends: a file that drops its schema while another
 * file migrates (test files run side by side) can make the other's migration fail, since
 * Kysely's introspection lists every schema's tables and resolves each by name
 * ("schema ... does not exist"). The run's schemas share a prefix, so that runs of other
 * checkouts against the same server are left alone.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export default function setup(): (() => Promise<void>) | undefined {
  const url = process.env.DECOY_TEST_DATABASE_URL;
  if (!url?.startsWith('postgres')) return undefined;
  const prefix = `t${randomBytes(3).toString('hex')}_`;
  // The workers start after this, with this environment.
  process.env.DECOY_TEST_SCHEMA_PREFIX = prefix;
  return async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where starts_with(nspname, $1)', [prefix]);
      for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    } finally {
      await client.end();
    }
  };
}
