/**
 * Who may read what through /rest: permission groups (403 naming the group), the hourly limit
 * (429), 405 for anything the document does not list, bad path and query parts (400), and
 * tenants: the instance prefix of another client and another client's campaign ids answer
 * exactly like ones that do not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { buildCampaign, people } from '../helpers/campaign.ts';
import { EDIT_ALL, VIEW_RESULTS, accessToken, apiUser, authBody, keysOf, slugOf, type ApiUser } from './helpers.ts';

const ERROR_KEYS = ['status', 'statusMessage', 'statusDetails', 'entity', 'jobid', 'notifications', 'data'];
const ENDPOINTS = ['campaign', 'campaigns', 'campaignresult', 'campaignresults', 'webactivity', 'outboundanalysis'];

let t: TestApp;
let a: { clientId: number; token: string; slug: string; campaignId: number; user: ApiUser };
let b: { clientId: number; token: string; slug: string; campaignId: number; user: ApiUser };

async function tenantWithCampaign(name: string) {
  const ten = await t.tenant(name);
  const { campaignId } = await buildCampaign(t, ten, { groups: [people(3, name.toLowerCase().replace(/\W/g, ''))] });
  return { ...ten, slug: await slugOf(t, ten.clientId), campaignId, user: await apiUser(t, ten.clientId) };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await tenantWithCampaign('Acme Insurance');
  b = await tenantWithCampaign('Bolt Bank');
});
afterAll(async () => t?.close());

describe('permission groups', () => {
  it('need "Email Campaign – Can Edit All" for campaign and outboundanalysis, and either group for campaignresult and webactivity', async () => {
    const none = await apiUser(t, a.clientId, []);
    const viewer = await apiUser(t, a.clientId, [VIEW_RESULTS]);
    const editor = await apiUser(t, a.clientId, [EDIT_ALL]);
    const tokens = { none: await accessToken(t, none), viewer: await accessToken(t, viewer), editor: await accessToken(t, editor) };
    const expected: Record<string, Record<keyof typeof tokens, number>> = {
      campaign: { none: 403, viewer: 403, editor: 200 },
      campaigns: { none: 403, viewer: 403, editor: 200 },
      outboundanalysis: { none: 403, viewer: 403, editor: 200 },
      campaignresult: { none: 403, viewer: 200, editor: 200 },
      campaignresults: { none: 403, viewer: 200, editor: 200 },
      webactivity: { none: 403, viewer: 200, editor: 200 },
    };
    for (const [endpoint, byWho] of Object.entries(expected)) {
      for (const [who, status] of Object.entries(byWho)) {
        const res = await t.call('GET', `/rest/${endpoint}/0/0`, { token: tokens[who as keyof typeof tokens] });
        expect(res.statusCode, `${who} ${endpoint}: ${res.body}`).toBe(status);
        if (status !== 403) continue;
        expect(keysOf(res.body)).toEqual(ERROR_KEYS);
        expect(res.json()).toMatchObject({ status: 403, statusMessage: 'Forbidden', entity: 'unknown', jobid: 0, notifications: [], data: [] });
        expect(res.json().statusDetails.Reason).toContain('"Email Campaign – Can Edit All"');
        if (endpoint.startsWith('campaignresult') || endpoint === 'webactivity') expect(res.json().statusDetails.Reason).toContain('"Email Campaign Results – Can View All"');
      }
    }
  });

  it('are read at every call: taking the group away takes the access away', async () => {
    const u = await apiUser(t, a.clientId, [EDIT_ALL]);
    const token = await accessToken(t, u);
    expect((await t.call('GET', '/rest/campaign', { token })).statusCode).toBe(200);
    const res = await t.call('POST', `/api/users/${u.userId}`, {
      token: t.rootToken,
      body: { email: u.email, role_group: 'user', permissions: [VIEW_RESULTS] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t.call('GET', '/rest/campaign', { token })).statusCode).toBe(403);
    expect((await t.call('GET', '/rest/campaignresult', { token })).statusCode).toBe(200);
  });
});

describe('the hourly limit', () => {
  it('answers 429 in the envelope once the API key has made its calls, authenticate included', async () => {
    const small = await createTestApp({ DECOY_API_RATE_LIMIT: '5' });
    try {
      const c = await small.tenant('Limited');
      const u = await apiUser(small, c.clientId);
      const token = await accessToken(small, u);
      for (let call = 2; call <= 5; call++) {
        const res = await small.call('GET', '/rest/campaign', { token });
        expect(res.statusCode).toBe(200);
        expect(res.json().notifications).toMatchObject({ 'Maximum API calls per hour': 5, 'Your API calls in the last hour': call });
      }
      const over = await small.call('GET', '/rest/campaign', { token });
      expect(over.statusCode).toBe(429);
      expect(over.headers['retry-after']).toBeDefined();
      expect(keysOf(over.body)).toEqual(ERROR_KEYS);
      expect(over.json()).toMatchObject({ status: 429, statusMessage: 'TooManyRequests', entity: 'unknown', jobid: 0, data: [] });
      expect(over.json().statusDetails.Reason).toMatch(/at most 5 calls per hour/);
      expect(over.json().notifications).toMatchObject({ 'Maximum API calls per hour': 5, 'Your API calls in the last hour': 6 });
      // A new token does not reset the key's count.
      const again = await small.call('POST', '/rest/authenticate', { body: authBody(u) });
      expect(again.statusCode).toBe(429);
      expect(again.json().statusMessage).toBe('TooManyRequests');
    } finally {
      await small.close();
    }
  });
});

describe('405 NotAllowed', () => {
  it('answers any other path or method under /rest and /:instance/rest, before asking for a token', async () => {
    const token = await accessToken(t, a.user);
    const cases: [string, string][] = [
      ['GET', '/rest'],
      ['GET', '/rest/'],
      ['GET', '/rest/users'],
      ['GET', '/rest/campaign/1/0/extra'],
      ['GET', '/rest/authenticate'],
      ['PUT', '/rest/authenticate'],
      ['POST', '/rest/campaign'],
      ['POST', '/rest/campaign/1'],
      ['DELETE', '/rest/campaignresult/1/0'],
      ['PATCH', '/rest/webactivity'],
      ['PUT', '/rest/outboundanalysis/0/0'],
      ['OPTIONS', '/rest/campaign'],
      ['GET', `/${a.slug}/rest`],
      ['GET', `/${a.slug}/rest/groups/1`],
      ['DELETE', `/${a.slug}/rest/campaign/1`],
      ['GET', '/no-such-instance/rest/anything'],
    ];
    for (const [method, url] of cases) {
      for (const withToken of [false, true]) {
        const res = await t.call(method, url, { token: withToken ? token : undefined, headers: { 'content-type': 'text/plain' }, raw: method === 'GET' ? undefined : 'x' });
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(405);
        expect(keysOf(res.body)).toEqual(ERROR_KEYS);
        expect(res.json()).toMatchObject({ status: 405, statusMessage: 'NotAllowed', entity: 'unknown', jobid: 0, notifications: [], data: [] });
        expect(res.json().statusDetails.Reason).toContain('not available via the public API');
      }
    }
  });

  it('leaves the rest of the server alone', async () => {
    expect((await t.call('GET', '/healthz')).statusCode).toBe(200);
    expect((await t.call('GET', '/api/campaigns', { token: t.rootToken })).statusCode).toBe(200);
    const lucy404 = await t.call('GET', '/api/no-such-thing', { token: t.rootToken });
    expect(lucy404.statusCode).toBe(404);
    expect(lucy404.json().error.code).toBe('not_found');
    // Outside the APIs a GET is the web app's (its router answers unknown pages); anything else is a JSON 404.
    const root404 = await t.call('POST', '/nothing/here', { body: {} });
    expect(root404.statusCode).toBe(404);
    expect(root404.json().error.code).toBe('not_found');
    expect((await t.call('GET', '/api/docs/json')).statusCode).toBe(200);
  });
});

describe('bad path and query parts', () => {
  it('are 400 envelopes naming the part', async () => {
    const token = await accessToken(t, a.user);
    const cases: [string, RegExp][] = [
      ['/rest/campaign/abc', /^id: must be integer/],
      ['/rest/campaignresult/-1', /^id: must be >= 0/],
      ['/rest/campaignresult/0/1.5', /^afterid: must be integer/],
      ['/rest/webactivity/0/-3', /^afterid: must be >= 0/],
      ['/rest/outboundanalysis/99999999999', /^id: must be <= 2147483647/],
      ['/rest/webactivity/0/0?startdate=yesterday', /^startdate: must be a date as YYYY-MM-DD/],
      ['/rest/webactivity/0/0?enddate=2026-02-30', /^enddate: must be a date as YYYY-MM-DD/],
      ['/rest/webactivity/0/0?startdate=2026-03-02&enddate=2026-03-01', /^enddate: must not be before startdate/],
    ];
    for (const [url, reason] of cases) {
      const res = await t.call('GET', url, { token });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(keysOf(res.body)).toEqual(ERROR_KEYS);
      expect(res.json()).toMatchObject({ status: 400, statusMessage: 'BadRequest', entity: 'unknown', data: [] });
      expect(res.json().statusDetails.Reason).toMatch(reason);
    }
  });
});

describe('tenants', () => {
  it('serve /:instance/rest for the client whose slug it is', async () => {
    const token = await accessToken(t, a.user, `/${a.slug}/rest`);
    const res = await t.call('GET', `/${a.slug}/rest/campaign/0/0`, { token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.map((c: { id: string }) => c.id)).toEqual([String(a.campaignId)]);
    // A token from /rest works under the own instance too, and the other way round.
    const plain = await accessToken(t, a.user);
    expect((await t.call('GET', `/${a.slug}/rest/campaign`, { token: plain })).statusCode).toBe(200);
    expect((await t.call('GET', '/rest/campaign', { token })).statusCode).toBe(200);
  });

  it('answer another client\'s instance exactly like an instance that does not exist', async () => {
    const other = await t.call('POST', `/${b.slug}/rest/authenticate`, { body: authBody(a.user) });
    const none = await t.call('POST', '/no-such-instance/rest/authenticate', { body: authBody(a.user) });
    expect(other.statusCode).toBe(401);
    expect(other.body).toBe(none.body);
    expect(other.json().statusMessage).toBe('NotAuthenticated');

    const token = await accessToken(t, a.user);
    for (const endpoint of ENDPOINTS) {
      const theirs = await t.call('GET', `/${b.slug}/rest/${endpoint}/0/0`, { token });
      const nobody = await t.call('GET', `/no-such-instance/rest/${endpoint}/0/0`, { token });
      expect(theirs.statusCode, theirs.body).toBe(401);
      expect(theirs.body).toBe(nobody.body);
      expect(theirs.body).not.toContain('Bolt');
    }
  });

  it('answer another client\'s campaign id exactly like an id that does not exist, on every endpoint', async () => {
    const token = await accessToken(t, a.user);
    const missing = 2_000_000_000;
    for (const endpoint of ENDPOINTS) {
      for (const base of ['/rest', `/${a.slug}/rest`]) {
        const theirs = await t.call('GET', `${base}/${endpoint}/${b.campaignId}/0`, { token });
        const nobody = await t.call('GET', `${base}/${endpoint}/${missing}/0`, { token });
        expect(theirs.statusCode, theirs.body).toBe(404);
        expect(nobody.statusCode).toBe(404);
        expect(theirs.body.replace(String(b.campaignId), 'N')).toBe(nobody.body.replace(String(missing), 'N'));
        expect(theirs.json()).toMatchObject({ status: 404, statusMessage: 'NotFound', entity: 'unknown', data: [] });
      }
    }
  });

  it('never list another client\'s rows', async () => {
    const token = await accessToken(t, a.user);
    for (const endpoint of ENDPOINTS) {
      const res = await t.call('GET', `/rest/${endpoint}/0/0`, { token });
      expect(res.statusCode).toBe(200);
      for (const row of res.json().data) {
        if ('campaignId' in row) expect(row.campaignId).toBe(String(a.campaignId));
        else expect(row.id).toBe(String(a.campaignId));
      }
      expect(res.body).not.toContain('Bolt');
      expect(res.body).not.toContain('boltbank');
    }
  });

  it('let a super admin\'s API user read one client through its instance', async () => {
    const root = await apiUser(t, null, [EDIT_ALL], 'admin');
    const token = await accessToken(t, root, `/${b.slug}/rest`);
    const res = await t.call('GET', `/${b.slug}/rest/campaign/0/0`, { token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.map((c: { id: string }) => c.id)).toEqual([String(b.campaignId)]);
    // Through plain /rest, with a key of no client: every client.
    const all = await t.call('GET', '/rest/campaign/0/0', { token: await accessToken(t, root) });
    expect(all.json().data.map((c: { id: string }) => Number(c.id))).toEqual(expect.arrayContaining([a.campaignId, b.campaignId]));
  });
});

describe('the OpenAPI document', () => {
  it('documents the /rest routes with their row fields under the phishline tag, once', async () => {
    const doc = (await t.call('GET', '/api/docs/json')).json();
    const paths = Object.keys(doc.paths).filter((p) => p.includes('rest'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/rest/authenticate',
        '/rest/campaign/{id}/{afterid}',
        '/rest/campaignresult/{id}/{afterid}',
        '/rest/webactivity/{id}/{afterid}',
        '/rest/outboundanalysis/{id}/{afterid}',
      ]),
    );
    expect(paths.filter((p) => p.includes('{instance}') || p.endsWith('*'))).toEqual([]);
    const op = doc.paths['/rest/campaignresult/{id}/{afterid}'].get;
    expect(op.tags).toEqual(['phishline']);
    const item = op.responses['200'].content['application/json'].schema.properties.data.items;
    expect(Object.keys(item.properties)).toContain('dataEnteredDate');
    for (const field of Object.values<any>(item.properties)) {
      expect(field.type).toBe('string');
      expect(field.description).toBeTruthy();
    }
    expect(op.responses['206']).toBeDefined();
  });
});
