/**
 * The fast path (tracking/server.ts answers GET /o/:token and GET /l/:token before fastify
 * routes them): the same bytes as the fastify routes, the same recording, and everything it does
 * not handle (HEAD, a forged token, a request through a trusted proxy) answered the usual way.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { BROWSER_UA, eventsOf, meaningfulHeaders, rawRequest, trackingFixture, trackingServer, victimRow, type Fixture } from './tracking-factories.ts';

let t: TestApp;
let srv: FastifyInstance;
let f: Fixture;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  srv = await trackingServer(t);
  await srv.listen({ host: '127.0.0.1', port: 0 });
  port = (srv.server.address() as AddressInfo).port;
  f = await trackingFixture(t, { victims: 3 });
});
afterAll(async () => {
  await srv?.close();
  await t?.close();
});

const raw = (method: string, path: string, headers?: Record<string, string>) => rawRequest(port, method, path, headers);
const meaningful = meaningfulHeaders;

it('answers the pixel with the same status, headers and bytes as the route, and records the open', async () => {
  const fast = await raw('GET', `/o/${f.tokens[0]}.gif`);
  const routed = await srv.inject({ method: 'GET', url: `/o/${f.tokens[1]}.gif`, headers: { 'user-agent': BROWSER_UA } });
  expect(fast.status).toBe(200);
  expect(meaningful(fast.headers)).toEqual(meaningful(routed.headers));
  expect(fast.body.equals(routed.rawPayload)).toBe(true);
  const [e] = await eventsOf(t, f.victimIds[0]);
  expect([e.type, e.verdict, e.ip, e.proxy_ip, e.browser]).toEqual(['open', 'human', '127.0.0.1', '', 'Chrome 142']);
  expect((await victimRow(t, f.victimIds[0])).opens).toBe(1);
  // Without .gif, with a query string: the same pixel.
  expect((await raw('GET', `/o/${f.tokens[0]}?x=1`)).status).toBe(200);
  expect((await victimRow(t, f.victimIds[0])).opens).toBe(2);
});

it('leaves a forged token, HEAD and stopped campaigns to the ordinary answers', async () => {
  const routed404 = await srv.inject({ method: 'GET', url: '/o/forged-token.gif' });
  const forged = await raw('GET', '/o/forged-token.gif');
  expect(forged.status).toBe(404);
  expect(meaningful(forged.headers)).toEqual(meaningful(routed404.headers));
  expect(forged.body.toString()).toBe(routed404.payload);
  const head = await raw('HEAD', `/o/${f.tokens[2]}.gif`);
  expect(head.status).toBe(200);
  const events = await eventsOf(t, f.victimIds[2]);
  expect(events.map((e) => [e.type, e.verdict])).toEqual([['open', 'automated']]);
  // A campaign that is not running: the neutral page, byte for byte, and nothing recorded.
  await t.core.database.db.updateTable('campaigns').set({ status: 'stopped' }).where('id', '=', f.campaignId).execute();
  t.core.tracking.forgetCachedScenarios();
  const stopped = await raw('GET', `/o/${f.tokens[2]}.gif`);
  expect(stopped.status).toBe(404);
  expect(meaningful(stopped.headers)).toEqual(meaningful(routed404.headers));
  expect(stopped.body.toString()).toBe(routed404.payload);
  expect(await eventsOf(t, f.victimIds[2])).toHaveLength(1);
});

it('answers a click with the same landing page, headers and recording as the route', async () => {
  const g = await trackingFixture(t, { victims: 2, successAction: 'click' });
  const fast = await raw('GET', `/l/${g.tokens[0]}`);
  const routed = await srv.inject({ method: 'GET', url: `/l/${g.tokens[0]}`, headers: { 'user-agent': BROWSER_UA } });
  expect(fast.status).toBe(200);
  expect(fast.body.toString()).toContain('<form method="post"');
  expect(meaningful(fast.headers)).toEqual(meaningful(routed.headers));
  expect(fast.body.toString()).toBe(routed.payload);
  const v = await victimRow(t, g.victimIds[0]);
  expect([v.clicks, v.clicked_at !== null, v.succeeded_at !== null]).toEqual([2, true, true]);
});

it('redirects a click without a landing page exactly as the route does', async () => {
  const g = await trackingFixture(t, { victims: 1, successAction: 'click', noLanding: true, redirectUrl: 'https://example.com/after' });
  const fast = await raw('GET', `/l/${g.tokens[0]}`);
  const routed = await srv.inject({ method: 'GET', url: `/l/${g.tokens[0]}`, headers: { 'user-agent': BROWSER_UA } });
  expect([fast.status, fast.headers.location]).toEqual([302, 'https://example.com/after']);
  expect(meaningful(fast.headers)).toEqual(meaningful(routed.headers));
  expect(fast.body.toString()).toBe(routed.payload);
  const none = await trackingFixture(t, { victims: 1, successAction: 'click', noLanding: true });
  const page = await raw('GET', `/l/${none.tokens[0]}`);
  const routedPage = await srv.inject({ method: 'GET', url: `/l/${none.tokens[0]}`, headers: { 'user-agent': BROWSER_UA } });
  expect(page.status).toBe(200);
  expect(meaningful(page.headers)).toEqual(meaningful(routedPage.headers));
  expect(page.body.toString()).toBe(routedPage.payload);
});
