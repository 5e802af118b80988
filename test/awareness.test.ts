/**
 * Awareness after a simulation, on real parts: a campaign mailed over SMTP to a real server on
 * loopback, the victim's links followed over HTTP against the real tracking server. After the
 * attack succeeds the person is sent to the awareness page, fails then passes its quiz, and the
 * victim, the campaign counters and the stats follow; machines change nothing. With
 * send_awareness_link the awareness mail goes out awareness_delay minutes later instead.
 */
import type { FastifyInstance } from 'fastify';
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASS_PERCENT } from '../src/core/training/awareness-training.ts';
import { buildTrackingServer } from '../src/tracking/server.ts';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { waitForBackend } from './helpers/pg.ts';
import { buildCampaign, drain, setStatus } from './helpers/campaign.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const SCANNER = 'Mozilla/5.0 (compatible; Proofpoint URL Defense)';
const human = { 'user-agent': CHROME, accept: 'text/html' };
const FORM = 'application/x-www-form-urlencoded';

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

const linkIn = (html: string, path: string) => new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/${path}/[A-Za-z0-9_-]+`).exec(html)?.[0];

interface Quiz {
  question: string;
  answers: string[];
  correct: number;
}

/** A built-in awareness template with a quiz, and its English quiz. */
async function awarenessTemplate(token: string): Promise<{ id: number; quiz: Quiz[] }> {
  const list = await t.call('GET', '/api/awareness-templates?builtin=true&limit=1&sort=id', { token });
  expect(list.statusCode, list.body).toBe(200);
  const id = list.json().awareness_templates[0].id as number;
  const one = await t.call('GET', `/api/awareness-templates/${id}`, { token });
  const contents = one.json().awareness_template.contents as { language_id: number; quiz: Quiz[] }[];
  const quiz = (contents.find((c) => c.language_id === 1) ?? contents[0]).quiz;
  expect(quiz.length).toBeGreaterThanOrEqual(2);
  return { id, quiz };
}

async function addAwareness(token: string, campaignId: number, templateId: number, extra: Record<string, unknown> = {}) {
  const res = await t.call('PUT', `/api/campaigns/${campaignId}/awareness`, {
    token,
    body: { name: 'After the test', domain: 'training.example-corp.test', language_id: 1, template_id: templateId, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().awareness;
}

/** Starts the campaign, sends it over SMTP, and moves delivery into the past (a click 2 s after delivery is a scanner's). */
async function startAndDeliver(token: string, campaignId: number, count: number) {
  const before = sink.messages.length;
  await setStatus(t, token, campaignId, 'running');
  await drain(t);
  const mails = (await sink.waitFor(before + count)).slice(before);
  expect(mails).toHaveLength(count);
  await t.core.database.db.updateTable('victims').set({ submitted_at: new Date(Date.now() - 600_000).toISOString() }).where('campaign_id', '=', campaignId).execute();
  return mails;
}

const victimRow = (id: number) => t.core.database.db.selectFrom('victims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const stats = async (token: string, campaignId: number) => (await t.call('GET', `/api/campaigns/${campaignId}/stats`, { token })).json();
const campaign = async (token: string, campaignId: number) => (await t.call('GET', `/api/campaigns/${campaignId}`, { token })).json().campaign;

function answersBody(quiz: Quiz[], right: number): string {
  // The first `right` questions correct, the others wrong.
  return new URLSearchParams(quiz.map((q, i) => [`q${i}`, String(i < right ? q.correct : (q.correct + 1) % q.answers.length)])).toString();
}

it('after the attack succeeds the person gets the awareness page; the quiz is scored on the server and completes the training once', async () => {
  const a = await t.tenant();
  const { id: templateId, quiz } = await awarenessTemplate(a.token);
  const built = await buildCampaign(t, a, {
    groups: [[{ email: 'alice@example-corp.test', name: 'Alice <b>Doe</b>', firstname: 'Alice<script>' } as never, { email: 'bob@example-corp.test', name: 'Bob Roe' }]],
    type: 'data',
    scenario: { collect_data: 'full' },
  });
  await addAwareness(a.token, built.campaignId, templateId, { scenarios: [{ scenario_id: built.scenarioId }] });
  const mails = await startAndDeliver(a.token, built.campaignId, 2);
  const alicesMail = mails.find((m) => String(m.html).includes('alice') || (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address === 'alice@example-corp.test')!;
  const attackLink = linkIn(String(alicesMail.html), 'l')!;
  const victimId = t.core.tracking.victimOf(attackLink.split('/l/')[1])!;
  expect(victimId).toBeGreaterThan(0);

  // A scanner posting the form first is answered as a person would be, and changes nothing.
  const scannerPost = await fetch(attackLink, { method: 'POST', headers: { 'user-agent': SCANNER, 'content-type': FORM }, body: 'username=x&password=y', redirect: 'manual' });
  expect(scannerPost.status).toBe(303);
  expect((await victimRow(victimId)).succeeded_at).toBeNull();

  // Alice signs in on the fake page: the attack succeeds, and she is sent to her awareness page.
  const posted = await fetch(attackLink, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'username=alice&password=secret-123', redirect: 'manual' });
  expect(posted.status).toBe(303);
  const location = posted.headers.get('location')!;
  expect(location).toMatch(/^\/a\/[A-Za-z0-9_-]+$/);
  const awarenessToken = location.slice(3);
  // A token of its own kind: the attack token is not an awareness token, nor the other way round.
  expect(awarenessToken).not.toBe(attackLink.split('/l/')[1]);
  expect((await fetch(`${base}/a/${attackLink.split('/l/')[1]}`, { headers: human })).status).toBe(404);
  expect((await fetch(`${base}/l/${awarenessToken}`, { headers: human })).status).toBe(404);
  expect((await fetch(`${base}/a/AAAAAAAAAAAAAAAAAAAAAAxyz`, { headers: human })).status).toBe(404);
  const page = `${base}${location}`;

  // Machines: a HEAD and a link scanner load the page; nothing is counted.
  expect((await fetch(page, { method: 'HEAD', headers: human })).status).toBe(200);
  expect((await fetch(page, { headers: { 'user-agent': SCANNER } })).status).toBe(200);
  expect((await victimRow(victimId)).awareness_opened_at).toBeNull();
  expect(await campaign(a.token, built.campaignId)).toMatchObject({ succeeded: 1, awareness_opened: 0, awareness_completed: 0 });

  // Alice opens it: her page, her values escaped, the quiz as a plain form posting back, the tracking server's headers.
  const opened = await fetch(page, { headers: human });
  expect(opened.status).toBe(200);
  expect(opened.headers.get('content-type')).toMatch(/text\/html/);
  expect(opened.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
  expect(opened.headers.get('x-robots-tag')).toMatch(/noindex/);
  expect(opened.headers.get('cache-control')).toMatch(/no-store/);
  const html = await opened.text();
  expect(html).toContain('Alice&lt;script&gt;');
  expect(html).not.toContain('Alice<script>');
  expect(html).toContain(`action="/a/${awarenessToken}"`);
  expect(html).toContain(quiz[0].question.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
  expect(html).not.toMatch(/\{\{\s*quiz\s*\}\}/);
  let v = await victimRow(victimId);
  expect(v.awareness_opened_at).toBeTruthy();
  expect(v.trained_at).toBeNull();
  expect(await campaign(a.token, built.campaignId)).toMatchObject({ awareness_opened: 1, awareness_completed: 0 });

  // She fails the quiz: told so, nothing completed.
  const wrong = await fetch(page, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: answersBody(quiz, 0) });
  expect(wrong.status).toBe(200);
  expect(await wrong.text()).toContain(`${PASS_PERCENT}% is needed`);
  expect((await victimRow(victimId)).trained_at).toBeNull();

  // A scanner posting the right answers does not train her.
  const bot = await fetch(page, { method: 'POST', headers: { 'user-agent': SCANNER, 'content-type': FORM }, body: answersBody(quiz, quiz.length) });
  expect(bot.status).toBe(200);
  expect((await victimRow(victimId)).trained_at).toBeNull();

  // She passes: trained, her average is the mean of her two attempts (0% and 100%).
  const right = await fetch(page, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: answersBody(quiz, quiz.length) });
  expect(right.status).toBe(200);
  expect(await right.text()).toContain('Your training is complete');
  v = await victimRow(victimId);
  expect(v.trained_at).toBeTruthy();
  expect(v.awareness_completed_at).toBe(v.trained_at);
  expect(Number(v.average_quiz_score)).toBe(50);

  // Passing again changes nothing: counted once per victim.
  const again = await fetch(page, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: answersBody(quiz, quiz.length) });
  expect(await again.text()).toContain('You have completed this training');
  expect((await victimRow(victimId)).trained_at).toBe(v.trained_at);

  const c = await campaign(a.token, built.campaignId);
  expect(c).toMatchObject({ succeeded: 1, awareness_opened: 1, awareness_completed: 1, awareness_average_percent: 50, awareness_average_score: quiz.length });
  expect(await stats(a.token, built.campaignId)).toMatchObject({ success: 1, trained: 1 });
  const victims = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?sort=email`, { token: a.token })).json().victims;
  expect(victims[0]).toMatchObject({ email: 'alice@example-corp.test', average_quiz_score: 50, trained_at: expect.stringMatching(/Z$/) });
  expect(victims[1]).toMatchObject({ email: 'bob@example-corp.test', average_quiz_score: null, trained_at: null });

  // The completion is an event with the score and the answers (what export type 50 reads); machines' hits are automated events.
  const events = (await t.call('GET', `/api/victims/${victimId}/events?limit=100`, { token: a.token })).json().events as {
    type: string;
    verdict: string;
    data: Record<string, unknown>;
  }[];
  const complete = events.filter((e) => e.type === 'awareness_complete');
  expect(complete).toHaveLength(1);
  const rows = await t.core.database.db.selectFrom('tracking_events').select(['type', 'verdict', 'data']).where('victim_id', '=', victimId).execute();
  const data = JSON.parse(rows.find((r) => r.type === 'awareness_complete')!.data);
  expect(data).toMatchObject({ score: 100, answers: quiz.map((q) => q.correct), passed: true });
  expect(rows.filter((r) => r.type === 'awareness_open' && r.verdict === 'automated').length).toBeGreaterThanOrEqual(2);
});

