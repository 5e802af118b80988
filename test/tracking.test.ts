import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VictimTokens } from '../src/core/tracking/token.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import {
  BROWSER_UA,
  OLD_BROWSER_UA,
  SCANNER_UA,
  countersOf,
  eventsOf,
  trackingFixture,
  trackingServer,
  victimRow,
  type Fixture,
} from './tracking-factories.ts';

let t: TestApp;
let srv: FastifyInstance;
beforeAll(async () => {
  t = await createTestApp();
  srv = await trackingServer(t);
});
afterAll(async () => {
  await srv?.close();
  await t?.close();
});

const browser = { 'user-agent': BROWSER_UA };
const get = (url: string, headers: Record<string, string> = browser) => srv.inject({ method: 'GET', url, headers });
const post = (url: string, form: Record<string, string>, headers: Record<string, string> = browser) =>
  srv.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });

/** Every text value of every row of every table: where a secret must not be. */
async function dumpDatabase(): Promise<string> {
  const db = t.core.database.db;
  const tables = await t.tables();
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await db.selectFrom(table.name as never).selectAll().execute();
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

function expectSecurityHeaders(res: LightMyRequestResponse) {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

describe('open pixel', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await trackingFixture(t);
  });

  it('answers a 1x1 GIF that is not cached, and records the open before answering', async () => {
    const id = f.victimIds[0];
    const res = await get(`/o/${f.tokens[0]}.gif`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    expect(res.rawPayload.readUInt16LE(6)).toBe(1); // 1 pixel wide
    expect(res.rawPayload.readUInt16LE(8)).toBe(1); // and high
    expect(res.rawPayload.at(-1)).toBe(0x3b); // GIF trailer
    expect(res.headers['cache-control']).toMatch(/no-store/);
    expectSecurityHeaders(res);

    const v = await victimRow(t, id);
    expect(v.opened_at).not.toBeNull();
    expect(v.opens).toBe(1);
    expect(v.clicked_at).toBeNull();
    expect(v.browser).toBe('Chrome 142');
    expect(v.os).toMatch(/^Windows/);
    const [e] = await eventsOf(t, id);
    expect(e).toMatchObject({ type: 'open', verdict: 'human', reasons: '[]', user_agent: BROWSER_UA, browser: 'Chrome 142', client_id: f.clientId, campaign_id: f.campaignId, scenario_id: f.scenarioId });
    expect(e.ip).toBe('127.0.0.1');
    expect(e.proxy_ip).toBe('');
    expect((await countersOf(t, f.scenarioId)).opened).toBe(1);
  });

  it('accepts the token without .gif; a second open counts on the victim, not in the opened counter', async () => {
    const id = f.victimIds[0];
    const first = (await victimRow(t, id)).opened_at;
    expect((await get(`/o/${f.tokens[0]}`)).statusCode).toBe(200);
    const v = await victimRow(t, id);
    expect(v.opens).toBe(2);
    expect(v.opened_at).toBe(first);
    expect((await countersOf(t, f.scenarioId)).opened).toBe(1);
    expect(await eventsOf(t, id)).toHaveLength(2);
  });
});

