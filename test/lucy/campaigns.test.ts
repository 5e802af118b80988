import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import {
  CAMPAIGN_KEYS,
  awarenessTemplate,
  benchmarkId,
  createCampaign,
  createScenario,
  languageId,
  readyCampaign,
  recipientGroup,
  scenarioTemplate,
} from './campaigns-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const LUCY_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('campaigns: create, get, save, delete', () => {
  it('creates a campaign with the exact Lucy shape, idle and with zero counters', async () => {
    const { clientId, token } = await t.tenant();
    const res = await t.call('PUT', '/api/campaigns', { token, body: { name: 'Q1 phishing', client_id: clientId } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['campaign']);
    const c = body.campaign;
    expect(Object.keys(c).sort()).toEqual(CAMPAIGN_KEYS);
    expect(c).toMatchObject({
      name: 'Q1 phishing',
      client_id: clientId,
      status: 'idle',
      started_at: null,
      stopped_at: null,
      stop_date: null,
      benchmark_sector_id: null,
      recipients: 0,
      submitted: 0,
      clicked: 0,
      awareness_average_score: 0,
      custom_fields: [],
      stop_report: false,
      stop_report_format: 'pdf',
      stop_report_font_size: 12,
      stop_report_template: null,
      stop_report_sections: [],
      stop_report_scenarios: [],
      stop_report_email: '',
      approved_by: null,
      approved_at: null,
    });
    expect(c.created_at).toMatch(LUCY_DATE);
    expect(c.links).toEqual([
      { rel: 'self', href: `/api/campaigns/${c.id}` },
      { rel: 'client', href: `/api/clients/${clientId}` },
    ]);

    const got = await t.call('GET', `/api/campaigns/${c.id}`, { token });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ campaign: c });
  });

  it('stores every settable field and links the benchmark sector, awareness template and language', async () => {
    const { clientId, token } = await t.tenant();
    const sector = await benchmarkId(t);
    const awareness = await awarenessTemplate(t);
    const de = await languageId(t, 'de');
    const c = await createCampaign(t, token, clientId, {
      benchmark_sector_id: sector,
      awareness_template_id: awareness,
      language_id: de,
      stop_date: '2031-05-01 12:00',
      custom_fields: ['cost centre 7', 'wave 2'],
      stop_report: true,
      stop_report_format: 'docx',
      stop_report_font_family: 'Helvetica',
      stop_report_font_size: 14,
      stop_report_sections: [1, 3],
      stop_report_email: 'ciso@example.com, it@example.com',
    });
    expect(c).toMatchObject({
      benchmark_sector_id: sector,
      awareness_template_id: awareness,
      language_id: de,
      stop_date: '2031-05-01T12:00:00Z',
      custom_fields: ['cost centre 7', 'wave 2'],
      stop_report: true,
      stop_report_format: 'docx',
      stop_report_font_family: 'Helvetica',
      stop_report_font_size: 14,
      stop_report_sections: [1, 3],
      stop_report_email: 'ciso@example.com, it@example.com',
    });
    expect(c.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'client', 'benchmark_sector', 'awareness_template', 'language']);
    expect(c.links[2].href).toBe(`/api/benchmarks/${sector}`);
  });

  it('refuses missing and mistyped fields with a 400 naming the field, and creates nothing', async () => {
    const { clientId, token } = await t.tenant();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ client_id: clientId }, /^name: is required/],
      [{ name: 'x' }, /^client_id: is required/],
      [{ name: 5, client_id: clientId }, /^name: must be string/],
      [{ name: 'x', client_id: String(clientId) }, /^client_id: must be integer/],
      [{ name: 'x', client_id: 3_000_000_000 }, /^client_id: must be <=/],
      [{ name: '   ', client_id: clientId }, /^name: must not be empty/],
      [{ name: 'x', client_id: clientId, benchmark_sector_id: 999999 }, /^benchmark_sector_id: no benchmark sector with id 999999/],
      [{ name: 'x', client_id: clientId, language_id: 999999 }, /^language_id: no language/],
      [{ name: 'x', client_id: clientId, stop_report_format: 'txt' }, /^stop_report_format: must be one of pdf, html, docx/],
      [{ name: 'x', client_id: clientId, stop_date: 'next tuesday' }, /^stop_date: /],
      [{ name: 'x', client_id: clientId, stop_report: 'yes' }, /^stop_report: must be boolean/],
      [{ name: 'x', client_id: clientId, custom_fields: 'a' }, /^custom_fields: must be array/],
      [{ name: 'x', client_id: clientId, stop_report_sections: ['1'] }, /^stop_report_sections\[0\]: must be integer/],
      [{ name: 'x', client_id: clientId, stop_report_scenarios: [1] }, /^stop_report_scenarios\[0\]: scenario 1 is not in this campaign/],
      [{ name: 'x', client_id: clientId, stop_report_email: 'not an address' }, /^stop_report_email: /],
      [{ name: 'x'.repeat(256), client_id: clientId }, /^name: must NOT have more than 255 characters/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', '/api/campaigns', { token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.message).toMatch(message);
    }
    const list = await t.call('GET', '/api/campaigns', { token });
    expect(list.json().campaigns).toEqual([]);
  });

  it('answers 404 for another tenant’s client_id, and for an unknown one from a super admin', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const res = await t.call('PUT', '/api/campaigns', { token: a.token, body: { name: 'x', client_id: b.clientId } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('client not found');
    const root = await t.call('PUT', '/api/campaigns', { token: t.rootToken, body: { name: 'x', client_id: 999999 } });
    expect(root.statusCode).toBe(404);
    expect((await t.call('GET', '/api/campaigns', { token: b.token })).json().campaigns).toEqual([]);
    // A super admin creates in any client.
    const made = await t.call('PUT', '/api/campaigns', { token: t.rootToken, body: { name: 'by root', client_id: b.clientId } });
    expect(made.statusCode).toBe(200);
    expect(made.json().campaign.client_id).toBe(b.clientId);
  });

  it('saves with POST: given fields change, others stay, status and counters are read-only', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId, { custom_fields: ['keep me'], stop_report_font_size: 10 });
    const res = await t.call('POST', `/api/campaigns/${c.id}`, {
      token,
      body: { ...c, name: 'Renamed', status: 'running', recipients: 99, stop_date: null, links: 'ignored' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json().campaign;
    expect(saved).toMatchObject({ name: 'Renamed', status: 'idle', recipients: 0, custom_fields: ['keep me'], stop_report_font_size: 10 });
    const partial = await t.call('POST', `/api/campaigns/${c.id}`, { token, body: { name: 'Again', client_id: clientId } });
    expect(partial.json().campaign).toMatchObject({ name: 'Again', custom_fields: ['keep me'], stop_report_font_size: 10 });

    expect((await t.call('POST', `/api/campaigns/${c.id}`, { token, body: { name: 'x' } })).json().error.message).toMatch(/^client_id: is required/);
    expect((await t.call('POST', `/api/campaigns/${c.id}`, { token, body: { client_id: clientId } })).json().error.message).toMatch(/^name: is required/);

    // Moving to another client: a tenant cannot even name it (404); a super admin is told no (400).
    const other = await t.tenant();
    const moved = await t.call('POST', `/api/campaigns/${c.id}`, { token, body: { name: 'x', client_id: other.clientId } });
    expect(moved.statusCode).toBe(404);
    const byRoot = await t.call('POST', `/api/campaigns/${c.id}`, { token: t.rootToken, body: { name: 'x', client_id: other.clientId } });
    expect(byRoot.statusCode).toBe(400);
    expect(byRoot.json().error.message).toMatch(/^client_id: a campaign cannot move to another client/);
    expect((await t.call('GET', `/api/campaigns/${c.id}`, { token })).json().campaign.name).toBe('Again');
  });

  it('accepts stop_report_scenarios that are scenarios of the campaign only', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const s = await createScenario(t, token, c.id, await scenarioTemplate(t));
    const other = await createCampaign(t, token, clientId);
    const foreign = await createScenario(t, token, other.id, await scenarioTemplate(t));
    const ok = await t.call('POST', `/api/campaigns/${c.id}`, { token, body: { name: c.name, client_id: clientId, stop_report_scenarios: [s.id] } });
    expect(ok.json().campaign.stop_report_scenarios).toEqual([s.id]);
    const bad = await t.call('POST', `/api/campaigns/${c.id}`, {
      token,
      body: { name: c.name, client_id: clientId, stop_report_scenarios: [s.id, foreign.id] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe(`stop_report_scenarios[1]: scenario ${foreign.id} is not in this campaign`);
  });

  it('deletes an idle or stopped campaign with everything in it, but not a running one (409)', async () => {
    const { clientId, token } = await t.tenant();
    const { campaign } = await readyCampaign(t, token, clientId);
    expect((await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'running' } })).statusCode).toBe(200);
    const refused = await t.call('DELETE', `/api/campaigns/${campaign.id}`, { token });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toBe('status: the campaign is running; stop it before you delete it');
    await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'stopped' } });
    const res = await t.call('DELETE', `/api/campaigns/${campaign.id}`, { token });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await t.call('GET', `/api/campaigns/${campaign.id}`, { token })).statusCode).toBe(404);
    const db = t.core.database.db;
    expect(await db.selectFrom('scenarios').select('id').where('campaign_id', '=', campaign.id).execute()).toEqual([]);
    expect(await db.selectFrom('campaign_events').select('id').where('campaign_id', '=', campaign.id).execute()).toEqual([]);
    expect((await t.call('DELETE', `/api/campaigns/${campaign.id}`, { token })).statusCode).toBe(404);
  });
});

