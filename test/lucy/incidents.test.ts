import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, type IncidentInput } from '../../src/core/incidents/incidents.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

function expectError(res: { statusCode: number; json(): any; headers: Record<string, unknown> }, status: number, message?: RegExp) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = res.json();
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message).toBeTruthy();
  if (message) expect(body.error.message).toMatch(message);
}

const RAW = 'From: "IT Desk" <it@evil.example>\r\nTo: alice@corp.example\r\nSubject: Reset your password\r\n\r\nClick <a href="http://evil.example/x">here</a>\r\n';

const analysed: IncidentInput = {
  email: 'Alice@Corp.example',
  subject: 'Reset your password',
  time: '2026-03-04T05:06:07Z',
  score: 7.5,
  more_analysis: true,
  headers: [{ from: 'mail.evil.example', ip: '203.0.113.9', by: 'mx.corp.example', with: 'ESMTPS', time: 'Wed, 4 Mar 2026 05:06:00 +0000', blacklisted: true, score: 3.5 }],
  domains: [{ source: 'body', domain: 'evil.example', score: 4, checks: [{ service_name: 'spamhaus', flagged: true }, { service_name: 'surbl', flagged: false }] }],
  body_analysis: [{ rule: 'urgent_password_reset', score: 2.25 }],
  message: RAW,
};

