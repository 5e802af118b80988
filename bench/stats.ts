/**
 * Statistics of a campaign with 1,000,000 victims, through the real admin server (inject):
 * GET /api/campaigns/:id/stats, GET /api/campaigns/:id and GET /api/campaigns (the list, whose
 * rows carry the same counters), 50 requests each, median and p95, against a request that does
 * next to nothing in the database (GET /api/languages) in the same run.
 *
 * The data: 1,000,000 recipients in one group (the campaign's), and one victim per recipient,
 * inserted with bare INSERT ... SELECT (generate_series on PostgreSQL, a recursive CTE on
 * SQLite) the way a started campaign stores them: all sent, some opened, clicked, succeeded,
 * reported, a few errors; campaign_counters filled from the same rows; the campaign running.
 * On PostgreSQL the script runs VACUUM ANALYZE afterwards, as autovacuum would.
 *
 *   node --import tsx bench/stats.ts                           # a temporary SQLite file
 *   DECOY_BENCH_DATABASE_URL=postgres://... node --import tsx bench/stats.ts
 * Knobs: VICTIMS (1000000), RUNS (50).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { COUNTERS } from '../src/core/stats/counters.ts';
import { apiCampaign, apiGroup, fmt, median, openBench, quantile, type Bench } from './helpers.ts';

const VICTIMS = Number(process.env.VICTIMS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 50);

/** n rows numbered 1..n: a recursive CTE on SQLite, generate_series on PostgreSQL. */
const numbers = (b: Bench, n: number) =>
  b.isPg ? `select g as n from generate_series(1, ${n}) g` : `with recursive s(n) as (select 1 union all select n + 1 from s where n < ${n}) select n from s`;