describe('campaigns: lists', () => {
  it('sorts, pages and filters, within the caller’s tenant only', async () => {
    const { clientId, token } = await t.tenant();
    const other = await t.tenant();
    await createCampaign(t, other.token, other.clientId, { name: 'Other tenant alpha' });
    const names = ['Charlie wave', 'Alpha wave', 'Bravo 100%_test'];
    const ids: number[] = [];
    for (const name of names) ids.push((await createCampaign(t, token, clientId, { name })).id);
    const { campaign: running } = await readyCampaign(t, token, clientId, ['a@example.com'], { name: 'Delta' });
    await t.call('POST', `/api/campaigns/${running.id}/status`, { token, body: { status: 'running' } });

    const all = (await t.call('GET', '/api/campaigns', { token })).json().campaigns;
    expect(all.map((c: { id: number }) => c.id)).toEqual([...ids, running.id]);

    const byName = (await t.call('GET', '/api/campaigns?sort=-name', { token })).json().campaigns.map((c: { name: string }) => c.name);
    expect(byName).toEqual(['Delta', 'Charlie wave', 'Bravo 100%_test', 'Alpha wave']);
    const byStatus = (await t.call('GET', '/api/campaigns?sort=-status&limit=1', { token })).json().campaigns;
    expect(byStatus.map((c: { id: number }) => c.id)).toEqual([running.id]);
    const paged = (await t.call('GET', '/api/campaigns?sort=id&offset=1&limit=2', { token })).json().campaigns;
    expect(paged.map((c: { id: number }) => c.id)).toEqual(ids.slice(1, 3));

    const unknownSort = await t.call('GET', '/api/campaigns?sort=recipients', { token });
    expect(unknownSort.statusCode).toBe(400);
    expect(unknownSort.json().error.message).toMatch(/^sort: unknown column "recipients"/);
    expect((await t.call('GET', '/api/campaigns?limit=1001', { token })).statusCode).toBe(400);
    expect((await t.call('GET', '/api/campaigns?offset=-1', { token })).statusCode).toBe(400);

    const wave = (await t.call('GET', '/api/campaigns?q=WAVE', { token })).json().campaigns;
    expect(wave.map((c: { name: string }) => c.name)).toEqual(['Charlie wave', 'Alpha wave']);
    const literal = (await t.call('GET', '/api/campaigns?q=0%25_', { token })).json().campaigns;
    expect(literal.map((c: { name: string }) => c.name)).toEqual(['Bravo 100%_test']);
    const onlyRunning = (await t.call('GET', '/api/campaigns?status=running', { token })).json().campaigns;
    expect(onlyRunning.map((c: { id: number }) => c.id)).toEqual([running.id]);
    expect((await t.call('GET', '/api/campaigns?status=paused', { token })).statusCode).toBe(400);

    // client_id narrows a super admin's list; for a tenant another client's id finds nothing.
    const rootOther = (await t.call('GET', `/api/campaigns?client_id=${other.clientId}`, { token: t.rootToken })).json().campaigns;
    expect(rootOther.map((c: { name: string }) => c.name)).toEqual(['Other tenant alpha']);
    expect((await t.call('GET', `/api/campaigns?client_id=${other.clientId}`, { token })).json().campaigns).toEqual([]);
  });

  it('counts recipients as distinct people across campaign and scenario groups, in lists too', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const empty = await createCampaign(t, token, clientId);
    const s = await createScenario(t, token, c.id, await scenarioTemplate(t));
    const g1 = await recipientGroup(t, clientId, ['a@example.com', 'b@example.com']);
    const g2 = await recipientGroup(t, clientId, ['B@example.com', 'c@example.com']);
    const g3 = await recipientGroup(t, clientId, ['c@example.com', 'd@example.com', 'e@example.com']);
    await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token, body: { id: g1 } });
    await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token, body: { id: g2 } });
    expect((await t.call('GET', `/api/campaigns/${c.id}`, { token })).json().campaign.recipients).toBe(3);
    await t.call('PUT', `/api/scenarios/${s.id}/recipient-groups`, { token, body: { id: g3 } });
    const list = (await t.call('GET', '/api/campaigns', { token })).json().campaigns;
    expect(list.find((x: { id: number }) => x.id === c.id).recipients).toBe(5);
    expect(list.find((x: { id: number }) => x.id === empty.id).recipients).toBe(0);
    expect((await t.call('GET', `/api/scenarios/${s.id}`, { token })).json().scenario.recipient_count).toBe(5);
  });
});

