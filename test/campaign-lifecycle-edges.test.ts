/**
 * The edges of running a campaign: starts that cannot send (a stop date passed, a window with no
 * time left) are refused before anything changes; people and scenarios added to a running
 * campaign are sent to; re-sends start a message's attempts afresh and move each counter once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { buildCampaign, builtInTemplate, drain, people, setStatus } from './helpers/campaign.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp.ts';

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

const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
const HOUR = 3_600_000;
const victimsOf = async (campaignId: number) =>
  t.core.database.db.selectFrom('victims').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
/** A window campaign started and stopped, stopped long enough for every message to fall due (half an hour ago). */
async function stoppedWithOverdue(n: number, prefix: string) {
  const a = await t.tenant();
  const built = await buildCampaign(t, a, { groups: [people(n, prefix)], campaign: { schedule: { mode: 'window', start: iso(-HOUR), end: iso(HOUR) } } });
  await setStatus(t, a.token, built.campaignId, 'running');
  await setStatus(t, a.token, built.campaignId, 'stopped');
  await t.core.database.db.updateTable('victims').set({ send_at: iso(-30 * 60_000), next_send_at: iso(-30 * 60_000) }).where('campaign_id', '=', built.campaignId).execute();
  return { a, built };
}
const recipientsOf = (mails: { to?: unknown }[]) =>
  mails.map((m) => ((Array.isArray(m.to) ? m.to[0] : m.to) as { value: { address: string }[] }).value[0].address).sort();

