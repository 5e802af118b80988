/**
 * What a campaign report says, independent of its format: the figures are read once (counters,
 * the timeline, grouped reads of events and victims, all bounded), then each chosen section
 * becomes a list of blocks (headings, paragraphs, tables, the funnel) that the HTML, PDF and
 * DOCX renderers draw. Text is plain here; each renderer escapes for its own format.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { timeline, type CampaignEvent } from '../campaigns/events.ts';
import type { CampaignRow } from '../campaigns/shared.ts';
import { scenarioCounts, zeroCounts, type Counts, COUNTERS } from '../stats/counters.ts';
import { iso, rates } from './export-types.ts';

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: (string | number)[][] }
  | { kind: 'funnel'; steps: FunnelStep[] };

export interface FunnelStep {
  label: string;
  value: number;
  /** Percent of the messages sent. */
  percent: number;
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  /** Lines under the title: client, period, generated at. */
  meta: string[];
  sections: { id: string; title: string; blocks: Block[] }[];
}

export interface ReportSection {
  id: string;
  title: string;
}

/** At most this many rows in the long tables (timeline, divisions). */
const TIMELINE_MAX = 200;
const DIVISIONS_MAX = 25;
const REASONS_SAMPLE = 5000;

interface Figures {
  campaign: CampaignRow;
  clientName: string;
  templateName: string;
  scenarios: { id: number; name: string; counts: Counts }[];
  totals: Counts;
  timeline: CampaignEvent[];
  hits: { type: string; human: number; automated: number }[];
  reasons: { reason: string; count: number }[];
  divisions: { division: string; victims: number; opened: number; clicked: number; succeeded: number; reported: number }[];
  incidents: number;
}

async function gather(db: Kysely<DB>, campaign: CampaignRow, templateName: string, scenarioIds: number[] | null): Promise<Figures> {
  const client = await db.selectFrom('clients').select('name').where('id', '=', campaign.client_id).executeTakeFirst();
  let sq = db.selectFrom('scenarios').select(['id', 'name']).where('campaign_id', '=', campaign.id).orderBy('id');
  if (scenarioIds) sq = sq.where('id', 'in', scenarioIds.length ? scenarioIds : [0]);
  const scenarioRows = await sq.execute();
  const ids = scenarioRows.map((s) => s.id);
  const counts = await scenarioCounts(db, ids);
  const totals = zeroCounts();
  for (const c of counts.values()) for (const k of COUNTERS) totals[k] += c[k];

  const events = await timeline(db, campaign);
  const inScenarios = <Q extends { where: (...a: any[]) => Q }>(q: Q, column: string): Q => (ids.length ? q.where(column, 'in', ids) : q.where(column, '=', 0));

  const hitRows = await inScenarios(
    db
      .selectFrom('tracking_events')
      .select(['type', 'verdict', sql<number>`count(*)`.as('n')])
      .where('campaign_id', '=', campaign.id),
    'scenario_id',
  )
    .groupBy(['type', 'verdict'])
    .execute();
  const byType = new Map<string, { type: string; human: number; automated: number }>();
  for (const r of hitRows) {
    const h = byType.get(r.type) ?? { type: r.type, human: 0, automated: 0 };
    if (r.verdict === 'automated') h.automated += Number(r.n);
    else h.human += Number(r.n);
    byType.set(r.type, h);
  }

  // Why hits were judged automated: tallied over the latest automated hits (a bounded sample).
  const reasonRows = await inScenarios(
    db.selectFrom('tracking_events').select('reasons').where('campaign_id', '=', campaign.id).where('verdict', '=', 'automated'),
    'scenario_id',
  )
    .orderBy('id', 'desc')
    .limit(REASONS_SAMPLE)
    .execute();
  const tally = new Map<string, number>();
  for (const r of reasonRows) {
    let list: unknown;
    try {
      list = JSON.parse(r.reasons);
    } catch {
      list = [];
    }
    for (const reason of Array.isArray(list) ? list : []) tally.set(String(reason), (tally.get(String(reason)) ?? 0) + 1);
  }

  const n = (col: string) => sql<number>`count(${sql.ref(col)})`;
  const divisions = await inScenarios(
    db
      .selectFrom('victims')
      .select([
        'division',
        sql<number>`count(*)`.as('victims'),
        n('opened_at').as('opened'),
        n('clicked_at').as('clicked'),
        n('succeeded_at').as('succeeded'),
        n('reported_at').as('reported'),
      ])
      .where('campaign_id', '=', campaign.id),
    'scenario_id',
  )
    .groupBy('division')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('division')
    .limit(DIVISIONS_MAX)
    .execute();

  const incidents = await db
    .selectFrom('incidents')
    .select(sql<number>`count(*)`.as('n'))
    .where('campaign_id', '=', campaign.id)
    .where('client_id', '=', campaign.client_id)
    .executeTakeFirst();

  return {
    campaign,
    clientName: client?.name ?? '',
    templateName,
    scenarios: scenarioRows.map((s) => ({ id: s.id, name: s.name, counts: counts.get(s.id)! })),
    totals,
    timeline: events,
    hits: [...byType.values()].sort((a, b) => a.type.localeCompare(b.type)),
    reasons: [...tally.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)).slice(0, 10),
    divisions: divisions.map((d) => ({
      division: d.division || '(none)',
      victims: Number(d.victims),
      opened: Number(d.opened),
      clicked: Number(d.clicked),
      succeeded: Number(d.succeeded),
      reported: Number(d.reported),
    })),
    incidents: Number(incidents?.n ?? 0),
  };
}

