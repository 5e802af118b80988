import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { SCENARIO_KEYS, createCampaign, createScenario, languageId, readyCampaign, recipientGroup, scenarioTemplate } from './campaigns-factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('campaigns: scenarios', () => {
  it('creates a scenario with the exact Lucy shape and defaults from the template', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const en = await languageId(t, 'en');
    const de = await languageId(t, 'de');
    const templateId = await scenarioTemplate(t, {
      type: 'data',
      contents: [
        { code: 'en', sender_name: 'Parcel Service', sender_email: 'noreply@parcel.example' },
        { code: 'de', sender_name: 'Paketdienst', sender_email: 'kein-reply@paket.example' },
      ],
    });
    const res = await t.call('PUT', `/api/campaigns/${c.id}/scenarios`, {
      token,
      body: { name: 'Parcel', domain: 'Parcel-Service.example', language_id: de, scenario_template_id: templateId },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.keys(res.json())).toEqual(['scenario']);
    const s = res.json().scenario;
    expect(Object.keys(s).sort()).toEqual(SCENARIO_KEYS);
    expect(s).toMatchObject({
      campaign_id: c.id,
      scenario_template_id: templateId,
      language_id: de,
      name: 'Parcel',
      domain: 'parcel-service.example',
      subdomain: '',
      full_domain: 'parcel-service.example',
      sender_name: 'Paketdienst',
      sender_email: 'kein-reply@paket.example',
      random_email: false,
      collect_data: 'partial',
      message_type: 'email',
      lure_message_type: 'email',
      status: 'idle',
      started_at: null,
      stopped_at: null,
      track_opened_emails: true,
      no_landing: false,
      success_action: 'post',
      recipient_count: 0,
      messages_sent: 0,
      clicks: 0,
      successful_attacks: 0,
      vulnerable_victims: 0,
      errors: 0,
    });
    expect(s.links).toEqual([
      { rel: 'self', href: `/api/scenarios/${s.id}` },
      { rel: 'campaign', href: `/api/campaigns/${c.id}` },
      { rel: 'scenario_template', href: `/api/scenario-templates/${templateId}` },
      { rel: 'language', href: `/api/languages/${de}` },
    ]);
    expect((await t.call('GET', `/api/scenarios/${s.id}`, { token })).json()).toEqual({ scenario: s });

    // No content in French: the default language's sender.
    const fr = await createScenario(t, token, c.id, templateId, { language_id: await languageId(t, 'fr') });
    expect(fr.sender_name).toBe('Parcel Service');
    expect(en).toBeGreaterThan(0);
  });

  it('derives success_action from the template type and takes given values as they are', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const expected: Record<string, string> = { data: 'post', file: 'download', hyperlink: 'click' };
    for (const [type, action] of Object.entries(expected)) {
      const s = await createScenario(t, token, c.id, await scenarioTemplate(t, { type }));
      expect(s.success_action, type).toBe(action);
    }
    const noLanding = await createScenario(t, token, c.id, await scenarioTemplate(t, { type: 'hyperlink', noLanding: true, messageType: 'sms' }));
    expect(noLanding).toMatchObject({ no_landing: true, message_type: 'sms' });

    const given = await createScenario(t, token, c.id, await scenarioTemplate(t), {
      subdomain: 'Login.Portal',
      sender_name: 'IT Desk',
      sender_email: 'it@desk.example',
      random_email: true,
      redirect_url: 'https://intranet.example/',
      collect_data: 'full',
      login_regexp: '^[a-z]+\\.[a-z]+$',
      password_regexp: '^.{8,}$',
      forward_email: 'soc@example.com',
      message_type: 'email',
      double_barrel: true,
      lure_sender_name: 'Boss',
      lure_sender_email: 'boss@example.com',
      lure_random_email: true,
      lure_delay: 30,
      lure_message_type: 'sms',
      send_awareness_link: true,
      awareness_delay: 15,
      no_landing: true,
      track_opened_emails: false,
      use_reply_to: true,
      anonymous_mode: true,
      success_action: 'file_data',
    });
    expect(given).toMatchObject({
      subdomain: 'login.portal',
      full_domain: 'login.portal.parcel-service.example',
      sender_name: 'IT Desk',
      sender_email: 'it@desk.example',
      random_email: true,
      redirect_url: 'https://intranet.example/',
      collect_data: 'full',
      login_regexp: '^[a-z]+\\.[a-z]+$',
      password_regexp: '^.{8,}$',
      forward_email: 'soc@example.com',
      double_barrel: true,
      lure_sender_name: 'Boss',
      lure_sender_email: 'boss@example.com',
      lure_random_email: true,
      lure_delay: 30,
      lure_message_type: 'sms',
      send_awareness_link: true,
      awareness_delay: 15,
      no_landing: true,
      track_opened_emails: false,
      use_reply_to: true,
      anonymous_mode: true,
      success_action: 'file_data',
    });
  });

  it('refuses bad input with a 400 naming the field; unknown or foreign templates are 404', async () => {
    const { clientId, token } = await t.tenant();
    const other = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const templateId = await scenarioTemplate(t);
    const own = await scenarioTemplate(t, { clientId });
    const foreign = await scenarioTemplate(t, { clientId: other.clientId });
    const en = await languageId(t);
    const base = { name: 'S', domain: 'example.com', language_id: en, scenario_template_id: templateId };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, name: undefined }, /^name: is required/],
      [{ ...base, domain: undefined }, /^domain: is required/],
      [{ ...base, language_id: undefined }, /^language_id: is required/],
      [{ ...base, scenario_template_id: undefined }, /^scenario_template_id: is required/],
      [{ ...base, language_id: '1' }, /^language_id: must be integer/],
      [{ ...base, language_id: 999999 }, /^language_id: no language with id 999999/],
      [{ ...base, lure_delay: '5' }, /^lure_delay: must be integer/],
      [{ ...base, lure_delay: -1 }, /^lure_delay: must be >= 0/],
      [{ ...base, random_email: 1 }, /^random_email: must be boolean/],
      [{ ...base, collect_data: 'all' }, /^collect_data: must be one of no, partial, full/],
      [{ ...base, message_type: 'fax' }, /^message_type: must be one of email, sms/],
      [{ ...base, success_action: 'open' }, /^success_action: must be one of click, post, download, file_data/],
      [{ ...base, password_regexp: '([a-z' }, /^password_regexp: not a valid regular expression/],
      [{ ...base, login_regexp: '(?<' }, /^login_regexp: not a valid regular expression/],
      [{ ...base, domain: 'not a domain' }, /^domain: "not a domain" is not a valid domain name/],
      [{ ...base, subdomain: '-bad-' }, /^subdomain: /],
      [{ ...base, sender_email: 'nobody' }, /^sender_email: "nobody" is not an e-mail address/],
      [{ ...base, redirect_url: 'javascript:alert(1)' }, /^redirect_url: must be an http or https URL/],
      [{ ...base, name: ' ' }, /^name: must not be empty/],
    ];
    for (const [body, message] of cases) {
      const res = await t.call('PUT', `/api/campaigns/${c.id}/scenarios`, { token, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const unknown = await t.call('PUT', `/api/campaigns/${c.id}/scenarios`, { token, body: { ...base, scenario_template_id: 999999 } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe('scenario template not found');
    const foreignRes = await t.call('PUT', `/api/campaigns/${c.id}/scenarios`, { token, body: { ...base, scenario_template_id: foreign } });
    expect(foreignRes.statusCode).toBe(404);
    expect(foreignRes.json().error.message).toBe('scenario template not found');
    expect((await t.call('GET', `/api/campaigns/${c.id}/scenarios`, { token })).json().scenarios).toEqual([]);
    // The client's own template is fine.
    expect((await t.call('PUT', `/api/campaigns/${c.id}/scenarios`, { token, body: { ...base, scenario_template_id: own } })).statusCode).toBe(200);
  });

  it('saves with POST; while the campaign runs only safe fields change, and it cannot be deleted', async () => {
    const { clientId, token } = await t.tenant();
    const { campaign, scenario } = await readyCampaign(t, token, clientId);
    const url = `/api/scenarios/${scenario.id}`;
    const saved = await t.call('POST', url, { token, body: { ...scenario, name: 'Renamed', subdomain: 'www', status: 'running', clicks: 7 } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().scenario).toMatchObject({ name: 'Renamed', full_domain: 'www.parcel-service.example', status: 'idle', clicks: 0 });
    const missing = await t.call('POST', url, { token, body: { name: 'x', domain: 'example.com', language_id: scenario.language_id } });
    expect(missing.json().error.message).toBe('scenario_template_id: is required');

    // A new template with no sender given: the sender follows the new template.
    const newTemplate = await scenarioTemplate(t, { type: 'hyperlink', contents: [{ code: 'en', sender_name: 'HR', sender_email: 'hr@example.com' }] });
    const switched = (await t.call('POST', url, { token, body: { name: 'Renamed', domain: 'parcel-service.example', language_id: scenario.language_id, scenario_template_id: newTemplate } })).json().scenario;
    expect(switched).toMatchObject({ scenario_template_id: newTemplate, sender_name: 'HR', sender_email: 'hr@example.com', success_action: 'click', subdomain: 'www' });

    await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'running' } });
    const body = { name: 'Renamed', domain: 'parcel-service.example', language_id: scenario.language_id, scenario_template_id: newTemplate };
    const safe = await t.call('POST', url, { token, body: { ...body, sender_name: 'HR Team', redirect_url: 'https://example.com/' } });
    expect(safe.statusCode).toBe(200);
    expect(safe.json().scenario).toMatchObject({ sender_name: 'HR Team', status: 'running' });
    const tpl = await t.call('POST', url, { token, body: { ...body, scenario_template_id: scenario.scenario_template_id } });
    expect(tpl.statusCode).toBe(409);
    expect(tpl.json().error.message).toBe('scenario_template_id: cannot be changed while the campaign is running');
    const lang = await t.call('POST', url, { token, body: { ...body, language_id: await languageId(t, 'de') } });
    expect(lang.json().error.message).toBe('language_id: cannot be changed while the campaign is running');
    const domain = await t.call('POST', url, { token, body: { ...body, domain: 'other.example' } });
    expect(domain.json().error.message).toBe('domain: cannot be changed while the campaign is running');
    const del = await t.call('DELETE', url, { token });
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toBe('status: the campaign is running; stop it before you delete a scenario');

    // A scenario added to a running campaign runs at once.
    const late = await createScenario(t, token, campaign.id, newTemplate);
    expect(late.status).toBe('running');

    await t.call('POST', `/api/campaigns/${campaign.id}/status`, { token, body: { status: 'stopped' } });
    expect((await t.call('DELETE', url, { token })).statusCode).toBe(204);
    expect((await t.call('GET', url, { token })).statusCode).toBe(404);
    const timeline = (await t.call('GET', `/api/campaigns/${campaign.id}/stats`, { token })).json().timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 11, event: 'Attack scenario "Renamed" removed' });
  });

  it('lists the scenarios of a campaign with sort, offset and limit', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const other = await createCampaign(t, token, clientId);
    const tpl = await scenarioTemplate(t);
    const ids: number[] = [];
    for (const name of ['Bravo', 'Alpha', 'Charlie']) ids.push((await createScenario(t, token, c.id, tpl, { name })).id);
    await createScenario(t, token, other.id, tpl, { name: 'Elsewhere' });
    const list = (await t.call('GET', `/api/campaigns/${c.id}/scenarios`, { token })).json().scenarios;
    expect(list.map((s: { id: number }) => s.id)).toEqual(ids);
    const sorted = (await t.call('GET', `/api/campaigns/${c.id}/scenarios?sort=name`, { token })).json().scenarios;
    expect(sorted.map((s: { name: string }) => s.name)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    const paged = (await t.call('GET', `/api/campaigns/${c.id}/scenarios?sort=-id&offset=1&limit=1`, { token })).json().scenarios;
    expect(paged.map((s: { id: number }) => s.id)).toEqual([ids[1]]);
    const bad = await t.call('GET', `/api/campaigns/${c.id}/scenarios?sort=password`, { token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^sort: unknown column "password"/);
  });
});

