import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { buildCampaign, drain, people, setStatus } from './helpers/campaign.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp.ts';
import { scenarioTemplate } from './lucy/campaigns-factories.ts';
import { buildTrackingServer } from '../src/tracking/server.ts';

let sink: SmtpSink;
let t: TestApp;
beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({ DECOY_SMTP_URL: sink.url, DECOY_PUBLIC_URL: 'https://track.decoy.test' });
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

describe('running a campaign over SMTP', () => {
  it('creates one victim per person per scenario and sends each one message with working links', async () => {
    const a = await t.tenant();
    const shared = { email: 'both@example-corp.test', name: 'In Both Groups' };
    const built = await buildCampaign(t, a, { groups: [[...people(5, 'g1-'), shared], [...people(4, 'g2-'), shared]] });
    const before = sink.messages.length;
    const campaign = await setStatus(t, a.token, built.campaignId, 'running');
    expect(campaign.status).toBe('running');
    expect(campaign.recipients).toBe(10);
    const victims = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?limit=1000`, { token: a.token })).json().victims;
    expect(victims).toHaveLength(10);
    expect(victims.filter((v: { email: string }) => v.email === 'both@example-corp.test')).toHaveLength(1);

    await drain(t);
    const mails = (await sink.waitFor(before + 10)).slice(before);
    expect(mails).toHaveLength(10);
    const to = mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address).sort();
    expect(new Set(to).size).toBe(10);
    const ids = new Set(mails.map((m) => m.messageId));
    expect(ids.size).toBe(10);
    for (const m of mails) {
      expect(m.subject).toBeTruthy();
      expect(m.text).toBeTruthy();
      const link = /https:\/\/track\.decoy\.test\/l\/[A-Za-z0-9_-]{23,}/.exec(String(m.html))?.[0];
      expect(link, String(m.html)).toBeTruthy();
      const victimId = t.core.tracking.victimOf(link!.split('/l/')[1]);
      expect(victimId).not.toBeNull();
    }
    const after = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?limit=1000`, { token: a.token })).json().victims;
    expect(after.every((v: { submitted_at: string | null }) => v.submitted_at)).toBe(true);
    const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats).toMatchObject({ victims: 10, submitted: 10, errors: 0 });
    expect(stats.timeline.map((e: { type: number }) => e.type)).toEqual(expect.arrayContaining([1, 2, 10, 20]));
    const c = (await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign;
    expect(c).toMatchObject({ recipients: 10, submitted: 10 });
    const s = (await t.call('GET', `/api/scenarios/${built.scenarioId}`, { token: a.token })).json().scenario;
    expect(s).toMatchObject({ recipient_count: 10, messages_sent: 10 });

    // Nothing is sent twice: another round finds nothing due, and a restart adds only new people.
    expect(await t.sending.worker.runOnce()).toBe(0);
    await setStatus(t, a.token, built.campaignId, 'stopped');
    await t.call('PUT', `/api/recipient-groups/${built.groupIds[0]}/recipients`, { token: a.token, body: { email: 'late@example-corp.test', name: 'Late Joiner' } });
    await setStatus(t, a.token, built.campaignId, 'restart');
    await drain(t);
    const more = (await sink.waitFor(before + 11)).slice(before + 10);
    expect(more.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address)).toEqual(['late@example-corp.test']);
  });

  it('records a 5xx as a permanent error, retries a 4xx, lists errors and re-sends', async () => {
    const a = await t.tenant();
    sink.reject.set('bounce@example-corp.test', { code: 550, message: 'mailbox unavailable' });
    sink.reject.set('later@example-corp.test', { code: 451, message: 'try again later' });
    const built = await buildCampaign(t, a, {
      groups: [[{ email: 'bounce@example-corp.test', name: 'Bounce' }, { email: 'later@example-corp.test', name: 'Later' }, { email: 'fine@example-corp.test', name: 'Fine' }]],
    });
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const errors = (await t.call('GET', `/api/campaigns/${built.campaignId}/errors`, { token: a.token })).json().errors;
    expect(errors, JSON.stringify(errors)).toHaveLength(1);
    expect(errors[0]).toMatchObject({ email: 'bounce@example-corp.test', error_type: 'attack' });
    expect(errors[0].error_text).toMatch(/550/);
    // Sortable by every column of Lucy's Campaign Errors resource.
    for (const sort of ['victim_id', '-victim_id', 'recipient_id', '-recipient_id', 'name', 'email', 'error_text', 'error_time', 'error_type']) {
      const res = await t.call('GET', `/api/campaigns/${built.campaignId}/errors?sort=${sort}`, { token: a.token });
      expect(res.statusCode, `${sort}: ${res.body}`).toBe(200);
      expect(res.json().errors).toHaveLength(1);
    }
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/errors?sort=nonsense`, { token: a.token })).json().error.message).toMatch(/^sort: unknown column "nonsense"; one of id, victim_id, recipient_id/);
    const victims = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?sort=email`, { token: a.token })).json().victims;
    const later = victims.find((v: { email: string }) => v.email === 'later@example-corp.test');
    expect(later.submitted_at).toBeNull();
    expect(later.error).toBe(false);
    const row = await t.core.database.db.selectFrom('victims').selectAll().where('id', '=', later.id).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
    expect(row.next_send_at! > new Date().toISOString()).toBe(true); // backed off
    let stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats).toMatchObject({ submitted: 1, errors: 1 });

    // The mailbox works again: a re-send clears the error and delivers.
    sink.reject.delete('bounce@example-corp.test');
    const bounce = victims.find((v: { email: string }) => v.email === 'bounce@example-corp.test');
    const before = sink.messages.length;
    const res = await t.call('POST', `/api/campaigns/victims/${bounce.id}/re-send/attack`, { token: a.token, headers: { 'content-type': 'application/json' }, raw: '' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    await drain(t);
    await sink.waitFor(before + 1);
    stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats).toMatchObject({ submitted: 2, errors: 0 });
    expect((await t.call('POST', `/api/campaigns/victims/${bounce.id}/re-send/lure`, { token: a.token })).statusCode).toBe(400);
    expect((await t.call('POST', `/api/campaigns/victims/${bounce.id}/re-send/nonsense`, { token: a.token })).statusCode).toBe(400);
    const other = await t.tenant();
    expect((await t.call('POST', `/api/campaigns/victims/${bounce.id}/re-send/attack`, { token: other.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/victims`, { token: other.token })).statusCode).toBe(404);
    sink.reject.delete('later@example-corp.test');
  });

  it('a re-send of a delivered message goes out with a Message-ID of its own', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [[{ email: 'twice@example-corp.test', name: 'Twice' }]] });
    const before = sink.messages.length;
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const [victim] = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims`, { token: a.token })).json().victims;
    expect((await t.call('POST', `/api/campaigns/victims/${victim.id}/re-send/attack`, { token: a.token })).statusCode).toBe(200);
    await drain(t);
    const mails = (await sink.waitFor(before + 2)).slice(before);
    const ids = mails.map((m) => m.headerLines.find((h) => h.key === 'message-id')?.line);
    expect(ids.every((id) => /^Message-ID: <[^>]+>$/i.test(id ?? ''))).toBe(true);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('sends nothing for a stopped campaign, and the lure first for a double barrel', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(3, 'db-')], scenario: { double_barrel: true, lure_delay: 0 } });
    await setLureContent(built.scenarioId, 'Heads-up: a document is coming', 'Hi {{firstname}}, expect a file from us.');
    await setStatus(t, a.token, built.campaignId, 'running');
    await setStatus(t, a.token, built.campaignId, 'stopped');
    const before = sink.messages.length;
    expect(await t.sending.worker.runOnce()).toBe(0);
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const mails = (await sink.waitFor(before + 6)).slice(before);
    expect(mails).toHaveLength(6);
    const lures = mails.filter((m) => m.subject === 'Heads-up: a document is coming');
    expect(lures).toHaveLength(3);
    const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign;
    expect(stats).toMatchObject({ lure_submitted: 3, submitted: 3 });
  });

  it('a double-barrel lure that goes out late keeps its attack lure_delay behind it', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'late-lure-')], scenario: { double_barrel: true, lure_delay: 60 } });
    await setLureContent(built.scenarioId, 'Heads-up: late lure', 'Hi {{firstname}}');
    await setStatus(t, a.token, built.campaignId, 'running');
    // As after a backlog (or a stop) of two hours: the lure was due two hours ago, the attack one hour ago.
    const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    await t.core.database.db.updateTable('victims').set({ lure_send_at: ago(120), send_at: ago(60), next_send_at: ago(120) }).where('campaign_id', '=', built.campaignId).execute();
    const before = sink.messages.length;
    await t.sending.worker.runOnce();
    await t.sending.worker.runOnce();
    const first = (await sink.waitFor(before + 2)).slice(before);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.length - before).toBe(2);
    expect(first.every((m) => m.subject === 'Heads-up: late lure')).toBe(true);
    const rows = await t.core.database.db.selectFrom('victims').select(['lure_submitted_at', 'send_at', 'submitted_at']).where('campaign_id', '=', built.campaignId).execute();
    for (const r of rows) {
      expect(r.submitted_at).toBeNull();
      expect(Date.parse(r.send_at!) - Date.parse(r.lure_submitted_at!)).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    }
    // Half an hour later (other tests' messages may go meanwhile): still no attack.
    await t.sending.worker.runOnce(Date.now() + 30 * 60_000);
    const pending = await t.core.database.db.selectFrom('victims').select('submitted_at').where('campaign_id', '=', built.campaignId).execute();
    expect(pending.map((r) => r.submitted_at)).toEqual([null, null]);
    await t.sending.worker.runOnce(Date.now() + 61 * 60_000);
    await drain(t);
    const mine = sink.messages.slice(before).filter((m) => JSON.stringify(m.to).includes('late-lure-'));
    expect(mine.filter((m) => m.subject !== 'Heads-up: late lure')).toHaveLength(2);
    expect(mine).toHaveLength(4);
  });

  it("fills the recipient's custom fields and the date into the message", async () => {
    const a = await t.tenant();
    const db = t.core.database.db;
    const templateId = await scenarioTemplate(t, { clientId: a.clientId });
    await db
      .updateTable('scenario_template_contents')
      .set({ subject: 'Invoice {{custom.Cost Center}}/{{custom.Badge}} of {{date}}', email_text: 'Hi {{firstname}}, see {{link}}', email_html: '<p>{{custom.Badge}} {{link}}</p>' })
      .where('scenario_template_id', '=', templateId)
      .execute();
    await db.insertInto('recipient_custom_fields').values([{ client_id: a.clientId, name: 'Cost Center', ldap_attribute: '' }, { client_id: a.clientId, name: 'Badge', ldap_attribute: '' }]).execute();
    const built = await buildCampaign(t, a, { groups: [people(2, 'cf-')], scenario: { scenario_template_id: templateId } });
    // One person with both values (one of them needing escaping in HTML), one with unreadable values.
    const recipients = await db.selectFrom('recipients').select('id').where('recipient_group_id', '=', built.groupIds[0]).orderBy('id').execute();
    await db.updateTable('recipients').set({ custom_fields: JSON.stringify(['CC-42', '<B&7>']) }).where('id', '=', recipients[0].id).execute();
    await db.updateTable('recipients').set({ custom_fields: 'not json' }).where('id', '=', recipients[1].id).execute();
    const before = sink.messages.length;
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const mails = (await sink.waitFor(before + 2)).slice(before);
    const today = new Date().toISOString().slice(0, 10);
    expect(mails.map((m) => m.subject).sort()).toEqual([`Invoice / of ${today}`, `Invoice CC-42/<B&7> of ${today}`]);
    const html = mails.map((m) => String(m.html)).find((h) => h.includes('B&amp;7'));
    expect(html).toContain('&lt;B&amp;7&gt;');
  });

  it('spreads a scheduled campaign over its window: nothing is due before its time', async () => {
    const a = await t.tenant();
    const start = new Date(Date.now() + 86400_000).toISOString();
    const end = new Date(Date.now() + 3 * 86400_000).toISOString();
    const built = await buildCampaign(t, a, { groups: [people(20, 'win-')] });
    const bad = await t.call('POST', `/api/campaigns/${built.campaignId}`, { token: a.token, body: { name: 'Windowed', client_id: a.clientId, schedule: { mode: 'window', start } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^schedule\.end/);
    const saved = await t.call('POST', `/api/campaigns/${built.campaignId}`, {
      token: a.token,
      body: { name: 'Windowed', client_id: a.clientId, schedule: { mode: 'window', start, end, business_days: [1, 2, 3, 4, 5, 6, 7] } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().campaign.schedule).toMatchObject({ mode: 'window', end: new Date(end).toISOString() });
    await setStatus(t, a.token, built.campaignId, 'running');
    expect(await t.sending.worker.runOnce()).toBe(0);
    const rows = await t.core.database.db.selectFrom('victims').select(['send_at']).where('campaign_id', '=', built.campaignId).execute();
    expect(rows).toHaveLength(20);
    for (const r of rows) expect(r.send_at! >= start && r.send_at! < end).toBe(true);
    expect(new Set(rows.map((r) => r.send_at)).size).toBe(20);
  });
});

/** Gives the scenario's template a lure message (double barrel), in every language. */
async function setLureContent(scenarioId: number, subject: string, text: string) {
  const db = t.core.database.db;
  const { scenario_template_id } = await db.selectFrom('scenarios').select('scenario_template_id').where('id', '=', scenarioId).executeTakeFirstOrThrow();
  await db.updateTable('scenario_template_contents').set({ lure_subject: subject, lure_html: `<p>${text}</p>`, lure_text: text }).where('scenario_template_id', '=', scenario_template_id).execute();
  t.sending.messages.invalidate();
}

describe('DKIM', () => {
  it('signs mail from a domain with a DKIM key; the key is stored encrypted and never shown', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const a = await t.tenant();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const d = await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'signed-sender.test' } });
    const domainId = d.json().domain.id;
    const bad = await t.call('PUT', `/api/domains/${domainId}/dkim`, { token: a.token, body: { selector: 'd2026', private_key: 'not a key' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^private_key:/);
    const set = await t.call('PUT', `/api/domains/${domainId}/dkim`, { token: a.token, body: { selector: 'd2026', private_key: pem } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().domain).toMatchObject({ dkim: true, dkim_selector: 'd2026' });
    expect(set.body).not.toContain('PRIVATE KEY');
    const row = await t.core.database.db.selectFrom('domains').selectAll().where('id', '=', domainId).executeTakeFirstOrThrow();
    expect(row.dkim_private_key).not.toContain('PRIVATE KEY');
    const other = await t.tenant();
    expect((await t.call('PUT', `/api/domains/${domainId}/dkim`, { token: other.token, body: { selector: 'x', private_key: pem } })).statusCode).toBe(404);

    const built = await buildCampaign(t, a, { groups: [people(1, 'dkim-')], scenario: { sender_email: 'it@signed-sender.test', sender_name: 'IT' } });
    const before = sink.messages.length;
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    const sig = mail.headerLines.find((h) => h.key === 'dkim-signature')?.line ?? '';
    expect(sig).toMatch(/d=signed-sender\.test/);
    expect(sig).toMatch(/s=d2026/);
  });

  it('an internationalised sender domain: signed with its key (stored as punycode), and a 7-bit Message-ID', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const a = await t.tenant();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const d = await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'bücher-idn.test' } });
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json().domain.name).toBe('xn--bcher-idn-q9a.test');
    expect((await t.call('PUT', `/api/domains/${d.json().domain.id}/dkim`, { token: a.token, body: { selector: 'idn', private_key: pem } })).statusCode).toBe(200);

    const built = await buildCampaign(t, a, { groups: [people(1, 'idn-')], scenario: { sender_email: 'it@Bücher-IDN.test', sender_name: 'IT' } });
    const before = sink.messages.length;
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    const messageId = mail.headerLines.find((h) => h.key === 'message-id')?.line ?? '';
    expect(messageId).toMatch(/^Message-ID: <[^@\s]+@xn--bcher-idn-q9a\.test>$/i);
    const sig = mail.headerLines.find((h) => h.key === 'dkim-signature')?.line ?? '';
    expect(sig).toMatch(/d=xn--bcher-idn-q9a\.test/);
    expect(sig).toMatch(/s=idn/);
  });
});