const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 10 : 0);
const percent = (v: number) => `${v}%`;
const day = (t: string | null) => (t ? iso(t)!.replace('T', ' ').replace('Z', ' UTC') : '—');

function funnel(c: Counts): FunnelStep[] {
  const sent = c.submitted;
  return [
    { label: 'Sent', value: sent, percent: sent ? 100 : 0 },
    { label: 'Opened', value: c.opened, percent: pct(c.opened, sent) },
    { label: 'Clicked', value: c.clicked, percent: pct(c.clicked, sent) },
    { label: 'Succeeded', value: c.succeeded, percent: pct(c.succeeded, sent) },
    { label: 'Reported', value: c.reported, percent: pct(c.reported, sent) },
    { label: 'Trained', value: c.awareness_completed, percent: pct(c.awareness_completed, sent) },
  ];
}

function recommendations(f: Figures): string[] {
  const c = f.totals;
  const r = rates(c);
  const out: string[] = [];
  if (!c.submitted) return ['No message of this campaign has been sent yet: run the campaign before drawing conclusions.'];
  if (r.click_rate >= 20) out.push(`${percent(r.click_rate)} of the people who received a message followed its link: repeat the simulation with the same audience after targeted training, and make the warning signs of this lure part of it.`);
  else if (r.click_rate > 0) out.push(`${percent(r.click_rate)} followed the link: keep testing regularly, with lures of growing difficulty, to keep the rate down.`);
  else out.push('Nobody followed the link: raise the difficulty of the next simulation so that it still measures something.');
  if (c.succeeded > 0) out.push(`${c.succeeded} attack(s) succeeded (${percent(r.success_rate)}): give these people the awareness training first, and check that multi-factor authentication would have stopped a real attacker.`);
  if (r.report_rate < 20) out.push(`Only ${percent(r.report_rate)} reported the message: make the report button known and thank people who use it; reporting is what shortens a real attack.`);
  else out.push(`${percent(r.report_rate)} reported the message: a good basis; keep the report button visible and answer every report.`);
  if (c.vulnerable > 0) out.push(`${c.vulnerable} person(s) used an out-of-date browser or operating system: update them.`);
  if (c.awareness_submitted > 0 && c.awareness_completed < c.awareness_submitted) {
    out.push(`${c.awareness_submitted - c.awareness_completed} of ${c.awareness_submitted} people sent the training have not completed it: send a reminder.`);
  }
  if (c.errors > 0) out.push(`${c.errors} message(s) could not be delivered: check the addresses and the mail server's allow-listing of the simulation.`);
  if (c.automated_hits > 0) out.push(`${c.automated_hits} hit(s) came from mail scanners or other programs and were not counted as people's actions; allow-list the simulation's domains in link scanners if these numbers are large.`);
  return out;
}

const METHOD = [
  'Each person in each attack scenario is one victim. "Sent" counts the messages handed to the mail server; "opened" counts a loaded tracking image, or any later action (mail programs often block images); "clicked" counts a followed link; "succeeded" counts the action the scenario is built to provoke (a click, a form sent, a file downloaded or opened); "reported" counts the people who reported the message; "trained" counts the people who completed the awareness training.',
  'Every hit on a link or image is judged human or automated (mail security scanners, link previews, other programs) from its address, user agent and timing; only human hits change a victim or the figures. Automated hits are kept and shown separately.',
  'Data typed into simulated forms is never stored in clear: passwords are dropped and the other values are masked as the scenario is configured. Rates are percentages of the messages sent.',
];

