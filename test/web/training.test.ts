/**
 * Training in real Chromium: the catalogue, enrolling a recipient group in a path, an
 * assignment whose due date has passed showing its people as overdue, and a learner's progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/app.ts';
import { haveChromium, startWebApp, type WebApp } from './harness.ts';

describe.skipIf(!haveChromium)('Training in the browser', () => {
  let w: WebApp;
  let admin: Awaited<ReturnType<WebApp['t']['tenant']>>;
  let groupId: number;
  let pathName: string;
  let pathId: number;

  beforeAll(async () => {
    w = await startWebApp();
    const t = w.t;
    admin = await t.tenant('Training Corp');
    const g = await t.call('PUT', '/api/recipient-groups', { token: admin.token, body: { name: 'Finance team', usb_attack: false } });
    groupId = g.json().recipient_group.id;
    const people = [
      { email: 'fiona@training.test', name: 'Fiona Finance', firstname: 'Fiona', lastname: 'Finance' },
      { email: 'frank@training.test', name: 'Frank Figures', firstname: 'Frank', lastname: 'Figures' },
    ];
    expect((await t.call('PUT', `/api/recipient-groups/${groupId}/recipients`, { token: admin.token, body: people })).statusCode).toBe(200);
    const paths = (await t.call('GET', '/api/paths', { token: admin.token, query: { sort: 'name', limit: '1' } })).json().paths;
    expect(paths.length).toBe(1);
    pathName = paths[0].name;
    pathId = paths[0].id;
  });
  afterAll(async () => {
    await w?.close();
  });

  it('shows the catalogue and enrolls a group in a path', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click();
    await page.getByRole('cell', { name: new RegExp(`^${pathName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().waitFor();
    await page.getByRole('link', { name: 'Enrollments' }).click();
    await page.getByLabel('Path to enroll in').selectOption(String(pathId));
    await page.getByLabel('People to enroll (recipient group)').selectOption(String(groupId));
    await page.getByRole('button', { name: 'Enroll' }).click();
    await page.getByText('2 people are enrolled in this path.').waitFor();
    await page.getByRole('link', { name: 'Fiona Finance' }).waitFor();
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: 'Fiona Finance' }) });
    expect(await row.innerText()).toContain('Not started');

    await page.getByRole('link', { name: 'Fiona Finance' }).click();
    await page.getByRole('heading', { name: 'Fiona Finance' }).waitFor();
    expect(await page.locator('main').innerText()).toContain(pathName);
    expect(page.errors).toEqual([]);
  });

  it('lists an assignment past its due date with its people overdue', async () => {
    const res = await w.t.call('PUT', '/api/assignments', {
      token: admin.token,
      body: { name: 'Fraud awareness', due_date: '2020-01-31', path_ids: [pathId], recipient_group_ids: [groupId] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.goto('/training/assignments');
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: 'Fraud awareness' }) });
    await row.waitFor();
    expect((await row.locator('td').allInnerTexts()).slice(2)).toEqual(['2', '0', '2']);
    await page.getByRole('link', { name: 'Fraud awareness' }).click();
    await page.getByText('2 overdue').waitFor();
    // The people's table can come after the summary: wait for its two rows' badges.
    await page.locator('tbody .badge').nth(1).waitFor();
    expect(await page.locator('tbody .badge').allInnerTexts()).toEqual(['Overdue', 'Overdue']);
    expect(page.errors).toEqual([]);
  });
});
