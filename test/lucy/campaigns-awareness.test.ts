import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AWARENESS_KEYS, awarenessTemplate, createCampaign, createScenario, languageId, readyCampaign, scenarioTemplate } from './campaigns-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('campaigns: awareness', () => {
  it('creates awareness with the exact shape, template defaults and a random public_id', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const s = await createScenario(t, token, c.id, await scenarioTemplate(t));
    const tpl = await awarenessTemplate(t, { quiz: true, subject: 'You clicked — here is why it matters' });
    const en = await languageId(t);
    const res = await t.call('PUT', `/api/campaigns/${c.id}/awareness`, {
      token,
      body: { name: 'Lesson', domain: 'Learn.Example', language_id: en, template_id: tpl, scenarios: [{ scenario_id: s.id, risk_level: 2 }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json())).toEqual(['awareness']);
    const a = res.json().awareness;
    expect(Object.keys(a).sort()).toEqual(AWARENESS_KEYS);
    const tplRow = await t.core.database.db.selectFrom('awareness_templates').selectAll().where('id', '=', tpl).executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      name: 'Lesson',
      campaign_id: c.id,
      template_id: tpl,
      language_id: en,
      website_online: true,
      sender_email: tplRow.email_sender,
      sender_name: tplRow.email_sender_name,
      subject: 'You clicked — here is why it matters',
      domain: 'learn.example',
      quiz: true,
      risk_level: 0,
      website_type: 1,
      course_id: null,
      scenarios: [{ scenario_id: s.id, risk_level: 2 }],
    });
    expect(a.public_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.links).toEqual([
      { rel: 'self', href: `/api/campaigns/${c.id}/awareness/${a.id}` },
      { rel: 'campaign', href: `/api/campaigns/${c.id}` },
      { rel: 'awareness_template', href: `/api/awareness-templates/${tpl}` },
      { rel: 'language', href: `/api/languages/${en}` },
    ]);
    const second = (await t.call('PUT', `/api/campaigns/${c.id}/awareness`, { token, body: { name: 'Two', domain: 'learn.example', language_id: en, template_id: tpl } })).json().awareness;
    expect(second.public_id).not.toBe(a.public_id);
    expect(second.scenarios).toEqual([]);

    const list = await t.call('GET', `/api/campaigns/${c.id}/awareness`, { token });
    expect(list.json()).toEqual({ awareness: [a, second] });
    const sorted = (await t.call('GET', `/api/campaigns/${c.id}/awareness?sort=-name&limit=1`, { token })).json().awareness;
    expect(sorted.map((x: { name: string }) => x.name)).toEqual(['Two']);
    expect((await t.call('GET', `/api/campaigns/${c.id}/awareness/${a.id}`, { token })).json()).toEqual({ awareness: a });
  });

  it('saves, replaces the scenario list when given, and deletes (events 50/51)', async () => {
    const { clientId, token } = await t.tenant();
    const { campaign, scenario, templateId } = await readyCampaign(t, token, clientId);
    const s2 = await createScenario(t, token, campaign.id, templateId);
    const tpl = await awarenessTemplate(t, { clientId });
    const en = await languageId(t);
    const base = { name: 'Lesson', domain: 'learn.example', language_id: en, template_id: tpl };
    const a = (await t.call('PUT', `/api/campaigns/${campaign.id}/awareness`, { token, body: { ...base, scenarios: [{ scenario_id: scenario.id }] } })).json().awareness;
    const url = `/api/campaigns/${campaign.id}/awareness/${a.id}`;

    const kept = (await t.call('POST', url, { token, body: { ...base, name: 'Renamed', risk_level: 5, website_type: 2, course_id: 12, quiz: true } })).json().awareness;
    expect(kept).toMatchObject({ name: 'Renamed', risk_level: 5, website_type: 2, course_id: 12, quiz: true, public_id: a.public_id, scenarios: [{ scenario_id: scenario.id, risk_level: 0 }] });
    const replaced = (await t.call('POST', url, { token, body: { ...base, scenarios: [{ scenario_id: s2.id, risk_level: 4 }] } })).json().awareness;
    expect(replaced.scenarios).toEqual([{ scenario_id: s2.id, risk_level: 4 }]);
    expect(replaced).toMatchObject({ name: 'Lesson', risk_level: 5, website_type: 2 });

    await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'running' } });
    const refused = await t.call('DELETE', url, { token });
    expect(refused.statusCode).toBe(409);
    await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'stopped' } });
    expect((await t.call('DELETE', url, { token })).statusCode).toBe(204);
    expect((await t.call('GET', url, { token })).statusCode).toBe(404);
    expect((await t.call('DELETE', url, { token })).statusCode).toBe(404);
    const types = (await t.call('GET', `/api/campaigns/${campaign.id}/stats`, { token })).json().timeline.map((e: { type: number }) => e.type);
    expect(types.filter((x: number) => x >= 50)).toEqual([50, 51]);
  });

  it('refuses bad input with a 400 naming the field; foreign templates are 404', async () => {
    const { clientId, token } = await t.tenant();
    const other = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const otherCampaign = await createCampaign(t, token, clientId);
    const s = await createScenario(t, token, c.id, await scenarioTemplate(t));
    const elsewhere = await createScenario(t, token, otherCampaign.id, await scenarioTemplate(t));
    const tpl = await awarenessTemplate(t);
    const foreign = await awarenessTemplate(t, { clientId: other.clientId });
    const base = { name: 'L', domain: 'learn.example', language_id: await languageId(t), template_id: tpl };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, name: undefined }, /^name: is required/],
      [{ ...base, domain: undefined }, /^domain: is required/],
      [{ ...base, language_id: undefined }, /^language_id: is required/],
      [{ ...base, template_id: undefined }, /^template_id: is required/],
      [{ ...base, template_id: 'x' }, /^template_id: must be integer/],
      [{ ...base, language_id: 999999 }, /^language_id: no language with id 999999/],
      [{ ...base, website_type: 3 }, /^website_type: must be one of 1, 2/],
      [{ ...base, website_online: 'true' }, /^website_online: must be boolean/],
      [{ ...base, risk_level: 1.5 }, /^risk_level: must be integer/],
      [{ ...base, sender_email: 'x' }, /^sender_email: /],
      [{ ...base, domain: 'bad domain' }, /^domain: /],
      [{ ...base, scenarios: [{ risk_level: 1 }] }, /^scenarios\[0\]\.scenario_id: is required/],
      [{ ...base, scenarios: [{ scenario_id: s.id }, { scenario_id: elsewhere.id }] }, new RegExp(`^scenarios\\[1\\]\\.scenario_id: scenario ${elsewhere.id} is not in this campaign`)],
      [{ ...base, scenarios: [{ scenario_id: s.id }, { scenario_id: s.id }] }, /^scenarios\[1\]\.scenario_id: scenario \d+ is listed twice/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', `/api/campaigns/${c.id}/awareness`, { token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const res = await t.call('PUT', `/api/campaigns/${c.id}/awareness`, { token, body: { ...base, template_id: foreign } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('awareness template not found');
    expect((await t.call('GET', `/api/campaigns/${c.id}/awareness`, { token })).json().awareness).toEqual([]);
    // An awareness id of another campaign is not found under this one.
    const a = (await t.call('PUT', `/api/campaigns/${otherCampaign.id}/awareness`, { token, body: base })).json().awareness;
    expect((await t.call('GET', `/api/campaigns/${c.id}/awareness/${a.id}`, { token })).statusCode).toBe(404);
  });
});