describe('starting a campaign that cannot send', () => {
  it('refuses a window with no time left (409, nothing changed), and starts once the window is moved', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'late-window-')], campaign: { schedule: { mode: 'window', start: iso(-2 * HOUR), end: iso(-HOUR) } } });
    const url = `/api/campaigns/${built.campaignId}`;
    const res = await t.call('POST', `${url}/status`, { token: a.token, body: { status: 'running' } });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/^schedule: the sending window has no time left \(it ends .+\); change the schedule before starting the campaign$/);
    const after = (await t.call('GET', url, { token: a.token })).json().campaign;
    expect(after).toMatchObject({ status: 'idle', started_at: null });
    expect(await victimsOf(built.campaignId)).toHaveLength(0);
    const timeline = (await t.call('GET', `${url}/stats`, { token: a.token })).json().timeline as { type: number }[];
    expect(timeline.some((e) => e.type === 2)).toBe(false);

    // Moved: it starts, and everyone gets a send time inside the new window.
    const moved = await t.call('POST', url, { token: a.token, body: { name: 'Quarterly test', client_id: a.clientId, schedule: { mode: 'window', start: iso(-HOUR), end: iso(HOUR) } } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await setStatus(t, a.token, built.campaignId, 'running')).status).toBe('running');
    const victims = await victimsOf(built.campaignId);
    expect(victims).toHaveLength(2);
    for (const v of victims) expect(Date.parse(v.send_at!)).toBeLessThanOrEqual(Date.now() + HOUR);
  });

  it('lets a campaign whose window is over resume when everyone already has a send time (its links answer again)', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'resume-window-')], campaign: { schedule: { mode: 'window', start: iso(-HOUR), end: iso(HOUR) } } });
    await setStatus(t, a.token, built.campaignId, 'running');
    await setStatus(t, a.token, built.campaignId, 'stopped');
    // The window has ended meanwhile.
    await t.core.database.db
      .updateTable('campaigns')
      .set({ schedule: JSON.stringify({ mode: 'window', start: iso(-3 * HOUR), end: iso(-2 * HOUR) }) })
      .where('id', '=', built.campaignId)
      .execute();
    expect((await setStatus(t, a.token, built.campaignId, 'running')).status).toBe('running');
  });

  it('a resume gives what fell due while the campaign was stopped new times in what is left of the window', async () => {
    const { a, built } = await stoppedWithOverdue(20, 'retime-');
    const resumedAt = new Date().toISOString();
    await setStatus(t, a.token, built.campaignId, 'running');
    const rows = await victimsOf(built.campaignId);
    expect(rows).toHaveLength(20);
    for (const v of rows) {
      expect(v.send_at! >= resumedAt && v.send_at! <= iso(HOUR)).toBe(true);
      expect(v.next_send_at).toBe(v.send_at);
    }
    // Spread again, not all at the minute of the resume.
    expect(new Set(rows.map((v) => v.send_at!.slice(0, 16))).size).toBeGreaterThan(5);
  });

  it('a message due outside business days (a retry, a late lure) waits for the next one; an awareness mail does not', async () => {
    const a = await t.tenant();
    const day = (ms: number) => ((new Date(ms).getUTCDay() + 6) % 7) + 1; // ISO weekday, UTC (the client's zone)
    const inTwoDays = Date.now() + 2 * 86_400_000;
    const built = await buildCampaign(t, a, {
      groups: [people(2, 'biz-days-')],
      campaign: { schedule: { mode: 'window', start: iso(-HOUR), end: iso(7 * 24 * HOUR), business_days: [day(inTwoDays)] } },
    });
    await setStatus(t, a.token, built.campaignId, 'running');
    // As if a temporary failure had been retried at once: due now, on a day that is not a business day.
    await t.core.database.db.updateTable('victims').set({ send_at: iso(-1000), next_send_at: iso(-1000) }).where('campaign_id', '=', built.campaignId).execute();
    const before = sink.messages.length;
    await t.sending.worker.runOnce();
    const opens = new Date(Date.UTC(new Date(inTwoDays).getUTCFullYear(), new Date(inTwoDays).getUTCMonth(), new Date(inTwoDays).getUTCDate())).toISOString();
    const rows = await victimsOf(built.campaignId);
    expect(rows.map((v) => [v.submitted_at, v.lease_until, v.next_send_at])).toEqual([[null, null, opens], [null, null, opens]]);
    // The awareness mail of a person who failed is not held back by the window.
    await t.core.database.db.updateTable('victims').set({ awareness_send_at: iso(-1000), next_send_at: iso(-1000) }).where('id', '=', rows[0].id).execute();
    await t.sending.worker.runOnce();
    const [held] = await victimsOf(built.campaignId);
    expect(held.awareness_submitted_at !== null || held.error_type === 'awareness').toBe(true);
    expect(held.submitted_at).toBeNull();
    // On the business day, the other person's attack goes (the first carries the awareness
    // error now: this campaign has no awareness content, and nothing more goes to them).
    await t.sending.worker.runOnce(Date.parse(opens) + 60_000);
    const after = await victimsOf(built.campaignId);
    expect(after[1].submitted_at).not.toBeNull();
    const mine = sink.messages.slice(before).filter((m) => JSON.stringify(m.to).includes('biz-days-'));
    expect(mine).toHaveLength(1);
  });

  it('refuses (409) to resume a campaign whose window is over while messages that fell due are unsent', async () => {
    const { a, built } = await stoppedWithOverdue(2, 'late-resume-');
    await t.core.database.db
      .updateTable('campaigns')
      .set({ schedule: JSON.stringify({ mode: 'window', start: iso(-3 * HOUR), end: iso(-2 * HOUR) }) })
      .where('id', '=', built.campaignId)
      .execute();
    const res = await t.call('POST', `/api/campaigns/${built.campaignId}/status`, { token: a.token, body: { status: 'running' } });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/^schedule: the sending window has no time left/);
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign.status).toBe('stopped');
    expect((await victimsOf(built.campaignId)).every((v) => v.send_at! < new Date().toISOString())).toBe(true);
  });

  it('refuses a campaign whose stop date has passed, and the worker sends nothing for one that is still marked running', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'expired-')], campaign: { stop_date: iso(-HOUR) } });
    const res = await t.call('POST', `/api/campaigns/${built.campaignId}/status`, { token: a.token, body: { status: 'running' } });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.message).toMatch(/^stop_date: .+ has passed; change or clear it before starting the campaign$/);
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign.status).toBe('idle');

    // Started with a stop date ahead, which then passes before the sweep that stops it has run.
    await t.call('POST', `/api/campaigns/${built.campaignId}`, { token: a.token, body: { name: 'Quarterly test', client_id: a.clientId, stop_date: iso(HOUR) } });
    await setStatus(t, a.token, built.campaignId, 'running');
    await t.core.database.db.updateTable('campaigns').set({ stop_date: iso(-1000) }).where('id', '=', built.campaignId).execute();
    const before = sink.messages.length;
    await t.sending.worker.runOnce();
    expect((await victimsOf(built.campaignId)).map((v) => v.submitted_at)).toEqual([null, null]);
    expect(sink.messages.length).toBe(before);
  });
});

