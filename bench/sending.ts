/**
 * Sending a 100,000-recipient campaign to an SMTP sink in another process (bench/smtp-sink.ts),
 * with the real pieces: the campaign is started through the admin API (POST
 * /api/campaigns/:id/status running: creates and schedules the victims), then the outbox worker
 * (OutboxWorker wired by wireSending: claim, render, send over nodemailer's pool, record
 * outcomes and counters) sends everything. Printed with ratios to baselines of the same run:
 *   (a) start vs. a bare `INSERT INTO victims (...) SELECT ... FROM recipients` of the same rows,
 *       through the same driver (better-sqlite3 or pg) on its own connection;
 *   (b) worker vs. the same pre-rendered messages pushed through the same mailer (same pool,
 *       same rounds of BATCH messages in groups of 50) with no database work at all.
 *
 *   node --import tsx bench/sending.ts                         # a temporary SQLite file
 *   DECOY_BENCH_DATABASE_URL=postgres://... node --import tsx bench/sending.ts
 * Knobs: RECIPIENTS (100000), BATCH (the worker's batchSize; default: the worker's default),
 * POOL (SMTP connections, 5), BASELINE_MESSAGES (20000), LOOPS (worker loops at once, as several worker
 * processes would run them; 1).
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_OUTBOX_OPTIONS } from '../src/core/sending/outbox.ts';
import { wireSending } from '../src/mail/outbox-worker.ts';
import type { OutgoingMessage } from '../src/mail/transport.ts';
import { apiCampaign, apiGroup, fmt, openBench, startSink } from './helpers.ts';

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 100_000);
const BATCH = Number(process.env.BATCH ?? DEFAULT_OUTBOX_OPTIONS.batchSize);
const POOL = Number(process.env.POOL ?? 5);
const BASELINE_MESSAGES = Math.min(RECIPIENTS, Number(process.env.BASELINE_MESSAGES ?? 20_000));
/** Claim-send-record loops running at once in this process (as several workers would). */
const LOOPS = Number(process.env.LOOPS ?? 1);
/** The worker hands the mailer groups of this size (GROUP in OutboxWorker.runOnce). */
const GROUP = 50;
const CHUNK = 10_000;

const VICTIM_COLUMNS = [
  'client_id', 'campaign_id', 'scenario_id', 'recipient_id', 'language_id', 'email', 'name', 'firstname', 'lastname', 'phone',
  'staff_type', 'location', 'division', 'comment', 'link', 'gender', 'custom_fields', 'send_at', 'next_send_at', 'created_at', 'updated_at',
];

