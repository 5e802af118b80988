/**
 * Awareness after a simulation: what happens once a victim's attack succeeded (by the
 * scenario's success_action) in a campaign that has an awareness for the victim's scenario.
 *
 * - Without `send_awareness_link` the tracking server sends the person straight to their
 *   awareness page (`/a/<token>`, a token of its own kind 'a', so that an attack link can never
 *   be turned into a training completion and the other way round); with it, the awareness mail
 *   is queued through the outbox `awareness_delay` minutes later and carries that link.
 *   A scenario's `redirect_url`, when set, still wins for what the browser is shown.
 * - The page is the awareness template's page in the person's language (variables filled and
 *   escaped), with the quiz as a plain HTML form (no script needed) posting back to the page.
 * - Opening the page sets `awareness_opened_at` (counter once). Submitting the quiz scores it on
 *   the server; each submission is an attempt (`awareness_quiz_attempts`). Passing (at least
 *   PASS_PERCENT; an awareness without a quiz: the "done" button) completes the training:
 *   `awareness_completed_at`, `trained_at` and `average_quiz_score` (the mean percent of the
 *   person's attempts) are set and the campaign counters move exactly once per victim (a
 *   conditional UPDATE … WHERE trained_at IS NULL), with an `awareness_complete` event carrying
 *   `data.score` (percent of the passing attempt) and `data.answers`.
 * - As everywhere in tracking, automated requests (HEAD, prefetch, scanner user agents and
 *   address ranges) are recorded as events and change nothing else.
 *
 * Which awareness applies to a victim: the lowest-id awareness of the campaign that lists the
 * victim's scenario, else the lowest-id awareness that lists no scenario (it applies to all).
 */
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { now } from '../../db/index.ts';
import type { ServiceDeps } from '../index.ts';
import type { AwarenessRow } from '../campaigns/shared.ts';
import { bump, type CountDeltas } from '../stats/counters.ts';
import { parseJson } from '../templates/common.ts';
import { quizHtml, type QuizQuestion } from '../templates/awareness-templates.ts';
import { awarenessTexts } from '../templates/awareness-texts.ts';
import { compileTemplate, escapeHtml, setCustomValues, today } from '../templates/variables.ts';
import { classifyHit, countryOf } from '../tracking/classify.ts';
import { SCENARIO_CACHE_TTL_MS } from '../tracking/landing.ts';
import type { ScannerRangeSource } from '../tracking/recorder.ts';
import type { FormFields } from '../tracking/submission.ts';
import type { VictimTokens } from '../tracking/token.ts';

/** The token kind of awareness links. */
export const AWARENESS_TOKEN_KIND = 'a';
/** The quiz is passed with at least this percent of correct answers. */
export const PASS_PERCENT = 70;
const MAX_USER_AGENT = 512;

export interface AwarenessRequest {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  ip: string;
  proxyIp: string;
}

export interface AwarenessPage {
  html: string;
  verdict: 'human' | 'automated';
}

interface VictimFacts {
  id: number;
  client_id: number;
  campaign_id: number;
  scenario_id: number;
  language_id: number | null;
  email: string;
  name: string;
  firstname: string;
  lastname: string;
  phone: string;
  staff_type: string;
  location: string;
  division: string;
  custom_fields: string;
  awareness_submitted_at: string | null;
  /** The attack mail's delivery. */
  submitted_at: string | null;
  awareness_opened_at: string | null;
  trained_at: string | null;
  average_quiz_score: number | null;
  scenario_language_id: number;
  company: string;
}

interface Loaded {
  victim: VictimFacts;
  awareness: AwarenessRow;
  quiz: QuizQuestion[];
  pageHtml: string;
  languageCode: string;
  customFieldNames: string[];
}

function header(headers: AwarenessRequest['headers'], name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : v;
}

interface AwarenessLink {
  awareness_id: number;
  scenario_id: number;
}

/** The awareness of `rows` (a campaign's, by id) that applies to a scenario (see the file comment), or undefined. */
function pickAwareness(rows: AwarenessRow[], links: AwarenessLink[], scenarioId: number): AwarenessRow | undefined {
  const listed = rows.find((r) => links.some((l) => l.awareness_id === r.id && l.scenario_id === scenarioId));
  return listed ?? rows.find((r) => !links.some((l) => l.awareness_id === r.id));
}