it('with send_awareness_link the awareness mail goes out awareness_delay later, with a personal awareness link', async () => {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const built = await buildCampaign(t, a, {
    groups: [[{ email: 'carol@example-corp.test', name: 'Carol Poe', firstname: 'Carol' } as never]],
    type: 'hyperlink',
    scenario: { send_awareness_link: true, awareness_delay: 30 },
  });
  // No scenario list: the awareness applies to every scenario of the campaign.
  await addAwareness(a.token, built.campaignId, templateId, { subject: 'Your short training' });
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const attackLink = linkIn(String(mail.html), 'l')!;
  const victimId = t.core.tracking.victimOf(attackLink.split('/l/')[1])!;

  // A scanner's click schedules nothing.
  await fetch(attackLink, { headers: { 'user-agent': SCANNER } });
  expect((await victimRow(victimId)).awareness_send_at).toBeNull();

  // Carol clicks (success_action click): the landing page as usual, and the awareness mail is scheduled.
  const click = await fetch(attackLink, { headers: human, redirect: 'manual' });
  expect(click.status).toBe(200);
  let v = await victimRow(victimId);
  expect(v.succeeded_at).toBeTruthy();
  expect(v.awareness_send_at).toBeTruthy();
  const delayMs = Date.parse(v.awareness_send_at!) - Date.parse(v.succeeded_at!);
  expect(delayMs).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
  expect(delayMs).toBeLessThan(31 * 60_000);
  expect(v.next_send_at).toBe(v.awareness_send_at);
  // A second click does not move it.
  await fetch(attackLink, { headers: human });
  expect((await victimRow(victimId)).awareness_send_at).toBe(v.awareness_send_at);

  // Not due yet: nothing is sent.
  const before = sink.messages.length;
  await drain(t);
  expect(sink.messages.length).toBe(before);

  // The delay has passed: the worker sends it.
  const past = new Date(Date.now() - 1000).toISOString();
  await t.core.database.db.updateTable('victims').set({ awareness_send_at: past, next_send_at: past }).where('id', '=', victimId).execute();
  await drain(t);
  const [awarenessMail] = (await sink.waitFor(before + 1)).slice(before);
  expect(awarenessMail.subject).toBe('Your short training');
  const link = linkIn(String(awarenessMail.html), 'a')!;
  expect(link).toBeTruthy();
  expect(link.split('/a/')[1]).toBe(t.core.awarenessTraining.token(victimId));
  v = await victimRow(victimId);
  expect(v.awareness_submitted_at).toBeTruthy();
  expect(await stats(a.token, built.campaignId)).toMatchObject({ success: 1, awareness_submitted: 1, trained: 0 });

  // Read well after delivery, the link opens her page.
  await t.core.database.db.updateTable('victims').set({ awareness_submitted_at: new Date(Date.now() - 600_000).toISOString() }).where('id', '=', victimId).execute();
  const opened = await fetch(link, { headers: human });
  expect(opened.status).toBe(200);
  expect(await opened.text()).toContain('Carol');
  expect((await victimRow(victimId)).awareness_opened_at).toBeTruthy();
});

