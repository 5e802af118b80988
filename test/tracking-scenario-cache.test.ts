/**
 * The tracking server's scenario cache: a hit never waits for the reload of an entry past its
 * TTL (it is answered from the entry while one query reloads it), so that a reload queued behind
 * a large write of the recorder (SQLite's one connection) does not stall every hit; a missing
 * entry, one long past its TTL, or one dropped by forget() is read before the hit is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioCache } from '../src/core/tracking/landing.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { trackingFixture } from './tracking-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const TTL = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const setStatus = (campaignId: number, status: string) => t.core.database.db.updateTable('campaigns').set({ status }).where('id', '=', campaignId).execute();

async function live(cache: ScenarioCache, id: number): Promise<boolean | undefined> {
  return (await cache.scenariosById([id])).get(id)?.live;
}

describe('scenario cache', () => {
  it('answers an entry past its TTL at once and reloads it beside the hits; a campaign stopped elsewhere shows after the reload', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const cache = new ScenarioCache(t.core.database.db, TTL);
    expect(await live(cache, f.scenarioId)).toBe(true);
    // Stopped by another process: this one learns it from the database only.
    await setStatus(f.campaignId, 'stopped');
    expect(await live(cache, f.scenarioId)).toBe(true); // within the TTL
    await sleep(TTL + 20);
    expect(await live(cache, f.scenarioId)).toBe(true); // past it: answered as it was, reload started
    let seen: boolean | undefined = true;
    for (let i = 0; i < 50 && seen; i++) {
      await sleep(10);
      seen = await live(cache, f.scenarioId);
    }
    expect(seen).toBe(false);
    await setStatus(f.campaignId, 'running');
  });

  it('a hit on an entry past its TTL does not wait for the connection; a missing one does', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const other = await trackingFixture(t, { victims: 1 });
    const cache = new ScenarioCache(t.core.database.db, TTL);
    expect(await live(cache, f.scenarioId)).toBe(true);
    await sleep(TTL + 20);
    // Hold a connection as the recorder's apply does on SQLite (its only one), and ask meanwhile.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holding = t.core.database.db.connection().execute(() => held);
    const answered = await Promise.race([live(cache, f.scenarioId), sleep(1000).then(() => 'waited' as const)]);
    expect(answered).toBe(true);
    // A scenario the cache has never seen must be read first (on SQLite: after the connection is free).
    const first = live(cache, other.scenarioId);
    release();
    await holding;
    expect(await first).toBe(true);
  });

  it('after forget() (a campaign stopped in this process) the next hit waits for a fresh read', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const cache = new ScenarioCache(t.core.database.db, 60_000);
    expect(await live(cache, f.scenarioId)).toBe(true);
    await setStatus(f.campaignId, 'stopped');
    cache.forget();
    expect(await live(cache, f.scenarioId)).toBe(false);
    await setStatus(f.campaignId, 'running');
  });

  it('an entry long past its TTL (the database was unreachable meanwhile) is read before it is answered', async () => {
    const f = await trackingFixture(t, { victims: 1 });
    const cache = new ScenarioCache(t.core.database.db, 10);
    expect(await live(cache, f.scenarioId)).toBe(true);
    await setStatus(f.campaignId, 'stopped');
    await sleep(150); // more than ten TTLs
    expect(await live(cache, f.scenarioId)).toBe(false);
    await setStatus(f.campaignId, 'running');
  });
});
