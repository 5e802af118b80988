/**
 * Every campaign route, called with ids of another tenant: 404 and nothing changes. And a
 * `view` user reads everything but writes nothing (403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { awarenessTemplate, languageId, readyCampaign, recipientGroup, scenarioTemplate } from './campaigns-factories.ts';

let t: TestApp;
let a: { clientId: number; token: string };
let ids: { campaign: number; scenario: number; group: number; awareness: number; field: number; template: number; awarenessTemplate: number };
let language: number;

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('Tenant A');
  const ready = await readyCampaign(t, a.token, a.clientId, ['one@a.example', 'two@a.example']);
  language = await languageId(t);
  const awTemplate = await awarenessTemplate(t);
  const aw = await t.call('PUT', `/api/campaigns/${ready.campaign.id}/awareness`, {
    token: a.token,
    body: { name: 'Lesson', domain: 'learn.example', language_id: language, template_id: awTemplate, scenarios: [{ scenario_id: ready.scenario.id }] },
  });
  const field = await t.call('PUT', '/api/campaign-custom-fields', { token: a.token, body: { campaign_id: ready.campaign.id, name: 'Region' } });
  ids = {
    campaign: ready.campaign.id,
    scenario: ready.scenario.id,
    group: ready.groupId,
    awareness: aw.json().awareness.id,
    field: field.json()['campaign-custom-field'].id,
    template: ready.templateId,
    awarenessTemplate: awTemplate,
  };
});
afterAll(async () => t?.close());

/** Everything tenant A has in the campaign area, as A sees it and as stored. */
async function snapshot() {
  const get = async (url: string) => (await t.call('GET', url, { token: a.token })).json();
  const db = t.core.database.db;
  const count = async (table: 'campaigns' | 'campaign_events' | 'campaign_recipient_groups' | 'scenarios' | 'scenario_recipient_groups' | 'campaign_awareness' | 'campaign_awareness_scenarios' | 'campaign_custom_fields') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return {
    campaigns: await get('/api/campaigns'),
    stats: await get(`/api/campaigns/${ids.campaign}/stats`),
    groups: await get(`/api/campaigns/${ids.campaign}/recipient-groups`),
    scenarios: await get(`/api/campaigns/${ids.campaign}/scenarios`),
    scenarioGroups: await get(`/api/scenarios/${ids.scenario}/recipient-groups`),
    awareness: await get(`/api/campaigns/${ids.campaign}/awareness`),
    fields: await get('/api/campaign-custom-fields'),
    rows: {
      campaigns: await count('campaigns'),
      events: await count('campaign_events'),
      campaignGroups: await count('campaign_recipient_groups'),
      scenarios: await count('scenarios'),
      scenarioGroups: await count('scenario_recipient_groups'),
      awareness: await count('campaign_awareness'),
      awarenessScenarios: await count('campaign_awareness_scenarios'),
      fields: await count('campaign_custom_fields'),
    },
  };
}

function routes(own: { clientId: number; group: number }) {
  const c = `/api/campaigns/${ids.campaign}`;
  const s = `/api/scenarios/${ids.scenario}`;
  const scenarioBody = { name: 'S', domain: 'example.com', language_id: language, scenario_template_id: ids.template };
  const awarenessBody = { name: 'A', domain: 'learn.example', language_id: language, template_id: ids.awarenessTemplate };
  return [
    ['GET', c],
    ['POST', c, { name: 'Taken over', client_id: own.clientId }],
    ['DELETE', c],
    ['POST', `${c}/copy`],
    ['POST', `${c}/status`, { status: 'running' }],
    ['POST', `${c}/approve`],
    ['GET', `${c}/stats`],
    ['GET', `${c}/recipient-groups`],
    ['PUT', `${c}/recipient-groups`, { id: own.group }],
    ['DELETE', `${c}/recipient-groups/${ids.group}`],
    ['GET', `${c}/scenarios`],
    ['PUT', `${c}/scenarios`, scenarioBody],
    ['GET', s],
    ['POST', s, scenarioBody],
    ['DELETE', s],
    ['GET', `${s}/recipient-groups`],
    ['PUT', `${s}/recipient-groups`, { id: own.group }],
    ['DELETE', `${s}/recipient-groups/${ids.group}`],
    ['GET', `${c}/awareness`],
    ['PUT', `${c}/awareness`, awarenessBody],
    ['GET', `${c}/awareness/${ids.awareness}`],
    ['POST', `${c}/awareness/${ids.awareness}`, awarenessBody],
    ['DELETE', `${c}/awareness/${ids.awareness}`],
    ['PUT', '/api/campaign-custom-fields', { campaign_id: ids.campaign, name: 'Mine' }],
    ['GET', `/api/campaign-custom-fields/${ids.field}`],
    ['POST', `/api/campaign-custom-fields/${ids.field}`, { name: 'Mine' }],
    ['DELETE', `/api/campaign-custom-fields/${ids.field}`],
  ] as [string, string, Record<string, unknown>?][];
}

describe('campaigns: tenant isolation', () => {
  it('answers 404 on every route for another tenant’s ids, and changes nothing', async () => {
    const b = await t.tenant('Tenant B');
    const bGroup = await recipientGroup(t, b.clientId, ['x@b.example']);
    const before = await snapshot();
    expect(before.scenarios.scenarios).toHaveLength(1);
    for (const [method, url, body] of routes({ clientId: b.clientId, group: bGroup })) {
      const res = await t.call(method, url, { token: b.token, body });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    // A super admin acting within tenant B sees no more than B.
    for (const [method, url, body] of routes({ clientId: b.clientId, group: bGroup }).filter(([m]) => m === 'GET')) {
      const res = await t.call(method, url, { token: t.rootToken, body, headers: { 'x-decoy-client': String(b.clientId) } });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await t.call('GET', '/api/campaigns', { token: b.token })).json().campaigns).toEqual([]);
    expect((await t.call('GET', '/api/campaign-custom-fields', { token: b.token })).json()['campaign-custom-fields']).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('lets a view user read every campaign route but write none (403), changing nothing', async () => {
    const viewer = await t.user(a.clientId, 'view');
    const group = await recipientGroup(t, a.clientId, ['three@a.example']);
    const before = await snapshot();
    for (const [method, url, body] of routes({ clientId: a.clientId, group })) {
      const res = await t.call(method, url, { token: viewer.token, body });
      if (method === 'GET') {
        expect(res.statusCode, `${method} ${url}`).toBe(200);
      } else {
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().error.message).toBe('your role (view) is read-only');
      }
    }
    expect((await t.call('GET', '/api/campaigns', { token: viewer.token })).json().campaigns).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });

  it('lets a super admin see and manage every tenant’s campaigns', async () => {
    const list = (await t.call('GET', '/api/campaigns', { token: t.rootToken })).json().campaigns;
    expect(list.map((c: { id: number }) => c.id)).toContain(ids.campaign);
    const scenario = await t.call('PUT', `/api/campaigns/${ids.campaign}/scenarios`, {
      token: t.rootToken,
      body: { name: 'By root', domain: 'example.com', language_id: language, scenario_template_id: await scenarioTemplate(t, { clientId: a.clientId }) },
    });
    expect(scenario.statusCode).toBe(200);
    expect(scenario.json().scenario.recipient_count).toBe(2);
    expect((await t.call('DELETE', `/api/scenarios/${scenario.json().scenario.id}`, { token: t.rootToken })).statusCode).toBe(204);
  });
});
