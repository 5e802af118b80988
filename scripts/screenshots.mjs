#!/usr/bin/env node
// Screenshots of the main screens for the README, at 1280×800, in real Chromium against a
// seeded demo (people, a finished campaign with results, a running one, training), saved as
// docs/screenshots/*.png. Run: node --import tsx scripts/screenshots.mjs
// It uses the browser-test harness (a throwaway database, the real admin and tracking servers).
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, URLSearchParams } from 'node:url';
import { startWebApp } from '../test/web/harness.ts';
import { PASSWORD } from '../test/helpers/app.ts';
import { VictimTokens } from '../src/core/tracking/token.ts';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
const MAX_BYTES = 300 * 1024;
const PERSON_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Tim', 'Hedy', 'John', 'Katherine', 'Linus', 'Sophie', 'Niklaus', 'Shafi', 'Whitfield'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Berners-Lee', 'Lamarr', 'Backus', 'Johnson', 'Torvalds', 'Wilson', 'Wirth', 'Goldwasser', 'Diffie'];
const DIVISIONS = ['Finance', 'Engineering', 'Sales', 'HR', 'Operations'];

function people(n, domain, offset = 0) {
  return Array.from({ length: n }, (_, i) => {
    const f = FIRST[(i + offset) % FIRST.length];
    // A different surname for each round through the first names: every pair is distinct.
    const l = LAST[(i + offset + Math.floor(i / FIRST.length) * 7) % LAST.length];
    return {
      email: `${f}.${l}@${domain}`.toLowerCase(),
      name: `${f} ${l}`,
      firstname: f,
      lastname: l,
      division: DIVISIONS[i % DIVISIONS.length],
      location: i % 3 ? 'Zurich' : 'London',
    };
  });
}

async function main() {
  mkdirSync(out, { recursive: true });
  const w = await startWebApp();
  const t = w.t;
  const ok = async (res, what) => {
    if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  try {
    const admin = await t.tenant('Acme Corp');
    const token = admin.token;
    const call = (method, url, body) => t.call(method, url, { token, body });

    // People
    const head = (await ok(await call('PUT', '/api/recipient-groups', { name: 'Head office', usb_attack: false }), 'group')).recipient_group.id;
    const sales = (await ok(await call('PUT', '/api/recipient-groups', { name: 'Sales team', usb_attack: false }), 'group')).recipient_group.id;
    await ok(await call('PUT', `/api/recipient-groups/${head}/recipients`, people(48, 'acme.example')), 'people');
    await ok(await call('PUT', `/api/recipient-groups/${sales}/recipients`, people(14, 'sales.acme.example', 5)), 'people');

    // Campaigns from built-in templates
    const templates = (await ok(await call('GET', '/api/scenario-templates?builtin=true&limit=20&sort=name'), 'templates')).scenario_templates;
    const pick = (type) => templates.find((x) => x.type === type) ?? templates[0];
    async function campaign(name, type, groups) {
      const c = (await ok(await call('PUT', '/api/campaigns', { name, client_id: admin.clientId }), 'campaign')).campaign.id;
      await ok(await call('PUT', `/api/campaigns/${c}/scenarios`, { name: pick(type).name, domain: 'login.acme-support.example', language_id: 1, scenario_template_id: pick(type).id }), 'scenario');
      for (const g of groups) await ok(await call('PUT', `/api/campaigns/${c}/recipient-groups`, { id: g }), 'campaign group');
      await ok(await call('POST', `/api/campaigns/${c}/status`, { status: 'running' }), 'start');
      for (let i = 0; i < 30; i++) if ((await t.sending.worker.runOnce()) === 0) break;
      // As if the mail went out an hour ago: a click seconds after delivery counts as a link scanner.
      const earlier = new Date(Date.now() - 3_600_000).toISOString();
      await t.core.database.db.updateTable('victims').set({ submitted_at: earlier }).where('campaign_id', '=', c).execute();
      return c;
    }
    const tokens = new VictimTokens(t.config.secret);
    async function results(c, share) {
      const victims = (await ok(await call('GET', `/api/campaigns/${c}/victims?limit=1000`), 'victims')).victims;
      let i = 0;
      for (const v of victims) {
        const tk = tokens.token(v.id);
        const hit = (method, url, payload) =>
          w.tracking.inject({ method, url, headers: { 'user-agent': PERSON_UA, ...(payload ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, payload });
        const r = (i * 37) % 100;
        if (r < share.open) await hit('GET', `/o/${tk}.gif`);
        if (r < share.click) await hit('GET', `/l/${tk}`);
        if (r < share.submit) await hit('POST', `/l/${tk}`, new URLSearchParams({ username: v.email, password: 'Winter2026!' }).toString());
        if (r >= 80 && r < 80 + share.report) await hit('POST', `/r/${tk}`);
        i++;
      }
    }
    const finished = await campaign('Invoice overdue (Q3)', 'data', [head, sales]);
    await results(finished, { open: 70, click: 40, submit: 18, report: 12 });
    await ok(await call('POST', `/api/campaigns/${finished}/status`, { status: 'stopped' }), 'stop');
    const running = await campaign('Parcel delivery notice', 'hyperlink', [head]);
    await results(running, { open: 45, click: 22, submit: 0, report: 8 });

    // Training
    const paths = (await ok(await call('GET', '/api/paths?limit=5&sort=name'), 'paths')).paths;
    if (paths.length) {
      await ok(await call('PUT', '/api/enrollments', { path_id: paths[0].id, recipient_group_ids: [head] }), 'enroll');
      await ok(await call('PUT', '/api/assignments', { name: 'Annual security awareness', due_date: '2026-10-31', path_ids: [paths[0].id], recipient_group_ids: [sales] }), 'assign');
    }

    const context = await w.browser.newContext({ baseURL: w.base, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await w.signIn(page, admin.email, PASSWORD);
    const shots = [
      ['dashboard', '/', 'Running campaigns'],
      ['campaign-live-view', `/campaigns/${finished}`, null],
      ['campaign-wizard', '/campaigns/new', null],
      ['people', `/people/groups/${head}`, 'People in this group'],
      ['people-import', `/people/groups/${head}/import`, 'Choose a CSV file'],
      ['templates', '/templates', null],
      ['template-preview', `/templates/scenario/${pick('data').id}`, 'Landing page'],
      ['training', '/training/enrollments', 'Enrollments'],
      ['settings', '/settings/smtp', 'Outgoing mail relay'],
      ['outbox', '/outbox', null],
    ];
    for (const [name, url, heading] of shots) {
      await page.goto(url);
      if (heading) await page.getByRole('heading', { name: heading }).first().waitFor();
      else await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const file = path.join(out, `${name}.png`);
      await page.screenshot({ path: file });
      const size = statSync(file).size;
      console.log(`${file}: ${Math.round(size / 1024)} KB`);
      if (size > MAX_BYTES) throw new Error(`${name}.png is ${size} bytes, over ${MAX_BYTES}`);
    }
    await context.close();
  } finally {
    await w.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
