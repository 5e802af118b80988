/**
 * Large batches of hits on PostgreSQL send their events with COPY (recorder-store.ts): the rows
 * arrive exactly as given (tabs, newlines, backslashes and JSON escapes in user agents and form
 * data), and only if the batch's victims were unchanged; a batch that fails leaves nothing and
 * its connection does not poison the pool. The rows' text format is checked on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows, PostgresRecorderStore, type BatchWrites } from '../src/core/tracking/recorder-store.ts';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { terminateBackend } from './helpers/pg.ts';
import { BROWSER_UA, trackingFixture, type Fixture } from './tracking-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("COPY's text format", () => {
  it('joins plain rows with tabs, escapes backslash, tab, newline and return, writes null as \\N, and replaces NUL', () => {
    expect(copyRows([[1, 'open', 'a b', '{}']])).toBe('1\topen\ta b\t{}\n');
    expect(copyRows([[2, 'ua\twith tab', 'back\\slash', 'line\nbreak\r', null, undefined, 'nul\u0000']])).toBe(
      '2\tua\\twith tab\tback\\\\slash\tline\\nbreak\\r\t\\N\t\\N\tnul\uFFFD\n',
    );
    // A row needing no escapes next to one that does: each on its own line.
    expect(copyRows([[3, 'x'], [4, 'y\\z']])).toBe('3\tx\n4\ty\\\\z\n');
  });
});

describe.skipIf(!usingPostgres())('PostgreSQL', () => {
  let f: Fixture;
  let store: PostgresRecorderStore;
  beforeAll(async () => {
    f = await trackingFixture(t, { victims: 3 });
    store = new PostgresRecorderStore(t.core.database.db, t.core.database.pool);
  });
  afterAll(() => store?.close());

  const db = () => t.core.database.db;
  /** Tricky values: a tab in a user agent (HTTP allows one), JSON escapes in form data, a backslash. */
  const TRICKY_UA = `${BROWSER_UA}\tC:\\Program Files\\`;
  const TRICKY_DATA = JSON.stringify({ user: 'line\nbreak\ttab "quoted" \\ back', note: 'ünïcödé ✓' });
  const event = (i: number, victimId: number) => [
    f.clientId, f.campaignId, f.scenarioId, victimId, 'submit', `2026-11-24T10:00:00.${String(i % 1000).padStart(3, '0')}Z`,
    'human', '["head_request"]', '203.0.113.9', '', i % 2 ? TRICKY_UA : BROWSER_UA, 'Windows', 'Chrome', 'DE', i % 3 ? '{}' : TRICKY_DATA,
  ];
  const writes = (events: unknown[][], opens: number): BatchWrites => ({
    events,
    victims: [{ ...stateOf(f.victimIds[0]), opens }],
    counters: [],
    updatedAt: new Date().toISOString(),
  });
  let states: Awaited<ReturnType<PostgresRecorderStore['read']>> = [];
  const stateOf = (id: number) => {
    const s = states.find((r) => r.id === id)!;
    return { id: s.id, opened_at: s.opened_at, clicked_at: s.clicked_at, succeeded_at: s.succeeded_at, reported_at: s.reported_at, vulnerable: s.vulnerable, opens: s.opens, clicks: s.clicks, submits: s.submits, os: s.os, browser: s.browser, ip: s.ip, proxy_ip: s.proxy_ip, country: s.country };
  };
  const eventsOfCampaign = () => db().selectFrom('tracking_events').selectAll().where('campaign_id', '=', f.campaignId).orderBy('id').execute();

  it('writes a large batch through COPY: every row exactly as given, with the victims in the same transaction', async () => {
    states = await store.read(f.victimIds, false);
    const events = Array.from({ length: 300 }, (_, i) => event(i, f.victimIds[i % 3]));
    expect(await store.writeIfUnchanged(false, states, writes(events, 7))).toBe(true);
    const rows = await eventsOfCampaign();
    expect(rows).toHaveLength(300);
    const columns = ['client_id', 'campaign_id', 'scenario_id', 'victim_id', 'type', 'time', 'verdict', 'reasons', 'ip', 'proxy_ip', 'user_agent', 'os', 'browser', 'country', 'data'] as const;
    expect(rows.map((r) => columns.map((c) => r[c]))).toEqual(events);
    expect(rows[1].user_agent).toBe(TRICKY_UA);
    expect(JSON.parse(rows[0].data)).toEqual({ user: 'line\nbreak\ttab "quoted" \\ back', note: 'ünïcödé ✓' });
    expect((await db().selectFrom('victims').select('opens').where('id', '=', f.victimIds[0]).executeTakeFirstOrThrow()).opens).toBe(7);
  });

  it('writes nothing when a victim changed since the batch was planned (the COPY is rolled back)', async () => {
    // Planned from the state before the last test's write: stale.
    const stale = states;
    const events = Array.from({ length: 300 }, (_, i) => event(i, f.victimIds[i % 3]));
    expect(await store.writeIfUnchanged(false, stale, writes(events, 99))).toBe(false);
    expect(await eventsOfCampaign()).toHaveLength(300);
    expect((await db().selectFrom('victims').select('opens').where('id', '=', f.victimIds[0]).executeTakeFirstOrThrow()).opens).toBe(7);
  });

  it('a batch whose connection is lost in the middle leaves nothing, the process goes on, and the pool without that connection', async () => {
    states = await store.read(f.victimIds, false);
    const before = (await eventsOfCampaign()).length;
    const pool = t.core.database.pool!;
    // Another transaction holds a victim: the batch's statement waits for it, after its COPY.
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from victims where id = $1 for update', [f.victimIds[0]]);
      const write = store.writeIfUnchanged(false, states, writes(Array.from({ length: 300 }, (_, i) => event(i, f.victimIds[i % 3])), 9));
      await terminateBackend(holder, "wait_event_type = 'Lock' and query like 'with x as%'");
      await expect(write).rejects.toThrow(/terminat/);
      await holder.query('rollback');
    } finally {
      holder.release();
    }
    expect(await eventsOfCampaign()).toHaveLength(before);
    await Promise.all(Array.from({ length: 10 }, () => pool.query('select 1')));
    expect(await store.writeIfUnchanged(false, states, writes(Array.from({ length: 300 }, (_, i) => event(i, f.victimIds[i % 3])), 9))).toBe(true);
    expect(await eventsOfCampaign()).toHaveLength(before + 300);
  });

  it('a batch PostgreSQL refuses leaves nothing, says why, and the pool goes on', async () => {
    states = await store.read(f.victimIds, false);
    const before = (await eventsOfCampaign()).length;
    const events = Array.from({ length: 300 }, (_, i) => event(i, f.victimIds[i % 3]));
    events[150][0] = 'not a number';
    await expect(store.writeIfUnchanged(false, states, writes(events, 8))).rejects.toThrow(/invalid input syntax for type integer: "not a number"/);
    expect(await eventsOfCampaign()).toHaveLength(before);
    // Every pooled connection still works, and a good batch goes through.
    const pool = t.core.database.pool!;
    await Promise.all(Array.from({ length: 10 }, () => pool.query('select 1')));
    events[150][0] = f.clientId;
    expect(await store.writeIfUnchanged(false, states, writes(events, 8))).toBe(true);
    expect(await eventsOfCampaign()).toHaveLength(before + 300);
    expect((await db().selectFrom('victims').select('opens').where('id', '=', f.victimIds[0]).executeTakeFirstOrThrow()).opens).toBe(8);
  });
});
