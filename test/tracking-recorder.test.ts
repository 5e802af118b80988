/**
 * The recorder's stores on their own: a victim that changes between the read a batch is planned
 * from and its write makes the batch start over (SQLite), or waits for the batch's lock
 * (PostgreSQL); either way nothing is counted twice.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KyselySqliteRecorderStore,
  recorderStore,
  SqliteRecorderStore,
  type BatchWrites,
  type RecorderStore,
  type VictimRecord,
} from '../src/core/tracking/recorder-store.ts';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { countersOf, eventsOf, trackingFixture, victimRow, type Fixture } from './tracking-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

/** A plan that opens the victims that are not opened yet, counting each first open once. */
function openPlan(f: Fixture, calls: VictimRecord[][]) {
  return async (records: VictimRecord[]): Promise<BatchWrites> => {
    calls.push(records);
    const time = new Date().toISOString();
    const firsts = records.filter((r) => r.opened_at === null).length;
    return {
      events: records.map((r) => [f.clientId, f.campaignId, f.scenarioId, r.id, 'open', time, 'human', '[]', '', '', '', '', '', '', '{}']),
      victims: records.map((r) => ({ ...r, opened_at: r.opened_at ?? time, opens: r.opens + 1 })),
      counters: [{ key: { clientId: f.clientId, campaignId: f.campaignId, scenarioId: f.scenarioId }, deltas: { opened: firsts } }],
      updatedAt: time,
    };
  };
}

function stores(): [string, () => RecorderStore][] {
  const db = t.core.database.db;
  if (usingPostgres())
    return [
      // The named statement through the pool, as the application runs it, and the same through Kysely.
      ['PostgreSQL, named statement', () => recorderStore(db, 'postgres', t.config.databaseUrl, t.core.database.pool)],
      ['PostgreSQL through Kysely', () => recorderStore(db, 'postgres', t.config.databaseUrl)],
    ];
  const file = t.config.databaseUrl.slice('sqlite:'.length);
  return [
    ['SQLite, own connection', () => new SqliteRecorderStore(file, db)],
    ['SQLite through Kysely', () => new KyselySqliteRecorderStore(db)],
  ];
}

describe('recorder stores', () => {
  it('write what the plan says, atomically, for victims that exist', async () => {
    for (const [name, make] of stores()) {
      const f = await trackingFixture(t, { victims: 2 });
      const store = make();
      const calls: VictimRecord[][] = [];
      await store.run([...f.victimIds, 2_000_000_000], false, openPlan(f, calls));
      store.close();
      expect(calls, name).toHaveLength(1);
      expect(calls[0].map((r) => r.id), name).toEqual(f.victimIds);
      expect((await victimRow(t, f.victimIds[0])).opens, name).toBe(1);
      expect((await countersOf(t, f.scenarioId)).opened, name).toBe(2);
      expect(await eventsOf(t, f.victimIds[1]), name).toHaveLength(1);
    }
  });

  it.skipIf(usingPostgres())('SQLite: a victim changed between the read and the write makes the batch start over, so its first open is counted once', async () => {
    for (const [name, make] of stores()) {
      const f = await trackingFixture(t, { victims: 1 });
      const id = f.victimIds[0];
      const store = make();
      const calls: VictimRecord[][] = [];
      const plan = openPlan(f, calls);
      await store.run([id], false, async (records) => {
        if (calls.length === 0) {
          // Another writer opens the victim after this batch read it (as another process could).
          await t.core.database.db.updateTable('victims').set({ opened_at: '2026-01-01T00:00:00.000Z', opens: 5 }).where('id', '=', id).execute();
        }
        return plan(records);
      });
      store.close();
      expect(calls, name).toHaveLength(2);
      expect(calls[1][0].opens, name).toBe(5);
      const v = await victimRow(t, id);
      expect([v.opens, v.opened_at], name).toEqual([6, '2026-01-01T00:00:00.000Z']);
      // The other writer's open was not counted by it; this batch saw the victim as opened, so counted nothing.
      expect((await countersOf(t, f.scenarioId)).opened, name).toBe(0);
      expect(await eventsOf(t, id), name).toHaveLength(1);
    }
  });

  it.skipIf(!usingPostgres())('PostgreSQL: the victims a batch planned from stay locked until it commits', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const id = f.victimIds[0];
    const store = recorderStore(t.core.database.db, 'postgres', t.config.databaseUrl);
    const calls: VictimRecord[][] = [];
    const plan = openPlan(f, calls);
    let other: Promise<unknown> | null = null;
    await store.run([id], false, async (records) => {
      // Another writer tries to change the victim while the batch holds it: it waits for the commit.
      other = t.core.database.db.updateTable('victims').set({ opens: 100 }).where('id', '=', id).execute();
      // Wait until PostgreSQL shows it waiting for the lock.
      for (let i = 0; i < 500; i++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = current_setting('application_name') and wait_event_type = 'Lock' and query like 'update "victims" set "opens"%'`.execute(t.core.database.db);
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = current_setting('application_name') and wait_event_type = 'Lock' and query like 'update "victims" set "opens"%'`.execute(t.core.database.db);
      expect(rows[0].n).toBe(1);
      return plan(records);
    });
    await other;
    expect(calls).toHaveLength(1);
    expect((await victimRow(t, id)).opens).toBe(100); // the other writer went second
    expect((await countersOf(t, f.scenarioId)).opened).toBe(1);
  });
});