async function main() {
  const b = await openBench();
  try {
    console.log(`database: ${b.label}`);
    const clientId = (await b.core.clients.defaultClient()).id;
    const groupId = await apiGroup(b, 'Everyone');
    const { campaignId, scenarioId } = await apiCampaign(b, groupId);
    const t = new Date().toISOString();
    const t0 = performance.now();

    await b.bare.run(
      `insert into recipients (client_id, recipient_group_id, language_id, email, name, phone, staff_type, location, division, comment, link, gender,
         ldap_based, firstname, lastname, objectguid, external_id, custom_fields, last_tested, created_at, updated_at)
       select ?, ?, null, 'person.' || n || '@bench.example', 'Person ' || n, '', 'staff', 'Site ' || (n % 5), 'Division ' || (n % 17), '', '', '',
         0, 'Person', '' || n, '', '', '[]', ?, ?, ? from (${numbers(b, VICTIMS)}) nums`,
      [clientId, groupId, t, t, t],
    );
    // One victim per recipient; every 3rd opened, every 5th clicked, every 20th succeeded, every
    // 50th reported, every 1000th an error (and not sent).
    const at = (k: number) => `case when r.id % ${k} = 0 then '${t}' end`;
    await b.bare.run(
      `insert into victims (client_id, campaign_id, scenario_id, recipient_id, language_id, email, name, firstname, lastname, phone, staff_type,
         location, division, comment, link, gender, custom_fields, send_at, submitted_at, attempts, error, error_text, error_time, error_type,
         opened_at, clicked_at, succeeded_at, reported_at, opens, clicks, created_at, updated_at)
       select r.client_id, ?, ?, r.id, 1, r.email, r.name, r.firstname, r.lastname, r.phone, r.staff_type, r.location, r.division, r.comment,
         r.link, r.gender, r.custom_fields, ?, case when r.id % 1000 = 0 then null else '${t}' end, 1,
         case when r.id % 1000 = 0 then 1 else 0 end, case when r.id % 1000 = 0 then '550 mailbox unavailable' else '' end,
         case when r.id % 1000 = 0 then '${t}' end, case when r.id % 1000 = 0 then 'attack' else '' end,
         ${at(3)}, ${at(5)}, ${at(20)}, ${at(50)}, case when r.id % 3 = 0 then 1 else 0 end, case when r.id % 5 = 0 then 1 else 0 end, ?, ?
       from recipients r where r.recipient_group_id = ? order by r.id`,
      [campaignId, scenarioId, t, t, t, groupId],
    );
    // The counters, from the rows just written (as sending and tracking would have kept them).
    const [c] = await b.bare.all<Record<string, number>>(
      `select count(*) as victims, count(submitted_at) as submitted, count(opened_at) as opened, count(clicked_at) as clicked,
         count(succeeded_at) as succeeded, count(reported_at) as reported, sum(error) as errors, count(distinct email) as people
       from victims where campaign_id = ?`,
      [campaignId],
    );
    const counts: Record<string, number> = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
    for (const k of ['victims', 'submitted', 'opened', 'clicked', 'succeeded', 'reported', 'errors'] as const) counts[k] = Number(c[k]);
    await b.database.db
      .insertInto('campaign_counters')
      .values({ client_id: clientId, campaign_id: campaignId, scenario_id: scenarioId, ...counts } as any)
      .onConflict((oc) => oc.columns(['campaign_id', 'scenario_id']).doUpdateSet(counts as any))
      .execute();
    await b.database.db.updateTable('campaigns').set({ status: 'running', started_at: t, recipients_count: Number(c.people) }).where('id', '=', campaignId).execute();
    await b.database.db.updateTable('scenarios').set({ status: 'running', started_at: t }).where('id', '=', scenarioId).execute();
    await b.database.db.insertInto('campaign_events').values({ client_id: clientId, campaign_id: campaignId, type: 2, time: t, event: 'Campaign started' }).execute();
    if (b.isPg) {
      await b.bare.run('vacuum analyze recipients');
      await b.bare.run('vacuum analyze victims');
    }
    console.log(`set-up: ${fmt(VICTIMS)} recipients and ${fmt(VICTIMS)} victims in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const targets: [string, string, (body: any) => boolean][] = [
      ['GET /api/languages (baseline)', '/api/languages', (r) => Array.isArray(r.languages) && r.languages.length > 0],
      ['GET /api/campaigns/:id/stats', `/api/campaigns/${campaignId}/stats`, (r) => r.victims === VICTIMS && r.submitted === counts.submitted && r.timeline.length > 0],
      ['GET /api/campaigns/:id', `/api/campaigns/${campaignId}`, (r) => r.campaign.recipients === VICTIMS && r.campaign.submitted === counts.submitted],
      ['GET /api/campaigns', '/api/campaigns', (r) => r.campaigns.some((x: any) => x.id === campaignId && x.clicked === counts.clicked)],
      ['GET /api/scenarios/:id', `/api/scenarios/${scenarioId}`, (r) => r.scenario.recipient_count === VICTIMS && r.scenario.messages_sent === counts.submitted],
    ];
    const times = targets.map(() => [] as number[]);
    for (let run = -5; run < RUNS; run++) {
      for (const [i, [name, url, ok]] of targets.entries()) {
        const s = performance.now();
        const res = await b.call('GET', url);
        const ms = performance.now() - s;
        if (res.statusCode !== 200 || !ok(res.json())) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 400)}`);
        if (run >= 0) times[i].push(ms);
      }
    }
    const base = median(times[0]);
    console.log(`\n${RUNS} requests each (interleaved, after 5 warm-up rounds), campaign of ${fmt(VICTIMS)} victims; target < 50 ms`);
    for (const [i, [name]] of targets.entries()) {
      const m = median(times[i]);
      console.log(`  ${name.padEnd(32)} median ${m.toFixed(2).padStart(8)} ms   p95 ${quantile(times[i], 0.95).toFixed(2).padStart(8)} ms   ratio to baseline ${(m / base).toFixed(1)}x`);
    }
    if (process.env.EXPLAIN) {
      const plan = await sql
        .raw<Record<string, unknown>>(
          `${b.isPg ? 'explain analyze' : 'explain query plan'} select g.campaign_id, count(distinct r.email) from (select campaign_id, recipient_group_id from campaign_recipient_groups where campaign_id = ${campaignId}) g join recipients r on r.recipient_group_id = g.recipient_group_id group by g.campaign_id`,
        )
        .execute(b.database.db);
      console.log(`\naudience query plan: ${plan.rows.map((r) => String(r.detail ?? r['QUERY PLAN']).trim()).join(' | ')}`);
    }
  } finally {
    await b.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
