import type pg from 'pg';

/**
 * Kills (pg_terminate_backend) the PostgreSQL backend that `where` (a condition on
 * pg_stat_activity) finds, waiting up to 5 s for it to show up; throws if none does.
 */
export async function terminateBackend(client: pg.ClientBase, where: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const pid = (await client.query<{ pid: number }>(`select pid from pg_stat_activity where ${where}`)).rows[0]?.pid;
    if (pid === undefined) continue;
    await client.query('select pg_terminate_backend($1)', [pid]);
    return;
  }
  throw new Error(`no PostgreSQL backend where ${where}`);
}
