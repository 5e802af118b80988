/**
 * Templates in real Chromium: the library filters, a built-in template's sandboxed previews,
 * a template of one's own written with the variable palette, saved and previewed, and the live
 * preview of unsaved text (served sandboxed from /frames, its scripts never run).
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

  it('writes a template with the variable palette, saves it and shows the preview', async () => {
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
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();

    const list = await w.t.call('GET', '/api/scenario-templates', { token: admin.token, query: { q: 'Payroll', builtin: 'false' } });
    const saved = list.json().scenario_templates;
    expect(saved.map((x: { name: string }) => x.name)).toEqual(['Payroll update']);
    const one = await w.t.call('GET', `/api/scenario-templates/${saved[0].id}`, { token: admin.token });
    expect(one.json().scenario_template.contents[0]).toMatchObject({ subject: 'Your payslip', email_html: '<p>Hello {{firstname}}' });

    // The email frame shows the text with a sample first name.
    const frame = page.frameLocator('iframe[title^="Email preview"]');
    await frame.getByText(/^Hello \S+/).waitFor();
    expect(await frame.locator('body').innerText()).not.toContain('{{firstname}}');
    expect(page.errors).toEqual([]);
  });

  it('previews the text as it is typed, from the sandboxed frames address, without running its scripts', async () => {
    const page = await w.newPage();
    const frameCsps: string[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/frames/')) frameCsps.push(r.headers()['content-security-policy'] ?? '');
    });
    await w.signIn(page, admin.email, PASSWORD);
    await page.goto('/templates/scenario/new');
    const html = page.getByLabel('Email (HTML)', { exact: true });
    const email = page.frameLocator('iframe[title="Email preview"]');
    await html.fill('<p>First draft for {{firstname}}</p>');
    await email.getByText('First draft for Alex').waitFor();
    await html.fill('<p>Second draft for {{firstname}}</p>');
    await email.getByText('Second draft for Alex').waitFor();
    expect(await email.locator('body').innerText()).not.toContain('First draft');

    // A script in the draft: the frame is sandboxed (attribute and CSP), so it never runs. The
    // script comes before the marker text, so once the marker shows, the parser has passed it.
    await page
      .getByLabel('Landing page (HTML)', { exact: true })
      .fill('<script>document.write("SCRIPT RAN")</script><img src="x" onerror="document.body.append(\'HANDLER RAN\')"><p>Landing marker</p>');
    const landing = page.frameLocator('iframe[title="Landing page preview"]');
    await landing.getByText('Landing marker').waitFor();
    const body = await landing.locator('body').innerText();
    expect(body).not.toContain('SCRIPT RAN');
    expect(body).not.toContain('HANDLER RAN');
    for (const f of await page.locator('iframe.frame').all()) {
      expect(await f.getAttribute('sandbox')).toBe('');
      expect(await f.getAttribute('srcdoc')).toBeNull();
      expect(await f.getAttribute('src')).toMatch(/^\/frames\//);
    }
    expect(frameCsps.length).toBeGreaterThan(0);
    for (const csp of frameCsps) expect(csp).toMatch(/^sandbox; default-src 'none'/);
    // Nothing was saved by previewing.
    const list = await w.t.call('GET', '/api/scenario-templates', { token: admin.token, query: { q: 'draft', builtin: 'false' } });
    expect(list.json().scenario_templates).toEqual([]);
    // The only console errors are Chromium's reports of what the frame's sandbox and CSP blocked.
    const blocked = page.errors.filter((e) => /^Blocked script execution in '[^']*\/frames\/[^']*' because the document's frame is sandboxed/.test(e));
    expect(blocked.length).toBeGreaterThan(0);
    const rest = page.errors.filter((e) => !blocked.includes(e) && !/^Loading the image '[^']*\/frames\/x' violates the following Content Security Policy/.test(e));
    expect(rest).toEqual([]);
  });
});
