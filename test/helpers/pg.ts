import type pg from 'pg';

/**
 * The pid of the PostgreSQL backend that `where` (a condition on pg_stat_activity) finds among
 * those of the same test app as `client` (the same application_name: test files run side by
 * side on one server), waiting up to 5 s for it to show up; throws if none does.
 */
export async function waitForBackend(client: pg.ClientBase, where: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const pid = (await client.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = current_setting('application_name') and (${where})`)).rows[0]?.pid;
    if (pid !== undefined) return pid;
  }
  throw new Error(`no PostgreSQL backend where ${where}`);
}

/** Kills (pg_terminate_backend) the backend that `where` finds (waitForBackend). */
export async function terminateBackend(client: pg.ClientBase, where: string): Promise<void> {
  await client.query('select pg_terminate_backend($1)', [await waitForBackend(client, where)]);
}
