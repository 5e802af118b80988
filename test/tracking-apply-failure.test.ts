/**
 * The database failing under the tracking server. With the journal, a hit answered 2xx is kept
 * and reaches the database once it is back; without it, a hit that cannot be committed is not
 * answered 2xx. Either way the server keeps serving. (The failure is real: the events table is
 * renamed away and back.)
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { BROWSER_UA, countersOf, trackingFixture, trackingServer } from './tracking-factories.ts';

let t: TestApp | undefined;
let srv: FastifyInstance | undefined;
afterEach(async () => {
  await srv?.close();
  await t?.close();
  srv = t = undefined;
});

const away = (app: TestApp) => app.core.database.db.schema.alterTable('tracking_events').renameTo('tracking_events_away').execute();
const back = (app: TestApp) => app.core.database.db.schema.alterTable('tracking_events_away').renameTo('tracking_events').execute();
const eventCount = async (app: TestApp, campaignId: number) =>
  Number((await app.core.database.db.selectFrom('tracking_events').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', campaignId).executeTakeFirstOrThrow()).n);

it('with the journal: hits answered while the database fails are applied once it is back', async () => {
  t = await createTestApp({ DECOY_TRACKING_JOURNAL: 'on' });
  srv = await trackingServer(t);
  const f = await trackingFixture(t, { victims: 3 });
  await away(t);
  const answers = await Promise.all(f.tokens.map((token) => srv!.inject({ method: 'GET', url: `/o/${token}.gif`, headers: { 'user-agent': BROWSER_UA } })));
  expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
  // Still serving while the apply keeps failing.
  await new Promise((r) => setTimeout(r, 300));
  expect((await srv.inject({ method: 'GET', url: '/robots.txt' })).statusCode).toBe(200);
  await back(t);
  await t.core.tracking.flush();
  expect(await eventCount(t, f.campaignId)).toBe(3);
  expect((await countersOf(t, f.scenarioId)).opened).toBe(3);
}, 30_000);

it('without the journal: a hit that cannot be committed is not answered 2xx, and the next one is', async () => {
  t = await createTestApp({ DECOY_TRACKING_JOURNAL: 'off' });
  srv = await trackingServer(t);
  const f = await trackingFixture(t, { victims: 2 });
  await away(t);
  const failed = await srv.inject({ method: 'GET', url: `/o/${f.tokens[0]}.gif`, headers: { 'user-agent': BROWSER_UA } });
  expect(failed.statusCode).toBe(404);
  expect(failed.headers['content-type']).toContain('text/html');
  await back(t);
  const ok = await srv.inject({ method: 'GET', url: `/o/${f.tokens[1]}.gif`, headers: { 'user-agent': BROWSER_UA } });
  expect(ok.statusCode).toBe(200);
  expect(await eventCount(t, f.campaignId)).toBe(1);
  expect((await countersOf(t, f.scenarioId)).opened).toBe(1);
}, 30_000);