describe('campaigns: status', () => {
  it('needs a scenario and a recipient group to start', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const none = await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'running' } });
    expect(none.statusCode).toBe(409);
    expect(none.json().error.message).toBe('status: the campaign has no attack scenario; add one before starting it');
    await createScenario(t, token, c.id, await scenarioTemplate(t));
    const noGroup = await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'running' } });
    expect(noGroup.statusCode).toBe(409);
    expect(noGroup.json().error.message).toBe('status: the campaign has no recipient group; add one before starting it');
    expect((await t.call('GET', `/api/campaigns/${c.id}`, { token })).json().campaign.status).toBe('idle');
  });

  it('runs, stops, resumes and restarts, setting dates and scenario status; other moves are 409', async () => {
    const { clientId, token } = await t.tenant();
    const { campaign, scenario } = await readyCampaign(t, token, clientId);
    const url = `/api/campaigns/${campaign.id}/status`;
    const started: string[] = [];
    const stopped: number[] = [];
    const hooks = t.core.campaigns.hooks;
    t.core.campaigns.hooks = {
      onStarted: async (c, reason) => void started.push(`${c.id}:${reason}`),
      onStopped: async (c) => void stopped.push(c.id),
    };
    try {
      const stopIdle = await t.call('POST', url, { token, body: { status: 'stopped' } });
      expect(stopIdle.statusCode).toBe(409);
      expect(stopIdle.json().error.message).toBe('status: cannot change a campaign that is idle to "stopped" (only from running or waiting_approval)');
      const restartIdle = await t.call('POST', url, { token, body: { status: 'restart' } });
      expect(restartIdle.statusCode).toBe(409);
      expect(restartIdle.json().error.message).toMatch(/is idle/);

      const run = await t.call('POST', url, { token, body: { status: 'running' } });
      expect(run.statusCode).toBe(200);
      const r = run.json().campaign;
      expect(r).toMatchObject({ status: 'running', stopped_at: null });
      expect(r.started_at).toMatch(LUCY_DATE);
      const sc = (await t.call('GET', `/api/scenarios/${scenario.id}`, { token })).json().scenario;
      expect(sc.status).toBe('running');
      expect(sc.started_at).toMatch(LUCY_DATE);

      const again = await t.call('POST', url, { token, body: { status: 'running' } });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.message).toMatch(/that is running to "running"/);
      expect((await t.call('POST', url, { token, body: { status: 'restart' } })).statusCode).toBe(409);

      const stop = (await t.call('POST', url, { token, body: { status: 'stopped' } })).json().campaign;
      expect(stop.status).toBe('stopped');
      expect(stop.stopped_at).toMatch(LUCY_DATE);
      expect(stop.started_at).toBe(r.started_at);
      const idleScenario = (await t.call('GET', `/api/scenarios/${scenario.id}`, { token })).json().scenario;
      expect(idleScenario.status).toBe('idle');
      expect(idleScenario.stopped_at).toMatch(LUCY_DATE);

      const resume = (await t.call('POST', url, { token, body: { status: 'running' } })).json().campaign;
      expect(resume).toMatchObject({ status: 'running', stopped_at: null, started_at: r.started_at });
      await t.call('POST', url, { token, body: { status: 'stopped' } });
      const restart = (await t.call('POST', url, { token, body: { status: 'restart' } })).json().campaign;
      expect(restart).toMatchObject({ status: 'running', stopped_at: null });
      expect(restart.started_at).toMatch(LUCY_DATE);

      expect(started).toEqual([`${campaign.id}:start`, `${campaign.id}:resume`, `${campaign.id}:restart`]);
      expect(stopped).toEqual([campaign.id, campaign.id]);
    } finally {
      t.core.campaigns.hooks = hooks;
    }
  });

  it('refuses unknown or missing status values with a 400', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const bad = await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'paused' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('status: must be one of running, stopped, restart');
    const missing = await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: {} });
    expect(missing.json().error.message).toBe('status: is required');
    const notJson = await t.call('POST', `/api/campaigns/${c.id}/status`, { token, raw: 'status=running', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.statusCode).toBe(415);
  });

  it('waits for approval when the client requires it; a supervisor or admin approves', async () => {
    const { clientId, token, userId } = await t.tenant('Careful Corp', 'user');
    const setApproval = await t.call('POST', `/api/clients/${clientId}`, { token: t.rootToken, body: { id: clientId, name: 'Careful Corp', require_approval: true } });
    expect(setApproval.statusCode, setApproval.body).toBe(200);
    const { campaign } = await readyCampaign(t, token, clientId);
    const url = `/api/campaigns/${campaign.id}`;

    const waiting = (await t.call('POST', `${url}/status`, { token, body: { status: 'running' } })).json().campaign;
    expect(waiting).toMatchObject({ status: 'waiting_approval', started_at: null, approved_by: null });
    expect((await t.call('POST', `${url}/status`, { token, body: { status: 'running' } })).statusCode).toBe(409);

    const byUser = await t.call('POST', `${url}/approve`, { token });
    expect(byUser.statusCode).toBe(403);
    expect(byUser.json().error.message).toBe('approving a campaign needs the supervisor or admin role; yours is user');
    const viewer = await t.user(clientId, 'view');
    expect((await t.call('POST', `${url}/approve`, { token: viewer.token })).statusCode).toBe(403);
    const outsider = await t.tenant(undefined, 'supervisor');
    expect((await t.call('POST', `${url}/approve`, { token: outsider.token })).statusCode).toBe(404);

    const supervisor = await t.user(clientId, 'supervisor');
    const approved = await t.call('POST', `${url}/approve`, { token: supervisor.token });
    expect(approved.statusCode).toBe(200);
    const a = approved.json().campaign;
    expect(a).toMatchObject({ status: 'running', approved_by: supervisor.userId });
    expect(a.approved_by).not.toBe(userId);
    expect(a.approved_at).toMatch(LUCY_DATE);
    expect(a.started_at).toMatch(LUCY_DATE);
    const twice = await t.call('POST', `${url}/approve`, { token: supervisor.token });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toBe('status: only a campaign that is waiting_approval can be approved; this one is running');

    // Stopping works while waiting, too; a restart waits again, with the approval cleared and the
    // start date kept until it is approved (a restart stopped before approval restarted nothing).
    await t.call('POST', `${url}/status`, { token, body: { status: 'stopped' } });
    const rewait = (await t.call('POST', `${url}/status`, { token, body: { status: 'restart' } })).json().campaign;
    expect(rewait).toMatchObject({ status: 'waiting_approval', started_at: a.started_at, approved_by: null, approved_at: null });
    const cancelled = (await t.call('POST', `${url}/status`, { token, body: { status: 'stopped' } })).json().campaign;
    expect(cancelled).toMatchObject({ status: 'stopped', started_at: a.started_at });

    // A resume asked after the cancelled restart is approved as a resume, and a restart as a restart.
    const events = async () => (await t.call('GET', `${url}/stats`, { token })).json().timeline.map((e: { event: string }) => e.event).filter((e: string) => /approved by/.test(e));
    expect((await t.call('POST', `${url}/status`, { token, body: { status: 'running' } })).json().campaign.status).toBe('waiting_approval');
    const resumed = (await t.call('POST', `${url}/approve`, { token: supervisor.token })).json().campaign;
    expect(resumed).toMatchObject({ status: 'running', started_at: a.started_at });
    await t.call('POST', `${url}/status`, { token, body: { status: 'stopped' } });
    await t.call('POST', `${url}/status`, { token, body: { status: 'restart' } });
    expect((await t.call('POST', `${url}/approve`, { token: supervisor.token })).json().campaign.status).toBe('running');
    expect(await events()).toEqual([
      `Campaign started, approved by ${supervisor.email}`,
      `Campaign resumed, approved by ${supervisor.email}`,
      `Campaign restarted, approved by ${supervisor.email}`,
    ]);
  });
});

