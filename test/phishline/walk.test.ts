/**
 * The client written from the vendor documents (doc-client.ts) against a campaign of more than
 * 12,000 victims and more than 15,000 tracking events (inserted in bulk, as a big campaign
 * would leave them), beside a small campaign of the same client and a campaign of another
 * client: it authenticates, walks every endpoint page by page with MaxIdReturned, and must
 * collect every row of the client exactly once, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { trackingFixture, type Fixture } from '../tracking-factories.ts';
import { PhishlineClient, type Send, type Walk } from './doc-client.ts';
import { apiUser, slugOf, type ApiUser } from './helpers.ts';

const VICTIMS = 12_345;
const EVENTS = 15_432;
const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'];

let t: TestApp;
let big: Fixture;
let small: Fixture;
let foreign: Fixture;
let user: ApiUser;
let slug: string;

/** Tracking events in bulk: spread over DAYS, every fifth one automated. */
async function insertEvents(f: Fixture, n: number) {
  const db = t.core.database.db;
  const types = ['open', 'click', 'submit', 'report'];
  for (let i = 0; i < n; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 500); j++) {
      const automated = j % 5 === 0;
      rows.push({
        client_id: f.clientId,
        campaign_id: f.campaignId,
        scenario_id: f.scenarioId,
        victim_id: f.victimIds[j % f.victimIds.length],
        type: types[j % types.length],
        time: `${DAYS[j % DAYS.length]}T${String(j % 24).padStart(2, '0')}:15:00.000Z`,
        verdict: automated ? 'automated' : 'human',
        reasons: JSON.stringify(automated ? ['known link scanner address range'] : []),
        ip: `198.51.100.${j % 250}`,
        proxy_ip: '',
        user_agent: 'Mozilla/5.0',
        os: 'Windows',
        browser: 'Chrome',
        country: 'CH',
        data: '{}',
      });
    }
    await db.insertInto('tracking_events').values(rows).execute();
  }
}

const send: Send = async (req) => {
  const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.body });
  return { status: res.statusCode, body: res.body };
};

beforeAll(async () => {
  t = await createTestApp();
  const tenant = await t.tenant('Walk Corp');
  big = await trackingFixture(t, { clientId: tenant.clientId, victims: VICTIMS });
  // Another client's victims between the two campaigns: the client's ids are not one dense range.
  foreign = await trackingFixture(t, { victims: 5 });
  small = await trackingFixture(t, { clientId: tenant.clientId, victims: 7 });
  await insertEvents(big, EVENTS);
  await insertEvents(small, 11);
  await insertEvents(foreign, 13);
  user = await apiUser(t, tenant.clientId);
  slug = await slugOf(t, tenant.clientId);
}, 180_000);
afterAll(async () => t?.close());

/** Checks the paging of a walk: 206 PartialContent with 5000 rows until the last page, counts that add up. */
function checkPages(w: Walk, entity: string) {
  const total = w.pages[0].totalRowCount!;
  expect(w.rows.length).toBe(total);
  let seen = 0;
  for (const [i, p] of w.pages.entries()) {
    const last = i === w.pages.length - 1;
    expect(p.entity).toBe(entity);
    expect(p.status).toBe(last ? 200 : 206);
    expect(p.statusMessage).toBe(last ? 'OK' : 'PartialContent');
    expect(p.totalRowCount).toBe(total);
    expect(p.pageRowCount).toBe((p.data as unknown[]).length);
    if (!last) expect(p.pageRowCount).toBe(5000);
    seen += p.pageRowCount!;
    expect(p.remainingRowCount).toBe(total - seen);
    const ids = (p.data as { id: string }[]).map((r) => Number(r.id));
    if (ids.length) expect(p.MaxIdReturned).toBe(Math.max(...ids));
  }
  const notStrings = w.rows.flatMap((row) => Object.entries(row).filter(([, v]) => typeof v !== 'string'));
  expect(notStrings).toEqual([]);
}

