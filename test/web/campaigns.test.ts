/**
 * The campaign pages in real Chromium, beyond the newcomer's flow: the list's search and status
 * filter, editing in the wizard (name, schedule window with business hours), a client that
 * requires approval (start → waiting → a supervisor approves), stop, restart and copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/app.ts';
import { buildCampaign } from '../helpers/campaign.ts';
import { haveChromium, startWebApp, type WebApp } from './harness.ts';

describe.skipIf(!haveChromium)('campaigns in the browser', () => {
  let w: WebApp;
  let a: { clientId: number; userId: number; token: string; email: string };

  beforeAll(async () => {
    w = await startWebApp();
    a = await w.t.tenant('Approval Corp');
    const saved = await w.t.call('POST', `/api/clients/${a.clientId}`, { token: w.t.rootToken, body: { id: a.clientId, name: 'Approval Corp', require_approval: true } });
    expect(saved.statusCode, saved.body).toBe(200);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('edits a campaign, waits for approval, is approved, stopped, restarted and copied', async () => {
    const built = await buildCampaign(w.t, a, { groups: [[{ email: 'eve@approval.test', name: 'Eve' }]], campaign: { name: 'Spring test' } });
    const other = await buildCampaign(w.t, a, { groups: [[{ email: 'finn@approval.test', name: 'Finn' }]], campaign: { name: 'Autumn test' } });
    const p = await w.newPage();
    await w.signIn(p, a.email, PASSWORD);

    // The list: search and status filter.
    await p.getByRole('link', { name: 'Campaigns' }).click();
    await p.getByRole('link', { name: 'Autumn test' }).waitFor();
    await p.getByLabel('Search by name').fill('spring');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => p.getByRole('link', { name: 'Autumn test' }).count()).toBe(0);
    await p.getByRole('link', { name: 'Spring test' }).waitFor();
    await p.getByLabel('Status').selectOption('running');
    await expect.poll(() => p.getByRole('link', { name: 'Spring test' }).count()).toBe(0);
    await p.getByText('No campaigns match.').waitFor();
    await p.getByLabel('Status').selectOption('');
    await p.getByRole('link', { name: 'Spring test' }).click();

    // Edit: a new name and a sending window within business hours.
    await p.getByRole('button', { name: 'Edit' }).click();
    await p.getByLabel('Campaign name').fill('Spring test, edited');
    await p.getByRole('button', { name: '4. Schedule' }).click();
    await p.getByLabel('Spread at random over a window, within business hours').check();
    await p.getByLabel('Window start').fill('2030-03-02T08:00');
    await p.getByLabel('Window end').fill('2030-03-06T18:00');
    await p.getByLabel('Business hours from').fill('10:00');
    await p.getByLabel('Saturday').check();
    await p.getByRole('button', { name: '6. Review' }).click();
    await p.getByText('needed before sending').waitFor();
    await p.getByRole('button', { name: 'Save campaign' }).click();
    await p.getByRole('heading', { level: 1, name: 'Spring test, edited' }).waitFor();
    const saved = (await w.t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign;
    expect(saved.name).toBe('Spring test, edited');
    expect(saved.schedule).toMatchObject({ mode: 'window', business_hours_start: '10:00', business_hours_end: '17:00', business_days: [1, 2, 3, 4, 5, 6] });
    expect(Date.parse(saved.schedule.end) - Date.parse(saved.schedule.start)).toBe((4 * 24 + 10) * 3_600_000);
    // The campaign's own groups and scenario are untouched.
    const groups = (await w.t.call('GET', `/api/campaigns/${built.campaignId}/recipient-groups`, { token: a.token })).json().recipient_groups;
    expect(groups.map((g: { id: number }) => g.id)).toEqual(built.groupIds);

    // Start: the client requires approval; an admin approves.
    await p.getByRole('button', { name: 'Start' }).click();
    await p.getByText('Waiting for approval', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Approve' }).click();
    await p.getByText('Running', { exact: true }).waitFor();
    expect((await w.t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign).toMatchObject({ status: 'running', approved_by: a.userId });

    await p.getByRole('button', { name: 'Stop' }).click();
    await p.getByText('Stopped', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Restart' }).click();
    await p.getByText('Waiting for approval', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Stop' }).click();
    await p.getByText('Stopped', { exact: true }).waitFor();

    await p.getByRole('button', { name: 'Copy' }).click();
    await p.getByText('Not started', { exact: true }).waitFor();
    const copyId = Number(/\/campaigns\/(\d+)/.exec(p.url())![1]);
    expect(copyId).not.toBe(built.campaignId);
    expect(copyId).not.toBe(other.campaignId);
    expect((await w.t.call('GET', `/api/campaigns/${copyId}`, { token: a.token })).json().campaign.status).toBe('idle');
    expect(p.errors).toEqual([]);
  });

  it('creates a campaign with awareness training and a sending window in the wizard', async () => {
    const g = await w.t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Wizard group', usb_attack: false } });
    expect(g.statusCode, g.body).toBe(200);
    const p = await w.newPage();
    await w.signIn(p, a.email, PASSWORD);
    await p.goto('/campaigns/new');
    await p.getByLabel('Campaign name').fill('With training');
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Search templates').fill('a');
    await p.locator('.template-list input[type=radio]').first().check();
    await p.getByLabel('Domain of the links').fill('login.approval.test');
    await p.getByLabel('Sender name (optional)').fill('IT Service Desk');
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Wizard group').check();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Spread at random over a window, within business hours').check();
    await p.getByLabel('Window start').fill('2030-05-06T09:00');
    await p.getByLabel('Window end').fill('2030-05-10T17:00');
    await p.getByRole('button', { name: 'Next' }).click();
    const training = p.getByLabel('Awareness training after a click (optional)');
    await expect.poll(() => training.locator('option').count()).toBeGreaterThan(1);
    await training.selectOption({ index: 1 });
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('button', { name: 'Create campaign' }).click();
    await p.getByRole('heading', { level: 1, name: 'With training' }).waitFor();
    const id = Number(/\/campaigns\/(\d+)/.exec(p.url())![1]);

    const c = (await w.t.call('GET', `/api/campaigns/${id}`, { token: a.token })).json().campaign;
    expect(c.awareness_template_id).toBeGreaterThan(0);
    expect(c.schedule).toMatchObject({ mode: 'window', business_hours_start: '09:00', business_hours_end: '17:00', business_days: [1, 2, 3, 4, 5] });
    const [scenario] = (await w.t.call('GET', `/api/campaigns/${id}/scenarios`, { token: a.token })).json().scenarios;
    expect(scenario).toMatchObject({ domain: 'login.approval.test', sender_name: 'IT Service Desk', send_awareness_link: true });
    const awareness = (await w.t.call('GET', `/api/campaigns/${id}/awareness`, { token: a.token })).json().awareness;
    expect(awareness).toHaveLength(1);
    expect((await w.t.call('GET', `/api/campaigns/${id}/recipient-groups`, { token: a.token })).json().recipient_groups.map((x: { name: string }) => x.name)).toEqual(['Wizard group']);
    expect(p.errors).toEqual([]);
  });

  it('creates a campaign with two scenarios in the wizard, then removes one before the start', async () => {
    const g = await w.t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Two scenario group', usb_attack: false } });
    expect(g.statusCode, g.body).toBe(200);
    const p = await w.newPage();
    await w.signIn(p, a.email, PASSWORD);
    await p.goto('/campaigns/new');
    await p.getByLabel('Campaign name').fill('Two scenarios');
    await p.getByRole('button', { name: 'Next' }).click();
    const templates = p.locator('.template-list input[type=radio]');
    await expect.poll(() => templates.count()).toBeGreaterThan(1);
    await templates.nth(0).check();
    await p.getByLabel('Domain of the links').fill('one.approval.test');
    await p.getByRole('button', { name: 'Add scenario' }).click();
    await p.getByText('links on one.approval.test', { exact: false }).waitFor();
    await templates.nth(1).check();
    await p.getByLabel('Domain of the links').fill('two.approval.test');
    await expect.poll(() => p.locator('iframe[title="Email preview"]').count()).toBe(1);
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Two scenario group').check();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('button', { name: 'Next' }).click();
    const training = p.getByLabel('Awareness training after a click (optional)');
    await expect.poll(() => training.locator('option').count()).toBeGreaterThan(1);
    await training.selectOption({ index: 1 });
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByText('two.approval.test', { exact: false }).waitFor();
    await p.getByRole('button', { name: 'Create campaign' }).click();
    await p.getByRole('heading', { level: 1, name: 'Two scenarios' }).waitFor();
    const id = Number(/\/campaigns\/(\d+)/.exec(p.url())![1]);

    type S = { id: number; domain: string; send_awareness_link: boolean };
    const scenarios = async () => ((await w.t.call('GET', `/api/campaigns/${id}/scenarios`, { token: a.token })).json().scenarios as S[]).sort((x, y) => x.id - y.id);
    const two = await scenarios();
    expect(two.map((x) => [x.domain, x.send_awareness_link])).toEqual([
      ['one.approval.test', true],
      ['two.approval.test', true],
    ]);
    const awareness = async () => (await w.t.call('GET', `/api/campaigns/${id}/awareness`, { token: a.token })).json().awareness as { scenarios: { scenario_id: number }[] }[];
    const [aw] = await awareness();
    expect(aw.scenarios.map((x) => x.scenario_id).sort((x, y) => x - y)).toEqual(two.map((x) => x.id));

    // Before the start: edit, remove the first scenario, save.
    await p.getByRole('button', { name: 'Edit' }).click();
    await p.getByRole('button', { name: '2. Scenarios' }).click();
    const first = p.locator('li', { hasText: 'links on one.approval.test' });
    await first.getByRole('button', { name: /^Remove/ }).click();
    await expect.poll(() => p.getByText('links on one.approval.test', { exact: false }).count()).toBe(0);
    await p.getByRole('button', { name: '6. Review' }).click();
    await p.getByRole('button', { name: 'Save campaign' }).click();
    await p.getByRole('heading', { level: 1, name: 'Two scenarios' }).waitFor();
    await expect.poll(async () => (await scenarios()).map((x) => x.domain)).toEqual(['two.approval.test']);
    expect((await awareness())[0].scenarios.map((x) => x.scenario_id)).toEqual([two[1].id]);
    expect(p.errors).toEqual([]);
  });

  it('a campaign of another client is not found', async () => {
    const b = await w.t.tenant('Elsewhere');
    const theirs = await buildCampaign(w.t, b, { groups: [[{ email: 'gus@elsewhere.test', name: 'Gus' }]] });
    const p = await w.newPage();
    await w.signIn(p, a.email, PASSWORD);
    await p.goto(`/campaigns/${theirs.campaignId}`);
    await p.getByRole('alert').getByText('campaign not found').waitFor();
    // The 404 is the browser's console line for the failed request; nothing else went wrong.
    expect(p.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });
});
