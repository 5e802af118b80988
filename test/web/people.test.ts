/**
 * The People pages in real Chromium: a group made in the browser, a CSV import with a bad row
 * (the bad row is listed with its line and reason before anything is saved, the good rows are
 * imported, the bad one is not), search in the group, and names that look like HTML shown as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/app.ts';
import { haveChromium, startWebApp, type WebApp } from './harness.ts';

const ATTACK = '<img src=x onerror=alert(1)>';
const CSV = [
  'Email;Name;Department',
  'ada@people.test;Ada Lovelace;Research',
  `grace@people.test;"${ATTACK}";Engineering`,
  'not-an-address;Broken Row;Sales',
  'alan@people.test;Alan Turing;"Research; Cryptography"',
].join('\r\n');

describe.skipIf(!haveChromium)('People in the browser', () => {
  let w: WebApp;
  let admin: Awaited<ReturnType<WebApp['t']['tenant']>>;

  beforeAll(async () => {
    w = await startWebApp();
    admin = await w.t.tenant('People Corp');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('imports a CSV with a bad row: lists it with its line and reason, imports the good rows only', async () => {
    const page = await w.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await w.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People', exact: true }).click();
    await page.getByLabel('Group name').fill('Head office');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { level: 1, name: 'Head office' }).waitFor();

    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByText('people.csv: 4 rows, 3 columns.').waitFor();
    // Columns are matched by their names; "Department" goes to Division.
    expect(await page.getByLabel('Column "Email"').inputValue()).toBe('email');
    expect(await page.getByLabel('Column "Department"').inputValue()).toBe('division');
    await page.getByText('Rows with a problem are not imported').waitFor();

    await page.getByRole('button', { name: 'Check 4 rows' }).click();
    await page.getByText('1 of 4 rows has a problem and will not be imported. 3 rows will be imported.').waitFor();
    const problems = page.getByRole('table', { name: 'Rows not imported' });
    const row = problems.getByRole('row').nth(1);
    await expect.poll(() => row.innerText()).toContain('4');
    const text = await row.innerText();
    expect(text).toContain('not-an-address');
    expect(text).toContain('Email');
    expect(text).toContain('is not an email address');
    // Nothing is written by the check.
    const before = await w.t.call('GET', '/api/recipient-groups', { token: admin.token });
    expect(before.json().recipient_groups[0].recipient_count).toBe(0);

    await page.getByRole('button', { name: 'Import 3 rows, skip 1' }).click();
    await page.getByText('Imported 3 people into Head office. 1 row was not imported: fix this line and import the file again.').waitFor();

    const after = await w.t.call('GET', `/api/recipient-groups/${before.json().recipient_groups[0].id}/recipients`, { token: admin.token, query: { sort: 'email' } });
    expect(after.json().recipients.map((r: { email: string; division: string }) => [r.email, r.division])).toEqual([
      ['ada@people.test', 'Research'],
      ['alan@people.test', 'Research; Cryptography'],
      ['grace@people.test', 'Engineering'],
    ]);

    await page.getByRole('link', { name: 'See the people of Head office' }).click();
    await page.getByRole('cell', { name: ATTACK, exact: true }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await page.getByLabel('Search by email or name').fill('turing');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').innerText()).toContain('alan@people.test');

    expect(dialogs).toEqual([]);
    expect(page.errors).toEqual([]);
  });

  it('adds and edits a person by hand', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People', exact: true }).click();
    await page.getByRole('link', { name: 'Head office' }).click();
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByLabel('Email', { exact: true }).fill('new.person@people.test');
    await page.getByLabel('Name', { exact: true }).fill('New Person');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('cell', { name: 'new.person@people.test', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit new.person@people.test' }).click();
    await page.getByLabel('Division').fill('Finance');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('cell', { name: 'Finance', exact: true }).waitFor();
    expect(page.errors).toEqual([]);
  });
});
