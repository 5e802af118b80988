/**
 * The hit journal in the database (PostgreSQL's default, DECOY_TRACKING_JOURNAL=auto or
 * database): a hit is answered once its batch's row in tracking_journal_lines is committed; the
 * rows are applied and deleted in the same transaction; rows of a process that is gone (nobody
 * holds their journal's advisory lock) are applied by another process, each hit once, and never
 * while their process lives; a process that loses the connection holding its journal leaves its
 * rows to the recovery and goes on with a new journal. With SQLite, `database` is the journal file.
 */
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FLAGS, journalLine } from '../src/core/tracking/journal.ts';
import { PostgresRecorderStore } from '../src/core/tracking/recorder-store.ts';
import { TrackingService } from '../src/core/tracking/tracking.ts';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { BROWSER_UA, countersOf, eventsOf, trackingFixture, trackingServer, victimRow, type Fixture } from './tracking-factories.ts';

let t: TestApp;
let srv: FastifyInstance;
beforeAll(async () => {
  t = await createTestApp({ DECOY_TRACKING_JOURNAL: 'database' });
  srv = await trackingServer(t);
});
afterAll(async () => {
  await srv?.close();
  await t?.close();
});

const pixel = (token: string) => srv.inject({ method: 'GET', url: `/o/${token}.gif`, headers: { 'user-agent': BROWSER_UA } });
const db = () => t.core.database.db;
const lineRows = async () => db().selectFrom('tracking_journal_lines').select(['journal_id', 'seq']).execute();
const eventCount = async (campaignId: number) =>
  Number((await db().selectFrom('tracking_events').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', campaignId).executeTakeFirstOrThrow()).n);

/** A connection of the test's own to the same server (advisory locks are the server's, not a schema's). */
async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: t.config.databaseUrl });
  await c.connect();
  return c;
}
const LOCK = "hashtextextended('decoy.tracking_journal:' || $1::text, 0)";

describe.skipIf(usingPostgres())('SQLite', () => {
  it('DECOY_TRACKING_JOURNAL=database keeps the journal file', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    expect((await pixel(f.tokens[0])).statusCode).toBe(200);
    expect(readdirSync(path.join(t.config.dataDir, 'tracking-journal')).some((n) => n.includes(`-${process.pid}-`))).toBe(true);
    await t.core.tracking.flush();
    expect((await victimRow(t, f.victimIds[0])).opens).toBe(1);
  });
});

