/**
 * The outbox worker against what happens while its messages are in flight at the relay (a real
 * SMTP server on loopback that holds a message's DATA answer): a stop, a re-send, an awareness
 * mail scheduled meanwhile; and, on PostgreSQL, several workers recording at once.
 */
import { sql } from 'kysely';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutboxWorker } from '../src/core/sending/outbox.ts';
import { createTestApp, usingPostgres, type TestApp } from './helpers/app.ts';
import { buildCampaign, drain, people, setStatus } from './helpers/campaign.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp.ts';

let sink: SmtpSink;
let t: TestApp;
beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({ DECOY_SMTP_URL: sink.url });
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0].address!;
const db = () => t.core.database.db;

it('a stop in the middle of a batch: nothing more of it goes out, and a resume sends the rest, once each', async () => {
  const a = await t.tenant();
  const built = await buildCampaign(t, a, { groups: [people(200, 'stopmid-')] });
  await setStatus(t, a.token, built.campaignId, 'running');
  const before = sink.messages.length;
  let stopped: Promise<unknown> | null = null;
  // The first message is held at the relay until the campaign has been stopped.
  sink.hold = async () => {
    stopped ??= setStatus(t, a.token, built.campaignId, 'stopped');
    await stopped;
  };
  try {
    expect(await t.sending.worker.runOnce()).toBe(200);
  } finally {
    sink.hold = null;
  }
  const during = sink.messages.length - before;
  // What was already handed to the relay when the stop came went out; nothing after it.
  expect(during).toBeGreaterThan(0);
  expect(during).toBeLessThan(200);
  const pending = await db().selectFrom('victims').select(['lease_until', 'next_send_at']).where('campaign_id', '=', built.campaignId).where('submitted_at', 'is', null).execute();
  expect(pending).toHaveLength(200 - during);
  for (const v of pending) expect([v.lease_until, v.next_send_at === null]).toEqual([null, false]);
  expect((await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign).toMatchObject({ status: 'stopped', submitted: during });
  expect(await t.sending.worker.runOnce()).toBe(0);

  await setStatus(t, a.token, built.campaignId, 'running');
  await drain(t);
  const mails = (await sink.waitFor(before + 200)).slice(before);
  expect(mails).toHaveLength(200);
  expect(new Set(mails.map(to)).size).toBe(200);
  expect((await t.call('GET', `/api/campaigns/${built.campaignId}`, { token: a.token })).json().campaign).toMatchObject({ submitted: 200 });
});

it('a re-send, and an awareness mail scheduled, while the first message is in flight both go out afterwards', async () => {
  const a = await t.tenant();
  const built = await buildCampaign(t, a, { groups: [[{ email: 'alice@example-corp.test', name: 'Alice' }, { email: 'bob@example-corp.test', name: 'Bob' }]] });
  await setStatus(t, a.token, built.campaignId, 'running');
  const victims = (await t.call('GET', `/api/campaigns/${built.campaignId}/victims?sort=email`, { token: a.token })).json().victims;
  const [alice, bob] = victims as { id: number }[];
  const before = sink.messages.length;
  let once = false;
  sink.hold = async () => {
    if (once) return;
    once = true;
    // An operator re-sends Alice's attack...
    expect((await t.call('POST', `/api/campaigns/victims/${alice.id}/re-send/attack`, { token: a.token })).statusCode).toBe(200);
    // ...and Bob's awareness mail is scheduled (as a success does, from another process).
    const at = new Date().toISOString();
    await db()
      .updateTable('victims')
      .set({ awareness_send_at: at, next_send_at: sql<string>`case when next_send_at is null or next_send_at > ${at} then ${at} else next_send_at end` })
      .where('id', '=', bob.id)
      .execute();
  };
  try {
    await t.sending.worker.runOnce();
  } finally {
    sink.hold = null;
  }
  const row = (id: number) => db().selectFrom('victims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  expect((await row(bob.id)).next_send_at).not.toBeNull();
  await drain(t);
  const mails = (await sink.waitFor(before + 3)).slice(before);
  const byPerson = (who: string) => mails.filter((m) => to(m) === who).length;
  // Alice: the first attack and its re-send. Bob: his attack; his awareness was tried (this
  // campaign has no awareness content, so it is recorded as an error) rather than forgotten.
  expect(byPerson('alice@example-corp.test')).toBe(2);
  expect(byPerson('bob@example-corp.test')).toBe(1);
  const b = await row(bob.id);
  expect(b.awareness_submitted_at !== null || b.error_type === 'awareness').toBe(true);
  expect(b.next_send_at).toBeNull();
  expect((await row(alice.id)).submitted_at).not.toBeNull();
});

it.skipIf(!usingPostgres())('four workers on PostgreSQL, batches mixing three scenarios: no deadlock, nobody gets a message twice', async () => {
  // The built-in catcher (no relay): the fastest transport, so that the workers record at the same moments.
  const c = await createTestApp();
  try {
    const a = await c.tenant();
    const built = await buildCampaign(c, a, { groups: [people(150, 'deadlock-')] });
    const cdb = c.core.database.db;
    const templateId = (await cdb.selectFrom('scenarios').select('scenario_template_id').where('id', '=', built.scenarioId).executeTakeFirstOrThrow()).scenario_template_id;
    for (const n of [2, 3]) {
      const s = await c.call('PUT', `/api/campaigns/${built.campaignId}/scenarios`, {
        token: a.token,
        body: { name: `Scenario ${n}`, domain: 'login.example-corp.test', language_id: 1, scenario_template_id: templateId },
      });
      expect(s.statusCode, s.body).toBe(200);
    }
    await setStatus(c, a.token, built.campaignId, 'running');
    // Due times spread at random (as a window gives), so that each batch mixes the scenarios in its own order.
    await sql`update victims set next_send_at = to_char((now() - random() * interval '1 hour') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') where campaign_id = ${built.campaignId}`.execute(cdb);
    const count = async (q: 'victims' | 'outbox_messages') => Number((await cdb.selectFrom(q).select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id' as never, '=', built.campaignId as never).executeTakeFirstOrThrow()).n);
    expect(await count('victims')).toBe(450);
    const errors: unknown[] = [];
    const workers = Array.from({ length: 4 }, () => new OutboxWorker(c.core.database, c.sending.messages.build, (ms) => c.sending.send(ms), { batchSize: 10, leaseMs: 2000 }, (err) => errors.push(err)));
    const round = async () => {
      for (let i = 0; i < 200; i++) {
        const n = await Promise.all(workers.map((w) => w.runOnce().catch((err: unknown) => (errors.push(err), 1))));
        if (n.every((x) => x === 0)) return;
      }
    };
    await round();
    // Past every lease: anything sent but not recorded would go out again now.
    await new Promise((r) => setTimeout(r, 2500));
    await round();
    const sent = await cdb.selectFrom('outbox_messages').select(['recipient', 'victim_id']).where('campaign_id', '=', built.campaignId).execute();
    expect(sent).toHaveLength(450);
    expect(new Set(sent.map((m) => m.victim_id)).size).toBe(450);
    expect(new Set(sent.map((m) => m.recipient)).size).toBe(150);
    expect(errors.map((e) => (e as Error).message)).toEqual([]);
    expect((await c.call('GET', `/api/campaigns/${built.campaignId}/stats`, { token: a.token })).json()).toMatchObject({ submitted: 450 });
  } finally {
    await c.close();
  }
}, 120_000);
