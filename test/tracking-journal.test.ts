/**
 * The hit journal: a journal left by a process that is gone is applied from where the database
 * says it got to (each hit once), then deleted; journals of live processes are left alone; a
 * line cut short at the end is ignored; a clean shutdown leaves no journal behind; a full journal
 * is deleted once applied, while hits keep coming; a journal file deleted under the running
 * process loses nothing.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JOURNAL_FLAGS, journalLine } from '../src/core/tracking/journal.ts';
import { HitRecorder } from '../src/core/tracking/recorder.ts';
import { recorderStore } from '../src/core/tracking/recorder-store.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { BROWSER_UA, countersOf, eventsOf, trackingFixture, trackingServer, victimRow } from './tracking-factories.ts';

let t: TestApp;
beforeAll(async () => {
  // The journal is on by default with SQLite only: on here for both databases.
  t = await createTestApp({ DECOY_TRACKING_JOURNAL: 'on' });
});
afterAll(async () => t?.close());

const dir = () => path.join(t.config.dataDir, 'tracking-journal');
const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');

/** A pid no process has (above Linux's pid_max). */
const GONE_PID = 4_194_305;

it("keeps the journal (people's addresses and user agents) to this user: its directory 0700, its file 0600", async () => {
  const f = await trackingFixture(t, { victims: 1 });
  const srv = await trackingServer(t);
  expect((await srv.inject({ method: 'GET', url: `/o/${f.tokens[0]}.gif`, headers: { 'user-agent': BROWSER_UA } })).statusCode).toBe(200);
  expect(statSync(dir()).mode & 0o777).toBe(0o700);
  const files = readdirSync(dir()).filter((n) => n.includes(`-${process.pid}-`));
  expect(files).toHaveLength(1);
  expect(statSync(path.join(dir(), files[0])).mode & 0o777).toBe(0o600);
  await srv.close();
});

it('applies a dead process journal from its watermark, each hit once, and deletes it', async () => {
  const f = await trackingFixture(t, { victims: 3 });
  const time = new Date().toISOString();
  const event = (victimId: number, kind: string) => [f.clientId, f.campaignId, f.scenarioId, victimId, kind, time, 'human', '[]', '203.0.113.9', '', BROWSER_UA, 'Windows', 'Chrome', '', '{}'];
  const id = `${host}-${GONE_PID}-0a0b0c`;
  mkdirSync(dir(), { recursive: true });
  const lines = [
    journalLine(1, 0, event(f.victimIds[0], 'open')),
    journalLine(2, JOURNAL_FLAGS.succeeds, event(f.victimIds[0], 'click')),
    journalLine(3, 0, event(f.victimIds[1], 'open')),
    journalLine(5, 0, event(f.victimIds[2], 'open')),
  ];
  // The database already has the first hit (the process applied it before it died), and the
  // last line was cut short by a power cut.
  await t.core.database.db.insertInto('tracking_journals').values({ id, seq: 1, updated_at: time }).execute();
  writeFileSync(path.join(dir(), `${id}.log`), lines.join('') + '[6,0,[1,2');
  // A live process's journal (this one's pid) is not touched.
  const live = `${host}-${process.pid}-0d0e0f.log`;
  writeFileSync(path.join(dir(), live), journalLine(1, 0, event(f.victimIds[2], 'open')));

  expect(await t.core.tracking.recover()).toBe(3);
  expect(readdirSync(dir()).sort()).toEqual([live]);
  expect(await t.core.database.db.selectFrom('tracking_journals').selectAll().where('id', '=', id).execute()).toEqual([]);
  expect((await eventsOf(t, f.victimIds[0])).map((e) => e.type)).toEqual(['click']);
  const v0 = await victimRow(t, f.victimIds[0]);
  expect([v0.opened_at, v0.clicked_at, v0.succeeded_at, v0.clicks, v0.opens]).toEqual([time, time, time, 1, 0]);
  expect((await victimRow(t, f.victimIds[2])).opens).toBe(1);
  const c = await countersOf(t, f.scenarioId);
  expect([c.opened, c.clicked, c.succeeded]).toEqual([3, 1, 1]);
  // Nothing left to do the second time.
  expect(await t.core.tracking.recover()).toBe(0);
});

it('a clean shutdown applies everything and deletes its journal', async () => {
  const f = await trackingFixture(t, { victims: 2 });
  const srv = await trackingServer(t);
  const res = await srv.inject({ method: 'GET', url: `/o/${f.tokens[0]}.gif`, headers: { 'user-agent': BROWSER_UA } });
  expect(res.statusCode).toBe(200);
  const mine = () => readdirSync(dir()).filter((n) => n.includes(`-${process.pid}-`) && !n.endsWith('0d0e0f.log'));
  expect(mine()).toHaveLength(1);
  await srv.close();
  expect(mine()).toHaveLength(0);
  expect((await victimRow(t, f.victimIds[0])).opens).toBe(1);
  expect(await t.core.database.db.selectFrom('tracking_journals').selectAll().execute()).toEqual([]);
});