describe('stop date', () => {
  it('stops a campaign once its stop date has passed: event 3, nothing more is sent', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'stop-')], campaign: { stop_date: new Date(Date.now() + 3000).toISOString() } });
    await setStatus(t, a.token, built.campaignId, 'running');
    await t.sending.worker.runOnce(Date.now() + 60_000);
    const c = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(c.timeline.at(-1)).toMatchObject({ type: 3 });
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign.status).toBe('stopped');
  });

  it("a campaign stopped at its stop date: this process's tracking server answers its links 404 at once (no cache lifetime to wait)", async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(1, 'stop-links-')], campaign: { stop_date: new Date(Date.now() + 60_000).toISOString() } });
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const tracking = await buildTrackingServer(t.core, { logger: false });
    try {
      const victim = await t.core.database.db.selectFrom('victims').select('id').where('campaign_id', '=', built.campaignId).executeTakeFirstOrThrow();
      const url = `/o/${t.core.tracking.tokens.token(victim.id)}.gif`;
      const ua = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36' };
      expect((await tracking.inject({ method: 'GET', url, headers: ua })).statusCode).toBe(200);
      await t.core.database.db.updateTable('campaigns').set({ stop_date: new Date(Date.now() - 1000).toISOString() }).where('id', '=', built.campaignId).execute();
      await t.sending.worker.runOnce(Date.now() + 10_000);
      expect((await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign.status).toBe('stopped');
      expect((await tracking.inject({ method: 'GET', url, headers: ua })).statusCode).toBe(404);
    } finally {
      await tracking.close();
    }
  });
});