describe('campaigns: recipient groups', () => {
  it('adds a campaign group to every scenario, now and later; lists, refuses duplicates, removes everywhere', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const tpl = await scenarioTemplate(t);
    const s1 = await createScenario(t, token, c.id, tpl);
    const g1 = await recipientGroup(t, clientId, ['a@example.com', 'b@example.com'], 'Sales');
    const res = await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token, body: { id: g1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ recipient_group: { id: g1, name: 'Sales', usb_attack: false, links: [{ rel: 'self', href: `/api/recipient-groups/${g1}` }] } });
    const s2 = await createScenario(t, token, c.id, tpl);
    for (const s of [s1, s2]) {
      const groups = (await t.call('GET', `/api/scenarios/${s.id}/recipient-groups`, { token })).json().recipient_groups;
      expect(groups.map((g: { id: number }) => g.id)).toEqual([g1]);
    }
    expect((await t.call('GET', `/api/scenarios/${s2.id}`, { token })).json().scenario.recipient_count).toBe(2);

    const dup = await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token, body: { id: g1 } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toBe(`id: recipient group ${g1} is already in this campaign`);

    const g2 = await recipientGroup(t, clientId, [], 'Admins');
    await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token, body: { id: g2 } });
    const listed = (await t.call('GET', `/api/campaigns/${c.id}/recipient-groups?sort=name`, { token })).json().recipient_groups;
    expect(listed.map((g: { name: string }) => g.name)).toEqual(['Admins', 'Sales']);
    const limited = (await t.call('GET', `/api/campaigns/${c.id}/recipient-groups?sort=-id&limit=1`, { token })).json().recipient_groups;
    expect(limited.map((g: { id: number }) => g.id)).toEqual([g2]);

    const del = await t.call('DELETE', `/api/campaigns/${c.id}/recipient-groups/${g1}`, { token });
    expect(del.statusCode).toBe(204);
    expect((await t.call('GET', `/api/scenarios/${s1.id}/recipient-groups`, { token })).json().recipient_groups.map((g: { id: number }) => g.id)).toEqual([g2]);
    expect((await t.call('DELETE', `/api/campaigns/${c.id}/recipient-groups/${g1}`, { token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/campaigns/${c.id}`, { token })).json().campaign.recipients).toBe(0);
  });

  it('adds a group to one scenario only, and removes it from that scenario', async () => {
    const { clientId, token } = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const tpl = await scenarioTemplate(t);
    const s1 = await createScenario(t, token, c.id, tpl);
    const s2 = await createScenario(t, token, c.id, tpl);
    const g = await recipientGroup(t, clientId, ['a@example.com']);
    const res = await t.call('PUT', `/api/scenarios/${s1.id}/recipient-groups`, { token, body: { id: g } });
    expect(res.statusCode).toBe(200);
    expect(res.json().recipient_group.id).toBe(g);
    expect((await t.call('PUT', `/api/scenarios/${s1.id}/recipient-groups`, { token, body: { id: g } })).statusCode).toBe(409);
    expect((await t.call('GET', `/api/scenarios/${s2.id}/recipient-groups`, { token })).json().recipient_groups).toEqual([]);
    expect((await t.call('GET', `/api/campaigns/${c.id}/recipient-groups`, { token })).json().recipient_groups).toEqual([]);
    // A campaign with a group in one scenario can start.
    expect((await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'running' } })).statusCode).toBe(200);
    const running = await t.call('DELETE', `/api/scenarios/${s1.id}/recipient-groups/${g}`, { token });
    expect(running.statusCode).toBe(409);
    await t.call('POST', `/api/campaigns/${c.id}/status`, { token, body: { status: 'stopped' } });
    expect((await t.call('DELETE', `/api/scenarios/${s1.id}/recipient-groups/${g}`, { token })).statusCode).toBe(204);
    expect((await t.call('DELETE', `/api/scenarios/${s1.id}/recipient-groups/${g}`, { token })).statusCode).toBe(404);
    const timeline = (await t.call('GET', `/api/campaigns/${c.id}/stats`, { token })).json().timeline;
    expect(timeline.filter((e: { type: number }) => e.type === 20 || e.type === 21).map((e: { event: string }) => e.event)).toEqual([
      `Recipient group "${(await t.core.database.db.selectFrom('recipient_groups').select('name').where('id', '=', g).executeTakeFirstOrThrow()).name}" added to scenario "${s1.name}"`,
      expect.stringMatching(/removed from scenario/),
    ]);
  });

  it('refuses unknown and other tenants’ groups with 404, and bad bodies with 400', async () => {
    const { clientId, token } = await t.tenant();
    const other = await t.tenant();
    const c = await createCampaign(t, token, clientId);
    const s = await createScenario(t, token, c.id, await scenarioTemplate(t));
    const foreign = await recipientGroup(t, other.clientId, ['x@other.example']);
    for (const url of [`/api/campaigns/${c.id}/recipient-groups`, `/api/scenarios/${s.id}/recipient-groups`]) {
      const res = await t.call('PUT', url, { token, body: { id: foreign } });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toBe('recipient group not found');
      expect((await t.call('PUT', url, { token, body: { id: 999999 } })).statusCode).toBe(404);
      expect((await t.call('PUT', url, { token, body: { id: String(foreign) } })).json().error.message).toBe('id: must be integer');
      expect((await t.call('PUT', url, { token, body: {} })).json().error.message).toBe('id: is required');
    }
    // Not even a super admin mixes tenants.
    expect((await t.call('PUT', `/api/campaigns/${c.id}/recipient-groups`, { token: t.rootToken, body: { id: foreign } })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/api/campaigns/${c.id}/recipient-groups/${foreign}`, { token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/campaigns/${c.id}/recipient-groups`, { token })).json().recipient_groups).toEqual([]);
  });
});
