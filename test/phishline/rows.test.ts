/**
 * What the four data endpoints say about a campaign whose people were hit through the real
 * tracking server: a person who opened, clicked and entered data, a link scanner, a reporter
 * and a message that bounced. Every value a string, "" where nothing happened.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_FIELDS } from '../../src/api/phishline/campaign.ts';
import { CAMPAIGN_RESULT_FIELDS } from '../../src/api/phishline/campaignresult.ts';
import { OUTBOUND_ANALYSIS_FIELDS } from '../../src/api/phishline/outboundanalysis.ts';
import { WEB_ACTIVITY_FIELDS } from '../../src/api/phishline/webactivity.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { BROWSER_UA, SCANNER_UA, trackingFixture, trackingServer, type Fixture } from '../tracking-factories.ts';
import { accessToken, apiUser, keysOf } from './helpers.ts';

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const DATA_KEYS = ['status', 'statusMessage', 'statusDetails', 'entity', 'jobid', 'notifications', 'totalRowCount', 'pageRowCount', 'remainingRowCount', 'MaxIdReturned', 'data'];

let t: TestApp;
let srv: FastifyInstance;
let f: Fixture;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  f = await trackingFixture(t, { victims: 4, successAction: 'post' });
  srv = await trackingServer(t);
  const browser = { 'user-agent': BROWSER_UA };
  const [v0, v1, v2] = f.tokens;
  expect((await srv.inject({ method: 'GET', url: `/o/${v0}.gif`, headers: browser })).statusCode).toBe(200);
  expect((await srv.inject({ method: 'GET', url: `/l/${v0}`, headers: browser })).statusCode).toBe(200);
  const post = await srv.inject({
    method: 'POST',
    url: `/l/${v0}`,
    headers: { ...browser, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'username=person0&secret_word=hunter22',
  });
  expect(post.statusCode).toBeLessThan(400);
  await srv.inject({ method: 'GET', url: `/l/${v1}`, headers: { 'user-agent': SCANNER_UA } });
  await srv.inject({ method: 'POST', url: `/r/${v2}`, headers: browser });
  await t.core.tracking.flush();
  await t.core.database.db
    .updateTable('victims')
    .set({ error: 1, error_text: '550 5.1.1 mailbox unavailable', submitted_at: null })
    .where('id', '=', f.victimIds[3])
    .execute();
  await t.core.database.db.updateTable('campaign_counters').set({ errors: 1, submitted: 3 }).where('scenario_id', '=', f.scenarioId).execute();
  token = await accessToken(t, await apiUser(t, f.clientId));
});
afterAll(async () => {
  await srv?.close();
  await t?.close();
});

const get = async (url: string) => {
  const res = await t.call('GET', url, { token });
  expect(res.statusCode, res.body).toBe(200);
  expect(keysOf(res.body)).toEqual(DATA_KEYS);
  const body = res.json();
  for (const row of body.data) for (const [k, v] of Object.entries(row)) expect(typeof v, `${url} ${k}`).toBe('string');
  return body;
};

describe('the data endpoints', () => {
  it('campaign: the campaign and its counts', async () => {
    const body = await get(`/rest/campaign/${f.campaignId}`);
    expect(body).toMatchObject({
      status: 200,
      statusMessage: 'OK',
      statusDetails: { 'Total Results': 1 },
      entity: 'campaign',
      jobid: 0,
      totalRowCount: 1,
      pageRowCount: 1,
      remainingRowCount: 0,
      MaxIdReturned: f.campaignId,
    });
    expect(Object.keys(body.notifications)).toEqual(['API Token Expiration Date', 'Maximum API calls per hour', 'Your API calls in the last hour']);
    const [c] = body.data;
    expect(Object.keys(c)).toEqual(Object.keys(CAMPAIGN_FIELDS));
    expect(c).toMatchObject({ id: String(f.campaignId), status: 'running', stopDate: '', victims: '4', sent: '3', opened: '1', clicked: '1', dataEntered: '1', succeeded: '1', reported: '1', trained: '0', errors: '1' });
    expect(c.createdDate).toMatch(DATE);
    expect(c.startDate).toMatch(DATE);
    expect(Number(c.automatedHits)).toBeGreaterThanOrEqual(1);
    // `/campaigns` is the same endpoint.
    expect((await get(`/rest/campaigns/${f.campaignId}/0`)).data).toEqual(body.data);
  });

  it('campaignresult: one row per person and scenario, with the times', async () => {
    const body = await get(`/rest/campaignresult/${f.campaignId}/0`);
    expect(body).toMatchObject({ entity: 'campaignresult', totalRowCount: 4, pageRowCount: 4, remainingRowCount: 0, MaxIdReturned: f.victimIds[3] });
    const rows = body.data;
    expect(rows.map((r: { id: string }) => r.id)).toEqual(f.victimIds.map(String));
    for (const r of rows) expect(Object.keys(r)).toEqual(Object.keys(CAMPAIGN_RESULT_FIELDS));
    const [clicker, scanned, reporter, bounced] = rows;
    expect(clicker).toMatchObject({ campaignId: String(f.campaignId), scenarioId: String(f.scenarioId), firstName: 'First0', lastName: 'Last0', reportedDate: '', trainedDate: '', error: '' });
    for (const k of ['sentDate', 'openedDate', 'clickedDate', 'dataEnteredDate', 'succeededDate']) expect(clicker[k], k).toMatch(DATE);
    // The scanner's click is not the person's.
    expect(scanned).toMatchObject({ openedDate: '', clickedDate: '', dataEnteredDate: '' });
    expect(reporter.reportedDate).toMatch(DATE);
    expect(reporter.clickedDate).toBe('');
    expect(bounced).toMatchObject({ sentDate: '', error: '550 5.1.1 mailbox unavailable' });
    // `/campaignresults` is the same endpoint; id 0 is every campaign of the client.
    expect((await get(`/rest/campaignresults/${f.campaignId}`)).data).toEqual(rows);
    expect((await get('/rest/campaignresult')).data).toEqual(rows);
  });

  it('webactivity: every hit, human or automated, and why', async () => {
    const body = await get(`/rest/webactivity/${f.campaignId}/0`);
    const events = await t.core.database.db.selectFrom('tracking_events').selectAll().where('campaign_id', '=', f.campaignId).orderBy('id').execute();
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(body).toMatchObject({ entity: 'webactivity', totalRowCount: events.length, pageRowCount: events.length, remainingRowCount: 0, MaxIdReturned: events.at(-1)!.id });
    const rows = body.data;
    expect(rows.map((r: { id: string }) => Number(r.id))).toEqual(events.map((e) => e.id));
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(Object.keys(WEB_ACTIVITY_FIELDS));
      expect(r.activityDate).toMatch(DATE);
      expect(r.ipAddress).toBe('127.0.0.1');
    }
    const byVictim = (i: number) => rows.filter((r: { campaignResultId: string }) => r.campaignResultId === String(f.victimIds[i]));
    expect(byVictim(0).map((r: { activity: string }) => r.activity)).toEqual(expect.arrayContaining(['open', 'click', 'submit']));
    const person0 = await t.core.database.db.selectFrom('victims').select('email').where('id', '=', f.victimIds[0]).executeTakeFirstOrThrow();
    for (const r of byVictim(0)) expect(r).toMatchObject({ automated: '0', automatedReasons: '', userAgent: BROWSER_UA, email: person0.email });
    const scanner = byVictim(1);
    expect(scanner.length).toBeGreaterThanOrEqual(1);
    for (const r of scanner) {
      expect(r.automated).toBe('1');
      expect(r.automatedReasons).not.toBe('');
      expect(r.userAgent).toBe(SCANNER_UA);
    }
    expect(byVictim(2).map((r: { activity: string }) => r.activity)).toEqual(['report']);
  });

  it('webactivity: startdate and enddate keep the rows of those days', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
    const all = await get(`/rest/webactivity/${f.campaignId}/0`);
    expect((await get(`/rest/webactivity/${f.campaignId}/0?startdate=${today}&enddate=${today}`)).data).toEqual(all.data);
    const later = await get(`/rest/webactivity/${f.campaignId}/0?startdate=${tomorrow}`);
    expect(later).toMatchObject({ totalRowCount: 0, pageRowCount: 0, remainingRowCount: 0, MaxIdReturned: 0, data: [] });
    expect((await get(`/rest/webactivity/0/0?enddate=2000-01-01`)).data).toEqual([]);
  });

  it('outboundanalysis: the rates of the campaign', async () => {
    const body = await get(`/rest/outboundanalysis/${f.campaignId}/0`);
    expect(body.entity).toBe('outboundanalysis');
    const [r] = body.data;
    expect(Object.keys(r)).toEqual(Object.keys(OUTBOUND_ANALYSIS_FIELDS));
    expect(r).toMatchObject({ id: String(f.campaignId), sent: '3', openRate: '33.33', clickRate: '33.33', dataEnteredRate: '33.33', reportRate: '33.33', trainedRate: '0.00', errorRate: '33.33' });
  });

  it('an empty page after the last row is 200 with MaxIdReturned equal to the afterid', async () => {
    const last = f.victimIds[3];
    const body = await get(`/rest/campaignresult/${f.campaignId}/${last}`);
    expect(body).toMatchObject({ status: 200, statusMessage: 'OK', totalRowCount: 4, pageRowCount: 0, remainingRowCount: 0, MaxIdReturned: last, data: [] });
    const middle = await get(`/rest/campaignresult/${f.campaignId}/${f.victimIds[1]}`);
    expect(middle).toMatchObject({ totalRowCount: 4, pageRowCount: 2, remainingRowCount: 0, MaxIdReturned: last });
  });

  it('a campaign that never started has zero counts and "" rates', async () => {
    const idle = await t.call('PUT', '/api/campaigns', { token: t.rootToken, body: { name: 'Not yet', client_id: f.clientId } });
    expect(idle.statusCode, idle.body).toBe(200);
    const id = idle.json().campaign.id;
    const [c] = (await get(`/rest/campaign/${id}`)).data;
    expect(c).toMatchObject({ name: 'Not yet', status: 'idle', startDate: '', stopDate: '', sent: '0', opened: '0' });
    const [o] = (await get(`/rest/outboundanalysis/${id}`)).data;
    expect(o).toMatchObject({ openRate: '', clickRate: '', errorRate: '' });
    expect((await get(`/rest/campaignresult/${id}`)).data).toEqual([]);
  });
});