it('a redirect_url still wins after success; a campaign without awareness shows the placeholder', async () => {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const withRedirect = await buildCampaign(t, a, {
    groups: [[{ email: 'dan@example-corp.test', name: 'Dan' }]],
    type: 'data',
    scenario: { redirect_url: 'https://intranet.example-corp.test/welcome' },
  });
  await addAwareness(a.token, withRedirect.campaignId, templateId);
  const [m1] = await startAndDeliver(a.token, withRedirect.campaignId, 1);
  const r1 = await fetch(linkIn(String(m1.html), 'l')!, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'username=dan&password=x', redirect: 'manual' });
  expect(r1.status).toBe(303);
  expect(r1.headers.get('location')).toBe('https://intranet.example-corp.test/welcome');

  const without = await buildCampaign(t, a, { groups: [[{ email: 'erin@example-corp.test', name: 'Erin' }]], type: 'data' });
  const [m2] = await startAndDeliver(a.token, without.campaignId, 1);
  const r2 = await fetch(linkIn(String(m2.html), 'l')!, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'username=erin&password=x', redirect: 'manual' });
  expect(r2.status).toBe(200);
  expect(await r2.text()).toContain('simulated phishing test');
});

it('with success by click and a landing page, the form post leads to the awareness page', async () => {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const built = await buildCampaign(t, a, { groups: [[{ email: 'gus@example-corp.test', name: 'Gus' }]], type: 'data', scenario: { success_action: 'click' } });
  await addAwareness(a.token, built.campaignId, templateId);
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const link = linkIn(String(mail.html), 'l')!;
  const page = await fetch(link, { headers: human });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form');
  const posted = await fetch(link, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'username=gus&password=x', redirect: 'manual' });
  expect(posted.status).toBe(303);
  expect(posted.headers.get('location')).toBe(`/a/${t.core.awarenessTraining.token(t.core.tracking.victimOf(link.split('/l/')[1])!)}`);
});

