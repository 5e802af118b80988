/**
 * Settings in real Chromium: an API key is shown once (with a copy button) and never again
 * after a reload; the key works; the mail relay page sends a test message into the catcher;
 * a user is created with a role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/app.ts';
import { haveChromium, startWebApp, type WebApp } from './harness.ts';

describe.skipIf(!haveChromium)('Settings in the browser', () => {
  let w: WebApp;
  let admin: Awaited<ReturnType<WebApp['t']['tenant']>>;

  beforeAll(async () => {
    w = await startWebApp();
    admin = await w.t.tenant('Settings Corp');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('shows a new API key once, with a copy button, and never again after a reload', async () => {
    const page = await w.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.base });
    await w.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('SIEM export');
    await page.getByRole('button', { name: 'Create key' }).click();
    const input = page.getByTestId('new-api-key');
    await input.waitFor();
    const key = await input.inputValue();
    expect(key.length).toBeGreaterThan(20);
    await page.getByText('This is the only time the key is shown').waitFor();
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    // The key works as a Bearer credential.
    const me = await w.t.call('GET', '/api/users/me', { token: key });
    expect(me.statusCode, me.body).toBe(200);

    // Listed without the key; after a reload the key is nowhere on the page.
    await page.getByRole('cell', { name: 'SIEM export', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('cell', { name: 'SIEM export', exact: true }).waitFor();
    expect(await page.getByTestId('new-api-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    expect(page.errors).toEqual([]);
  });

  it('says mail stays in the catcher and sends a test message there', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.goto('/settings/smtp');
    await page.getByText('No relay is configured').waitFor();
    await page.getByLabel('Send to').fill('secops@settings.test');
    await page.getByRole('button', { name: 'Send test message' }).click();
    await page.getByText('The test message to secops@settings.test is in the Outbox.').waitFor();
    const outbox = await w.t.call('GET', '/api/outbox', { token: admin.token });
    expect(outbox.json().outbox.some((m: { recipient: string; message_type: string }) => m.recipient === 'secops@settings.test' && m.message_type === 'test')).toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('creates a user with a role; the password is not shown back', async () => {
    const page = await w.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    await page.goto('/settings/users');
    await page.getByLabel('Email').fill('viewer@settings.test');
    await page.getByLabel('Name').fill('Vera Viewer');
    await page.getByLabel('Password').fill('a-long-password-123');
    await page.getByLabel('Role').selectOption('view');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('cell', { name: 'viewer@settings.test', exact: true }).waitFor();
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.content()).not.toContain('a-long-password-123');
    expect(await w.t.login('viewer@settings.test', 'a-long-password-123')).toBeTruthy();
    expect(page.errors).toEqual([]);
  });
});