describe.skipIf(!usingPostgres())('PostgreSQL', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await trackingFixture(t, { victims: 4 });
  });

  const event = (victimId: number, kind: string, time: string) => [f.clientId, f.campaignId, f.scenarioId, victimId, kind, time, 'human', '[]', '203.0.113.9', '', BROWSER_UA, 'Windows', 'Chrome', '', '{}'];

  it('answers a hit once its row is committed, then applies the rows and deletes them', async () => {
    const before = await eventCount(f.campaignId);
    const answers = await Promise.all([pixel(f.tokens[0]), pixel(f.tokens[1]), pixel(f.tokens[0])]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    // Answered: the hits are in the journal's rows, or already applied.
    const rows = await lineRows();
    expect(rows.length > 0 || (await eventCount(f.campaignId)) - before === 3).toBe(true);
    await t.core.tracking.flush();
    expect((await eventCount(f.campaignId)) - before).toBe(3);
    expect(await lineRows()).toEqual([]);
    expect((await victimRow(t, f.victimIds[0])).opens).toBe(2);
    expect((await countersOf(t, f.scenarioId)).opened).toBe(2);
  });

  it('applies the rows of a journal nobody holds, each hit once, and leaves a held one alone', async () => {
    const time = new Date().toISOString();
    const gone = 'gone-host-4194305-0a0b0c';
    const held = 'live-host-4194306-0d0e0f';
    // Two batches of a process that is gone (the second with a success), one of a live one. The
    // gone process ran long enough to number its hits past 2^31.
    const n = 3_000_000_000;
    await db()
      .insertInto('tracking_journal_lines')
      .values([
        { journal_id: gone, seq: n + 2, lines: journalLine(n + 1, 0, event(f.victimIds[2], 'open', time)) + journalLine(n + 2, 0, event(f.victimIds[3], 'open', time)) },
        { journal_id: gone, seq: n + 3, lines: journalLine(n + 3, JOURNAL_FLAGS.succeeds, event(f.victimIds[2], 'click', time)) },
        { journal_id: held, seq: 1, lines: journalLine(1, 0, event(f.victimIds[3], 'open', time)) },
      ])
      .execute();
    const owner = await connect();
    try {
      await owner.query(`select pg_advisory_lock(${LOCK})`, [held]);
      expect(await t.core.tracking.recoverDatabaseJournals()).toBe(3);
      expect(await lineRows()).toEqual([{ journal_id: held, seq: 1 }]);
      const v2 = await victimRow(t, f.victimIds[2]);
      expect([v2.opened_at, v2.clicked_at, v2.succeeded_at, v2.opens, v2.clicks]).toEqual([time, time, time, 1, 1]);
      expect((await victimRow(t, f.victimIds[3])).opens).toBe(1);
      expect((await eventsOf(t, f.victimIds[2])).map((e) => e.type).sort()).toEqual(['click', 'open']);
      // Nothing more while the owner lives.
      expect(await t.core.tracking.recoverDatabaseJournals()).toBe(0);
    } finally {
      await owner.end();
    }
    // Its owner gone (connection closed), the held journal is applied too.
    expect(await t.core.tracking.recoverDatabaseJournals()).toBe(1);
    expect(await lineRows()).toEqual([]);
    expect((await victimRow(t, f.victimIds[3])).opens).toBe(2);
    const c = await countersOf(t, f.scenarioId);
    expect([c.opened, c.clicked, c.succeeded]).toEqual([4, 1, 1]);
  });

  it('a recovery finishes while hits keep coming (it waits for its own rows, not for an idle queue)', async () => {
    const g = await trackingFixture(t, { victims: 2 });
    const time = new Date().toISOString();
    const gone = 'gone-host-4194307-0a0b0c';
    await db()
      .insertInto('tracking_journal_lines')
      .values({ journal_id: gone, seq: 1, lines: journalLine(1, 0, [g.clientId, g.campaignId, g.scenarioId, g.victimIds[1], 'open', time, 'human', '[]', '203.0.113.9', '', BROWSER_UA, 'Windows', 'Chrome', '', '{}']) })
      .execute();
    // A steady stream of hits: the apply queue is never empty for long.
    let going = true;
    let sent = 0;
    const stream = (async () => {
      while (going) {
        sent++;
        await t.core.tracking.recorder.record({ victimId: g.victimIds[0], kind: 'open', method: 'GET', headers: { 'user-agent': BROWSER_UA }, ip: '203.0.113.5', proxyIp: '' });
      }
    })();
    try {
      expect(await t.core.tracking.recoverDatabaseJournals()).toBe(1);
    } finally {
      going = false;
      await stream;
    }
    await t.core.tracking.flush();
    expect((await victimRow(t, g.victimIds[1])).opens).toBe(1);
    expect((await victimRow(t, g.victimIds[0])).opens).toBe(sent);
    expect(await lineRows()).toEqual([]);
  }, 30_000);

  it('a journal whose lock cannot be taken gets no row: the append fails, says why, and gives the journal up', async () => {
    const store = new PostgresRecorderStore(db(), t.core.database.pool);
    const lost: string[] = [];
    store.onJournalLost = (id) => lost.push(id);
    const id = 'taken-host-4194308-0a0b0c';
    const other = await connect();
    try {
      await other.query(`select pg_advisory_lock(${LOCK})`, [id]);
      await expect(store.appendJournal!(id, 1, journalLine(1, 0, event(f.victimIds[0], 'open', new Date().toISOString())))).rejects.toThrow(/held by another connection/);
      expect(lost).toEqual([id]);
      expect(await lineRows()).toEqual([]);
      // Another journal goes through.
      await store.appendJournal!('free-host-4194308-0d0e0f', 1, journalLine(1, 0, event(f.victimIds[0], 'open', new Date().toISOString())));
      expect(await lineRows()).toEqual([{ journal_id: 'free-host-4194308-0d0e0f', seq: 1 }]);
    } finally {
      store.close();
      await other.end();
    }
    // Its process gone (the store closed), the row is applied by a recovery, once.
    expect(await t.core.tracking.recoverDatabaseJournals()).toBe(1);
    expect(await lineRows()).toEqual([]);
  });

  it('a journal whose connection cannot be opened at all gets no row: the append fails, says why, and gives the journal up', async () => {
    // A port nothing listens on.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const nowhere = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 5000 });
    const store = new PostgresRecorderStore(db(), nowhere);
    const lost: string[] = [];
    store.onJournalLost = (id) => lost.push(id);
    try {
      const id = 'unreachable-host-4194309-0a0b0c';
      await expect(store.appendJournal!(id, 1, journalLine(1, 0, event(f.victimIds[0], 'open', new Date().toISOString())))).rejects.toThrow(/ECONNREFUSED/);
      expect(lost).toEqual([id]);
      // The next batch tries again, with a journal of its own.
      const next = 'unreachable-host-4194309-0d0e0f';
      await expect(store.appendJournal!(next, 2, journalLine(2, 0, event(f.victimIds[0], 'open', new Date().toISOString())))).rejects.toThrow(/ECONNREFUSED/);
      expect(lost).toEqual([id, next]);
      expect(await lineRows()).toEqual([]);
    } finally {
      store.close();
      await nowhere.end();
    }
  });

  it("another process's periodic pass applies, without a restart, the journal of a process that went meanwhile; once closed, it looks no more", async () => {
    const g = await trackingFixture(t, { victims: 1 });
    const row = (journalId: string, seq: number) => ({
      journal_id: journalId,
      seq,
      lines: journalLine(seq, 0, [g.clientId, g.campaignId, g.scenarioId, g.victimIds[0], 'open', new Date().toISOString(), 'human', '[]', '203.0.113.9', '', BROWSER_UA, 'Windows', 'Chrome', '', '{}']),
    });
    // Another process, looking every 200 ms instead of every 30 s.
    const other = new TrackingService({ db: db(), dialect: t.core.database.dialect, config: t.config, clients: t.core.clients }, {}, t.core.database.pool, 200);
    try {
      expect(await other.recover()).toBe(0);
      // A process goes after that start: its rows are left, and nobody holds its journal.
      await db().insertInto('tracking_journal_lines').values(row('gone-host-4194310-0a0b0c', 1)).execute();
      for (let i = 0; i < 100 && (await lineRows()).length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await lineRows()).toEqual([]);
      expect((await victimRow(t, g.victimIds[0])).opens).toBe(1);
      await other.close();
      await db().insertInto('tracking_journal_lines').values(row('gone-host-4194311-0a0b0c', 1)).execute();
      await new Promise((r) => setTimeout(r, 700));
      expect(await lineRows()).toEqual([{ journal_id: 'gone-host-4194311-0a0b0c', seq: 1 }]);
    } finally {
      await other.close();
    }
    expect(await t.core.tracking.recoverDatabaseJournals()).toBe(1);
    expect(await lineRows()).toEqual([]);
    expect((await victimRow(t, g.victimIds[0])).opens).toBe(2);
  }, 30_000);

  it('after losing the connection that holds its journal, leaves those rows to a recovery (which applies them once) and goes on with a new journal', async () => {
    const g = await trackingFixture(t, { victims: 2 });
    expect((await pixel(g.tokens[0])).statusCode).toBe(200);
    await t.core.tracking.flush();
    // The next hit's row stays: its apply fails (the events table is away) and is retried.
    await db().schema.alterTable('tracking_events').renameTo('tracking_events_away').execute();
    const admin = await connect();
    try {
      expect((await pixel(g.tokens[0])).statusCode).toBe(200);
      const rows = await lineRows();
      expect(rows).toHaveLength(1);
      const lost = rows[0].journal_id;
      // Its lease: the connection holding the journal's advisory lock.
      const killed = await admin.query(
        `select pg_terminate_backend(pid) as ok from pg_locks where locktype = 'advisory' and objsubid = 1 and ((classid::bigint << 32) | objid::bigint) = ${LOCK}`,
        [lost],
      );
      expect(killed.rows).toEqual([{ ok: true }]);
      await db().schema.alterTable('tracking_events_away').renameTo('tracking_events').execute();
      // The process's own retries leave the row alone; the recovery it starts applies it, once.
      for (let i = 0; i < 100 && (await lineRows()).length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await lineRows()).toEqual([]);
      // Its next hits go to a new journal.
      expect((await pixel(g.tokens[1])).statusCode).toBe(200);
      await t.core.tracking.flush();
      const [next] = await lineRows();
      expect(next?.journal_id).not.toBe(lost);
      expect((await victimRow(t, g.victimIds[0])).opens).toBe(2);
      expect((await eventsOf(t, g.victimIds[0])).length).toBe(2);
      expect((await victimRow(t, g.victimIds[1])).opens).toBe(1);
      expect((await countersOf(t, g.scenarioId)).opened).toBe(2);
    } finally {
      await admin.end();
      if ((await t.tables()).some((x) => x.name === 'tracking_events_away')) await db().schema.alterTable('tracking_events_away').renameTo('tracking_events').execute();
    }
  }, 30_000);

  it('a batch whose row cannot be committed is not answered 2xx; rows committed while the apply fails are applied once it is back', async () => {
    const g = await trackingFixture(t, { victims: 2 });
    await db().schema.alterTable('tracking_journal_lines').renameTo('tracking_journal_lines_away').execute();
    try {
      const failed = await pixel(g.tokens[0]);
      expect(failed.statusCode).toBe(404);
    } finally {
      await db().schema.alterTable('tracking_journal_lines_away').renameTo('tracking_journal_lines').execute();
    }
    expect((await pixel(g.tokens[1])).statusCode).toBe(200);
    await t.core.tracking.flush();
    expect(await eventCount(g.campaignId)).toBe(1);

    await db().schema.alterTable('tracking_events').renameTo('tracking_events_away').execute();
    let answered: number[];
    try {
      answered = (await Promise.all([pixel(g.tokens[0]), pixel(g.tokens[1])])).map((a) => a.statusCode);
      await new Promise((r) => setTimeout(r, 300));
      expect((await srv.inject({ method: 'GET', url: '/robots.txt' })).statusCode).toBe(200);
    } finally {
      await db().schema.alterTable('tracking_events_away').renameTo('tracking_events').execute();
    }
    expect(answered).toEqual([200, 200]);
    await t.core.tracking.flush();
    expect(await eventCount(g.campaignId)).toBe(3);
    expect((await countersOf(t, g.scenarioId)).opened).toBe(2);
    expect(await lineRows()).toEqual([]);
  }, 30_000);
});
