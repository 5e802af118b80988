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
import { fmt, median, openBench, quantile, seedResultsCampaign } from './helpers.ts';

const VICTIMS = Number(process.env.VICTIMS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 50);

async function main() {
  const b = await openBench();
  try {
    console.log(`database: ${b.label}`);
    const t = new Date().toISOString();
    const t0 = performance.now();
    const { clientId, campaignId, scenarioId, counts } = await seedResultsCampaign(b, VICTIMS, t);
    await b.database.db.insertInto('campaign_events').values({ client_id: clientId, campaign_id: campaignId, type: 2, time: t, event: 'Campaign started' }).execute();
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