function sectionBlocks(id: string, f: Figures): Block[] {
  const c = f.totals;
  const r = rates(c);
  switch (id) {
    case '1': {
      const blocks: Block[] = [
        {
          kind: 'paragraph',
          text:
            `The campaign "${f.campaign.name}" sent ${c.submitted} message(s) to ${c.victims} victim(s) in ${f.scenarios.length} scenario(s). ` +
            `${c.opened} were opened (${percent(r.open_rate)}), ${c.clicked} led to a click (${percent(r.click_rate)}), ${c.succeeded} attack(s) succeeded (${percent(r.success_rate)}) ` +
            `and ${c.reported} were reported (${percent(r.report_rate)}). ${c.awareness_completed} person(s) completed the awareness training.`,
        },
        { kind: 'funnel', steps: funnel(c) },
      ];
      return blocks;
    }
    case '2':
      return [
        {
          kind: 'table',
          head: ['Figure', 'Count', 'Rate'],
          rows: [
            ['Victims', c.victims, ''],
            ['Messages sent', c.submitted, ''],
            ['Opened', c.opened, percent(r.open_rate)],
            ['Clicked', c.clicked, percent(r.click_rate)],
            ['Succeeded', c.succeeded, percent(r.success_rate)],
            ['Reported', c.reported, percent(r.report_rate)],
            ['Trained (of the people sent the training)', c.awareness_completed, percent(r.training_rate)],
            ['Vulnerable browsers or systems', c.vulnerable, percent(pct(c.vulnerable, c.victims))],
            ['Delivery errors', c.errors, percent(r.error_rate)],
          ],
        },
        { kind: 'paragraph', text: 'Human and automated hits: only people\'s actions count in the figures above; hits by scanners and other programs are listed apart.' },
        f.hits.length
          ? { kind: 'table', head: ['Hit', 'Human', 'Automated'], rows: f.hits.map((h) => [h.type, h.human, h.automated]) }
          : { kind: 'paragraph', text: 'No hits recorded yet.' },
        ...(f.reasons.length
          ? [{ kind: 'table', head: ['Why judged automated', 'Hits'], rows: f.reasons.map((x) => [x.reason, x.count]) } as Block]
          : []),
      ];
    case '3': {
      const shown = f.timeline.slice(-TIMELINE_MAX);
      return [
        ...(f.timeline.length > shown.length ? [{ kind: 'paragraph', text: `The latest ${shown.length} of ${f.timeline.length} events.` } as Block] : []),
        shown.length ? { kind: 'table', head: ['Time', 'Event'], rows: shown.map((e) => [day(e.time), e.event]) } : { kind: 'paragraph', text: 'No events.' },
      ];
    }
    case '4':
      return f.scenarios.length
        ? [
            {
              kind: 'table',
              head: ['Scenario', 'Sent', 'Opened', 'Clicked', 'Succeeded', 'Reported', 'Click rate', 'Success rate'],
              rows: f.scenarios.map((s) => {
                const sr = rates(s.counts);
                return [s.name, s.counts.submitted, s.counts.opened, s.counts.clicked, s.counts.succeeded, s.counts.reported, percent(sr.click_rate), percent(sr.success_rate)];
              }),
            },
          ]
        : [{ kind: 'paragraph', text: 'No scenarios.' }];
    case '5':
      return [
        {
          kind: 'table',
          head: ['Awareness', 'Count'],
          rows: [
            ['Training messages sent', c.awareness_submitted],
            ['Training opened', c.awareness_opened],
            ['Training completed', c.awareness_completed],
            ['Average quiz score', c.awareness_scored ? Math.round((c.awareness_score_sum / c.awareness_scored) * 10) / 10 : '—'],
          ],
        },
      ];
    case '6':
      return f.divisions.length
        ? [
            {
              kind: 'table',
              head: ['Division', 'Victims', 'Opened', 'Clicked', 'Succeeded', 'Reported'],
              rows: f.divisions.map((d) => [d.division, d.victims, d.opened, d.clicked, d.succeeded, d.reported]),
            },
          ]
        : [{ kind: 'paragraph', text: 'No victims yet.' }];
    case '7':
      return [
        {
          kind: 'paragraph',
          text: `${c.reported} victim(s) reported the simulated message (${percent(r.report_rate)} of the messages sent); ${f.incidents} reported message(s) of this campaign reached the incident inbox.`,
        },
      ];
    case '8':
      return [{ kind: 'list', items: recommendations(f) }];
    case '9':
      return METHOD.map((text) => ({ kind: 'paragraph', text }) as Block);
    default:
      return [{ kind: 'paragraph', text: 'Decoy has no content for this section.' }];
  }
}

export interface ReportRequestOptions {
  sections: ReportSection[];
  /** null: every scenario of the campaign. */
  scenarios: number[] | null;
}

export async function buildReport(db: Kysely<DB>, campaign: CampaignRow, templateName: string, opts: ReportRequestOptions): Promise<ReportDocument> {
  const f = await gather(db, campaign, templateName, opts.scenarios);
  const period = `${day(campaign.started_at ?? campaign.created_at)} – ${campaign.stopped_at ? day(campaign.stopped_at) : campaign.status === 'running' ? 'running' : day(campaign.updated_at)}`;
  return {
    title: `Campaign report: ${campaign.name}`,
    subtitle: templateName,
    meta: [`Client: ${f.clientName}`, `Period: ${period}`, `Scenarios: ${f.scenarios.map((s) => s.name).join(', ') || '—'}`, `Generated: ${day(new Date().toISOString())}`],
    sections: opts.sections.map((s) => ({ id: s.id, title: s.title, blocks: sectionBlocks(s.id, f) })),
  };
}