async function main() {
  const sink = await startSink();
  const b = await openBench({ DECOY_SMTP_URL: `${sink.url}?pool=${POOL}` });
  const sending = wireSending(b.core, { outbox: { batchSize: BATCH } });
  try {
    console.log(`database: ${b.label}`);
    console.log(`worker: batchSize ${BATCH}, groups of ${GROUP}, SMTP pool of ${POOL}, ${LOOPS} loop(s); sink in another process`);
    const db = b.database.db;

    // The people, through the admin API (10,000 per request).
    let t0 = performance.now();
    const groupId = await apiGroup(b, 'Everyone');
    for (let i = 0; i < RECIPIENTS; i += CHUNK) {
      const rows = Array.from({ length: Math.min(CHUNK, RECIPIENTS - i) }, (_, k) => {
        const n = i + k;
        return { email: `person.${n}@bench.example`, name: `Person ${n}`, firstname: 'Person', lastname: String(n), division: `Division ${n % 17}`, location: `Site ${n % 5}` };
      });
      const res = await b.call('PUT', `/api/recipient-groups/${groupId}/recipients`, rows);
      if (res.statusCode !== 200) throw new Error(`recipients: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    console.log(`set-up: ${fmt(RECIPIENTS)} recipients through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // (a) baseline: the same rows, bare INSERT ... SELECT into another campaign's scenario; then removed.
    const base = await apiCampaign(b, groupId, 'Baseline');
    const clientId = (await b.core.clients.defaultClient()).id;
    const stamp = new Date().toISOString();
    const insertSelect =
      `insert into victims (${VICTIM_COLUMNS.join(', ')}) ` +
      `select r.client_id, ?, ?, r.id, coalesce(r.language_id, 1), r.email, r.name, r.firstname, r.lastname, r.phone, r.staff_type, r.location, ` +
      `r.division, r.comment, r.link, r.gender, r.custom_fields, ?, ?, ?, ? from recipients r where r.recipient_group_id = ? and r.client_id = ? order by r.id`;
    t0 = performance.now();
    const inserted = await b.bare.run(insertSelect, [base.campaignId, base.scenarioId, stamp, stamp, stamp, stamp, groupId, clientId]);
    const bareInsertMs = performance.now() - t0;
    if (inserted !== RECIPIENTS) throw new Error(`baseline inserted ${inserted}`);
    await b.bare.run('delete from victims where scenario_id = ?', [base.scenarioId]);
    if (b.isPg) await b.bare.run('vacuum analyze victims');

    // (a) Decoy: start the campaign through the API.
    const { campaignId } = await apiCampaign(b, groupId);
    t0 = performance.now();
    const started = await b.call('POST', `/api/campaigns/${campaignId}/status`, { status: 'running' });
    const startMs = performance.now() - t0;
    if (started.statusCode !== 200) throw new Error(`start: ${started.statusCode} ${started.body}`);
    const victims = Number((await db.selectFrom('victims').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', campaignId).executeTakeFirstOrThrow()).n);
    if (victims !== RECIPIENTS || started.json().campaign.recipients !== RECIPIENTS) throw new Error(`start created ${victims} victims`);
    console.log(`\n(a) start a ${fmt(RECIPIENTS)}-recipient campaign (POST /api/campaigns/:id/status running): ${(startMs / 1000).toFixed(2)} s  (target < 5 s)`);
    console.log(`    baseline, bare INSERT INTO victims ... SELECT of the same rows (${b.isPg ? 'pg' : 'better-sqlite3'}): ${(bareInsertMs / 1000).toFixed(2)} s`);
    console.log(`    ratio: ${(startMs / bareInsertMs).toFixed(2)}x`);

    // (b) baseline: the same messages, rendered beforehand, through the same mailer; no database.
    const rows = await db.selectFrom('victims').selectAll().where('campaign_id', '=', campaignId).orderBy('id').limit(BASELINE_MESSAGES).execute();
    const prebuilt: OutgoingMessage[] = [];
    let bytes = 0;
    for (const v of rows) {
      const m = (await sending.messages.build(v, 'attack'))!;
      bytes += Buffer.byteLength(m.raw);
      prebuilt.push({ from: m.from, to: [m.to], raw: m.raw, messageId: m.messageId, meta: m.meta, subject: m.subject, html: m.html, text: m.text });
    }
    const pushOnly = async () => {
      await sink.reset();
      const t = performance.now();
      let failed = 0;
      for (let i = 0; i < prebuilt.length; i += BATCH) {
        const round = prebuilt.slice(i, i + BATCH);
        const groups: Promise<{ ok: boolean }[]>[] = [];
        for (let g = 0; g < round.length; g += GROUP) groups.push(sending.mailer.sendMany(round.slice(g, g + GROUP)));
        for (const outcomes of await Promise.all(groups)) failed += outcomes.filter((o) => !o.ok).length;
      }
      const seconds = (performance.now() - t) / 1000;
      const received = await sink.count();
      if (failed || received !== prebuilt.length) throw new Error(`baseline: ${failed} failed, ${received} received`);
      return prebuilt.length / seconds;
    };
    const baseBefore = await pushOnly();

    // (b) Decoy: the worker sends everything (claim, render, send, record), round after round.
    await sink.reset();
    const sinkCpu0 = await sink.cpuMs();
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    let rounds = 0;
    const loop = async () => {
      while ((await sending.worker.runOnce()) > 0) rounds++;
    };
    await Promise.all(Array.from({ length: LOOPS }, loop));
    const sendSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sinkCpu = ((await sink.cpuMs()) - sinkCpu0) / 1000;
    const received = await sink.count();
    const campaign = (await b.call('GET', `/api/campaigns/${campaignId}`)).json().campaign;
    if (received !== RECIPIENTS || campaign.submitted !== RECIPIENTS || campaign.errors) {
      throw new Error(`worker: sink received ${received}, submitted ${campaign.submitted}, errors ${campaign.errors}`);
    }
    const rate = RECIPIENTS / sendSeconds;
    const baseAfter = await pushOnly();
    const baseline = (baseBefore + baseAfter) / 2;

    console.log(`\n(b) send all of them with the outbox worker: ${fmt(RECIPIENTS)} messages (${fmt(bytes / rows.length)} bytes each) in ${sendSeconds.toFixed(1)} s = ${fmt(rate)} msg/s  (target >= 1,000)`);
    console.log(`    ${rounds} rounds; CPU: this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, sink ${sinkCpu.toFixed(1)} s; sink received ${fmt(received)}, counters: submitted ${fmt(campaign.submitted)}`);
    console.log(`    baseline, the same pre-rendered messages through the same mailer, no database (${fmt(prebuilt.length)} messages, before / after): ${fmt(baseBefore)} / ${fmt(baseAfter)} msg/s`);
    console.log(`    ratio: ${(rate / baseline).toFixed(2)}x`);
  } finally {
    await sending.close();
    await b.close();
    sink.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