describe('click and landing page', () => {
  it('serves the landing page with the person substituted (escaped), the form posting to itself, and a CSP', async () => {
    const f = await trackingFixture(t, { redirectUrl: 'https://intranet.example.org/welcome' });
    const db = t.core.database.db;
    await db.updateTable('victims').set({ firstname: '<b>Jane</b>' }).where('id', '=', f.victimIds[0]).execute();
    const res = await get(`/l/${f.tokens[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Sign in, &lt;b&gt;Jane&lt;/b&gt;');
    expect(res.body).toContain(`action="/l/${f.tokens[0]}"`);
    expect(res.body).toContain(`href="/d/${f.tokens[0]}"`);
    expect(res.body).toContain(`value="person0.`);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("form-action 'self' https://intranet.example.org");
    expect(csp).not.toContain('script-src');
    expect(res.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(res);

    const v = await victimRow(t, f.victimIds[0]);
    expect(v.clicked_at).not.toBeNull();
    expect(v.opened_at).toBe(v.clicked_at); // a click implies the message was opened
    expect(v.clicks).toBe(1);
    expect(v.opens).toBe(0);
    expect(v.succeeded_at).toBeNull(); // success_action is post
    const c = await countersOf(t, f.scenarioId);
    expect([c.opened, c.clicked, c.succeeded, c.automated_hits]).toEqual([1, 1, 0, 0]);
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(e).toMatchObject({ type: 'click', verdict: 'human' });
  });

  it("serves the page in the person's language, else the scenario's", async () => {
    const f = await trackingFixture(t, { landing: { en: '<p>Hello {{firstname}}</p>', de: '<p>Hallo {{firstname}}</p>' }, victimLanguages: { 1: 'de' } });
    expect((await get(`/l/${f.tokens[0]}`)).body).toBe('<p>Hello First0</p>');
    expect((await get(`/l/${f.tokens[1]}`)).body).toBe('<p>Hallo First1</p>');
  });

  it("falls back to the scenario's language when the person's has no landing page (a translation of the mail only)", async () => {
    const f = await trackingFixture(t, { landing: { en: '<p>Hello {{firstname}}</p>', de: '  ' }, victimLanguages: { 1: 'de' } });
    expect((await get(`/l/${f.tokens[0]}`)).body).toBe('<p>Hello First0</p>');
    expect((await get(`/l/${f.tokens[1]}`)).body).toBe('<p>Hello First1</p>');
  });

  it("fills the client's custom fields from the victim's values", async () => {
    const { clientId } = await t.tenant('Custom fields client');
    const db = t.core.database.db;
    await db.insertInto('recipient_custom_fields').values([{ client_id: clientId, name: 'Cost Center', ldap_attribute: '' }, { client_id: clientId, name: 'Badge', ldap_attribute: '' }]).execute();
    const f = await trackingFixture(t, { clientId, landing: { en: '<p>{{custom.Cost Center}}/{{custom.Badge}}/{{lastname}}</p>' } });
    await db.updateTable('victims').set({ custom_fields: JSON.stringify(['CC-42', '<7>']) }).where('id', '=', f.victimIds[0]).execute();
    expect((await get(`/l/${f.tokens[0]}`)).body).toBe('<p>CC-42/&lt;7&gt;/Last0</p>');
  });

  it('redirects to redirect_url when the scenario has no landing page (else shows the awareness page)', async () => {
    const f = await trackingFixture(t, { noLanding: true, redirectUrl: 'https://www.example.org/', successAction: 'click' });
    const res = await get(`/l/${f.tokens[0]}`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://www.example.org/');
    expectSecurityHeaders(res);
    const g = await trackingFixture(t, { noLanding: true });
    const page = await get(`/l/${g.tokens[0]}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('simulated phishing test');
  });
});

describe('form posts', () => {
  const PASSWORD = 'Tr0ub4dor&3-never-stored';

  it('partial: field names and masked values; the password is nowhere in the database', async () => {
    const f = await trackingFixture(t, { collectData: 'partial' });
    const id = f.victimIds[0];
    const res = await post(`/l/${f.tokens[0]}`, { username: 'jane.doe@example.com', secret_word: PASSWORD, pin: '4711' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('simulated phishing test'); // succeeded, no redirect_url: the awareness page
    const [e] = await eventsOf(t, id);
    expect(e.type).toBe('submit');
    expect(JSON.parse(e.data)).toEqual({ valid: true, fields: [{ name: 'username', value: 'j***@e***.com' }], password_present: true });
    const v = await victimRow(t, id);
    expect(v.submits).toBe(1);
    expect(v.succeeded_at).not.toBeNull();
    expect(v.clicked_at).not.toBeNull(); // a post implies the click
    const c = await countersOf(t, f.scenarioId);
    expect([c.opened, c.clicked, c.succeeded, c.invalid_submits]).toEqual([1, 1, 1, 0]);
    const dump = await dumpDatabase();
    expect(dump.includes('j***@e***.com')).toBe(true);
    expect(dump.includes(PASSWORD)).toBe(false);
    expect(dump.includes('Tr0ub4dor')).toBe(false);
    expect(dump.includes('4711')).toBe(false);
  });

  it('full: values as entered, except password fields; redirects to redirect_url after success', async () => {
    const f = await trackingFixture(t, { collectData: 'full', redirectUrl: 'https://www.example.org/done' });
    const res = await post(`/l/${f.tokens[0]}`, { username: 'jane.doe@example.com', department: 'Finance', password: PASSWORD, otp_code: '918273' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('https://www.example.org/done');
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(JSON.parse(e.data)).toEqual({
      valid: true,
      fields: [
        { name: 'username', value: 'jane.doe@example.com' },
        { name: 'department', value: 'Finance' },
      ],
      password_present: true,
    });
    const dump = await dumpDatabase();
    expect(dump.includes(PASSWORD)).toBe(false);
    expect(dump.includes('918273')).toBe(false);
  });

  it('no: only that data was entered', async () => {
    const f = await trackingFixture(t, { collectData: 'no' });
    await post(`/l/${f.tokens[0]}`, { username: 'only.entered@example.com', secret_word: PASSWORD });
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(JSON.parse(e.data)).toEqual({ valid: true, entered: true, fields: 2, password_present: true });
    const dump = await dumpDatabase();
    expect(dump.includes('only.entered@example.com')).toBe(false);
    expect(dump.includes(PASSWORD)).toBe(false);
  });

  it('accepts multipart/form-data posts', async () => {
    const f = await trackingFixture(t, { collectData: 'full' });
    const boundary = '----decoy-test-boundary';
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="username"\r\n\r\nmulti@example.com\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="password"\r\n\r\n${PASSWORD}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nignored\r\n` +
      `--${boundary}--\r\n`;
    const res = await srv.inject({ method: 'POST', url: `/l/${f.tokens[0]}`, headers: { ...browser, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(res.statusCode).toBe(200);
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(JSON.parse(e.data)).toEqual({ valid: true, fields: [{ name: 'username', value: 'multi@example.com' }], password_present: true });
    expect((await dumpDatabase()).includes(PASSWORD)).toBe(false);
  });

  it('a post that does not match login_regexp/password_regexp is invalid: the landing page again, invalid_submits, no success', async () => {
    const f = await trackingFixture(t, { loginRegexp: '^[a-z.]+@corp\\.example$', passwordRegexp: '.{8,}' });
    const id = f.victimIds[0];
    const bad = await post(`/l/${f.tokens[0]}`, { username: 'someone@elsewhere.example', secret_word: 'longenough' });
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('<form method="post"');
    const short = await post(`/l/${f.tokens[0]}`, { username: 'jane@corp.example', secret_word: 'short' });
    expect(short.body).toContain('<form method="post"');
    let v = await victimRow(t, id);
    expect(v.submits).toBe(2);
    expect(v.succeeded_at).toBeNull();
    let c = await countersOf(t, f.scenarioId);
    expect([c.succeeded, c.invalid_submits]).toEqual([0, 2]);
    expect((await eventsOf(t, id)).map((e) => JSON.parse(e.data).valid)).toEqual([false, false]);

    const good = await post(`/l/${f.tokens[0]}`, { username: 'jane@corp.example', secret_word: 'longenough' });
    expect(good.body).toContain('simulated phishing test');
    v = await victimRow(t, id);
    expect(v.succeeded_at).not.toBeNull();
    c = await countersOf(t, f.scenarioId);
    expect([c.succeeded, c.invalid_submits, c.clicked]).toEqual([1, 2, 1]);
  });

  it('a post with an unparseable or unsupported body is still recorded, with no fields', async () => {
    const f = await trackingFixture(t, { collectData: 'full' });
    const res = await srv.inject({ method: 'POST', url: `/l/${f.tokens[0]}`, headers: { ...browser, 'content-type': 'application/json' }, payload: '{not json' });
    expect(res.statusCode).toBe(200);
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(JSON.parse(e.data)).toEqual({ valid: true, fields: [] });
  });

  it('refuses a body over the limit with the neutral page and records nothing', async () => {
    const f = await trackingFixture(t);
    const res = await srv.inject({ method: 'POST', url: `/l/${f.tokens[0]}`, headers: { ...browser, 'content-type': 'application/x-www-form-urlencoded' }, payload: `a=${'x'.repeat(70_000)}` });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('<h1>Not Found</h1>');
    expect(await eventsOf(t, f.victimIds[0])).toHaveLength(0);
  });
});

describe('success_action', () => {
  it('click: the click succeeds', async () => {
    const f = await trackingFixture(t, { successAction: 'click' });
    await get(`/l/${f.tokens[0]}`);
    expect((await victimRow(t, f.victimIds[0])).succeeded_at).not.toBeNull();
    expect((await countersOf(t, f.scenarioId)).succeeded).toBe(1);
  });

  it('post: a click alone does not succeed', async () => {
    const f = await trackingFixture(t, { successAction: 'post' });
    await get(`/l/${f.tokens[0]}`);
    expect((await victimRow(t, f.victimIds[0])).succeeded_at).toBeNull();
  });

  it('download: the download succeeds, and answers a harmless file named as the attachment', async () => {
    const f = await trackingFixture(t, { successAction: 'download', attachmentName: 'Invoice 2026.pdf' });
    const id = f.victimIds[0];
    await get(`/l/${f.tokens[0]}`);
    expect((await victimRow(t, id)).succeeded_at).toBeNull();
    const res = await get(`/d/${f.tokens[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain('filename="Invoice 2026.pdf"');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.rawPayload.toString('latin1')).toContain('phishing simulation');
    expectSecurityHeaders(res);
    const v = await victimRow(t, id);
    expect(v.succeeded_at).not.toBeNull();
    const c = await countersOf(t, f.scenarioId);
    expect([c.opened, c.clicked, c.succeeded]).toEqual([1, 1, 1]);
    expect((await eventsOf(t, id)).map((e) => e.type)).toEqual(['click', 'download']);
  });

  it('download of a file type Decoy cannot write answers text, under the same name', async () => {
    const f = await trackingFixture(t, { successAction: 'download', attachmentName: 'Payroll.xlsm' });
    const res = await get(`/d/${f.tokens[0]}`);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('filename="Payroll.xlsm"');
    expect(res.body).toContain('phishing simulation');
  });

  it('file_data: the document beacon succeeds and answers a GIF', async () => {
    const f = await trackingFixture(t, { successAction: 'file_data', attachmentName: 'Report.docx' });
    const res = await get(`/f/${f.tokens[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    const v = await victimRow(t, f.victimIds[0]);
    expect(v.succeeded_at).not.toBeNull();
    expect(v.opened_at).not.toBeNull();
    expect(v.clicked_at).toBeNull();
    const c = await countersOf(t, f.scenarioId);
    expect([c.opened, c.clicked, c.succeeded]).toEqual([1, 0, 1]);
    expect((await eventsOf(t, f.victimIds[0]))[0].type).toBe('file_data');
  });
});

describe('report', () => {
  it('POST answers {"status":"ok"}, GET a thank-you page; reported_at is set once', async () => {
    const f = await trackingFixture(t);
    const id = f.victimIds[0];
    const res = await srv.inject({ method: 'POST', url: `/r/${f.tokens[0]}`, headers: browser });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expectSecurityHeaders(res);
    const first = (await victimRow(t, id)).reported_at;
    expect(first).not.toBeNull();
    const page = await get(`/r/${f.tokens[0]}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Thank you for reporting');
    const v = await victimRow(t, id);
    expect(v.reported_at).toBe(first);
    expect(v.opened_at).toBeNull(); // reporting implies nothing else
    const c = await countersOf(t, f.scenarioId);
    expect([c.reported, c.opened]).toEqual([1, 0]);
    expect((await eventsOf(t, id)).map((e) => e.type)).toEqual(['report', 'report']);
  });

  it('a report button posting JSON from a script is still a report', async () => {
    const f = await trackingFixture(t);
    const res = await srv.inject({ method: 'POST', url: `/r/${f.tokens[0]}`, headers: { 'user-agent': 'python-requests/2.32', 'content-type': 'application/json' }, payload: '{"source":"outlook-addin"}' });
    expect(res.json()).toEqual({ status: 'ok' });
    expect((await victimRow(t, f.victimIds[0])).reported_at).not.toBeNull();
    expect((await eventsOf(t, f.victimIds[0]))[0].verdict).toBe('human');
  });
});

describe('automated hits', () => {
  it('HEAD and a scanner user agent are recorded as automated and change neither the victim nor the counters', async () => {
    const f = await trackingFixture(t, { successAction: 'click' });
    const id = f.victimIds[0];
    const head = await srv.inject({ method: 'HEAD', url: `/l/${f.tokens[0]}`, headers: browser });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const scan = await get(`/l/${f.tokens[0]}`, { 'user-agent': SCANNER_UA });
    expect(scan.statusCode).toBe(200);
    expect(scan.body).toContain('<form'); // a scanner sees what a person sees
    const pixel = await srv.inject({ method: 'HEAD', url: `/o/${f.tokens[0]}.gif`, headers: browser });
    expect(pixel.statusCode).toBe(200);
    const script = await srv.inject({ method: 'POST', url: `/l/${f.tokens[0]}`, headers: { 'user-agent': 'curl/8.5.0', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=x' });
    expect(script.statusCode).toBe(200);

    const events = await eventsOf(t, id);
    expect(events.map((e) => [e.type, e.verdict])).toEqual([
      ['click', 'automated'],
      ['click', 'automated'],
      ['open', 'automated'],
      ['submit', 'automated'],
    ]);
    expect(JSON.parse(events[0].reasons)).toContain('HEAD request');
    expect(JSON.parse(events[1].reasons).join(' ')).toMatch(/Proofpoint/);
    const v = await victimRow(t, id);
    expect([v.opened_at, v.clicked_at, v.succeeded_at, v.clicks, v.opens, v.submits, v.browser, v.ip]).toEqual([null, null, null, 0, 0, 0, '', '']);
    const c = await countersOf(t, f.scenarioId);
    expect([c.opened, c.clicked, c.succeeded, c.invalid_submits, c.automated_hits]).toEqual([0, 0, 0, 0, 4]);
  });

  it("a hit from one of the client's scanner ranges is automated", async () => {
    const f = await trackingFixture(t);
    await t.core.database.db.insertInto('scanner_ranges').values({ client_id: f.clientId, cidr: '127.0.0.0/8', label: 'Loopback gateway', created_at: new Date().toISOString() }).execute();
    t.core.scannerRanges.invalidate();
    await get(`/l/${f.tokens[0]}`);
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(e.verdict).toBe('automated');
    expect(JSON.parse(e.reasons).join(' ')).toContain('Loopback gateway 127.0.0.0/8');
    expect((await victimRow(t, f.victimIds[0])).clicked_at).toBeNull();
  });

  it('a click within seconds of delivery is automated (link scanners click on arrival)', async () => {
    const f = await trackingFixture(t, { submittedAt: new Date().toISOString() });
    await get(`/l/${f.tokens[0]}`);
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect(e.verdict).toBe('automated');
    expect((await victimRow(t, f.victimIds[0])).clicked_at).toBeNull();
  });
});

describe('vulnerable', () => {
  it('is judged from browser hits, counted once, and stays set', async () => {
    const f = await trackingFixture(t);
    const id = f.victimIds[0];
    await get(`/o/${f.tokens[0]}`, { 'user-agent': OLD_BROWSER_UA });
    expect((await victimRow(t, id)).vulnerable).toBe(0); // the pixel is fetched by the mail program
    await get(`/l/${f.tokens[0]}`, { 'user-agent': OLD_BROWSER_UA });
    let v = await victimRow(t, id);
    expect(v.vulnerable).toBe(1);
    expect(v.browser).toBe('Chrome 109');
    await get(`/l/${f.tokens[0]}`);
    v = await victimRow(t, id);
    expect(v.vulnerable).toBe(1);
    expect(v.browser).toBe('Chrome 142'); // the latest human hit
    expect((await countersOf(t, f.scenarioId)).vulnerable).toBe(1);
  });
});

describe('neutral 404', () => {
  it('unknown URL, malformed, forged and unknown tokens, and idle, waiting and stopped campaigns answer the same page; nothing is recorded', async () => {
    const running = await trackingFixture(t);
    const stopped = await trackingFixture(t, { campaignStatus: 'stopped' });
    const idle = await trackingFixture(t, { campaignStatus: 'idle' });
    const waiting = await trackingFixture(t, { campaignStatus: 'waiting_approval' });
    const tokens = new VictimTokens(t.config.secret);
    const forged = new VictimTokens('another secret entirely, 40 characters').token(running.victimIds[0]);
    const tampered = running.tokens[0].slice(0, 5) + (running.tokens[0][5] === 'A' ? 'B' : 'A') + running.tokens[0].slice(6);
    const urls = [
      '/nothing-here',
      '/o/',
      '/o/short',
      `/o/${forged}.gif`,
      `/l/${tampered}`,
      `/l/${tokens.token(2_000_000_000)}`,
      `/o/${stopped.tokens[0]}.gif`,
      `/l/${stopped.tokens[0]}`,
      `/d/${idle.tokens[0]}`,
      `/f/${waiting.tokens[0]}`,
      `/r/${stopped.tokens[0]}`,
      `/l/${running.tokens[0]}/extra`,
    ];
    const answers = [];
    for (const url of urls) answers.push(await get(url));
    answers.push(await post(`/l/${stopped.tokens[0]}`, { username: 'x' }));
    answers.push(await srv.inject({ method: 'POST', url: `/r/${idle.tokens[0]}` }));
    const reference = answers[0];
    expect(reference.statusCode).toBe(404);
    for (const a of answers) {
      expect(a.statusCode).toBe(404);
      expect(a.body).toBe(reference.body);
      const { date: _d, ...headers } = a.headers;
      const { date: _r, ...refHeaders } = reference.headers;
      expect(headers).toEqual(refHeaders);
    }
    const db = t.core.database.db;
    const recorded = await db
      .selectFrom('tracking_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', 'in', [running.campaignId, stopped.campaignId, idle.campaignId, waiting.campaignId])
      .executeTakeFirstOrThrow();
    expect(Number(recorded.n)).toBe(0);
    expect((await victimRow(t, stopped.victimIds[0])).clicked_at).toBeNull();
  });

  it('a campaign stopped while its links are live answers 404 once the cache is told (or within its 2 s lifetime)', async () => {
    const f = await trackingFixture(t);
    expect((await get(`/o/${f.tokens[0]}`)).statusCode).toBe(200);
    await t.core.database.db.updateTable('campaigns').set({ status: 'stopped' }).where('id', '=', f.campaignId).execute();
    t.core.tracking.forgetCachedScenarios();
    expect((await get(`/o/${f.tokens[0]}`)).statusCode).toBe(404);
  });

  it('robots.txt disallows everything', async () => {
    const res = await get('/robots.txt');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('User-agent: *\nDisallow: /\n');
    expectSecurityHeaders(res);
  });

  it('serves nothing of the admin API', async () => {
    expect((await get('/api/clients')).statusCode).toBe(404);
    expect((await get('/api/docs')).statusCode).toBe(404);
    expect((await srv.inject({ method: 'POST', url: '/api/auth', payload: {} })).statusCode).toBe(404);
  });
});

describe('counters', () => {
  it('are exact after a mix of human and automated hits, many at once', async () => {
    const f = await trackingFixture(t, { victims: 40, successAction: 'post', loginRegexp: '@corp\\.example$' });
    const hits: Promise<LightMyRequestResponse>[] = [];
    f.tokens.forEach((token, i) => {
      if (i % 2 === 0) hits.push(get(`/o/${token}.gif`), get(`/o/${token}.gif`));
      if (i % 3 === 0) hits.push(get(`/l/${token}`));
      if (i % 4 === 0) hits.push(post(`/l/${token}`, { username: i % 8 === 0 ? 'a@corp.example' : 'a@other.example', password: 'pw' }));
      if (i % 5 === 0) hits.push(get(`/l/${token}`, { 'user-agent': SCANNER_UA }));
      if (i % 7 === 0) hits.push(srv.inject({ method: 'POST', url: `/r/${token}`, headers: browser }));
      if (i % 9 === 0) hits.push(srv.inject({ method: 'HEAD', url: `/o/${token}`, headers: browser }));
      if (i % 11 === 0) hits.push(get(`/l/${token}`, { 'user-agent': OLD_BROWSER_UA }));
    });
    const answers = await Promise.all(hits);
    expect(answers.every((a) => a.statusCode < 400)).toBe(true);

    // Answered hits are in the journal; wait until they are applied to the tables read below.
    await t.core.tracking.flush();
    const db = t.core.database.db;
    const victims = await db.selectFrom('victims').selectAll().where('scenario_id', '=', f.scenarioId).execute();
    const events = await db.selectFrom('tracking_events').selectAll().where('scenario_id', '=', f.scenarioId).execute();
    expect(events).toHaveLength(hits.length);
    const c = await countersOf(t, f.scenarioId);
    const count = (p: (v: (typeof victims)[number]) => boolean) => victims.filter(p).length;
    expect(c.opened).toBe(count((v) => v.opened_at !== null));
    expect(c.clicked).toBe(count((v) => v.clicked_at !== null));
    expect(c.succeeded).toBe(count((v) => v.succeeded_at !== null));
    expect(c.reported).toBe(count((v) => v.reported_at !== null));
    expect(c.vulnerable).toBe(count((v) => v.vulnerable === 1));
    expect(c.automated_hits).toBe(events.filter((e) => e.verdict === 'automated').length);
    expect(c.invalid_submits).toBe(events.filter((e) => e.type === 'submit' && e.verdict === 'human' && !JSON.parse(e.data).valid).length);
    // And against what was sent: i%2 opened, i%3/i%4/i%11 clicked (and so opened), i%8 succeeded, i%7 reported, i%11 vulnerable.
    const idx = [...Array(40).keys()];
    expect(c.opened).toBe(idx.filter((i) => i % 2 === 0 || i % 3 === 0 || i % 4 === 0 || i % 11 === 0).length);
    expect(c.clicked).toBe(idx.filter((i) => i % 3 === 0 || i % 4 === 0 || i % 11 === 0).length);
    expect(c.succeeded).toBe(idx.filter((i) => i % 8 === 0).length);
    expect(c.invalid_submits).toBe(idx.filter((i) => i % 4 === 0 && i % 8 !== 0).length);
    expect(c.reported).toBe(idx.filter((i) => i % 7 === 0).length);
    expect(c.vulnerable).toBe(idx.filter((i) => i % 11 === 0).length);
    expect(c.automated_hits).toBe(idx.filter((i) => i % 5 === 0).length + idx.filter((i) => i % 9 === 0).length);
    for (const v of victims) {
      const mine = events.filter((e) => e.victim_id === v.id && e.verdict === 'human');
      expect(v.opens).toBe(mine.filter((e) => e.type === 'open').length);
      expect(v.clicks).toBe(mine.filter((e) => e.type === 'click').length);
      expect(v.submits).toBe(mine.filter((e) => e.type === 'submit').length);
    }
    // Group commit: concurrent hits shared transactions.
    const stats = t.core.tracking.recorder.stats;
    expect(stats.batches).toBeLessThan(stats.hits);
  });
});

describe('client address', () => {
  function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const f = await trackingFixture(t);
    await srv.listen({ host: '127.0.0.1', port: 0 }).catch(() => {});
    const port = (srv.server.address() as AddressInfo).port;
    expect(await rawGet(port, `/o/${f.tokens[0]}.gif`, { ...browser, 'x-forwarded-for': '8.8.8.8' })).toBe(200);
    const [e] = await eventsOf(t, f.victimIds[0]);
    expect([e.ip, e.proxy_ip, e.country]).toEqual(['127.0.0.1', '', '']);
  });

  it('believes X-Forwarded-For from a trusted proxy: ip is the client, proxy_ip the proxy, country from the client', async () => {
    const t2 = await createTestApp({ DECOY_TRUSTED_PROXIES: '127.0.0.1' });
    const srv2 = await trackingServer(t2);
    try {
      await srv2.listen({ host: '127.0.0.1', port: 0 });
      const port = (srv2.server.address() as AddressInfo).port;
      const f = await trackingFixture(t2);
      expect(await rawGet(port, `/l/${f.tokens[0]}`, { ...browser, 'x-forwarded-for': '8.8.8.8' })).toBe(200);
      const [e] = await eventsOf(t2, f.victimIds[0]);
      expect([e.ip, e.proxy_ip, e.country]).toEqual(['8.8.8.8', '127.0.0.1', 'US']);
      const v = await victimRow(t2, f.victimIds[0]);
      expect([v.ip, v.proxy_ip, v.country]).toEqual(['8.8.8.8', '127.0.0.1', 'US']);
      // Without the header, the proxy itself is the client and there is no proxy_ip.
      expect(await rawGet(port, `/o/${f.tokens[0]}`, browser)).toBe(200);
      const events = await eventsOf(t2, f.victimIds[0]);
      expect([events[1].ip, events[1].proxy_ip]).toEqual(['127.0.0.1', '']);
    } finally {
      await srv2.close();
      await t2.close();
    }
  });
});