async function campaignFor(clientId: number): Promise<number> {
  const stamp = new Date().toISOString();
  const row = await t.core.database.db
    .insertInto('campaigns')
    // Only the columns without a default: the campaigns area owns the rest of the row.
    .values({ client_id: clientId, name: 'simulation', created_at: stamp, updated_at: stamp } as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('incidents', () => {
  it('returns the Lucy Incident resource exactly, under `incident` and `incidents`', async () => {
    const a = await t.tenant();
    const campaignId = await campaignFor(a.clientId);
    const row = await t.core.incidents.record(a.clientId, { ...analysed, campaign_id: campaignId });
    const res = await t.call('GET', `/api/incidents/${row.id}`, { token: a.token });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(['incident']);
    expect(res.json().incident).toEqual({
      id: row.id,
      email: 'alice@corp.example',
      status: 'open',
      time: '2026-03-04T05:06:07Z',
      score: 7.5,
      more_analysis: true,
      client_id: a.clientId,
      campaign_id: campaignId,
      links: [
        { rel: 'self', href: `/api/incidents/${row.id}` },
        { rel: 'delete', href: `/api/incidents/${row.id}` },
      ],
      message_url: `/api/incidents/${row.id}/message`,
      subject: 'Reset your password',
      headers: analysed.headers,
      domains: analysed.domains,
      body_analysis: analysed.body_analysis,
    });
    const list = await t.call('GET', '/api/incidents', { token: a.token });
    expect(Object.keys(list.json())).toEqual(['incidents']);
    expect(list.json().incidents).toEqual([res.json().incident]);
  });

  it('fills the analysis lists in the resource shape, whatever the analyser left out', async () => {
    const a = await t.tenant();
    const row = await t.core.incidents.record(a.clientId, {
      email: 'bob@corp.example',
      headers: [{ from: 'x' }],
      domains: [{ domain: 'y.example' }],
      body_analysis: [{ rule: 'z' }],
    });
    const inc = (await t.call('GET', `/api/incidents/${row.id}`, { token: a.token })).json().incident;
    expect(inc).toMatchObject({ status: 'open', score: 0, more_analysis: false, campaign_id: null, subject: '' });
    expect(inc.headers).toEqual([{ from: 'x', ip: '', by: '', with: '', time: '', blacklisted: false, score: 0 }]);
    expect(inc.domains).toEqual([{ source: '', domain: 'y.example', score: 0, checks: [] }]);
    expect(inc.body_analysis).toEqual([{ rule: 'z', score: 0 }]);
    expect(inc.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('refuses to record nonsense in core', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const theirCampaign = await campaignFor(b.clientId);
    await expect(t.core.incidents.record(a.clientId, { email: '' })).rejects.toThrow(/email/);
    await expect(t.core.incidents.record(a.clientId, { email: 'x@y.example', status: 'weird' as never })).rejects.toThrow(/status/);
    await expect(t.core.incidents.record(a.clientId, { email: 'x@y.example', time: 'yesterday' })).rejects.toThrow(/time/);
    await expect(t.core.incidents.record(a.clientId, { email: 'x@y.example', campaign_id: theirCampaign })).rejects.toThrow(/campaign/);
    await expect(t.core.incidents.record(999999, { email: 'x@y.example' })).rejects.toThrow(/client/);
  });

  it('serves the reported message as message/rfc822, as an attachment', async () => {
    const a = await t.tenant();
    const row = await t.core.incidents.record(a.clientId, analysed);
    const inc = (await t.call('GET', `/api/incidents/${row.id}`, { token: a.token })).json().incident;
    const res = await t.call('GET', inc.message_url, { token: a.token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="incident-${row.id}.eml"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(RAW);
    expectError(await t.call('GET', inc.message_url), 401);
  });

  it('lets the security team change the status, and only the status', async () => {
    const a = await t.tenant();
    const row = await t.core.incidents.record(a.clientId, analysed);
    const before = (await t.call('GET', `/api/incidents/${row.id}`, { token: a.token })).json().incident;
    for (const status of INCIDENT_STATUSES) {
      const res = await t.call('POST', `/api/incidents/${row.id}`, {
        token: a.token,
        body: { ...before, status, email: 'changed@x.example', score: 0, subject: 'changed', links: [] },
      });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json())).toEqual(['incident']);
      expect(res.json().incident).toEqual({ ...before, status });
    }
    expect((await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, body: { status: 'real_phishing' } })).json().incident.status).toBe('real_phishing');
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, body: { status: 'fixed' } }), 400, /^status: must be one of open, in_progress/);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, body: {} }), 400, /^status: is required/);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, body: { status: 1 } }), 400, /^status: /);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, body: { id: row.id + 1, status: 'closed' } }), 400, /^id: .*does not match/);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, body: [] }), 400, /^body: /);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, raw: 'status=closed', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: a.token, raw: '{"status":', headers: { 'content-type': 'application/json' } }), 400, /JSON/);
    expectError(await t.call('POST', '/api/incidents/999999', { token: a.token, body: { status: 'closed' } }), 404, /incident/);
    expect((await t.call('GET', `/api/incidents/${row.id}`, { token: a.token })).json().incident.status).toBe('real_phishing');
  });

  it('deletes an incident (204); an unknown one is 404', async () => {
    const a = await t.tenant();
    const row = await t.core.incidents.record(a.clientId, analysed);
    const del = await t.call('DELETE', `/api/incidents/${row.id}`, { token: a.token });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expectError(await t.call('GET', `/api/incidents/${row.id}`, { token: a.token }), 404, /incident/);
    expectError(await t.call('GET', `/api/incidents/${row.id}/message`, { token: a.token }), 404);
    expectError(await t.call('DELETE', `/api/incidents/${row.id}`, { token: a.token }), 404);
  });

  it('scopes everything to the tenant: another tenant\'s incident is 404 and stays as it was', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const mine = await t.core.incidents.record(a.clientId, analysed);
    const theirs = await t.core.incidents.record(b.clientId, { ...analysed, email: 'carol@b.example' });
    const snapshot = (await t.call('GET', `/api/incidents/${theirs.id}`, { token: b.token })).json().incident;

    const listA = (await t.call('GET', '/api/incidents?limit=1000', { token: a.token })).json().incidents;
    expect(listA.map((i: any) => i.id)).toEqual([mine.id]);
    expectError(await t.call('GET', `/api/incidents/${theirs.id}`, { token: a.token }), 404, /incident/);
    expectError(await t.call('GET', `/api/incidents/${theirs.id}/message`, { token: a.token }), 404, /incident/);
    expectError(await t.call('POST', `/api/incidents/${theirs.id}`, { token: a.token, body: { status: 'closed' } }), 404, /incident/);
    expectError(await t.call('DELETE', `/api/incidents/${theirs.id}`, { token: a.token }), 404, /incident/);
    // A super admin acting in A is scoped the same way.
    const acting = { token: t.rootToken, headers: { 'x-decoy-client': String(a.clientId) } };
    expectError(await t.call('DELETE', `/api/incidents/${theirs.id}`, acting), 404);
    expect((await t.call('GET', '/api/incidents?limit=1000', acting)).json().incidents.map((i: any) => i.id)).toEqual([mine.id]);

    expect((await t.call('GET', `/api/incidents/${theirs.id}`, { token: b.token })).json().incident).toEqual(snapshot);
    // A super admin without a client sees both.
    const all = (await t.call('GET', '/api/incidents?limit=1000', { token: t.rootToken })).json().incidents.map((i: any) => i.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('lets view users read but not write (403), and nothing changes', async () => {
    const a = await t.tenant();
    const viewer = await t.user(a.clientId, 'view');
    const row = await t.core.incidents.record(a.clientId, analysed);
    expect((await t.call('GET', `/api/incidents/${row.id}`, { token: viewer.token })).statusCode).toBe(200);
    expect((await t.call('GET', '/api/incidents', { token: viewer.token })).json().incidents).toHaveLength(1);
    expectError(await t.call('POST', `/api/incidents/${row.id}`, { token: viewer.token, body: { status: 'closed' } }), 403, /view/);
    expectError(await t.call('DELETE', `/api/incidents/${row.id}`, { token: viewer.token }), 403, /view/);
    expect((await t.call('GET', `/api/incidents/${row.id}`, { token: a.token })).json().incident.status).toBe('open');
  });

  it('sorts, offsets, limits and filters by status', async () => {
    const a = await t.tenant();
    const ids: number[] = [];
    const specs: [string, number, string][] = [
      ['d@x.example', 3, 'open'],
      ['a@x.example', 9, 'closed'],
      ['c@x.example', 1, 'open'],
      ['b@x.example', 5, 'simulation'],
    ];
    for (const [email, score, status] of specs) ids.push((await t.core.incidents.record(a.clientId, { email, score, status: status as never })).id);
    const get = async (q: string) => {
      const res = await t.call('GET', `/api/incidents${q}`, { token: a.token });
      expect(res.statusCode).toBe(200);
      return res.json().incidents as any[];
    };
    expect((await get('')).map((i) => i.id)).toEqual(ids);
    expect((await get('?sort=email')).map((i) => i.email)).toEqual(['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example']);
    expect((await get('?sort=-score')).map((i) => i.score)).toEqual([9, 5, 3, 1]);
    expect((await get('?sort=-score&offset=1&limit=2')).map((i) => i.score)).toEqual([5, 3]);
    expect((await get('?status=open')).map((i) => i.email)).toEqual(['d@x.example', 'c@x.example']);
    expect((await get('?status=open&sort=email&limit=1')).map((i) => i.email)).toEqual(['c@x.example']);
    expect(await get('?status=real_phishing')).toEqual([]);
    expectError(await t.call('GET', '/api/incidents?status=bogus', { token: a.token }), 400, /^status: must be one of/);
    expectError(await t.call('GET', '/api/incidents?sort=message', { token: a.token }), 400, /^sort: unknown column "message"/);
    expectError(await t.call('GET', '/api/incidents?offset=-1', { token: a.token }), 400, /^offset: /);
    expectError(await t.call('GET', '/api/incidents?limit=0', { token: a.token }), 400, /^limit: /);
    expectError(await t.call('GET', '/api/incidents?limit=1001', { token: a.token }), 400, /^limit: /);
    expectError(await t.call('GET', '/api/incidents?limit=abc', { token: a.token }), 400, /^limit: /);
  });

  it('answers bad ids with 400 naming the id', async () => {
    const { token } = await t.tenant();
    for (const id of ['abc', '-1', '0', '99999999999999999999', '1.5']) {
      expectError(await t.call('GET', `/api/incidents/${id}`, { token }), 400, /^id: /);
      expectError(await t.call('DELETE', `/api/incidents/${id}`, { token }), 400, /^id: /);
    }
    expectError(await t.call('GET', '/api/incidents/999999', { token }), 404, /incident/);
  });
});