/** Each id once, and exactly the expected ones. */
function expectExactly(rows: Record<string, string>[], ids: number[]) {
  const got = rows.map((r) => Number(r.id));
  expect(new Set(got).size).toBe(got.length);
  expect([...got].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
}

async function eventIds(where: { campaignId?: number; clientId?: number; from?: string; until?: string }) {
  let q = t.core.database.db.selectFrom('tracking_events').select('id');
  if (where.campaignId) q = q.where('campaign_id', '=', where.campaignId);
  if (where.clientId) q = q.where('client_id', '=', where.clientId);
  if (where.from) q = q.where('time', '>=', where.from);
  if (where.until) q = q.where('time', '<', where.until);
  return (await q.execute()).map((r) => r.id);
}

describe('a client written from the documents', () => {
  it('walks campaignresult of the big campaign, and of every campaign, collecting every result once', async () => {
    const client = new PhishlineClient(send, `/${slug}/rest`, { user: user.email, password: user.password, apiKey: user.key });
    const one = await client.walk('campaignresult', big.campaignId);
    expect(one.pages.length).toBe(Math.ceil(VICTIMS / 5000));
    checkPages(one, 'campaignresult');
    expectExactly(one.rows, big.victimIds);
    expect(one.rows.filter((r) => r.campaignId !== String(big.campaignId))).toEqual([]);

    const all = await client.walk('campaignresults', 0);
    checkPages(all, 'campaignresult');
    expectExactly(all.rows, [...big.victimIds, ...small.victimIds]);
  });

  it('walks webactivity (token in the query string), with and without a date range', async () => {
    const client = new PhishlineClient(send, '/rest', { user: user.email, password: user.password, apiKey: user.key }, 'query');
    const one = await client.walk('webactivity', big.campaignId);
    expect(one.pages.length).toBe(Math.ceil(EVENTS / 5000));
    checkPages(one, 'webactivity');
    expectExactly(one.rows, await eventIds({ campaignId: big.campaignId }));
    expect(one.rows.filter((r) => r.automated === '1').length).toBe(Math.ceil(EVENTS / 5));

    const all = await client.walk('webactivity', 0);
    checkPages(all, 'webactivity');
    expectExactly(all.rows, await eventIds({ clientId: big.clientId }));

    const range = await client.walk('webactivity', 0, { startdate: DAYS[1], enddate: DAYS[2] });
    checkPages(range, 'webactivity');
    const expected = await eventIds({ clientId: big.clientId, from: `${DAYS[1]}T00:00:00.000Z`, until: `${DAYS[3]}T00:00:00.000Z` });
    expect(expected.length).toBeGreaterThan(5000);
    expectExactly(range.rows, expected);
    expect(range.rows.filter((r) => ![DAYS[1], DAYS[2]].includes(r.activityDate.slice(0, 10)))).toEqual([]);
  });

  it('walks campaign and outboundanalysis: the client\'s campaigns, once each', async () => {
    const client = new PhishlineClient(send, '/rest', { user: user.email, password: user.password, apiKey: user.key });
    for (const endpoint of ['campaign', 'campaigns', 'outboundanalysis']) {
      const w = await client.walk(endpoint, 0);
      checkPages(w, endpoint === 'campaigns' ? 'campaign' : endpoint);
      expectExactly(w.rows, [big.campaignId, small.campaignId]);
      const row = w.rows.find((r) => r.id === String(big.campaignId))!;
      expect(row.sent).toBe(String(VICTIMS));
    }
    expect(foreign.clientId).not.toBe(big.clientId);
  });

  it('collects every row even when a counter disagrees with the rows', async () => {
    const db = t.core.database.db;
    await db.updateTable('campaign_counters').set({ victims: 100 }).where('campaign_id', '=', big.campaignId).execute();
    try {
      const client = new PhishlineClient(send, '/rest', { user: user.email, password: user.password, apiKey: user.key });
      expectExactly((await client.walk('campaignresult', big.campaignId)).rows, big.victimIds);
      expectExactly((await client.walk('campaignresult', 0)).rows, [...big.victimIds, ...small.victimIds]);
    } finally {
      await db.updateTable('campaign_counters').set({ victims: VICTIMS }).where('campaign_id', '=', big.campaignId).execute();
    }
  });
});
