/**
 * Deleting what tracking events belong to deletes the events too. On PostgreSQL the events carry
 * no foreign keys (migration 012: they cost half of writing an event), so the services that
 * delete victims (a client, a campaign, a scenario) delete their events themselves; and hits
 * still in the journal when their victims go are dropped, not written without a victim.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { BROWSER_UA, trackingFixture, type Fixture } from './tracking-factories.ts';

let t: TestApp;
beforeAll(async () => {
  // With the journal on both databases, so that hits can be answered before their victims go.
  t = await createTestApp({ DECOY_TRACKING_JOURNAL: 'on' });
});
afterAll(async () => t?.close());

const hit = (victimId: number) =>
  t.core.tracking.recorder.record({ victimId, kind: 'open', method: 'GET', headers: { 'user-agent': BROWSER_UA }, ip: '198.51.100.7', proxyIp: '' });

/** Two hits on each victim of each fixture, applied. */
async function hitAll(...fixtures: Fixture[]): Promise<void> {
  for (const f of fixtures) for (const id of f.victimIds) for (const found of await Promise.all([hit(id), hit(id)])) expect(found.found).toBe(true);
  await t.core.tracking.flush();
}

async function eventCount(column: 'client_id' | 'campaign_id' | 'scenario_id', id: number): Promise<number> {
  const row = await t.core.database.db
    .selectFrom('tracking_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const stop = (f: Fixture) => t.core.database.db.updateTable('campaigns').set({ status: 'stopped' }).where('id', '=', f.campaignId).execute();

it('deleting a scenario, a campaign or a client deletes their tracking events, and only theirs', async () => {
  const { clientId, token } = await t.tenant();
  const a = await trackingFixture(t, { clientId, victims: 2 });
  const b = await trackingFixture(t, { clientId, victims: 2 });
  const other = await trackingFixture(t, { victims: 2 });
  await hitAll(a, b, other);
  expect(await eventCount('scenario_id', a.scenarioId)).toBe(4);
  expect(await eventCount('client_id', clientId)).toBe(8);

  await stop(a);
  expect((await t.call('DELETE', `/api/scenarios/${a.scenarioId}`, { token })).statusCode).toBe(204);
  expect(await eventCount('scenario_id', a.scenarioId)).toBe(0);
  expect(await eventCount('campaign_id', b.campaignId)).toBe(4);

  await stop(b);
  expect((await t.call('DELETE', `/api/campaigns/${b.campaignId}`, { token })).statusCode).toBe(204);
  expect(await eventCount('campaign_id', b.campaignId)).toBe(0);
  expect(await eventCount('client_id', other.clientId)).toBe(4);

  await stop(other);
  expect((await t.call('DELETE', `/api/clients/${other.clientId}`, { token: t.rootToken })).statusCode).toBe(204);
  expect(await eventCount('client_id', other.clientId)).toBe(0);
});

it('hits answered before their victims were deleted are dropped when applied; the others are recorded', async () => {
  const gone = await trackingFixture(t, { victims: 2 });
  const kept = await trackingFixture(t, { victims: 2 });
  await hitAll(gone, kept);
  // Answered (in the journal), not applied yet: the apply gathers hits for up to a second after the last one.
  const answered = await Promise.all([...gone.victimIds, ...kept.victimIds].map(hit));
  expect(answered.every((o) => o.found)).toBe(true);
  expect(t.core.tracking.recorder.pending).toBe(true);
  await t.core.database.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('campaigns').where('id', '=', gone.campaignId).execute();
    await trx.deleteFrom('tracking_events').where('campaign_id', '=', gone.campaignId).execute();
  });
  await t.core.tracking.flush();
  expect(await eventCount('campaign_id', gone.campaignId)).toBe(0);
  expect(await eventCount('campaign_id', kept.campaignId)).toBe(6);
  const counters = await t.core.database.db.selectFrom('campaign_counters').selectAll().where('scenario_id', '=', kept.scenarioId).executeTakeFirstOrThrow();
  expect(counters.opened).toBe(2);
  // And the recorder goes on: a new hit is recorded.
  expect((await hit(kept.victimIds[0])).found).toBe(true);
  await t.core.tracking.flush();
  expect(await eventCount('campaign_id', kept.campaignId)).toBe(7);
});
