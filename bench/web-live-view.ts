/**
 * The live view of a campaign with 100,000 victims, in Chromium (/usr/bin/chromium via
 * playwright-core) against the real admin server on loopback:
 *   - time to first render: from navigation to the funnel and the first page of victims shown;
 *   - bytes per refresh: what one refresh of the view costs on the wire (the campaign, its counters
 *     and the current page of victims, as the view polls them);
 * each against the same page loading every victim at once (`?victims=all`, 1,000 a request),
 * the way a view without server paging would.
 *
 * The data is inserted as bench/stats.ts does (bare INSERT ... SELECT): all sent, every 3rd
 * opened, every 5th clicked, every 20th succeeded, every 50th reported, every 1000th an error.
 *
 *   node --import tsx bench/web-live-view.ts
 *   DECOY_BENCH_DATABASE_URL=postgres://... node --import tsx bench/web-live-view.ts
 * Knobs: VICTIMS (100000), RUNS (5 paged loads; the baseline loads once), BASELINE (1; 0 skips it).
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.mjs';
import { ADMIN, fmt, median, openBench, seedResultsCampaign, type Bench } from './helpers.ts';

const VICTIMS = Number(process.env.VICTIMS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const BASELINE = process.env.BASELINE !== '0';

async function seed(b: Bench): Promise<number> {
  // An hour ago, so that the chart has a timeline to draw.
  return (await seedResultsCampaign(b, VICTIMS, new Date(Date.now() - 3_600_000).toISOString())).campaignId;
}

interface Load {
  ms: number;
  /** API requests of the load: path and duration (ms), from the page's resource timings. */
  api: [string, number][];
  /** Response bytes on the wire (headers and bodies) by request path, for this load. */
  bytes: Map<string, number>;
}

/** Opens the live view signed in; resolves when the funnel and `rows` victim rows are shown. */
async function load(page: Page, url: string, rows: number): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  const urls = new Map<string, string>();
  const bytes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, new URL(e.request.url).pathname + new URL(e.request.url).search));
  cdp.on('Network.loadingFinished', (e) => {
    const u = urls.get(e.requestId) ?? '?';
    bytes.set(u, (bytes.get(u) ?? 0) + e.encodedDataLength);
  });
  const t0 = performance.now();
  await page.goto(url);
  await page.locator('[data-counter=submitted] .n').waitFor({ timeout: 600_000 });
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-victim]').length >= n, rows, { timeout: 600_000, polling: 100 });
  const ms = performance.now() - t0;
  await cdp.detach();
  const api = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
      .map((e) => [new URL(e.name).pathname, Math.round(e.duration)] as [string, number]),
  );
  return { ms, bytes, api };
}

const sum = (m: Map<string, number>, pred: (u: string) => boolean) => [...m].filter(([u]) => pred(u)).reduce((s, [, n]) => s + n, 0);

async function main() {
  const built = await buildWeb({ quiet: true });
  const b = await openBench();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    console.log(`database: ${b.label}; web app ${built ? 'built' : 'up to date'}`);
    const t0 = performance.now();
    const campaignId = await seed(b);
    console.log(`set-up: ${fmt(VICTIMS)} victims in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await b.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`;
    const token = (await b.app.inject({ method: 'POST', url: '/api/auth', payload: ADMIN })).json().token as string;

    const context = await browser.newContext({ baseURL: base });
    await context.addInitScript((t) => sessionStorage.setItem('decoy.token', t), token);
    const isCampaign = (u: string) => u === `/api/campaigns/${campaignId}`;
    const isVictims = (u: string) => u.startsWith(`/api/campaigns/${campaignId}/victims`) || u === `/api/campaigns/${campaignId}/stats`;

    // Paged (what the app does): first render, RUNS times, each in a fresh page (assets cached).
    const paged: Load[] = [];
    for (let i = -1; i < RUNS; i++) {
      const page = await context.newPage();
      const l = await load(page, `/campaigns/${campaignId}`, 50);
      if (i >= 0) paged.push(l);
      await page.close();
    }
    const last = paged[paged.length - 1];
    const pagedRefresh = sum(last.bytes, isCampaign) + sum(last.bytes, isVictims);

    const firstPaged = median(paged.map((l) => l.ms));
    console.log(`\nlive view of a campaign with ${fmt(VICTIMS)} victims, Chromium ${browser.version()}`);
    console.log(`API requests of the last paged load (ms): ${last.api.map(([u, d]) => `${u.replace(String(campaignId), ':id')} ${d}`).join(', ')}`);
    if (!BASELINE) {
      console.log(`time to first render: paged ${fmt(firstPaged)} ms (median of ${RUNS}); bytes per refresh: ${fmt(pagedRefresh)} B (no baseline: BASELINE=0)`);
      return;
    }

    // Baseline: the same page fetching every victim at once.
    const page = await context.newPage();
    const all = await load(page, `/campaigns/${campaignId}?victims=all`, VICTIMS);
    await page.close();
    const allRefresh = sum(all.bytes, isCampaign) + sum(all.bytes, isVictims);
    console.log(`time to first render (funnel + victims shown): paged ${fmt(firstPaged)} ms (median of ${RUNS}); every victim at once ${fmt(all.ms)} ms; ratio ${(firstPaged / all.ms).toFixed(4)}`);
    console.log(
      `bytes per refresh (campaign, counters, victims): paged ${fmt(pagedRefresh)} B; every victim at once ${fmt(allRefresh)} B; ratio ${(pagedRefresh / allRefresh).toFixed(5)}`,
    );
    console.log(`whole first load on the wire: paged ${fmt(sum(last.bytes, () => true))} B (assets from cache); every victim at once ${fmt(sum(all.bytes, () => true))} B`);
  } finally {
    await browser.close();
    await b.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