describe('campaigns: custom fields', () => {
  it('creates, lists, gets, saves and deletes with Lucy’s dashed wrapper keys', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const c2 = await createCampaign(t, token, clientId);
    const res = await t.call('PUT', '/api/campaign-custom-fields', { token, body: { campaign_id: c.id, name: 'Region' } });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(['campaign-custom-field']);
    const f = res.json()['campaign-custom-field'];
    expect(f).toEqual({
      id: f.id,
      campaign_id: c.id,
      name: 'Region',
      links: [
        { rel: 'self', href: `/api/campaign-custom-fields/${f.id}` },
        { rel: 'campaign', href: `/api/campaigns/${c.id}` },
      ],
    });
    const g = (await t.call('PUT', '/api/campaign-custom-fields', { token, body: { campaign_id: c2.id, name: 'Cost centre' } })).json()['campaign-custom-field'];
    const dup = await t.call('PUT', '/api/campaign-custom-fields', { token, body: { campaign_id: c.id, name: 'Region' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toBe('name: the campaign already has a custom field named "Region"');

    const list = await t.call('GET', '/api/campaign-custom-fields', { token });
    expect(Object.keys(list.json())).toEqual(['campaign-custom-fields']);
    expect(list.json()['campaign-custom-fields'].map((x: { id: number }) => x.id)).toEqual([f.id, g.id]);
    const sorted = (await t.call('GET', '/api/campaign-custom-fields?sort=name&limit=1', { token })).json()['campaign-custom-fields'];
    expect(sorted.map((x: { name: string }) => x.name)).toEqual(['Cost centre']);
    const byCampaign = (await t.call('GET', `/api/campaign-custom-fields?campaign_id=${c2.id}`, { token })).json()['campaign-custom-fields'];
    expect(byCampaign.map((x: { id: number }) => x.id)).toEqual([g.id]);
    expect((await t.call('GET', `/api/campaign-custom-fields/${f.id}`, { token })).json()).toEqual({ 'campaign-custom-field': f });

    const saved = await t.call('POST', `/api/campaign-custom-fields/${f.id}`, { token, body: { ...f, name: 'Country' } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()['campaign-custom-field']).toMatchObject({ id: f.id, campaign_id: c.id, name: 'Country' });
    const moved = await t.call('POST', `/api/campaign-custom-fields/${f.id}`, { token, body: { campaign_id: c2.id, name: 'Country' } });
    expect(moved.json()['campaign-custom-field'].campaign_id).toBe(c2.id);

    expect((await t.call('DELETE', `/api/campaign-custom-fields/${f.id}`, { token })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/campaign-custom-fields/${f.id}`, { token })).statusCode).toBe(404);
  });

  it('refuses bad input (400) and other tenants’ campaigns (404)', async () => {
    const { clientId, token } = await t.tenant();
    const other = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const foreign = await createCampaign(t, other.token, other.clientId);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x' }, 'campaign_id: is required'],
      [{ campaign_id: c.id }, 'name: is required'],
      [{ campaign_id: String(c.id), name: 'x' }, 'campaign_id: must be integer'],
      [{ campaign_id: c.id, name: '' }, 'name: must NOT have fewer than 1 characters'],
      [{ campaign_id: c.id, name: 7 }, 'name: must be string'],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', '/api/campaign-custom-fields', { token, body });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toBe(message);
    }
    const res = await t.call('PUT', '/api/campaign-custom-fields', { token, body: { campaign_id: foreign.id, name: 'x' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('campaign not found');
    const f = (await t.call('PUT', '/api/campaign-custom-fields', { token, body: { campaign_id: c.id, name: 'x' } })).json()['campaign-custom-field'];
    const move = await t.call('POST', `/api/campaign-custom-fields/${f.id}`, { token, body: { campaign_id: foreign.id, name: 'x' } });
    expect(move.statusCode).toBe(404);
    expect((await t.call('GET', `/api/campaign-custom-fields/${f.id}`, { token })).json()['campaign-custom-field'].campaign_id).toBe(c.id);
    expect((await t.call('GET', '/api/campaign-custom-fields', { token: other.token })).json()['campaign-custom-fields']).toEqual([]);
  });
});