it('an awareness without a quiz is completed with its "I have read this" button', async () => {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const built = await buildCampaign(t, a, { groups: [[{ email: 'fay@example-corp.test', name: 'Fay' }]], type: 'hyperlink', scenario: { no_landing: true } });
  await addAwareness(a.token, built.campaignId, templateId, { quiz: false });
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const click = await fetch(linkIn(String(mail.html), 'l')!, { headers: human, redirect: 'manual' });
  expect(click.status).toBe(302);
  const page = `${base}${click.headers.get('location')}`;
  const html = await (await fetch(page, { headers: human })).text();
  expect(html).toContain('I have read this');
  expect(html).not.toContain('name="q0"');
  // Two minutes on the page before the button.
  const opened = await t.core.database.db.selectFrom('victims').select('id').where('campaign_id', '=', built.campaignId).executeTakeFirstOrThrow();
  await t.core.database.db.updateTable('victims').set({ awareness_opened_at: new Date(Date.now() - 120_000).toISOString() }).where('id', '=', opened.id).execute();
  const done = await fetch(page, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'done=1' });
  expect(await done.text()).toContain('training is complete');
  const victimId = t.core.tracking.victimOf(linkIn(String(mail.html), 'l')!.split('/l/')[1])!;
  const v = await victimRow(victimId);
  expect(v.trained_at).toBeTruthy();
  expect(v.average_quiz_score).toBeNull();
  const c = await campaign(a.token, built.campaignId);
  expect(c).toMatchObject({ awareness_opened: 1, awareness_completed: 1, awareness_average_percent: 0 });
  // The time counts without a quiz too.
  expect(c.awareness_average_time).toBeGreaterThanOrEqual(120);
  expect(c.awareness_average_time).toBeLessThan(130);
  expect(await stats(a.token, built.campaignId)).toMatchObject({ trained: 1 });
});