describe('adding to a running campaign', () => {
  it('sends to a recipient group added to the campaign or to one scenario, and to a scenario added to it', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'first-')] });
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const start = sink.messages.length;

    const g = (await t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Joiners', usb_attack: false } })).json().recipient_group.id;
    await t.call('PUT', `/api/recipient-groups/${g}/recipients`, { token: a.token, body: people(2, 'joiner-') });
    const add = await t.call('PUT', `/api/campaigns/${built.campaignId}/recipient-groups`, { token: a.token, body: { id: g } });
    expect(add.statusCode, add.body).toBe(200);
    await drain(t);
    expect(recipientsOf((await sink.waitFor(start + 2)).slice(start))).toEqual(['joiner-0@example-corp.test', 'joiner-1@example-corp.test']);

    const g2 = (await t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'One scenario', usb_attack: false } })).json().recipient_group.id;
    await t.call('PUT', `/api/recipient-groups/${g2}/recipients`, { token: a.token, body: people(1, 'scenario-only-') });
    const toScenario = await t.call('PUT', `/api/scenarios/${built.scenarioId}/recipient-groups`, { token: a.token, body: { id: g2 } });
    expect(toScenario.statusCode, toScenario.body).toBe(200);
    await drain(t);
    expect(recipientsOf((await sink.waitFor(start + 3)).slice(start + 2))).toEqual(['scenario-only-0@example-corp.test']);

    // A new scenario gets the campaign's groups (not the one-scenario group): four people.
    const templateId = await builtInTemplate(t, a.token, 'hyperlink');
    const s = await t.call('PUT', `/api/campaigns/${built.campaignId}/scenarios`, {
      token: a.token,
      body: { name: 'Second wave', domain: 'login.example-corp.test', language_id: 1, scenario_template_id: templateId },
    });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().scenario).toMatchObject({ status: 'running', recipient_count: 4 });
    await drain(t);
    const wave = (await sink.waitFor(start + 7)).slice(start + 3);
    expect(recipientsOf(wave)).toEqual(['first-0@example-corp.test', 'first-1@example-corp.test', 'joiner-0@example-corp.test', 'joiner-1@example-corp.test']);
    const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats).toMatchObject({ victims: 9, submitted: 9 });
    // Nobody was sent anything twice.
    expect(await t.sending.worker.runOnce()).toBe(0);
  });

  it('refuses people added to a running campaign whose window is over (409), and keeps the group out', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(1, 'w-')], campaign: { schedule: { mode: 'window', start: iso(-HOUR), end: iso(HOUR) } } });
    await setStatus(t, a.token, built.campaignId, 'running');
    await t.core.database.db
      .updateTable('campaigns')
      .set({ schedule: JSON.stringify({ mode: 'window', start: iso(-3 * HOUR), end: iso(-2 * HOUR) }) })
      .where('id', '=', built.campaignId)
      .execute();
    const g = (await t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Too late', usb_attack: false } })).json().recipient_group.id;
    await t.call('PUT', `/api/recipient-groups/${g}/recipients`, { token: a.token, body: people(1, 'too-late-') });
    const add = await t.call('PUT', `/api/campaigns/${built.campaignId}/recipient-groups`, { token: a.token, body: { id: g } });
    expect(add.statusCode, add.body).toBe(409);
    expect(add.json().error.message).toMatch(/^schedule: the sending window has no time left .*before adding people to the running campaign$/);
    const groups = (await t.call('GET', `/api/campaigns/${built.campaignId}/recipient-groups`, { token: a.token })).json().recipient_groups as { id: number }[];
    expect(groups.map((x) => x.id)).toEqual(built.groupIds);
  });
});

