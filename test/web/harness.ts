/**
 * Browser tests of the admin web app: the web app built once (scripts/build-web.mjs skips the
 * build when src/web did not change), the test app started as a real listener with the
 * tracking server, and Debian's Chromium driven by playwright-core (never a downloaded browser).
 */
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.mjs';
import { buildTrackingServer } from '../../src/tracking/server.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export type WebPage = Page & { errors: string[] };

export interface WebApp {
  t: TestApp;
  /** The admin server, e.g. http://127.0.0.1:41234 */
  base: string;
  /** The tracking server (DECOY_PUBLIC_URL of the test app). */
  trackingBase: string;
  tracking: FastifyInstance;
  browser: Browser;
  /** A new page in a fresh context; console errors and page errors collect in page.errors. */
  newPage(): Promise<WebPage>;
  /** Signs in through the sign-in form and waits for the navigation bar. */
  signIn(page: Page, email: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startWebApp(env: Record<string, string> = {}): Promise<WebApp> {
  await buildWeb({ quiet: true });
  const trackingPort = await freePort();
  const trackingBase = `http://127.0.0.1:${trackingPort}`;
  const t = await createTestApp({ DECOY_PUBLIC_URL: trackingBase, ...env });
  const tracking = await buildTrackingServer(t.core, { logger: false });
  await tracking.listen({ host: '127.0.0.1', port: trackingPort });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(t.app.server.address() as net.AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  return {
    t,
    base,
    trackingBase,
    tracking,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: base });
      const page = (await context.newPage()) as WebPage;
      page.errors = [];
      page.on('console', (m) => {
        if (m.type() === 'error') page.errors.push(m.text());
      });
      page.on('pageerror', (e) => page.errors.push(e.message));
      return page;
    },
    async signIn(page, email, password) {
      await page.goto('/');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
    },
    async close() {
      await browser.close();
      await tracking.close();
      await t.close();
    },
  };
}
