/**
 * The dashboard in real Chromium, with data: a running campaign's funnel, recent activity, the
 * people who fail most (a name that looks like HTML stays text), training completion. And a
 * `view` user sees no create, edit or delete control on the dashboard, People, Templates,
 * Training and Settings pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../../src/db/index.ts';
import { PASSWORD } from '../helpers/app.ts';
import { BROWSER_UA, trackingFixture, type Fixture } from '../tracking-factories.ts';
import { haveChromium, startWebApp, type WebApp } from './harness.ts';

const ATTACK = '<img src=x onerror=alert(1)>';

describe.skipIf(!haveChromium)('the dashboard in the browser', () => {
  let w: WebApp;
  let admin: Awaited<ReturnType<WebApp['t']['tenant']>>;
  let viewer: Awaited<ReturnType<WebApp['t']['user']>>;
  let f: Fixture;
  let groupId: number;

  beforeAll(async () => {
    w = await startWebApp();
    const t = w.t;
    admin = await t.tenant('Dashboard Corp');
    viewer = await t.user(admin.clientId, 'view');
    f = await trackingFixture(t, { clientId: admin.clientId, successAction: 'click', victims: 5 });
    const db = t.core.database.db;
    await db.updateTable('campaigns').set({ name: 'Invoice lure Q4' }).where('id', '=', f.campaignId).execute();
    await db.updateTable('victims').set({ name: ATTACK, email: 'clicker@dashboard.test' }).where('id', '=', f.victimIds[0]).execute();
    for (const i of [0, 1]) {
      const res = await w.tracking.inject({ method: 'GET', url: `/l/${f.tokens[i]}`, headers: { 'user-agent': BROWSER_UA } });
      expect(res.statusCode).toBe(200);
    }
    const ts = now();
    const path = await db.insertInto('paths').values({ client_id: admin.clientId, name: 'Phishing basics', created_at: ts, updated_at: ts } as never).returning('id').executeTakeFirstOrThrow();
    const learner = await db.insertInto('learners').values({ client_id: admin.clientId, email: 'learner@dashboard.test', created_at: ts, updated_at: ts } as never).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('enrollments').values({ client_id: admin.clientId, learner_id: learner.id, path_id: path.id, status: 'passed', created_at: ts, updated_at: ts } as never).execute();
    const g = await t.call('PUT', '/api/recipient-groups', { token: admin.token, body: { name: 'Viewable group', usb_attack: false } });
    groupId = g.json().recipient_group.id;
    await t.call('PUT', `/api/recipient-groups/${groupId}/recipients`, { token: admin.token, body: [{ email: 'someone@dashboard.test', name: 'Someone' }] });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('renders the running campaign with its funnel, recent activity, who fails most and training', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Running campaigns (1)' }).waitFor();
    await page.getByRole('link', { name: 'Invoice lure Q4' }).first().waitFor();
    const funnel = page.getByRole('list', { name: 'Funnel of Invoice lure Q4' });
    const steps = await funnel.getByRole('listitem').allInnerTexts();
    expect(steps.map((s) => s.replace(/\s+/g, ' ').trim())).toEqual(['5 Sent 100%', '2 Opened 40%', '2 Clicked 40%', '2 Succeeded 40%', '0 Reported 0%', '0 Trained 0%']);
    const failers = page.getByRole('region', { name: 'People who fail most often' }).or(page.locator('section', { has: page.getByRole('heading', { name: 'People who fail most often' }) }));
    await failers.getByText('clicker@dashboard.test').waitFor();
    await failers.getByText(ATTACK, { exact: true }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    const activity = page.locator('section', { has: page.getByRole('heading', { name: 'Recent activity' }) });
    expect(await activity.innerText()).toContain('clicked the link');
    await page.getByText('Learning paths passed: 1 of 1 (100%)').waitFor();
    await page.getByRole('link', { name: 'New campaign' }).waitFor();
    expect(page.errors).toEqual([]);
  });

  it('shows a view user no create, edit, delete or start control', async () => {
    const page = await w.newPage();
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await w.signIn(page, viewer.email, PASSWORD);
    await page.getByRole('heading', { name: 'Running campaigns (1)' }).waitFor();
    expect(await page.getByRole('link', { name: 'New campaign' }).count()).toBe(0);

    const forbidden = /^(New |Create |Add |Import|Edit|Delete|Remove|Revoke|Enroll$|Assign$|Start|Send test)/;
    const controls = async () =>
      (await page.locator('main').getByRole('button').allInnerTexts())
        .concat(await page.locator('main a.btn').allInnerTexts())
        .map((s) => s.trim())
        .filter((s) => forbidden.test(s));

    await page.goto('/people');
    await page.getByRole('link', { name: 'Viewable group' }).waitFor();
    expect(await controls()).toEqual([]);
    await page.goto(`/people/groups/${groupId}`);
    await page.getByRole('cell', { name: 'someone@dashboard.test', exact: true }).waitFor();
    expect(await controls()).toEqual([]);

    await page.goto('/templates');
    await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    expect(await controls()).toEqual([]);
    await page.locator('tbody a').first().click();
    await page.getByRole('heading', { name: 'Email' }).waitFor();
    expect(await controls()).toEqual([]);

    await page.goto('/training/enrollments');
    await page.getByRole('heading', { name: 'Enrollments', exact: true }).waitFor();
    expect(await controls()).toEqual([]);
    await page.goto('/training/assignments');
    await page.getByRole('heading', { name: 'Assignments', exact: true }).waitFor();
    expect(await controls()).toEqual([]);

    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Outgoing mail relay' }).waitFor();
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(await controls()).toEqual([]);
    await page.goto('/settings/domains');
    await page.getByRole('heading', { name: 'Domains', exact: true }).waitFor();
    expect(await controls()).toEqual([]);
    await page.goto('/settings/scanner-ranges');
    await page.getByRole('heading', { name: 'Link scanner address ranges' }).waitFor();
    expect(await controls()).toEqual([]);
    // A view user reads everything, previews included (POST /api/frames only reads): nothing is refused.
    expect([...new Set(refused)]).toEqual([]);
    expect(page.errors).toEqual([]);
  });
});
