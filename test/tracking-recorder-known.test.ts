/**
 * Repeated hits are planned from the victims as the recorder last saw them, and written only if
 * the victims are still so: `writeIfUnchanged` on each store, and the recorder's fall-back to a
 * fresh read when another writer changed a victim it remembered.
 */
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
import { BROWSER_UA, countersOf, eventsOf, trackingFixture, trackingServer, victimRow, type Fixture } from './tracking-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

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

/** One human open of each victim, planned from `records`. */
function opens(f: Fixture, records: VictimRecord[]): BatchWrites {
  const time = new Date().toISOString();
  return {
    events: records.map((r) => [f.clientId, f.campaignId, f.scenarioId, r.id, 'open', time, 'human', '[]', '', '', '', '', '', '', '{}']),
    victims: records.map((r) => ({ ...r, opened_at: r.opened_at ?? time, opens: r.opens + 1 })),
    counters: [{ key: { clientId: f.clientId, campaignId: f.campaignId, scenarioId: f.scenarioId }, deltas: { opened: records.filter((r) => r.opened_at === null).length } }],
    updatedAt: time,
  };
}

/** The victims as a batch reads them (through the store's own read). */
async function read(store: RecorderStore, ids: number[], withPerson: boolean): Promise<VictimRecord[]> {
  let seen: VictimRecord[] = [];
  await store.run(ids, withPerson, async (records) => {
    seen = records;
    return { events: [], victims: [], counters: [], updatedAt: '' };
  });
  return seen;
}

describe('writeIfUnchanged', () => {
  it('writes when every victim is as expected, and nothing at all when one changed or is gone', async () => {
    for (const [name, make] of stores()) {
      const f = await trackingFixture(t, { victims: 3 });
      const store = make();
      try {
        const records = await read(store, f.victimIds, false);
        expect(records.map((r) => r.id), name).toEqual(f.victimIds);
        expect(await store.writeIfUnchanged(false, records, opens(f, records)), name).toBe(true);
        expect((await victimRow(t, f.victimIds[0])).opens, name).toBe(1);
        expect((await countersOf(t, f.scenarioId)).opened, name).toBe(3);

        // Planned from the victims before that write: stale, so nothing is written.
        expect(await store.writeIfUnchanged(false, records, opens(f, records)), name).toBe(false);
        expect((await victimRow(t, f.victimIds[1])).opens, name).toBe(1);
        expect(await eventsOf(t, f.victimIds[1]), name).toHaveLength(1);

        // Another writer changes one victim: the whole batch is refused.
        const now = await read(store, f.victimIds, false);
        await t.core.database.db.updateTable('victims').set({ opens: 7 }).where('id', '=', f.victimIds[2]).execute();
        expect(await store.writeIfUnchanged(false, now, opens(f, now)), name).toBe(false);
        expect((await victimRow(t, f.victimIds[0])).opens, name).toBe(1);
        expect((await victimRow(t, f.victimIds[2])).opens, name).toBe(7);
        expect((await countersOf(t, f.scenarioId)).opened, name).toBe(3);

        // A victim deleted since: refused too.
        const again = await read(store, f.victimIds, false);
        await t.core.database.db.deleteFrom('tracking_events').where('victim_id', '=', f.victimIds[2]).execute();
        await t.core.database.db.deleteFrom('victims').where('id', '=', f.victimIds[2]).execute();
        expect(await store.writeIfUnchanged(false, again, opens(f, again)), name).toBe(false);
        expect(await eventsOf(t, f.victimIds[0]), name).toHaveLength(1);
      } finally {
        store.close();
      }
    }
  });

  it("with the person's columns, a change to the person is a change too", async () => {
    for (const [name, make] of stores()) {
      const f = await trackingFixture(t, { victims: 1 });
      const store = make();
      try {
        const records = await read(store, f.victimIds, true);
        expect(records[0].email, name).toMatch(/@corp\.example$/);
        await t.core.database.db.updateTable('victims').set({ firstname: 'Renamed' }).where('id', '=', f.victimIds[0]).execute();
        // Without the person's columns the batch does not depend on the name...
        const plain = await read(store, f.victimIds, false);
        // ...with them it does.
        expect(await store.writeIfUnchanged(true, records, opens(f, records)), name).toBe(false);
        expect(await eventsOf(t, f.victimIds[0]), name).toHaveLength(0);
        expect(await store.writeIfUnchanged(false, plain, opens(f, plain)), name).toBe(true);
        expect(await eventsOf(t, f.victimIds[0]), name).toHaveLength(1);
      } finally {
        store.close();
      }
    }
  });
});

describe('recorder', () => {
  it('a victim changed by another writer after the recorder last saw it is read again, not overwritten', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const id = f.victimIds[0];
    const srv = await trackingServer(t);
    try {
      const open = () => srv.inject({ method: 'GET', url: `/o/${f.tokens[0]}.gif`, headers: { 'user-agent': BROWSER_UA } });
      expect((await open()).statusCode).toBe(200);
      expect((await open()).statusCode).toBe(200);
      expect((await victimRow(t, id)).opens).toBe(2);
      // As another process would: the victim's opens and landing page person change.
      await t.core.database.db.updateTable('victims').set({ opens: 40, firstname: 'Changed' }).where('id', '=', id).execute();
      expect((await open()).statusCode).toBe(200);
      expect((await victimRow(t, id)).opens).toBe(41);
      const click = await srv.inject({ method: 'GET', url: `/l/${f.tokens[0]}`, headers: { 'user-agent': BROWSER_UA } });
      expect(click.statusCode).toBe(200);
      expect(click.body).toContain('Changed');
      const v = await victimRow(t, id);
      expect([v.opens, v.clicks]).toEqual([41, 1]);
      expect(await eventsOf(t, id)).toHaveLength(4);
      const c = await countersOf(t, f.scenarioId);
      expect([c.opened, c.clicked]).toEqual([1, 1]);
    } finally {
      await srv.close();
    }
  });
});