it('a full journal takes no more hits and is deleted once its hits are applied, under continuous load', async () => {
  const f = await trackingFixture(t, { victims: 20 });
  const dirOf = path.join(t.config.dataDir, 'journal-rotation');
  const retired: string[] = [];
  const recorder = new HitRecorder(recorderStore(t.core.database.db, t.core.database.dialect, t.config.databaseUrl), t.core.tracking.scenarios, t.core.scannerRanges, {
    journalDir: dirOf,
    // Full after every batch: each batch of hits opens a new journal.
    journalFullBytes: 1,
    onRetired: (id) => retired.push(id),
  });
  try {
    // Hits keep coming, one batch after another (each answered before the next), while earlier ones are applied.
    for (let round = 0; round < 30; round++) {
      const answers = f.victimIds.slice(0, 5).map((victimId) => recorder.record({ victimId, kind: 'open', method: 'GET', headers: { 'user-agent': BROWSER_UA }, ip: '203.0.113.9', proxyIp: '' }));
      expect((await Promise.all(answers)).every((o) => o.found)).toBe(true);
    }
    await recorder.flush();
    // Only the journal still taking hits is left; every other one was deleted, and said so.
    expect(recorder.stats.journaled).toBe(30);
    expect(readdirSync(dirOf)).toHaveLength(1);
    expect(retired).toHaveLength(29);
    expect(retired.every((id) => !readdirSync(dirOf).includes(`${id}.log`))).toBe(true);
    const c = await countersOf(t, f.scenarioId);
    expect(c.opened).toBe(5);
    expect((await victimRow(t, f.victimIds[0])).opens).toBe(30);
    recorder.close();
    expect(readdirSync(dirOf)).toHaveLength(0);
  } finally {
    recorder.close();
  }
});

it('an answer that throws does not keep the other hits of its batch from being answered or recorded', async () => {
  const f = await trackingFixture(t, { victims: 3 });
  const recorder = new HitRecorder(recorderStore(t.core.database.db, t.core.database.dialect, t.config.databaseUrl), t.core.tracking.scenarios, t.core.scannerRanges, {
    journalDir: path.join(t.config.dataDir, 'journal-throwing'),
  });
  const logged: string[] = [];
  const error = console.error;
  console.error = (msg: unknown) => logged.push(String(msg));
  try {
    const hit = (victimId: number) => ({ victimId, kind: 'open' as const, method: 'GET', headers: { 'user-agent': BROWSER_UA }, ip: '203.0.113.9', proxyIp: '' });
    // Three hits in one turn of the event loop: one batch. The first one's answer throws.
    recorder.submit(hit(f.victimIds[0]), () => {
      throw new Error('the socket went away');
    });
    const others = f.victimIds.slice(1).map((id) => new Promise((resolve, reject) => recorder.submit(hit(id), (err, o) => (o ? resolve(o) : reject(err)))));
    expect(await Promise.all(others)).toEqual([expect.objectContaining({ found: true }), expect.objectContaining({ found: true })]);
    await recorder.flush();
    expect(recorder.stats.journaled).toBe(1);
    for (const id of f.victimIds) expect((await victimRow(t, id)).opens).toBe(1);
    expect(logged).toEqual(['tracking: answering a hit failed: the socket went away']);
  } finally {
    console.error = error;
    recorder.close();
  }
});

it('a journal file deleted while in use: its hits are still applied, and the next go to a new journal', async () => {
  const f = await trackingFixture(t, { victims: 4 });
  const dirOf = path.join(t.config.dataDir, 'journal-deleted');
  const retired: string[] = [];
  const failures: unknown[] = [];
  const deleted: string[] = [];
  const recorder = new HitRecorder(recorderStore(t.core.database.db, t.core.database.dialect, t.config.databaseUrl), t.core.tracking.scenarios, t.core.scannerRanges, {
    journalDir: dirOf,
    onRetired: (id) => retired.push(id),
    onApplyError: (err) => failures.push(err),
    onJournalDeleted: (file) => deleted.push(file),
  });
  const hit = (victimId: number) => ({ victimId, kind: 'open' as const, method: 'GET', headers: { 'user-agent': BROWSER_UA }, ip: '203.0.113.9', proxyIp: '' });
  try {
    // Answered, so in the journal; not applied yet (the apply gathers for up to a second).
    expect((await Promise.all(f.victimIds.slice(0, 2).map((id) => recorder.record(hit(id))))).every((o) => o.found)).toBe(true);
    const [first] = readdirSync(dirOf);
    // Someone (a clean-up job, an operator) deletes the file under the running process.
    unlinkSync(path.join(dirOf, first));
    await recorder.flush();
    expect(failures).toEqual([]);
    // Said once, with the file's name.
    expect(deleted).toEqual([path.join(dirOf, first)]);
    for (const id of f.victimIds.slice(0, 2)) expect((await victimRow(t, id)).opens).toBe(1);
    // The hits after that are written to a journal that is there, so that a crash would not lose them.
    expect((await Promise.all(f.victimIds.slice(2).map((id) => recorder.record(hit(id))))).every((o) => o.found)).toBe(true);
    const now = readdirSync(dirOf);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(first);
    expect(readFileSync(path.join(dirOf, now[0]), 'utf8').trim().split('\n')).toHaveLength(2);
    await recorder.flush();
    expect(failures).toEqual([]);
    for (const id of f.victimIds) expect((await victimRow(t, id)).opens).toBe(1);
    expect((await countersOf(t, f.scenarioId)).opened).toBe(4);
    // The deleted journal is done with (its row in tracking_journals can go).
    expect(retired).toEqual([first.slice(0, -'.log'.length)]);
    expect(deleted).toHaveLength(1);
  } finally {
    recorder.close();
  }
});
