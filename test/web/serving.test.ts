/** The admin server serves the web app: CSP, SPA fallback, API paths untouched, frames. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { DRAFT_MAX_CHARS, encodeTicket } from '../../src/api/lucy/frames.ts';
import { webPlugin } from '../../src/api/web.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { buildCampaign, drain, setStatus } from '../helpers/campaign.ts';

let t: TestApp;
beforeAll(async () => {
  await buildWeb({ quiet: true });
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('the app', () => {
  it('is served at / and at any app path, with a strict CSP and no inline script', async () => {
    for (const url of ['/', '/campaigns/12', '/outbox?x=1']) {
      const res = await t.call('GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      const csp = String(res.headers['content-security-policy']);
      for (const d of ["script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
      expect(csp).not.toContain('unsafe-inline');
      expect(res.body).toContain('<div id="root">');
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
      expect(res.body).not.toMatch(/<style|style="/);
    }
  });

  it('serves the hashed assets, cached for good, and 404s unknown ones', async () => {
    const html = (await t.call('GET', '/')).body;
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const res = await t.call('GET', js);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).not.toContain('jsxDEV'); // React's production build, even when vitest built it
    expect((await t.call('GET', '/assets/nope-123.js')).statusCode).toBe(404);
    const traversal = await t.call('GET', '/assets/..%2f..%2fpackage.json');
    expect(traversal.body).not.toContain('"dependencies"'); // at most the app's index.html
  });

  it('leaves the API paths alone: unknown ones are JSON 404s', async () => {
    for (const url of ['/api/nope', '/rest/nope', '/api/v2/nope', '/frames']) {
      const res = await t.call('GET', url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type'], url).not.toMatch(/text\/html/);
    }
    expect((await t.call('GET', '/api/docs/json')).statusCode).toBe(200);
    expect((await t.call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('says how to build the app when it is not built, and still serves the API', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'decoy-noweb-'));
    const app = Fastify({ logger: false });
    await app.register(webPlugin, { core: t.core, dist: empty });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('node scripts/build-web.mjs');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    await app.close();
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('GET /api/users/me', () => {
  it('tells any signed-in user who they are, with their role', async () => {
    const a = await t.tenant('Acme');
    const viewer = await t.user(a.clientId, 'view');
    const res = await t.call('GET', '/api/users/me', { token: viewer.token });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: viewer.userId, email: viewer.email, role_group: 'view', client_id: a.clientId });
    expect(res.body).not.toMatch(/password|hash/i);
    expect((await t.call('GET', '/api/users/me')).statusCode).toBe(401);
  });
});

describe('frames', () => {
  it('shows a template preview sandboxed, with its own CSP, for the caller only', async () => {
    const a = await t.tenant('Frames Inc');
    const list = (await t.call('GET', '/api/scenario-templates?builtin=true&limit=1', { token: a.token })).json().scenario_templates;
    const tpl = list[0];
    const languageId = tpl.languages[0].id;
    const res = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'scenario-email', id: tpl.id, language_id: languageId } });
    expect(res.statusCode, res.body).toBe(200);
    const url = res.json().frame.url as string;
    expect(url).toMatch(/^\/frames\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(url).not.toContain(a.token);
    const frame = await t.call('GET', url);
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(frame.body.length).toBeGreaterThan(50);

    // A forged ticket, and someone else's id: 404.
    const forged = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await t.call('GET', forged)).statusCode).toBe(404);
    expect((await t.call('GET', '/frames/garbage')).statusCode).toBe(404);
    const b = await t.tenant('Other');
    const own = await t.call('PUT', '/api/scenario-templates', {
      token: b.token,
      body: { name: 'B only', type: 'hyperlink', contents: [{ language_id: languageId, subject: 'Hi', email_html: '<p>B</p>' }] },
    });
    if (own.statusCode === 200) {
      const theirs = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'scenario-email', id: own.json().scenario_template.id, language_id: languageId } });
      expect(theirs.statusCode).toBe(404);
    }
    // Bad input: named.
    const bad = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'nope', id: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/kind/);
  });
});

describe('draft frames (text not saved yet)', () => {
  it('shows the posted HTML with sample values, sandboxed, and replaces it when it changes', async () => {
    const a = await t.tenant('Drafts Ltd');
    const res = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', html: '<p>Hi {{firstname}} at {{company}}</p><script>alert(1)</script>' } });
    expect(res.statusCode, res.body).toBe(200);
    const { url, draft_id: draftId, expires_at: expiresAt } = res.json().frame;
    expect(url).toMatch(/^\/frames\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(draftId).toBeGreaterThan(0);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const frame = await t.call('GET', url);
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(frame.headers['cache-control']).toBe('no-store');
    expect(frame.body).toContain('<p>Hi Alex at Drafts Ltd</p>');

    // Replacing the draft: the old address shows the new text too (one row per pane, not per keystroke).
    const again = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', id: draftId, html: '<p>Changed</p>' } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().frame.draft_id).toBe(draftId);
    expect(again.json().frame.url).not.toBe(url); // a new address, so the frame reloads even within the same second
    expect((await t.call('GET', again.json().frame.url)).body).toBe('<p>Changed</p>');
    const rows = await t.core.database.db.selectFrom('frame_drafts').select('id').where('user_id', '=', a.userId).execute();
    expect(rows.map((r) => Number(r.id))).toEqual([draftId]);

    // A view user may preview too.
    const viewer = await t.user(a.clientId, 'view');
    expect((await t.call('POST', '/api/frames', { token: viewer.token, body: { kind: 'draft', html: '<p>v</p>' } })).statusCode).toBe(200);
  });

  it("refuses another user's draft, by id and by ticket", async () => {
    const a = await t.tenant('Draft Owner');
    const mine = (await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', html: '<p>secret draft</p>' } })).json().frame;
    const colleague = await t.user(a.clientId, 'admin');
    const b = await t.tenant('Draft Stranger');
    for (const other of [colleague, b]) {
      const res = await t.call('POST', '/api/frames', { token: other.token, body: { kind: 'draft', id: mine.draft_id, html: '<p>overwrite</p>' } });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toMatch(/draft/);
    }
    // A validly signed ticket naming A's draft for someone else: the frame is refused.
    const exp = Math.floor(Date.now() / 1000) + 60;
    for (const [u, c] of [
      [colleague.userId, a.clientId],
      [b.userId, b.clientId],
    ]) {
      const ticket = encodeTicket(t.core.config.secret, { k: 'draft', id: mine.draft_id, l: null, u, c, exp });
      const res = await t.call('GET', `/frames/${ticket}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('secret draft');
    }
    expect((await t.call('GET', mine.url)).body).toBe('<p>secret draft</p>'); // untouched
  });

  it('deletes expired drafts and refuses them', async () => {
    const a = await t.tenant('Draft Expiry');
    const old = (await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', html: '<p>old</p>' } })).json().frame;
    await t.core.database.db.updateTable('frame_drafts').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', old.draft_id).execute();
    expect((await t.call('GET', old.url)).statusCode).toBe(404);
    const res = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', id: old.draft_id, html: '<p>new</p>' } });
    expect(res.statusCode).toBe(404); // expired: the editor starts a new draft
    const fresh = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', html: '<p>new</p>' } });
    expect(fresh.statusCode).toBe(200);
    const left = await t.core.database.db.selectFrom('frame_drafts').select('id').where('id', '=', old.draft_id).execute();
    expect(left).toEqual([]);
  });

  it('names what is wrong with a draft request', async () => {
    const a = await t.tenant('Draft Errors');
    const tooBig = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft', html: 'x'.repeat(DRAFT_MAX_CHARS + 1) } });
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().error.message).toMatch(/html/);
    expect(tooBig.json().error.message).toContain(String(DRAFT_MAX_CHARS));
    const noHtml = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'draft' } });
    expect(noHtml.statusCode).toBe(400);
    expect(noHtml.json().error.message).toMatch(/html is required/);
    const noId = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'scenario-email', language_id: 1 } });
    expect(noId.statusCode).toBe(400);
    expect(noId.json().error.message).toMatch(/id is required/);
    const htmlElsewhere = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'outbox', id: 1, html: '<p>x</p>' } });
    expect(htmlElsewhere.statusCode).toBe(400);
    expect(htmlElsewhere.json().error.message).toMatch(/html/);
    expect((await t.call('GET', '/healthz')).statusCode).toBe(200);
  });
});

describe('the live view API', () => {
  it('searches victims by name or address, and draws the timeline of a campaign', async () => {
    const a = await t.tenant('Live Ltd');
    const staff = [
      { email: 'alice@live.test', name: 'Alice 100%_Doe' },
      { email: 'bob@live.test', name: 'Bob Roe' },
      { email: 'carol@elsewhere.test', name: 'Carol Poe' },
    ];
    const built = await buildCampaign(t, a, { groups: [staff] });
    const before = await t.call('GET', `/api/campaigns/${built.campaignId}/timeline`, { token: a.token });
    expect(before.statusCode).toBe(200);
    expect(before.json().timeline).toEqual({ bucket_minutes: 0, points: [] });
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);

    const search = async (q: string) =>
      (await t.call('GET', `/api/campaigns/${built.campaignId}/victims`, { token: a.token, query: { q, sort: 'email' } })).json().victims.map((v: { email: string }) => v.email);
    expect(await search('LIVE.TEST')).toEqual(['alice@live.test', 'bob@live.test']);
    expect(await search('roe')).toEqual(['bob@live.test']);
    expect(await search('100%_')).toEqual(['alice@live.test']); // LIKE wildcards are literal
    expect(await search('b_b')).toEqual([]); // as a wildcard it would match bob
    const tooLong = await t.call('GET', `/api/campaigns/${built.campaignId}/victims`, { token: a.token, query: { q: 'x'.repeat(300) } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.message).toMatch(/q/);

    const res = await t.call('GET', `/api/campaigns/${built.campaignId}/timeline`, { token: a.token });
    expect(res.statusCode).toBe(200);
    const { timeline } = res.json();
    expect(timeline.bucket_minutes).toBeGreaterThan(0);
    const last = timeline.points[timeline.points.length - 1];
    expect(last).toMatchObject({ submitted: 3, opened: 0, clicked: 0, succeeded: 0, reported: 0 });
    expect(last.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    // Another client's campaign: 404 for both.
    const b = await t.tenant('Not Live');
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/timeline`, { token: b.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/victims?q=a`, { token: b.token })).statusCode).toBe(404);
  });

  it('keeps the sending window a campaign is created with (the wizard creates it in one request)', async () => {
    const a = await t.tenant('Window Inc');
    const schedule = { mode: 'window', start: '2030-05-06T09:00:00Z', end: '2030-05-10T17:00:00Z', business_hours_start: '09:00', business_hours_end: '17:00', business_days: [1, 2, 3] };
    const res = await t.call('PUT', '/api/campaigns', { token: a.token, body: { name: 'Windowed', client_id: a.clientId, schedule } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().campaign.schedule).toMatchObject({ mode: 'window', business_days: [1, 2, 3] });
    const read = await t.call('GET', `/api/campaigns/${res.json().campaign.id}`, { token: a.token });
    expect(read.json().campaign.schedule).toMatchObject({ mode: 'window', business_hours_start: '09:00' });
  });

  it('an outbox message shown in a frame carries no open pixel', async () => {
    const a = await t.tenant('Pixel Co');
    const built = await buildCampaign(t, a, { groups: [[{ email: 'dora@pixel.test', name: 'Dora' }]] });
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const [message] = (await t.call('GET', `/api/outbox?campaign_id=${built.campaignId}`, { token: a.token })).json().outbox;
    expect(message.html).toMatch(/\/o\/[A-Za-z0-9_-]+/);
    const frame = await t.call('POST', '/api/frames', { token: a.token, body: { kind: 'outbox', id: message.id } });
    expect(frame.statusCode).toBe(200);
    const shown = await t.call('GET', frame.json().frame.url);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toMatch(/\/o\/[A-Za-z0-9_-]+/);
    expect(shown.body).toMatch(/\/l\/[A-Za-z0-9_-]+/); // the link is still there, to look at
  });
});