describe('without a relay', () => {
  it('keeps every message in the built-in catcher, listed by /api/outbox', async () => {
    const c = await createTestApp();
    try {
      const a = await c.tenant();
      const built = await buildCampaign(c, a, { groups: [people(3, 'catch-')] });
      await setStatus(c, a.token, built.campaignId, 'running');
      await drain(c);
      const outbox = (await c.call('GET', `/api/outbox?campaign_id=${built.campaignId}`, { token: a.token })).json().outbox;
      expect(outbox).toHaveLength(3);
      expect(outbox[0]).toMatchObject({ message_type: 'attack', channel: 'email', campaign_id: built.campaignId });
      expect(outbox[0].html).toMatch(/\/l\/[A-Za-z0-9_-]{23,}/);
      // SMS scenarios go through the SMS provider (the built-in one records them).
      const sms = await buildCampaign(c, a, { groups: [people(2, 'sms-')], scenario: { message_type: 'sms' } });
      await setStatus(c, a.token, sms.campaignId, 'running');
      await drain(c);
      const texts = (await c.call('GET', `/api/outbox?campaign_id=${sms.campaignId}&channel=sms`, { token: a.token })).json().outbox;
      expect(texts).toHaveLength(2);
      expect(texts[0].recipient).toMatch(/^\+4179/);
    } finally {
      await c.close();
    }
  });
});
