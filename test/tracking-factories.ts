/**
 * Factories for the tracking tests: a running campaign with one scenario, its template and
 * victims, inserted straight into the tables (the campaign lifecycle has its own tests), and
 * the tracking server built on the test app's core.
 */
import type { FastifyInstance } from 'fastify';
import { request } from 'node:http';
import { ensureCounterRows } from '../src/core/stats/counters.ts';
import { VictimTokens } from '../src/core/tracking/token.ts';
import { now } from '../src/db/index.ts';
import { buildTrackingServer } from '../src/tracking/server.ts';
import type { TestApp } from './helpers/app.ts';

export const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
/** Chrome 109 on Windows 7: out of date on both counts. */
export const OLD_BROWSER_UA = 'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36';
export const SCANNER_UA = 'Mozilla/5.0 (compatible; Proofpoint URL Defense)';

export const LOGIN_LANDING = `<!doctype html><html><head><title>Sign in</title><style>body{font-family:sans-serif}</style></head><body>
<h1>Sign in, {{firstname}}</h1>
<form method="post" action="{{form_action}}">
<input name="username" value="{{email}}">
<input name="secret_word" type="password">
<button>Sign in</button>
</form>
<a href="{{download_link}}">file</a>
</body></html>`;

let seq = 0;

export async function languageId(t: TestApp, code: string): Promise<number> {
  const row = await t.core.database.db.selectFrom('languages').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

export interface FixtureOptions {
  clientId?: number;
  campaignStatus?: string;
  successAction?: 'click' | 'post' | 'download' | 'file_data';
  collectData?: 'no' | 'partial' | 'full';
  loginRegexp?: string;
  passwordRegexp?: string;
  redirectUrl?: string;
  noLanding?: boolean;
  /** Landing page per language code; default an English login page. */
  landing?: Record<string, string>;
  attachmentName?: string;
  /** Scenario language; default en. */
  language?: string;
  victims?: number;
  /** Language code per victim index (else none: the scenario's language). */
  victimLanguages?: Record<number, string>;
  /** When the message was handed to the mail server; default an hour ago (null: not sent). */
  submittedAt?: string | null;
}

export interface Fixture {
  clientId: number;
  campaignId: number;
  scenarioId: number;
  victimIds: number[];
  tokens: string[];
  tokenOf(victimId: number): string;
}

export async function trackingFixture(t: TestApp, o: FixtureOptions = {}): Promise<Fixture> {
  const db = t.core.database.db;
  const ts = now();
  const n = ++seq;
  const clientId = o.clientId ?? (await t.tenant(`Tracking client ${n}`)).clientId;
  const template = await db
    .insertInto('scenario_templates')
    .values({
      client_id: clientId, type: 'data', name: `Tracking template ${n}`, description: '', no_landing: o.noLanding ? 1 : 0, category: '', audience: '',
      message_type: 'email', lure_message_type: 'email', license: '', license_priority: 0, enable: 1, forbid: 0, created_at: ts, updated_at: ts,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const landing = o.landing ?? { en: LOGIN_LANDING };
  for (const [code, html] of Object.entries(landing)) {
    await db
      .insertInto('scenario_template_contents')
      .values({
        client_id: clientId, scenario_template_id: template.id, language_id: await languageId(t, code), sender_name: 'IT Service Desk',
        sender_email: 'it@example.com', subject: 'Password expiry', email_html: '<p>{{link}}</p>', email_text: '{{link}}', landing_html: html,
        lure_subject: '', lure_html: '', lure_text: '', attachment_name: o.attachmentName ?? '', created_at: ts, updated_at: ts,
      })
      .execute();
  }
  const scenarioLanguage = await languageId(t, o.language ?? 'en');
  const campaign = await db
    .insertInto('campaigns')
    .values({ client_id: clientId, name: `Tracking campaign ${n}`, status: o.campaignStatus ?? 'running', started_at: ts, created_at: ts, updated_at: ts } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const scenario = await db
    .insertInto('scenarios')
    .values({
      client_id: clientId, campaign_id: campaign.id, scenario_template_id: template.id, language_id: scenarioLanguage, name: `Scenario ${n}`,
      domain: 'login.example.test', sender_name: 'IT Service Desk', sender_email: 'it@example.com', redirect_url: o.redirectUrl ?? '',
      collect_data: o.collectData ?? 'partial', login_regexp: o.loginRegexp ?? '', password_regexp: o.passwordRegexp ?? '', message_type: 'email',
      lure_message_type: 'email', status: 'running', success_action: o.successAction ?? 'post', no_landing: o.noLanding ? 1 : 0, track_opened_emails: 1,
      created_at: ts, updated_at: ts, started_at: ts,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const count = o.victims ?? 3;
  const submittedAt = o.submittedAt === undefined ? new Date(Date.now() - 3_600_000).toISOString() : o.submittedAt;
  const rows = [];
  for (let i = 0; i < count; i++) {
    const code = o.victimLanguages?.[i];
    rows.push({
      client_id: clientId, campaign_id: campaign.id, scenario_id: scenario.id, language_id: code ? await languageId(t, code) : null,
      email: `person${i}.${n}@corp.example`, name: `Person ${i}`, firstname: `First${i}`, lastname: `Last${i}`, submitted_at: submittedAt,
      created_at: ts, updated_at: ts,
    });
  }
  const victimIds: number[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db.insertInto('victims').values(rows.slice(i, i + 500) as never).returning('id').execute();
    victimIds.push(...inserted.map((r) => r.id));
  }
  await ensureCounterRows(db, clientId, campaign.id);
  await db.updateTable('campaign_counters').set({ victims: count, submitted: submittedAt ? count : 0 }).where('scenario_id', '=', scenario.id).execute();
  const tokens = new VictimTokens(t.config.secret);
  return {
    clientId,
    campaignId: campaign.id,
    scenarioId: scenario.id,
    victimIds,
    tokens: victimIds.map((id) => tokens.token(id)),
    tokenOf: (id) => tokens.token(id),
  };
}

export async function trackingServer(t: TestApp): Promise<FastifyInstance> {
  const app = await buildTrackingServer(t.core, { logger: false });
  await app.ready();
  return app;
}

/**
 * The readers below first wait until the hits answered so far are applied: an answered hit is in
 * the journal, and reaches the tables a moment later (core/tracking/recorder.ts).
 */
export async function victimRow(t: TestApp, id: number) {
  await t.core.tracking.flush();
  return t.core.database.db.selectFrom('victims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function eventsOf(t: TestApp, victimId: number) {
  await t.core.tracking.flush();
  return t.core.database.db.selectFrom('tracking_events').selectAll().where('victim_id', '=', victimId).orderBy('id').execute();
}

export async function countersOf(t: TestApp, scenarioId: number) {
  await t.core.tracking.flush();
  return t.core.database.db.selectFrom('campaign_counters').selectAll().where('scenario_id', '=', scenarioId).executeTakeFirstOrThrow();
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A request over a real connection to a listening tracking server (the fast path and fastify's
 * own URL checks run only there); fails after 5 s without an answer.
 */
export function rawRequest(port: number, method: string, urlPath: string, headers: Record<string, string> = { 'user-agent': BROWSER_UA }, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, method, headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${urlPath.slice(0, 60)}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Headers that say something about the answer (not the connection or the time). */
export function meaningfulHeaders(h: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (!['date', 'connection', 'keep-alive'].includes(k)) out[k] = String(v);
  return out;
}
