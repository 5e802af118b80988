import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../../src/db/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { reportingFixture, type ReportingFixture } from './reporting-fixture.ts';

const XSS_CAMPAIGN = '<img src=x onerror=alert(1)>';
const XSS_SCENARIO = '<script>alert("s")</script>';

let t: TestApp;
let a: { clientId: number; token: string; userId: number };
let fx: ReportingFixture;
let executive: number;
let detailed: number;
beforeAll(async () => {
  t = await createTestApp({ DECOY_API_RATE_LIMIT: '100000000' });
  a = await t.tenant('Reporting client');
  fx = await reportingFixture(t, a, { campaign: XSS_CAMPAIGN, scenario: XSS_SCENARIO });
  const templates = (await t.call('GET', '/api/report-templates', { token: a.token })).json().report_templates as { id: number; name: string }[];
  executive = templates.find((x) => x.name === 'Executive summary')!.id;
  detailed = templates.find((x) => x.name === 'Detailed campaign report')!.id;
}, 120_000);
afterAll(async () => {
  await t?.core.reports.idle();
  await t?.close();
});

interface Made {
  report: Record<string, any>;
  file: { body: string; raw: Buffer; headers: Record<string, unknown> };
}

/** Requests a report, waits until the background job has written it, and downloads it. */
async function report(body: Record<string, unknown>, campaignId = fx.campaignId, token = a.token): Promise<Made> {
  const res = await t.call('POST', `/api/campaigns/${campaignId}/report`, { token, body });
  expect(res.statusCode, res.body).toBe(200);
  const created = res.json().report;
  expect(created).toMatchObject({ campaign_id: campaignId, status: 10, type: body.format });
  expect(created.links).toEqual(expect.arrayContaining([{ rel: 'campaign', href: `/api/campaigns/${campaignId}` }]));
  expect(created.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  await t.core.reports.idle();
  const got = await t.call('GET', `/api/reports/${created.id}`, { token });
  expect(got.statusCode).toBe(200);
  const r = got.json().report;
  expect(r.status, r.error).toBe(20);
  // The stored file (names and results of people) and its directory are this user's only.
  const stored = (await t.core.database.db.selectFrom('reports').select('file').where('id', '=', r.id).executeTakeFirstOrThrow()).file;
  expect(statSync(path.join(t.config.dataDir, stored)).mode & 0o777).toBe(0o600);
  expect(statSync(path.dirname(path.join(t.config.dataDir, stored))).mode & 0o777).toBe(0o700);
  const file = await t.call('GET', `/api/reports/${r.id}/download`, { token });
  expect(file.statusCode, file.body.slice(0, 200)).toBe(200);
  return { report: r, file: { body: file.body, raw: file.rawPayload, headers: file.headers } };
}

describe('campaign reports', () => {
  it('HTML: every section of the template, the funnel, and every name escaped', async () => {
    const { file } = await report({ template_id: detailed, format: 'html', font_size: 12, font_family: 'Georgia; } body { display:none' });
    expect(file.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="Report - _img src_x onerror_alert_1_\.html"; filename\*=UTF-8''Report%20-%20%3Cimg%20/);
    expect(file.headers['content-disposition']).toMatch(/onerror%3Dalert%281%29%3E\.html$/);
    expect(file.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const html = file.body;
    expect(html).toMatch(/^<!doctype html>/);
    // Names are text, never markup.
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/onerror=alert\(1\)>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;');
    // The requested font cannot break out of its CSS declaration.
    expect(html).toContain('font-family:Georgia  body  displaynone, Helvetica');
    expect(html).toContain('font-size:12pt');
    for (const title of ['Executive summary', 'Key figures', 'Timeline', 'Results per scenario', 'Awareness training results', 'Results per division', 'Reported messages', 'Recommendations', 'Methodology']) {
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    // The funnel: sent 5 → opened 3 → clicked 2 → succeeded 1 → reported 1 → trained 1.
    for (const [label, value, pct] of [['Sent', 5, 100], ['Opened', 3, 60], ['Clicked', 2, 40], ['Succeeded', 1, 20], ['Reported', 1, 20], ['Trained', 1, 20]]) {
      expect(html).toContain(`<span class="label">${label}</span><span class="bar"><span style="width:${pct}%"></span></span><span class="value">${value} (${pct}%)</span>`);
    }
    // Human and automated hits apart, with the reasons.
    expect(html).toContain('<tr><td>click</td><td class="n">2</td><td class="n">1</td></tr>');
    expect(html).toContain('<tr><td>scanner user agent</td><td class="n">2</td></tr>');
    expect(html).toContain('<tr><td>Finance</td><td class="n">2</td>');
    expect(html).toContain('Campaign started');
  });

  it('HTML with chosen sections and scenarios only', async () => {
    const { file } = await report({ template_id: detailed, format: 'html', sections: [8, 2], scenarios: [fx.scenarioId] });
    const titles = [...file.body.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(titles).toEqual(['Key figures', 'Recommendations']);
  });

  it('PDF', async () => {
    const { file } = await report({ template_id: executive, format: 'pdf', font_family: 'Times New Roman', font_size: 10 });
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/\.pdf"/);
    expect(file.raw.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(file.raw.subarray(-8).toString('latin1')).toContain('%%EOF');
    expect(Number(file.headers['content-length'])).toBe(file.raw.length);
    expect(file.raw.toString('latin1')).toContain('/Times-Roman');
  });

  it('DOCX', async () => {
    const { file } = await report({ template_id: detailed, format: 'docx', font_family: 'Arial' });
    expect(file.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(file.headers['content-disposition']).toMatch(/\.docx"/);
    expect(file.raw.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(file.raw.includes(Buffer.from('word/document.xml'))).toBe(true);
  });

  it('an empty campaign still makes a report', async () => {
    const c = await t.call('PUT', '/api/campaigns', { token: a.token, body: { name: 'Nothing yet', client_id: a.clientId } });
    const { file } = await report({ template_id: detailed, format: 'html' }, c.json().campaign.id);
    expect(file.body).toContain('No message of this campaign has been sent yet');
  });
});

describe('bad requests, other tenants and roles', () => {
  const post = (body: unknown, campaignId = fx.campaignId, token = a.token) => t.call('POST', `/api/campaigns/${campaignId}/report`, { token, body });

  it('names the problem: template, format, sections, scenarios, font size', async () => {
    let res = await post({ format: 'pdf' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('template_id: is required');
    res = await post({ template_id: executive });
    expect(res.json().error.message).toBe('format: is required');
    res = await post({ template_id: executive, format: 'odt' });
    expect(res.json().error.message).toMatch(/^format: must be one of pdf, html, docx/);
    res = await post({ template_id: 999999, format: 'pdf' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('template_id: no report template 999999');
    res = await post({ template_id: executive, format: 'pdf', sections: [1, 6, 42] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(`sections: 6, 42 are not sections of report template ${executive} (its sections: 1, 2, 3, 4, 8)`);
    const other = await t.call('PUT', '/api/campaigns', { token: a.token, body: { name: 'Other campaign', client_id: a.clientId } });
    const otherScenario = await t.call('PUT', `/api/campaigns/${other.json().campaign.id}/scenarios`, {
      token: a.token,
      body: { name: 'Elsewhere', domain: 'login.example-corp.test', language_id: 1, scenario_template_id: (await t.core.database.db.selectFrom('scenarios').select('scenario_template_id').where('id', '=', fx.scenarioId).executeTakeFirstOrThrow()).scenario_template_id },
    });
    expect(otherScenario.statusCode, otherScenario.body).toBe(200);
    res = await post({ template_id: executive, format: 'pdf', scenarios: [fx.scenarioId, otherScenario.json().scenario.id] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(`scenarios: ${otherScenario.json().scenario.id} is not a scenario of campaign ${fx.campaignId}`);
    res = await post({ template_id: executive, format: 'pdf', font_size: 200 });
    expect(res.json().error.message).toMatch(/^font_size: must be <= 96/);
    res = await post({ template_id: executive, format: 'pdf', sections: ['1'] });
    expect(res.json().error.message).toMatch(/^sections\[0\]: must be integer/);
    res = await post({ template_id: executive, format: 'pdf' }, 999999);
    expect(res.statusCode).toBe(404);
  });

  it('another tenant\'s campaign, template or report is 404 (or, for a template, unknown)', async () => {
    const b = await t.tenant('Other reporter');
    expect((await post({ template_id: executive, format: 'pdf' }, fx.campaignId, b.token)).statusCode).toBe(404);
    // A report template of client A's own (made in the database: the API has no route to create one).
    const own = (
      await t.core.database.db
        .insertInto('report_templates')
        .values({ client_id: a.clientId, name: 'Ours only', sections: JSON.stringify([{ id: '1', title: 'Executive summary' }]) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    expect((await post({ template_id: own, format: 'html' })).statusCode).toBe(200);
    const bCampaign = await t.call('PUT', '/api/campaigns', { token: b.token, body: { name: 'B campaign', client_id: b.clientId } });
    const res = await post({ template_id: own, format: 'pdf' }, bCampaign.json().campaign.id, b.token);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(`template_id: no report template ${own}`);
    const mine = await report({ template_id: executive, format: 'html' });
    for (const url of [`/api/reports/${mine.report.id}`, `/api/reports/${mine.report.id}/download`]) {
      const r = await t.call('GET', url, { token: b.token });
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    }
    expect((await t.call('DELETE', `/api/reports/${mine.report.id}`, { token: b.token })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/reports', { token: b.token })).json().reports).toEqual([]);
  });

  it('view users read and download reports but do not request them', async () => {
    const viewer = await t.user(a.clientId, 'view');
    expect((await post({ template_id: executive, format: 'pdf' }, fx.campaignId, viewer.token)).statusCode).toBe(403);
    const mine = await report({ template_id: executive, format: 'html' });
    expect((await t.call('GET', `/api/reports/${mine.report.id}`, { token: viewer.token })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/reports/${mine.report.id}/download`, { token: viewer.token })).statusCode).toBe(200);
  });

  it('answers 409 while a report is processing; lists and deletes', async () => {
    const pending = (
      await t.core.database.db
        .insertInto('reports')
        .values({ client_id: a.clientId, campaign_id: fx.campaignId, created_by: a.userId, template_id: executive, status: 10, type: 'pdf', options: '{}', file: '', size: 0, error: '', created_at: now(), updated_at: now(), finished_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const res = await t.call('GET', `/api/reports/${pending}/download`, { token: a.token });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toBe(`report ${pending} is still being generated (status 10); download it once its status is 20`);

    const list = await t.call('GET', `/api/reports?campaign_id=${fx.campaignId}&sort=-id&limit=1`, { token: a.token });
    expect(list.statusCode).toBe(200);
    expect(list.json().reports).toEqual([expect.objectContaining({ id: pending, status: 10 })]);
    expect((await t.call('DELETE', `/api/reports/${pending}`, { token: a.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/reports/${pending}`, { token: a.token })).statusCode).toBe(404);
  });
});