it("the awareness page fills the recipient's custom fields (escaped) and names, set through the API", async () => {
  const a = await t.tenant();
  for (const name of ['Cost Center', 'Badge']) {
    const res = await t.call('PUT', '/api/recipient-custom-fields', { token: a.token, body: { name } });
    expect(res.statusCode, res.body).toBe(200);
  }
  const tpl = await t.call('PUT', '/api/awareness-templates', {
    token: a.token,
    body: {
      name: 'Personal training',
      contents: [
        {
          language_id: 1,
          subject: 'Training',
          email_html: '<p>Learn</p>',
          page_html: '<html><body><p id="who">{{firstname}} {{lastname}} / {{custom.Cost Center}} / {{custom.Badge}} / {{company}}</p></body></html>',
        },
      ],
    },
  });
  expect(tpl.statusCode, tpl.body).toBe(200);
  const person = { email: 'gil@example-corp.test', name: 'Gil <Admin>', firstname: 'Gil', lastname: 'O\'Brien & Co', custom_fields: ['CC-42', '<b onmouseover="x()">R&D</b>'] };
  const built = await buildCampaign(t, a, { groups: [[person as never]], type: 'hyperlink', scenario: { no_landing: true } });
  await addAwareness(a.token, built.campaignId, tpl.json().awareness_template.id, { quiz: false });
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const click = await fetch(linkIn(String(mail.html), 'l')!, { headers: human, redirect: 'manual' });
  expect(click.status).toBe(302);
  const html = await (await fetch(`${base}${click.headers.get('location')}`, { headers: human })).text();
  const who = /<p id="who">(.*?)<\/p>/.exec(html)?.[1];
  const company = (await t.call('GET', `/api/clients/${a.clientId}`, { token: a.token })).json().client.name as string;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  expect(who).toBe(`Gil ${esc("O'Brien & Co")} / CC-42 / ${esc('<b onmouseover="x()">R&D</b>')} / ${esc(company)}`);
  expect(html).not.toContain('<b onmouseover');
  // The "I have read this" button is added at the end of the body, as the page has no {{quiz}}.
  expect(html).toMatch(/I have read this[\s\S]*<\/body>/);
});