describe('campaigns: events and stats', () => {
  it('records the timeline and returns Lucy’s statistics resource', async () => {
    const { clientId, token, email } = await t.tenant();
    const c = await createCampaign(t, token, clientId, { name: 'Timeline' });
    const templateId = await scenarioTemplate(t);
    const s1 = await createScenario(t, token, c.id, templateId, { name: 'Parcel' });
    const s2 = await createScenario(t, token, c.id, templateId, { name: 'Invoice' });
    const g = await recipientGroup(t, clientId, ['x@example.com'], 'Finance');
    await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token, body: { id: g } });
    const aw = await t.call('PUT', `/api/campaigns/${c.id}/awareness`, {
      token,
      body: { name: 'Lesson', domain: 'learn.example', language_id: await languageId(t), template_id: await awarenessTemplate(t) },
    });
    expect(aw.statusCode).toBe(200);
    expect((await t.call('DELETE', `/api/scenarios/${s2.id}`, { token })).statusCode).toBe(204);
    await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'running' } });
    await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'stopped' } });
    await t.call('DELETE', `/api/campaigns/${c.id}/awareness/${aw.json().awareness.id}`, { token });
    await t.call('DELETE', `/api/campaigns/${c.id}/recipient-groups/${g}`, { token });

    const res = await t.call('GET', `/api/campaigns/${c.id}/stats`, { token });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(Object.keys(stats).sort()).toEqual(
      ['victims', 'submitted', 'clicks', 'success', 'vulnerable', 'awareness_submitted', 'trained', 'report', 'errors', 'timeline'].sort(),
    );
    // Starting created the one victim; the worker never ran here, so nothing was sent.
    expect(stats).toMatchObject({ victims: 1, submitted: 0, clicks: 0, success: 0, vulnerable: 0, awareness_submitted: 0, trained: 0, report: 0, errors: 0 });
    expect(stats.timeline.map((e: { type: number }) => e.type)).toEqual([1, 10, 10, 20, 50, 11, 2, 3, 51, 21]);
    expect(stats.timeline.map((e: { event: string }) => e.event)).toEqual([
      `Campaign created by ${email}`,
      'Attack scenario "Parcel" added',
      'Attack scenario "Invoice" added',
      'Recipient group "Finance" added',
      'Awareness "Lesson" added',
      'Attack scenario "Invoice" removed',
      `Campaign started by ${email}`,
      `Campaign stopped by ${email}`,
      'Awareness "Lesson" removed',
      'Recipient group "Finance" removed',
    ]);
    for (const e of stats.timeline) expect(Object.keys(e).sort()).toEqual(['event', 'time', 'type']);
    expect(stats.timeline[0].time).toMatch(LUCY_DATE);
    expect(s1.id).toBeGreaterThan(0);
  });
});