describe('re-sending', () => {
  it('starts the attempts afresh after the worker gave up, and clears a temporary failure once a retry goes through', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [[{ email: 'flaky@example-corp.test', name: 'Flaky' }]] });
    sink.reject.set('flaky@example-corp.test', { code: 451, message: 'try again later' });
    try {
      await setStatus(t, a.token, built.campaignId, 'running');
      await drain(t);
      const db = t.core.database.db;
      let [v] = await victimsOf(built.campaignId);
      expect(v).toMatchObject({ attempts: 1, error: 0 });
      expect(v.error_text).toMatch(/451/);

      // The relay works again; the retry (made due now) goes through and the old reason goes.
      sink.reject.delete('flaky@example-corp.test');
      await db.updateTable('victims').set({ next_send_at: new Date().toISOString() }).where('id', '=', v.id).execute();
      await drain(t);
      [v] = await victimsOf(built.campaignId);
      expect(v).toMatchObject({ attempts: 2, error: 0, error_text: '' });
      expect(v.submitted_at).not.toBeNull();

      // Given up after every attempt (as the worker leaves it), then re-sent: a 451 is retried again.
      await db.updateTable('victims').set({ submitted_at: null, attempts: 8, error: 1, error_text: 'gave up after 8 attempts: 451 try again later', error_time: new Date().toISOString(), error_type: 'attack' }).where('id', '=', v.id).execute();
      const res = await t.call('POST', `/api/campaigns/victims/${v.id}/re-send/attack`, { token: a.token });
      expect(res.statusCode, res.body).toBe(200);
      sink.reject.set('flaky@example-corp.test', { code: 451, message: 'try again later' });
      await t.sending.worker.runOnce();
      [v] = await victimsOf(built.campaignId);
      expect(v).toMatchObject({ attempts: 1, error: 0 });
      expect(Date.parse(v.next_send_at!)).toBeGreaterThan(Date.now()); // retried later, not given up
    } finally {
      sink.reject.delete('flaky@example-corp.test');
    }
  });

  it('a delivered message asked to be re-sent stays delivered until the new one goes; a re-send that bounces leaves the first delivery as it was', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [[{ email: 'dan@example-corp.test', name: 'Dan' }, { email: 'eve@example-corp.test', name: 'Eve' }]] });
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const [dan, eve] = await victimsOf(built.campaignId);
    const counts = async () => (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(await counts()).toMatchObject({ submitted: 2, errors: 0 });
    for (const v of [dan, eve]) expect((await t.call('POST', `/api/campaigns/victims/${v.id}/re-send/attack`, { token: a.token })).statusCode).toBe(200);
    // Asked, not yet sent: both still delivered, as they were.
    let [d, e] = await victimsOf(built.campaignId);
    expect([d.submitted_at, e.submitted_at]).toEqual([dan.submitted_at, eve.submitted_at]);
    expect(await counts()).toMatchObject({ submitted: 2 });
    // Dan's mailbox is gone now; Eve's re-send goes through.
    sink.reject.set('dan@example-corp.test', { code: 550, message: 'mailbox unavailable' });
    try {
      await drain(t);
    } finally {
      sink.reject.delete('dan@example-corp.test');
    }
    [d, e] = await victimsOf(built.campaignId);
    expect(d.submitted_at).toBe(dan.submitted_at);
    expect(d).toMatchObject({ error: 1, error_type: 'attack', resend: 'attack' });
    expect(e.submitted_at! > eve.submitted_at!).toBe(true);
    expect(e.resend).toBe('');
    expect(await counts()).toMatchObject({ submitted: 2, errors: 1 });
    const victims = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?sort=email`, { token: a.token })).json().victims;
    expect(victims.map((v: { submitted_at: string | null }) => v.submitted_at !== null)).toEqual([true, true]);
  });

  it("refuses to re-send awareness when none of the campaign's awareness applies to the victim's scenario", async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(1, 'aw-')] });
    const templateId = await builtInTemplate(t, a.token, 'hyperlink');
    const other = await t.call('PUT', `/api/campaigns/${built.campaignId}/scenarios`, {
      token: a.token,
      body: { name: 'Other', domain: 'login.example-corp.test', language_id: 1, scenario_template_id: templateId },
    });
    const list = await t.call('GET', '/api/awareness-templates?builtin=true&limit=1&sort=id', { token: a.token });
    const aw = await t.call('PUT', `/api/campaigns/${built.campaignId}/awareness`, {
      token: a.token,
      body: { name: 'T', domain: 'training.example-corp.test', language_id: 1, template_id: list.json().awareness_templates[0].id },
    });
    expect(aw.statusCode, aw.body).toBe(200);
    const db = t.core.database.db;
    const awarenessId = (await db.selectFrom('campaign_awareness').select('id').where('campaign_id', '=', built.campaignId).executeTakeFirstOrThrow()).id;
    // Linked to the other scenario only.
    await db.insertInto('campaign_awareness_scenarios').values({ client_id: a.clientId, awareness_id: awarenessId, scenario_id: other.json().scenario.id, risk_level: 0 } as never).execute();
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const v = (await victimsOf(built.campaignId)).find((x) => x.scenario_id === built.scenarioId)!;
    const res = await t.call('POST', `/api/campaigns/victims/${v.id}/re-send/awareness`, { token: a.token });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toBe("message_type: none of this campaign's awareness applies to this victim's scenario");
    const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats.errors).toBe(0);
    // The other scenario's victim can be re-sent its awareness.
    const w = (await victimsOf(built.campaignId)).find((x) => x.scenario_id !== built.scenarioId)!;
    expect((await t.call('POST', `/api/campaigns/victims/${w.id}/re-send/awareness`, { token: a.token })).statusCode).toBe(200);
  });
});

describe('listing victims', () => {
  it("sorts by every column of Lucy's Victim resource, both ways, and names the columns when one is unknown", async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(3, 'sort-')] });
    await setStatus(t, a.token, built.campaignId, 'running');
    const url = `/api/campaigns/${built.campaignId}/victims`;
    const one = (await t.call('GET', url, { token: a.token })).json().victims[0] as Record<string, unknown>;
    const columns = Object.keys(one).filter((k) => k !== 'links');
    for (const c of columns) {
      for (const sort of [c, `-${c}`]) {
        const res = await t.call('GET', `${url}?sort=${sort}`, { token: a.token });
        expect(res.statusCode, `${sort}: ${res.body}`).toBe(200);
        expect(res.json().victims).toHaveLength(3);
      }
    }
    const byPhone = (await t.call('GET', `${url}?sort=-phone`, { token: a.token })).json().victims.map((v: { phone: string }) => v.phone);
    expect(byPhone).toEqual([...byPhone].sort().reverse());
    const bad = await t.call('GET', `${url}?sort=links`, { token: a.token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^sort: unknown column "links"; one of id, email, /);
  });
});

describe('deleting what a campaign was built from', () => {
  it("a scenario deleted from a stopped campaign takes its people out of the campaign's recipients", async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [[{ email: 'alice@example-corp.test', name: 'Alice' }]] });
    const other = await t.call('PUT', '/api/recipient-groups', { token: a.token, body: { name: 'Others', usb_attack: false } });
    const otherId = other.json().recipient_group.id;
    await t.call('PUT', `/api/recipient-groups/${otherId}/recipients`, { token: a.token, body: [{ email: 'bob@example-corp.test', name: 'Bob' }, { email: 'carol@example-corp.test', name: 'Carol' }] });
    const s2 = await t.call('PUT', `/api/campaigns/${built.campaignId}/scenarios`, {
      token: a.token,
      body: { name: 'Second', domain: 'login.example-corp.test', language_id: 1, scenario_template_id: await builtInTemplate(t, a.token, 'hyperlink') },
    });
    const s2Id = s2.json().scenario.id;
    expect((await t.call('PUT', `/api/scenarios/${s2Id}/recipient-groups`, { token: a.token, body: { id: otherId } })).statusCode).toBe(200);
    // Only the first scenario has the campaign's own group; the second has the others.
    await t.call('DELETE', `/api/campaigns/${built.campaignId}/recipient-groups/${built.groupIds[0]}`, { token: a.token });
    expect((await t.call('PUT', `/api/scenarios/${built.scenarioId}/recipient-groups`, { token: a.token, body: { id: built.groupIds[0] } })).statusCode).toBe(200);
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    await setStatus(t, a.token, built.campaignId, 'stopped');
    const campaign = async () => (await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign;
    expect(await campaign()).toMatchObject({ recipients: 3, submitted: 3 });
    expect((await t.call('DELETE', `/api/scenarios/${s2Id}`, { token: a.token })).statusCode).toBeLessThan(300);
    expect(await campaign()).toMatchObject({ recipients: 1, submitted: 1 });
  });

  it('a recipient group a running campaign sends to cannot be deleted (409); once stopped, its deletion is in the timeline (event 21)', async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(2, 'delgroup-')] });
    await setStatus(t, a.token, built.campaignId, 'running');
    const refused = await t.call('DELETE', `/api/recipient-groups/${built.groupIds[0]}`, { token: a.token });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/running/);
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/recipient-groups`, { token: a.token })).json().recipient_groups).toHaveLength(1);
    await setStatus(t, a.token, built.campaignId, 'stopped');
    // Another tenant's id: not found, and nothing recorded in the campaign.
    const other = await t.tenant();
    expect((await t.call('DELETE', `/api/recipient-groups/${built.groupIds[0]}`, { token: other.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json().timeline.some((e: { type: number }) => e.type === 21)).toBe(false);
    expect((await t.call('DELETE', `/api/recipient-groups/${built.groupIds[0]}`, { token: a.token })).statusCode).toBeLessThan(300);
    const stats = (await t.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json();
    expect(stats.timeline.at(-1)).toMatchObject({ type: 21 });
    // The victims stay, with their results.
    expect((await t.call('GET', `/api/campaigns/${built.campaignId}/victims`, { token: a.token })).json().victims).toHaveLength(2);
  });
});

describe('recipients tested', () => {
  it("a start stamps its people's last_tested once it has committed (not holding the start up)", async () => {
    const a = await t.tenant();
    const built = await buildCampaign(t, a, { groups: [people(3, 'tested-')] });
    const before = new Date().toISOString();
    await setStatus(t, a.token, built.campaignId, 'running');
    let stamped: (string | null)[] = [];
    for (let i = 0; i < 100; i++) {
      stamped = (await t.core.database.db.selectFrom('recipients').select('last_tested').where('recipient_group_id', '=', built.groupIds[0]).execute()).map((r) => r.last_tested);
      if (stamped.every((s) => s !== null)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(stamped).toHaveLength(3);
    for (const s of stamped) expect(s! >= before).toBe(true);
    const listed = (await t.call('GET', `/api/recipient-groups/${built.groupIds[0]}/recipients`, { token: a.token })).json();
    expect(JSON.stringify(listed)).toContain('"last_tested":"');
  });
});
