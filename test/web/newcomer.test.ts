/**
 * A newcomer's first campaign, in real Chromium against the real admin and tracking servers:
 * sign in with the admin password, people (20, one of them named like an attack), a campaign
 * from a built-in template made in the wizard, started, its message found in the outbox, its
 * link opened in the same browser, and the click seen arriving in the live view. Also: names
 * that look like HTML stay text, a `view` user cannot start a campaign, no console errors, and
 * the CSP header is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD } from '../helpers/app.ts';
import { drain } from '../helpers/campaign.ts';
import { haveChromium, startWebApp, type WebApp, type WebPage } from './harness.ts';

const ATTACK = '<img src=x onerror=alert(1)>';
// A person's browser (headless Chromium's own user agent says it is automated).
const PERSON_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

/** Text whose colour does not meet WCAG AA on its background (4.5:1, or 3:1 for large text). */
async function lowContrast(p: WebPage): Promise<{ checked: number; bad: string[] }> {
  return p.evaluate(() => {
    const parse = (c: string) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      const [r, g, b, a = 1] = m ? m[1].split(/[ ,/]+/).filter(Boolean).map(Number) : [0, 0, 0, 0];
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null) => {
      for (; el; el = el.parentElement) {
        const c = parse(getComputedStyle(el).backgroundColor);
        if (c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const bad: string[] = [];
    let checked = 0;
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg, option, .sr-only, [disabled], iframe')) continue;
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent!.trim()).join('');
      if (!text) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const style = getComputedStyle(el);
      const [l1, l2] = [lum(parse(style.color)), lum(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      checked++;
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) bad.push(`${el.tagName} "${text.slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return { checked, bad };
  });
}

if (!haveChromium) console.warn('test/web/newcomer.test.ts: skipped, /usr/bin/chromium is missing (apt-get install chromium)');

describe.skipIf(!haveChromium)('a newcomer in the browser', () => {
  let w: WebApp;
  let clientId: number;
  let campaignId: number;
  const dialogs: string[] = [];

  beforeAll(async () => {
    w = await startWebApp();
    const t = w.t;
    const client = await t.call('PUT', '/api/clients', { token: t.rootToken, body: { name: 'Newcomer Corp' } });
    expect(client.statusCode, client.body).toBe(200);
    clientId = client.json().client.id;
  });
  afterAll(async () => {
    await w?.close();
  });

  async function page(): Promise<WebPage> {
    const p = await w.newPage();
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return p;
  }

  it('signs in, builds a campaign in the wizard, starts it, follows the mail and sees the click', async () => {
    const context = await w.browser.newContext({ baseURL: w.base, userAgent: PERSON_UA });
    const p = (await context.newPage()) as WebPage;
    p.errors = [];
    p.on('console', (m) => {
      if (m.type() === 'error') p.errors.push(m.text());
    });
    p.on('pageerror', (e) => p.errors.push(e.message));
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    // The CSP is on the app's HTML.
    const first = await p.goto('/');
    const csp = first!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");

    await w.signIn(p, ADMIN_EMAIL, ADMIN_PASSWORD);
    await p.getByLabel('Client', { exact: true }).selectOption({ label: 'Newcomer Corp' });

    // People: a group, and a CSV of 20 people imported into it (one named like an attack).
    await p.getByRole('link', { name: 'People', exact: true }).click();
    await p.getByLabel('Group name').fill('Everyone at Newcomer');
    await p.getByRole('button', { name: 'Create group' }).click();
    await p.getByRole('heading', { level: 1, name: 'Everyone at Newcomer' }).waitFor();
    await p.getByRole('link', { name: 'Import CSV' }).click();
    const csv = ['email,name', ...Array.from({ length: 20 }, (_, i) => `person${i}@newcomer.test,"${i === 0 ? ATTACK : `Person ${i}`}"`)].join('\n');
    await p.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await p.getByRole('button', { name: 'Check 20 rows' }).click();
    await p.getByText('All 20 rows are fine.').waitFor();
    await p.getByRole('button', { name: 'Import 20 rows' }).click();
    await p.getByText('Imported 20 people into Everyone at Newcomer.').waitFor();
    const groups = (await w.t.call('GET', '/api/recipient-groups', { token: w.t.rootToken, headers: { 'x-decoy-client': String(clientId) } })).json().recipient_groups;
    expect(groups.map((g: { name: string; recipient_count: number }) => [g.name, g.recipient_count])).toEqual([['Everyone at Newcomer', 20]]);

    // The wizard.
    await p.getByRole('link', { name: 'Campaigns' }).click();
    await p.getByRole('button', { name: 'New campaign' }).click();
    await p.getByLabel('Campaign name').fill(ATTACK);
    await p.getByRole('combobox', { name: 'Client' }).last().selectOption({ label: 'Newcomer Corp' });
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Type').selectOption('hyperlink');
    const template = p.locator('.template-list input[type=radio]').first();
    await template.check();
    await p.getByLabel('Domain of the links').fill('login.newcomer.test');
    // The previews render in sandboxed frames.
    await expect.poll(() => p.locator('iframe[title="Email preview"]').count()).toBe(1);
    expect(await p.locator('iframe[title="Email preview"]').getAttribute('sandbox')).toBe('');
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('Everyone at Newcomer').check();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByLabel('As soon as the campaign starts').check();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('button', { name: 'Next' }).click();
    await p.getByRole('button', { name: 'Create campaign' }).click();

    // The live view: the name is text, and the campaign starts.
    const heading = p.getByRole('heading', { level: 1, name: ATTACK });
    await heading.waitFor();
    campaignId = Number(/\/campaigns\/(\d+)/.exec(p.url())![1]);
    await p.getByRole('button', { name: 'Start' }).click();
    await p.getByText('Running', { exact: true }).waitFor();

    // The worker sends (into the built-in catcher: no SMTP relay is configured).
    await drain(w.t);
    // Time passes between delivery and reading (a click within seconds of delivery is a scanner's).
    await w.t.core.database.db.updateTable('victims').set({ submitted_at: new Date(Date.now() - 600_000).toISOString() }).where('campaign_id', '=', campaignId).execute();

    // The outbox: the message to person 1, rendered in a sandboxed frame.
    await p.getByRole('link', { name: 'Outbox' }).click();
    await p.getByLabel('Search recipient or subject').fill('person1@newcomer.test');
    await p.getByRole('button', { name: 'Search' }).click();
    const row = p.getByRole('row', { name: /person1@newcomer\.test/ });
    await row.getByRole('link').click();
    const frame = p.frameLocator('iframe.frame');
    const link = frame.locator(`a[href^="${w.trackingBase}/l/"]`).first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/\/l\/[A-Za-z0-9_-]+/);
    expect(await p.locator('iframe.frame').getAttribute('sandbox')).toBe('');

    // The person clicks: the landing page opens in the same browser.
    const landing = await context.newPage();
    const res = await landing.goto(href!);
    expect(res!.status()).toBe(200);
    await landing.close();
    await w.t.core.tracking.flush();

    // The live view shows the click without a reload.
    await p.goto(`/campaigns/${campaignId}`);
    await p.getByRole('heading', { level: 1, name: ATTACK }).waitFor();
    const clicked = p.locator('[data-counter=clicked] .n');
    await expect.poll(async () => clicked.textContent(), { timeout: 30_000 }).toBe('1');
    await expect.poll(async () => p.locator('[data-counter=submitted] .n').textContent(), { timeout: 30_000 }).toBe('20');
    // The victim table shows the person's name as characters, and the click.
    await p.getByLabel('Search name or email').fill('person1@');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => p.locator('tr[data-victim]').count()).toBe(1);
    await p.getByRole('cell', { name: 'person1@newcomer.test' }).waitFor();
    await p.getByRole('button', { name: 'Events of Person 1', exact: true }).click();
    await p.getByRole('cell', { name: 'click', exact: true }).first().waitFor();
    await expect.poll(() => p.getByText('a person').count()).toBeGreaterThan(0);

    await p.getByLabel('Search name or email').fill('person0@');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => p.locator('tr[data-victim]').count()).toBe(1);
    await p.getByRole('cell', { name: ATTACK, exact: true }).waitFor();
    expect(await p.locator('img[src="x"]').count()).toBe(0);

    // The chart is there.
    await p.locator('svg.chart').waitFor();

    expect(dialogs).toEqual([]);
    expect(p.errors).toEqual([]);
    await context.close();
  });

  it('a view user sees the campaign but no start button, and the API refuses them', async () => {
    const t = w.t;
    const copy = await t.call('POST', `/api/campaigns/${campaignId}/copy`, { token: t.rootToken });
    expect(copy.statusCode, copy.body).toBe(200);
    const idle = copy.json().campaign.id;
    const viewer = await t.user(clientId, 'view');

    const p = await page();
    await w.signIn(p, viewer.email, PASSWORD);
    await p.goto(`/campaigns/${idle}`);
    await p.getByRole('heading', { level: 1, name: ATTACK }).waitFor();
    await p.locator('[data-counter=submitted]').waitFor();
    expect(await p.getByRole('button', { name: 'Start' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Copy' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await p.getByRole('link', { name: 'Campaigns' }).click();
    await p.getByRole('link', { name: ATTACK }).first().waitFor();
    expect(await p.getByRole('button', { name: 'New campaign' }).count()).toBe(0);

    const refused = await t.call('POST', `/api/campaigns/${idle}/status`, { token: viewer.token, body: { status: 'running' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/view/);
    expect((await t.call('GET', `/api/campaigns/${idle}`, { token: t.rootToken })).json().campaign.status).toBe('idle');

    expect(dialogs).toEqual([]);
    expect(p.errors).toEqual([]);
  });

  it('works from the keyboard and reads at 375 px without sideways scrolling', async () => {
    const context = await w.browser.newContext({ baseURL: w.base, viewport: { width: 375, height: 800 } });
    const p = (await context.newPage()) as WebPage;
    p.errors = [];
    p.on('console', (m) => {
      if (m.type() === 'error') p.errors.push(m.text());
    });
    await p.goto('/');
    // Sign in with the keyboard only.
    await p.getByLabel('Email').focus();
    await p.keyboard.type(ADMIN_EMAIL);
    await p.keyboard.press('Tab');
    await p.keyboard.type(ADMIN_PASSWORD);
    await p.keyboard.press('Enter');
    await p.getByRole('navigation', { name: 'Main' }).waitFor();
    // The first Tab reaches the skip link, with a visible focus ring.
    await p.keyboard.press('Tab');
    const focused = await p.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { text: el.textContent, outline: style.outlineStyle, width: style.outlineWidth };
    });
    expect(focused.text).toBe('Skip to content');
    expect(focused.outline).not.toBe('none');
    expect(focused.width).not.toBe('0px');
    for (const path of ['/campaigns', `/campaigns/${campaignId}`, '/outbox']) {
      await p.goto(path);
      await p.locator('h1').first().waitFor();
      await p.waitForLoadState('networkidle');
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      const wide = await p.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > 376 && !e.closest('.table-wrap'))
          .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
          .slice(0, 8),
      );
      expect(width, `${path}: ${wide.join(', ')}`).toBeLessThanOrEqual(375);
      const contrast = await lowContrast(p);
      expect(contrast.checked, path).toBeGreaterThan(10);
      expect(contrast.bad, path).toEqual([]);
    }
    expect(p.errors).toEqual([]);
    await context.close();
  });

  it('shows the lockout message as the server words it', async () => {
    const email = 'locked-out@newcomer.test';
    for (let i = 0; i < 8; i++) await w.t.call('POST', '/api/auth', { body: { email, password: `wrong password ${i}` } });
    const p = await page();
    await p.goto('/');
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill('yet another wrong password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    const alert = p.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/too many failed sign-in attempts for this account; try again in \d+ minutes?/);
    // The refused sign-in is a 429 the browser logs as a failed resource load; nothing else.
    expect(p.errors.filter((e) => !/status of 429/.test(e))).toEqual([]);
  });
});