async function campaignAwareness(db: Executor, campaignId: number): Promise<{ rows: AwarenessRow[]; links: AwarenessLink[] }> {
  const rows = await db.selectFrom('campaign_awareness').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
  if (!rows.length) return { rows, links: [] };
  const links = await db
    .selectFrom('campaign_awareness_scenarios')
    .select(['awareness_id', 'scenario_id'])
    .where(
      'awareness_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return { rows, links };
}

/** The awareness that applies to a scenario of a campaign (see the file comment), or undefined. */
export async function awarenessForScenario(db: Executor, campaignId: number, scenarioId: number): Promise<AwarenessRow | undefined> {
  const { rows, links } = await campaignAwareness(db, campaignId);
  return rows.length ? pickAwareness(rows, links, scenarioId) : undefined;
}

/** What a success needs to know of a campaign, cached briefly: most campaigns' successes then cost no query. */
interface SuccessFacts {
  rows: AwarenessRow[];
  links: AwarenessLink[];
  /** send_awareness_link and awareness_delay (minutes) by scenario id. */
  scenarios: Map<number, { sendLink: boolean; delay: number }>;
}

/** Inserts `notice` at the top of the page's body. */
function withNotice(html: string, notice: string): string {
  if (!notice) return html;
  const m = /<body[^>]*>/i.exec(html);
  return m ? html.slice(0, m.index + m[0].length) + notice + html.slice(m.index + m[0].length) : notice + html;
}

function noticeBox(text: string, tone: 'ok' | 'warn'): string {
  const colour = tone === 'ok' ? '#0f766e' : '#b45309';
  return `<div role="status" style="max-width:760px;margin:16px auto;padding:14px 18px;background:#fff;border:1px solid #dfe3e8;border-left:5px solid ${colour};border-radius:8px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;color:#1f2937">${escapeHtml(text)}</div>`;
}

const FALLBACK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow">
<title>This was a phishing simulation</title>
<style>body{margin:0;background:#f3f4f6;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2937;line-height:1.55}.card{max-width:640px;margin:48px auto;background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:32px}h1{font-size:24px;margin:0 0 12px;color:#0f766e}</style>
</head><body><div class="card"><h1>This was a simulated phishing test</h1><p>Hello {{firstname}}, the message you acted on was sent by {{company}} to help everyone recognise phishing. Nothing harmful happened.</p>{{quiz}}</div></body></html>
`;

/** The victim was deleted while its page was being answered (its campaign, say): the page answers as for an unknown token. */
class VictimGone extends Error {}

/** Resolves true once `work` is done, false if its victim was deleted meanwhile (nothing of it is written). */
async function recordedUnlessGone(work: Promise<unknown>): Promise<boolean> {
  try {
    await work;
    return true;
  } catch (err) {
    if (err instanceof VictimGone) return false;
    throw err;
  }
}

export class AwarenessTrainingService {
  private readonly facts = new Map<number, { at: number; value: SuccessFacts }>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly tokens: VictimTokens,
    private readonly ranges: ScannerRangeSource,
  ) {}

  private get db() {
    return this.deps.db;
  }

  /** The victim's awareness token. */
  token(victimId: number): string {
    return this.tokens.token(victimId, AWARENESS_TOKEN_KIND);
  }

  /** The path of a victim's awareness page on the tracking server. */
  path(victimId: number): string {
    return `/a/${this.token(victimId)}`;
  }

  /**
   * Called by the tracking server for a hit that satisfied the success_action. Schedules the
   * awareness mail (send_awareness_link) once the victim has really succeeded (a human hit), and
   * answers where the browser goes: the awareness page path, or null (no awareness shown now).
   */
  async afterSuccess(
    hit: { victimId: number; campaignId: number; scenarioId: number; human: boolean },
    /** Resolves once the success is in the database (it comes from the tracking journal). */
    settled: () => Promise<void> = async () => {},
  ): Promise<string | null> {
    const facts = await this.successFacts(hit.campaignId);
    if (!facts.rows.length) return null;
    const awareness = pickAwareness(facts.rows, facts.links, hit.scenarioId);
    const scenario = facts.scenarios.get(hit.scenarioId);
    if (!awareness || !scenario) return null;
    if (!scenario.sendLink) return awareness.website_online === 1 ? this.path(hit.victimId) : null;
    if (hit.human) {
      await settled();
      const at = new Date(Date.now() + Math.max(0, scenario.delay) * 60_000).toISOString();
      // Only once the success is recorded (succeeded_at is set by human hits only), and only once.
      await this.db
        .updateTable('victims')
        .set({
          awareness_send_at: at,
          next_send_at: sql<string>`case when next_send_at is null or next_send_at > ${at} then ${at} else next_send_at end`,
          updated_at: now(),
        })
        .where('id', '=', hit.victimId)
        .where('succeeded_at', 'is not', null)
        .where('awareness_send_at', 'is', null)
        .execute();
    }
    return null;
  }

  private async successFacts(campaignId: number): Promise<SuccessFacts> {
    const cached = this.facts.get(campaignId);
    if (cached && Date.now() - cached.at < SCENARIO_CACHE_TTL_MS) return cached.value;
    const { rows, links } = await campaignAwareness(this.db, campaignId);
    const scenarios = new Map<number, { sendLink: boolean; delay: number }>();
    if (rows.length) {
      const list = await this.db.selectFrom('scenarios').select(['id', 'send_awareness_link', 'awareness_delay']).where('campaign_id', '=', campaignId).execute();
      for (const r of list) scenarios.set(r.id, { sendLink: r.send_awareness_link === 1, delay: r.awareness_delay });
    }
    if (this.facts.size > 10_000) this.facts.clear();
    const value = { rows, links, scenarios };
    this.facts.set(campaignId, { at: Date.now(), value });
    return value;
  }

  /** GET/HEAD of the awareness page: records the visit and answers the page, or null (unknown token, no awareness, offline). */
  async open(token: string, req: AwarenessRequest): Promise<AwarenessPage | null> {
    const loaded = await this.load(token);
    if (!loaded) return null;
    const { victim } = loaded;
    // Timed from the awareness mail, else (the page reached by the redirect after a success) from
    // the attack mail: a scanner that clicked at once and followed the redirect is as fast here.
    const since = victim.awareness_submitted_at ?? victim.submitted_at;
    const sentAt = since ? Date.parse(since) : NaN;
    const t = now();
    const verdict = await this.verdict(victim, req, 'landing', Number.isFinite(sentAt) ? Date.parse(t) - sentAt : null);
    const recorded = await recordedUnlessGone(this.db.transaction().execute(async (trx) => {
      await this.event(trx, victim, 'awareness_open', t, req, verdict, {});
      const d: CountDeltas = {};
      if (verdict.verdict !== 'human') d.automated_hits = 1;
      else {
        const res = await trx
          .updateTable('victims')
          .set({ awareness_opened_at: t, updated_at: t })
          .where('id', '=', victim.id)
          .where('awareness_opened_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) d.awareness_opened = 1;
      }
      await bump(trx, { clientId: victim.client_id, campaignId: victim.campaign_id, scenarioId: victim.scenario_id }, d);
    }));
    if (!recorded) return null;
    const notice = victim.trained_at ? noticeBox(awarenessTexts(loaded.languageCode).completed(victim.average_quiz_score), 'ok') : '';
    return { html: withNotice(this.render(loaded, token), notice), verdict: verdict.verdict };
  }

  /** POST of the quiz (or the "done" button): scored here; passing completes the training once. */
  async submit(token: string, req: AwarenessRequest, fields: FormFields): Promise<AwarenessPage | null> {
    const loaded = await this.load(token);
    if (!loaded) return null;
    const { victim, quiz } = loaded;
    const t = now();
    const verdict = await this.verdict(victim, req, 'submit', null);
    const form = new Map<string, string>();
    for (const [k, v] of fields) if (!form.has(k)) form.set(k, v);
    const answers = quiz.map((q, i) => {
      const raw = form.get(`q${i}`);
      const n = raw !== undefined && /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : null;
      return n !== null && n < q.answers.length ? n : null;
    });
    const correct = quiz.reduce((sum, q, i) => sum + (answers[i] === q.correct ? 1 : 0), 0);
    const percent = quiz.length ? Math.round((correct / quiz.length) * 100) : 100;
    const passed = percent >= PASS_PERCENT;
    const human = verdict.verdict === 'human';
    const result = { score: percent, correct, questions: quiz.length, passed, answers };

    let average = victim.average_quiz_score;
    const recorded = await recordedUnlessGone(this.db.transaction().execute(async (trx) => {
      await this.event(trx, victim, 'awareness_quiz', t, req, verdict, result);
      const d: CountDeltas = {};
      if (!human) d.automated_hits = 1;
      else if (!victim.trained_at) {
        if (quiz.length) {
          await trx
            .insertInto('awareness_quiz_attempts')
            .values({
              client_id: victim.client_id,
              campaign_id: victim.campaign_id,
              victim_id: victim.id,
              questions: quiz.length,
              correct,
              percent,
              passed: passed ? 1 : 0,
              answers: JSON.stringify(answers),
              created_at: t,
            })
            .execute();
        }
        if (passed) {
          const mean = quiz.length
            ? await trx
                .selectFrom('awareness_quiz_attempts')
                .select(sql<number>`avg(percent)`.as('mean'))
                .select(sql<number>`count(*)`.as('n'))
                .where('victim_id', '=', victim.id)
                .executeTakeFirstOrThrow()
            : null;
          average = mean ? Math.round(Number(mean.mean)) : null;
          const res = await trx
            .updateTable('victims')
            .set({
              awareness_completed_at: t,
              trained_at: t,
              average_quiz_score: average,
              awareness_opened_at: sql<string>`coalesce(awareness_opened_at, ${t})`,
              updated_at: t,
            })
            .where('id', '=', victim.id)
            .where('trained_at', 'is', null)
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) === 1) {
            d.awareness_completed = 1;
            d.trained = 1;
            if (!victim.awareness_opened_at) d.awareness_opened = 1;
            if (quiz.length) {
              d.awareness_scored = 1;
              d.awareness_score_sum = correct;
              d.awareness_percent_sum = average ?? percent;
            }
            const opened = victim.awareness_opened_at ? Date.parse(victim.awareness_opened_at) : NaN;
            if (Number.isFinite(opened)) {
              d.awareness_time_sum = Math.max(0, Math.round((Date.parse(t) - opened) / 1000));
              d.awareness_timed = 1;
            }
            await this.event(trx, victim, 'awareness_complete', t, req, verdict, { ...result, attempts: Number(mean?.n ?? 0), average });
          }
        }
      }
      await bump(trx, { clientId: victim.client_id, campaignId: victim.campaign_id, scenarioId: victim.scenario_id }, d);
    }));
    if (!recorded) return null;

    const texts = awarenessTexts(loaded.languageCode);
    let notice: string;
    if (victim.trained_at) notice = noticeBox(texts.completed(victim.average_quiz_score), 'ok');
    else if (!quiz.length) notice = noticeBox(texts.thanks, 'ok');
    else if (passed) notice = noticeBox(texts.passed(correct, quiz.length, percent), 'ok');
    else notice = noticeBox(texts.failed(correct, quiz.length, percent, PASS_PERCENT), 'warn');
    return { html: withNotice(this.render(loaded, token), notice), verdict: verdict.verdict };
  }

  private async verdict(victim: VictimFacts, req: AwarenessRequest, eventType: 'landing' | 'submit', msSinceSent: number | null) {
    return classifyHit({
      method: req.method,
      headers: req.headers,
      ip: req.ip,
      eventType,
      scannerRanges: await this.ranges.compiledFor(victim.client_id),
      msSinceSent,
    });
  }

  private async event(
    db: Executor,
    victim: VictimFacts,
    type: string,
    time: string,
    req: AwarenessRequest,
    verdict: ReturnType<typeof classifyHit>,
    data: Record<string, unknown>,
  ): Promise<void> {
    // A victim deleted since the page read it (its campaign, say): nothing is written, and the page
    // answers as for an unknown token. On PostgreSQL tracking_events has no foreign keys (migration
    // 012): the victim is held as its key would have held it. SQLite's foreign key would refuse the
    // event instead, as an error.
    const held = this.deps.dialect === 'postgres' ? sql`select id from victims where id = ${victim.id} for key share` : sql`select id from victims where id = ${victim.id}`;
    if (!(await held.execute(db)).rows.length) throw new VictimGone(`awareness: victim ${victim.id} was deleted meanwhile`);
    await db
      .insertInto('tracking_events')
      .values({
        client_id: victim.client_id,
        campaign_id: victim.campaign_id,
        scenario_id: victim.scenario_id,
        victim_id: victim.id,
        type,
        time,
        verdict: verdict.verdict,
        reasons: JSON.stringify(verdict.reasons),
        ip: req.ip,
        proxy_ip: req.proxyIp,
        user_agent: header(req.headers, 'user-agent').slice(0, MAX_USER_AGENT),
        os: verdict.os,
        browser: verdict.browser,
        country: countryOf(req.ip),
        data: JSON.stringify(data),
      })
      .execute();
  }

  /** The victim, their awareness and its content in their language; null when the page must not answer. */
  private async load(token: string): Promise<Loaded | null> {
    const id = this.tokens.verify(token, AWARENESS_TOKEN_KIND);
    if (id === null) return null;
    const victim = await this.db
      .selectFrom('victims as v')
      .innerJoin('scenarios as s', 's.id', 'v.scenario_id')
      .innerJoin('clients as cl', 'cl.id', 'v.client_id')
      .select([
        'v.id', 'v.client_id', 'v.campaign_id', 'v.scenario_id', 'v.language_id', 'v.email', 'v.name', 'v.firstname', 'v.lastname', 'v.phone',
        'v.staff_type', 'v.location', 'v.division', 'v.custom_fields', 'v.awareness_submitted_at', 'v.submitted_at', 'v.awareness_opened_at', 'v.trained_at',
        'v.average_quiz_score', 's.language_id as scenario_language_id', 'cl.name as company',
      ])
      .where('v.id', '=', id)
      .executeTakeFirst();
    if (!victim) return null;
    const awareness = await awarenessForScenario(this.db, victim.campaign_id, victim.scenario_id);
    if (!awareness || awareness.website_online !== 1) return null;
    const contents = await this.db
      .selectFrom('awareness_template_contents as c')
      .innerJoin('languages as l', 'l.id', 'c.language_id')
      .select(['c.language_id', 'c.page_html', 'c.quiz', 'l.code', 'l.is_default'])
      .where('c.awareness_template_id', '=', awareness.template_id)
      .orderBy('c.id')
      .execute();
    const content =
      (victim.language_id !== null ? contents.find((c) => c.language_id === victim.language_id) : undefined) ??
      contents.find((c) => c.language_id === awareness.language_id) ??
      contents.find((c) => c.language_id === victim.scenario_language_id) ??
      contents.find((c) => c.is_default === 1) ??
      contents[0];
    const customFieldNames = (
      await this.db.selectFrom('recipient_custom_fields').select('name').where('client_id', '=', victim.client_id).orderBy('id').execute()
    ).map((r) => r.name);
    const quiz = awareness.quiz === 1 && content ? parseJson<QuizQuestion[]>(content.quiz, []).filter((q) => Array.isArray(q?.answers)) : [];
    return {
      victim: { ...victim, average_quiz_score: victim.average_quiz_score === null ? null : Number(victim.average_quiz_score) },
      awareness,
      quiz,
      pageHtml: content?.page_html.trim() ? content.page_html : FALLBACK_PAGE,
      languageCode: content?.code ?? 'en',
      customFieldNames,
    };
  }

  private render(loaded: Loaded, token: string): string {
    const { victim, awareness, quiz } = loaded;
    const action = `/a/${token}`;
    const form = quiz.length
      ? quizHtml(quiz, { action, languageCode: loaded.languageCode })
      : `<form class="decoy-done" method="post" action="${escapeHtml(action)}"><input type="hidden" name="done" value="1"><button type="submit" style="background:#1f6feb;color:#fff;border:0;border-radius:6px;padding:10px 18px;font-size:15px;cursor:pointer">${escapeHtml(awarenessTexts(loaded.languageCode).done)}</button></form>`;
    const values = setCustomValues({}, loaded.customFieldNames, victim.custom_fields);
    Object.assign(values, {
      name: victim.name,
      firstname: victim.firstname,
      lastname: victim.lastname,
      email: victim.email,
      phone: victim.phone,
      staff_type: victim.staff_type,
      location: victim.location,
      division: victim.division,
      sender_name: awareness.sender_name,
      sender_email: awareness.sender_email,
      company: victim.company,
      date: today(),
      link: action,
      quiz: form,
    });
    let page = loaded.pageHtml;
    // A page without a {{quiz}} placeholder still gets its quiz (or the "done" button), at the end of its body.
    if (!/\{\{\s*quiz\s*\}\}/i.test(page)) page = /<\/body>/i.test(page) ? page.replace(/<\/body>/i, '{{quiz}}</body>') : `${page}{{quiz}}`;
    return compileTemplate(page, 'html')(values);
  }
}