it('a scanner in a browser that clicks at once and follows the redirect to the awareness page is automated there too', async () => {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const built = await buildCampaign(t, a, { groups: [[{ email: 'hal@example-corp.test', name: 'Hal' }]], type: 'hyperlink', scenario: { no_landing: true } });
  await addAwareness(a.token, built.campaignId, templateId, { quiz: false });
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const link = linkIn(String(mail.html), 'l')!;
  const victimId = t.core.tracking.victimOf(link.split('/l/')[1])!;
  // Delivered a moment ago: a click now is too fast for a person.
  await t.core.database.db.updateTable('victims').set({ submitted_at: new Date(Date.now() - 200).toISOString() }).where('id', '=', victimId).execute();
  const click = await fetch(link, { headers: human, redirect: 'manual' });
  expect(click.status).toBe(302);
  const page = await fetch(`${base}${click.headers.get('location')}`, { headers: human });
  expect(page.status).toBe(200);
  await t.core.tracking.settled();
  const events = await t.core.database.db.selectFrom('tracking_events').select(['type', 'verdict', 'reasons']).where('victim_id', '=', victimId).orderBy('id').execute();
  expect(events.map((e) => [e.type, e.verdict])).toEqual([['click', 'automated'], ['awareness_open', 'automated']]);
  expect(events[1].reasons).toMatch(/ms after delivery/);
  const v = await victimRow(victimId);
  expect([v.clicked_at, v.succeeded_at, v.awareness_opened_at]).toEqual([null, null, null]);
  expect(await campaign(a.token, built.campaignId)).toMatchObject({ awareness_opened: 0, succeeded: 0 });
});

/** A victim who succeeded and was sent to the awareness page (no quiz): the page, the victim, and the neutral 404's body. */
async function atAwarenessPage(email: string) {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const built = await buildCampaign(t, a, { groups: [[{ email, name: email.split('@')[0] }]], type: 'hyperlink', scenario: { no_landing: true } });
  await addAwareness(a.token, built.campaignId, templateId, { quiz: false });
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const link = linkIn(String(mail.html), 'l')!;
  const victimId = t.core.tracking.victimOf(link.split('/l/')[1])!;
  const click = await fetch(link, { headers: human, redirect: 'manual' });
  expect(click.status).toBe(302);
  const neutral = await fetch(`${base}/a/not-a-token`, { headers: human });
  expect(neutral.status).toBe(404);
  return { a, campaignId: built.campaignId, victimId, page: `${base}${click.headers.get('location')}`, neutralBody: await neutral.text() };
}

/** Nothing of the awareness was recorded for a deleted victim, and the server goes on. */
async function expectNothingRecorded(token: string, campaignId: number, victimId: number) {
  const events = await t.core.database.db.selectFrom('tracking_events').select('type').where('victim_id', '=', victimId).where('type', 'like', 'awareness%').execute();
  expect(events).toEqual([]);
  expect(await campaign(token, campaignId)).toMatchObject({ awareness_opened: 0 });
  expect((await fetch(`${base}/robots.txt`)).status).toBe(200);
}

it.skipIf(!usingPostgres())('a victim deleted while its awareness page is being answered gets the neutral 404, and nothing is recorded for it', async () => {
  const { a, campaignId, victimId, page, neutralBody } = await atAwarenessPage('hal@example-corp.test');
  // Someone deletes the victim (its campaign, say) while the page is being answered: the page has
  // read the victim, and waits for the deleting transaction before it writes the visit.
  const holder = await t.core.database.pool!.connect();
  try {
    await holder.query('begin');
    await holder.query('delete from victims where id = $1', [victimId]);
    const answer = fetch(page, { headers: human });
    await waitForBackend(holder, "wait_event_type = 'Lock' and query like '%for key share%'");
    await holder.query('commit');
    const res = await answer;
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(neutralBody);
  } finally {
    holder.release();
  }
  await expectNothingRecorded(a.token, campaignId, victimId);
  // The quiz form of the deleted victim is the same 404.
  const post = await fetch(page, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'done=1' });
  expect(post.status).toBe(404);
});