describe('campaigns: copy', () => {
  it('copies scenarios, recipient groups, awareness and custom fields into a new idle campaign', async () => {
    const { clientId, token } = await t.tenant();
    const { campaign, scenario, groupId, templateId } = await readyCampaign(t, token, clientId, ['a@example.com', 'b@example.com']);
    const s2 = await createScenario(t, token, campaign.id, templateId, { name: 'Second', subdomain: 'login', password_regexp: '^.{8,}$' });
    const extraGroup = await recipientGroup(t, clientId, ['c@example.com']);
    await t.call('PUT', `/api/scenarios/${s2.id}/recipient-groups`, { token, body: { id: extraGroup } });
    const aw = (
      await t.call('PUT', `/api/campaigns/${campaign.id}/awareness`, {
        token,
        body: {
          name: 'Lesson',
          domain: 'learn.example',
          language_id: await languageId(t),
          template_id: await awarenessTemplate(t),
          scenarios: [{ scenario_id: s2.id, risk_level: 3 }],
        },
      })
    ).json().awareness;
    await t.call('PUT', '/api/campaign-custom-fields', { token, body: { campaign_id: campaign.id, name: 'Region' } });
    await t.call('POST', `/api/campaigns/${campaign.id}`, {
      token,
      body: { name: campaign.name, client_id: clientId, custom_fields: ['wave 1'], stop_report_scenarios: [s2.id] },
    });
    await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'running' } });

    const res = await t.call('POST', `/api/campaigns/${campaign.id}/copy`, { token });
    expect(res.statusCode, res.body).toBe(200);
    const copy = res.json().campaign;
    expect(Object.keys(copy).sort()).toEqual(CAMPAIGN_KEYS);
    expect(copy.id).not.toBe(campaign.id);
    expect(copy).toMatchObject({ name: `${campaign.name} (copy)`, status: 'idle', started_at: null, stopped_at: null, client_id: clientId, custom_fields: ['wave 1'], recipients: 3 });

    const scenarios = (await t.call('GET', `/api/campaigns/${copy.id}/scenarios`, { token })).json().scenarios;
    expect(scenarios.map((s: { name: string }) => s.name)).toEqual([scenario.name, 'Second']);
    expect(scenarios.every((s: { status: string; started_at: null; campaign_id: number }) => s.status === 'idle' && s.started_at === null && s.campaign_id === copy.id)).toBe(true);
    expect(scenarios[1]).toMatchObject({ subdomain: 'login', full_domain: 'login.parcel-service.example', password_regexp: '^.{8,}$' });
    expect(copy.stop_report_scenarios).toEqual([scenarios[1].id]);

    const groups = (await t.call('GET', `/api/campaigns/${copy.id}/recipient-groups`, { token })).json().recipient_groups;
    expect(groups.map((g: { id: number }) => g.id)).toEqual([groupId]);
    const s2Groups = (await t.call('GET', `/api/scenarios/${scenarios[1].id}/recipient-groups`, { token })).json().recipient_groups;
    expect(s2Groups.map((g: { id: number }) => g.id).sort()).toEqual([groupId, extraGroup].sort());

    const awareness = (await t.call('GET', `/api/campaigns/${copy.id}/awareness`, { token })).json().awareness;
    expect(awareness).toHaveLength(1);
    expect(awareness[0]).toMatchObject({ name: 'Lesson', campaign_id: copy.id, scenarios: [{ scenario_id: scenarios[1].id, risk_level: 3 }] });
    expect(awareness[0].public_id).not.toBe(aw.public_id);

    const fields = (await t.call('GET', `/api/campaign-custom-fields?campaign_id=${copy.id}`, { token })).json()['campaign-custom-fields'];
    expect(fields.map((f: { name: string }) => f.name)).toEqual(['Region']);

    const timeline = (await t.call('GET', `/api/campaigns/${copy.id}/stats`, { token })).json().timeline;
    expect(timeline[0]).toMatchObject({ type: 1, event: expect.stringContaining(`as a copy of "${campaign.name}"`) });

    // The original is untouched.
    const original = (await t.call('GET', `/api/campaigns/${campaign.id}`, { token })).json().campaign;
    expect(original).toMatchObject({ name: campaign.name, status: 'running', stop_report_scenarios: [s2.id] });
    expect((await t.call('GET', `/api/campaigns/${campaign.id}/scenarios`, { token })).json().scenarios).toHaveLength(2);
  });

  it('keeps the copy name within 255 characters', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId, { name: 'n'.repeat(255) });
    const copy = (await t.call('POST', `/api/campaigns/${c.id}/copy`, { token })).json().campaign;
    expect(copy.name).toHaveLength(255);
    expect(copy.name.endsWith(' (copy)')).toBe(true);
  });
});
