/**
 * A campaign from start to finish on real parts: the Lucy API starts it, the worker sends it
 * over SMTP to a real server on loopback, and the links in the received mail are followed over
 * HTTP against the real tracking server.
 */
import type { FastifyInstance } from 'fastify';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTrackingServer } from '../src/tracking/server.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { buildCampaign, drain, setStatus } from './helpers/campaign.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const PASSWORD = 'Tr0ub4dor&3-never-stored';

let sink: SmtpSink;
let t: TestApp;
let tracking: FastifyInstance;
let base: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  sink = await startSmtpSink();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ DECOY_SMTP_URL: sink.url, DECOY_PUBLIC_URL: base });
  tracking = await buildTrackingServer(t.core, { logger: false });
  await tracking.listen({ host: '127.0.0.1', port });
});
afterAll(async () => {
  await tracking?.close();
  await t?.close();
  await sink?.close();
});

const linkIn = (html: string, path: string) => new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/${path}/[A-Za-z0-9_-]+(\\.gif)?`).exec(html)?.[0];

it('mails arrive with working links; people move the statistics, machines do not', async () => {
  const a = await t.tenant();
  const staff = [
    { email: 'alice@example-corp.test', name: 'Alice Doe' },
    { email: 'bob@example-corp.test', name: 'Bob Roe' },
    { email: 'carol@example-corp.test', name: 'Carol Poe' },
  ];
  const built = await buildCampaign(t, a, { groups: [staff], type: 'data', scenario: { collect_data: 'full' } });
  await setStatus(t, a.token, built.campaignId, 'running');
  await drain(t);
  const mails = await sink.waitFor(3);
  expect(mails).toHaveLength(3);
  // Time passes between delivery and reading (a click within 2 s of delivery is a scanner's).
  await t.core.database.db.updateTable('victims').set({ submitted_at: new Date(Date.now() - 600_000).toISOString() }).where('campaign_id', '=', built.campaignId).execute();

  const mailOf = (email: string) => mails.find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address === email)!;
  const html = (email: string) => String(mailOf(email).html);
  const human = { 'user-agent': CHROME, accept: 'text/html' };

  // A link scanner and a HEAD request first: recorded, but nobody clicked.
  const aliceLink = linkIn(html('alice@example-corp.test'), 'l')!;
  expect(aliceLink).toBeTruthy();
  expect((await fetch(aliceLink, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Proofpoint URL Defense)' } })).status).toBe(200);
  expect((await fetch(aliceLink, { method: 'HEAD', headers: human })).status).toBe(200);
  let stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
  expect(stats).toMatchObject({ victims: 3, submitted: 3, clicks: 0, success: 0, report: 0 });

  // Alice opens the mail and clicks; the landing page has a form.
  const pixel = linkIn(html('alice@example-corp.test'), 'o')!;
  expect((await fetch(pixel, { headers: human })).headers.get('content-type')).toMatch(/image\/gif/);
  const landing = await fetch(aliceLink, { headers: human });
  expect(landing.status).toBe(200);
  const page = await landing.text();
  expect(page).toMatch(/<form/i);
  // She signs in on the fake page: that is the attack succeeding (success_action post).
  const posted = await fetch(aliceLink, {
    method: 'POST',
    headers: { ...human, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'alice', password: PASSWORD }).toString(),
    redirect: 'manual',
  });
  expect([200, 302, 303]).toContain(posted.status);

  // Bob clicks only; Carol reports the message.
  expect((await fetch(linkIn(html('bob@example-corp.test'), 'l')!, { headers: human })).status).toBe(200);
  const carolVictim = t.core.tracking.victimOf(linkIn(html('carol@example-corp.test'), 'l')!.split('/l/')[1])!;
  const report = await fetch(`${base}/r/${t.core.tracking.tokens.token(carolVictim)}`, { method: 'POST', headers: human });
  expect(report.status).toBe(200);
  await t.core.tracking.flush();

  stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
  expect(stats).toMatchObject({ victims: 3, submitted: 3, clicks: 2, success: 1, report: 1, errors: 0 });
  const campaign = (await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign;
  expect(campaign).toMatchObject({ submitted: 3, opened: 2, clicked: 2, succeeded: 1, reported: 1 });
  const victims = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?sort=email`, { token: a.token })).json().victims;
  const [alice, bob, carol] = victims;
  expect(alice).toMatchObject({ email: 'alice@example-corp.test', clicks: 1, browser: expect.stringMatching(/Chrome/), os: expect.stringMatching(/Windows/) });
  expect(alice.opened_at).toBeTruthy();
  expect(alice.clicked_at).toBeTruthy();
  expect(alice.succeeded_at).toBeTruthy();
  expect(bob.clicked_at).toBeTruthy();
  expect(bob.succeeded_at).toBeNull();
  expect(carol.reported_at).toBeTruthy();
  expect(carol.clicked_at).toBeNull();

  // Every hit is visible with its verdict; the scanner and the HEAD are automated, with reasons.
  const events = (await t.call('GET', `/api/victims/${alice.id}/events?limit=100`, { token: a.token })).json().events;
  const automated = events.filter((e: { verdict: string }) => e.verdict === 'automated');
  expect(automated.length).toBeGreaterThanOrEqual(2);
  expect(automated.map((e: { reasons: string[] }) => e.reasons.join(' ')).join(' | ')).toMatch(/Proofpoint/);
  expect(automated.map((e: { reasons: string[] }) => e.reasons.join(' ')).join(' | ')).toMatch(/HEAD/);
  expect(events.filter((e: { verdict: string }) => e.verdict === 'human').map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['open', 'click', 'submit']));

  // The password is nowhere in the database.
  const db = t.core.database.db;
  for (const table of await t.tables()) {
    const rows = await db.selectFrom(table.name as never).selectAll().execute();
    expect(JSON.stringify(rows), `table ${table.name}`).not.toContain(PASSWORD);
  }

  // Stopped: the links answer the same neutral 404 as an unknown token.
  await setStatus(t, a.token, built.campaignId, 'stopped');
  const dead = await fetch(aliceLink, { headers: human });
  const unknown = await fetch(`${base}/l/AAAAAAAAAAAAAAAAAAAAAAxyz`, { headers: human });
  expect(dead.status).toBe(404);
  expect(await dead.text()).toBe(await unknown.text());
});

it('a file scenario: the download counts as success', async () => {
  const a = await t.tenant();
  const built = await buildCampaign(t, a, { groups: [[{ email: 'dave@example-corp.test', name: 'Dave' }]], type: 'file' });
  const before = sink.messages.length;
  await setStatus(t, a.token, built.campaignId, 'running');
  await drain(t);
  const [mail] = (await sink.waitFor(before + 1)).slice(before);
  await t.core.database.db.updateTable('victims').set({ submitted_at: new Date(Date.now() - 600_000).toISOString() }).where('campaign_id', '=', built.campaignId).execute();
  const victimId = t.core.tracking.victimOf(linkIn(String(mail.html), 'l')!.split('/l/')[1])!;
  const download = await fetch(`${base}/d/${t.core.tracking.tokens.token(victimId)}`, { headers: { 'user-agent': CHROME } });
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toMatch(/attachment/);
  await t.core.tracking.flush();
  const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
  expect(stats).toMatchObject({ submitted: 1, success: 1 });
});