it("the page's own texts (quiz, button, result) are in the language of its content", async () => {
  const a = await t.tenant();
  const { id: templateId } = await awarenessTemplate(a.token);
  const de = (await t.core.database.db.selectFrom('languages').select('id').where('code', '=', 'de').executeTakeFirstOrThrow()).id;
  const one = await t.call('GET', `/api/awareness-templates/${templateId}`, { token: a.token });
  const quiz = (one.json().awareness_template.contents as { language_id: number; quiz: Quiz[] }[]).find((c) => c.language_id === de)!.quiz;
  expect(quiz.length).toBeGreaterThanOrEqual(2);

  // With a quiz: German labels and German results.
  // The person gets the German scenario, and so the German awareness content.
  const built = await buildCampaign(t, a, { groups: [[{ email: 'ida@example-corp.test', name: 'Ida' }]], type: 'hyperlink', scenario: { no_landing: true, language_id: de } });
  await addAwareness(a.token, built.campaignId, templateId, { language_id: de });
  const [mail] = await startAndDeliver(a.token, built.campaignId, 1);
  const click = await fetch(linkIn(String(mail.html), 'l')!, { headers: human, redirect: 'manual' });
  const page = `${base}${click.headers.get('location')}`;
  const html = await (await fetch(page, { headers: human })).text();
  expect(html).toContain('>Frage 1</legend>');
  expect(html).toContain('>Antworten absenden</button>');
  expect(html).not.toContain('Submit answers');
  const post = (body: string) => fetch(page, { method: 'POST', headers: { ...human, 'content-type': FORM }, body }).then((r) => r.text());
  expect(await post(answersBody(quiz, 0))).toContain(`Sie haben 0 von ${quiz.length} Fragen richtig beantwortet (0 %). Für den Abschluss der Schulung sind 70 % nötig`);
  expect(await post(answersBody(quiz, quiz.length))).toContain(`Gut gemacht: Sie haben ${quiz.length} von ${quiz.length} Fragen richtig beantwortet (100 %).`);
  // Back later: already completed, with the average of the attempts (0% and 100%).
  expect(await (await fetch(page, { headers: human })).text()).toContain('Sie haben diese Schulung abgeschlossen (durchschnittliches Quiz-Ergebnis 50 %). Vielen Dank.');

  // Without a quiz: the German button and thanks.
  const b = await buildCampaign(t, a, { groups: [[{ email: 'jo@example-corp.test', name: 'Jo' }]], type: 'hyperlink', scenario: { no_landing: true, language_id: de } });
  await addAwareness(a.token, b.campaignId, templateId, { language_id: de, quiz: false });
  const [mail2] = await startAndDeliver(a.token, b.campaignId, 1);
  const click2 = await fetch(linkIn(String(mail2.html), 'l')!, { headers: human, redirect: 'manual' });
  const page2 = `${base}${click2.headers.get('location')}`;
  expect(await (await fetch(page2, { headers: human })).text()).toContain('>Ich habe das gelesen</button>');
  const done = await fetch(page2, { method: 'POST', headers: { ...human, 'content-type': FORM }, body: 'done=1' });
  expect(await done.text()).toContain('Vielen Dank: Ihre Schulung ist abgeschlossen.');
});

it('a victim deleted between reading the awareness page and recording the visit gets the neutral 404, and nothing is recorded', async () => {
  const { a, campaignId, victimId, page, neutralBody } = await atAwarenessPage('kim@example-corp.test');
  // The page has read the victim and classifies the visit (which reads the client's scanner
  // ranges) when the victim is deleted, as deleting its campaign would.
  const ranges = t.core.scannerRanges;
  const compiledFor = ranges.compiledFor.bind(ranges);
  let deleted = false;
  ranges.compiledFor = async (clientId) => {
    if (clientId === a.clientId && !deleted) {
      deleted = true;
      await t.core.database.db.deleteFrom('victims').where('id', '=', victimId).execute();
    }
    return compiledFor(clientId);
  };
  try {
    const res = await fetch(page, { headers: human });
    expect(deleted).toBe(true);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(neutralBody);
  } finally {
    ranges.compiledFor = compiledFor;
  }
  await expectNothingRecorded(a.token, campaignId, victimId);
});
