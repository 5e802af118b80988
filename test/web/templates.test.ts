/**
 * Templates in real Chromium: the library filters, a built-in template's sandboxed previews,
 * and a template of one's own written with the variable palette, saved and previewed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/app.ts';
import { haveChromium, startWebApp, type WebApp } from './harness.ts';

describe.skipIf(!haveChromium)('Templates in the browser', () => {
  let w: WebApp;
  let admin: Awaited<ReturnType<WebApp['t']['tenant']>>;

  beforeAll(async () => {
    w = await startWebApp();
    admin = await w.t.tenant('Templates Corp');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('filters the library and previews a built-in template in sandboxed frames', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByLabel('Type').selectOption('data');
    await page.getByLabel('Source').selectOption('true');
    await page.locator('tbody tr').first().waitFor();
    const types = await page.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['Data entry (form)']));
    await page.locator('tbody a').first().click();
    const frames = page.locator('iframe.frame');
    await expect.poll(() => frames.count()).toBe(2);
    for (const f of await frames.all()) {
      expect(await f.getAttribute('sandbox')).toBe('');
      await expect.poll(async () => (await f.getAttribute('src')) ?? '').toMatch(/^\/frames\//);
    }
    // Built-in: no edit button for a client user.
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(page.errors).toEqual([]);
  });

  it('writes a template with the variable palette, saves it and shows the saved preview', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.goto('/templates?kind=scenario');
    await page.getByRole('link', { name: 'New scenario template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Payroll update');
    await page.getByLabel('Subject', { exact: true }).fill('Your payslip');
    const html = page.getByLabel('Email (HTML)', { exact: true });
    await html.fill('<p>Hello ');
    await html.press('End');
    await page.getByRole('button', { name: /^Insert \{\{firstname\}\}/ }).click();
    await page.getByText('Inserted {{firstname}}.').waitFor();
    expect(await html.inputValue()).toBe('<p>Hello {{firstname}}');
    await page.getByRole('button', { name: 'Create and preview' }).click();
    await page.getByText('Saved. The preview below shows the saved version.').waitFor();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();

    const list = await w.t.call('GET', '/api/scenario-templates', { token: admin.token, query: { q: 'Payroll', builtin: 'false' } });
    const saved = list.json().scenario_templates;
    expect(saved.map((x: { name: string }) => x.name)).toEqual(['Payroll update']);
    const one = await w.t.call('GET', `/api/scenario-templates/${saved[0].id}`, { token: admin.token });
    expect(one.json().scenario_template.contents[0]).toMatchObject({ subject: 'Your payslip', email_html: '<p>Hello {{firstname}}' });

    // The email frame shows the saved text with a sample first name.
    const frame = page.frameLocator('iframe[title^="Email preview"]');
    await frame.getByText(/^Hello \S+/).waitFor();
    expect(await frame.locator('body').innerText()).not.toContain('{{firstname}}');
    expect(page.errors).toEqual([]);
  });
});
