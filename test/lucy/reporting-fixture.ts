/**
 * A small campaign with known results, for the export and report tests: built through the
 * API (groups, campaign, scenario, start), then the results written straight into the victims,
 * tracking events and counters, as sending and tracking would have written them.
 */
import { expect } from 'vitest';
import { bump } from '../../src/core/stats/counters.ts';
import { now } from '../../src/db/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { buildCampaign, setStatus } from '../helpers/campaign.ts';

export const INJECTION = '=HYPERLINK("http://x")';

export interface ReportingFixture {
  clientId: number;
  campaignId: number;
  scenarioId: number;
  groupIds: number[];
  victim: Record<'alice' | 'bob' | 'carol' | 'dave' | 'erin', number>;
}

const at = (minutes: number) => new Date(Date.UTC(2030, 0, 2, 9, minutes)).toISOString();

export async function reportingFixture(
  t: TestApp,
  a: { clientId: number; token: string },
  names: { campaign?: string; scenario?: string } = {},
): Promise<ReportingFixture> {
  const db = t.core.database.db;
  const built = await buildCampaign(t, a, {
    groups: [
      [
        { email: 'alice@example-corp.test', name: 'Alice Archer' },
        { email: 'bob@example-corp.test', name: 'Bob Baker' },
      ],
      [
        { email: 'carol@example-corp.test', name: INJECTION },
        { email: 'dave@example-corp.test', name: 'Dave <b>Doe</b>' },
        { email: 'erin@example-corp.test', name: 'Erin Evans' },
      ],
    ],
    campaign: { name: names.campaign ?? 'Quarterly test' },
    scenario: { name: names.scenario ?? 'Parcel notice' },
  });
  await setStatus(t, a.token, built.campaignId, 'running');
  const rows = await db.selectFrom('victims').select(['id', 'email']).where('campaign_id', '=', built.campaignId).execute();
  expect(rows).toHaveLength(5);
  const victim = Object.fromEntries(rows.map((r) => [r.email.split('@')[0], r.id])) as ReportingFixture['victim'];

  const set = (id: number, values: Record<string, unknown>) =>
    db.updateTable('victims').set({ submitted_at: at(0), next_send_at: null, send_at: at(0), updated_at: now(), ...values } as never).where('id', '=', id).execute();
  await set(victim.alice, { opened_at: at(5), clicked_at: at(6), succeeded_at: at(7), clicks: 2, submits: 1, division: 'Finance', os: 'Windows 10', browser: 'Chrome 142', ip: '203.0.113.5', country: 'CH' });
  await set(victim.bob, { opened_at: at(8), opens: 1, division: 'Finance' });
  await set(victim.carol, { reported_at: at(9), division: 'Sales' });
  await set(victim.dave, {
    opened_at: at(10),
    clicked_at: at(10),
    clicks: 1,
    division: 'Sales',
    awareness_submitted_at: at(20),
    awareness_opened_at: at(30),
    awareness_completed_at: at(40),
    trained_at: at(40),
    average_quiz_score: 80,
  });
  await set(victim.erin, { division: 'Sales', awareness_submitted_at: at(20), error: 0 });

  const event = (victimId: number, type: string, minute: number, extra: Record<string, unknown> = {}) => ({
    client_id: a.clientId,
    campaign_id: built.campaignId,
    scenario_id: built.scenarioId,
    victim_id: victimId,
    type,
    time: at(minute),
    verdict: 'human',
    reasons: '[]',
    ip: '203.0.113.5',
    proxy_ip: '',
    user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/142.0.0.0',
    os: 'Windows 10',
    browser: 'Chrome 142',
    country: 'CH',
    data: '{}',
    ...extra,
  });
  await db
    .insertInto('tracking_events')
    .values([
      event(victim.alice, 'click', 1, { verdict: 'automated', reasons: JSON.stringify(['scanner user agent', 'known scanner range']), user_agent: 'Proofpoint URL Defense' }),
      event(victim.alice, 'click', 6),
      event(victim.alice, 'submit', 7, {
        data: JSON.stringify({
          valid: true,
          fields: [
            { name: 'username', value: 'a***@e***.test' },
            { name: 'pin', value: 'SHOULD-NOT-APPEAR' },
          ],
          password_present: true,
        }),
      }),
      event(victim.bob, 'open', 8),
      event(victim.carol, 'report', 9),
      event(victim.dave, 'click', 10),
      event(victim.dave, 'download', 11),
      event(victim.dave, 'awareness_open', 30),
      event(victim.dave, 'awareness_complete', 40, { data: JSON.stringify({ score: 80, answers: ['b', 'a', 'c'] }) }),
      event(victim.erin, 'download', 12, { verdict: 'automated', reasons: JSON.stringify(['scanner user agent']) }),
    ])
    .execute();
  await bump(db, { clientId: a.clientId, campaignId: built.campaignId, scenarioId: built.scenarioId }, {
    submitted: 5,
    opened: 3,
    clicked: 2,
    succeeded: 1,
    reported: 1,
    awareness_submitted: 2,
    awareness_opened: 1,
    awareness_completed: 1,
    automated_hits: 2,
  });
  return { clientId: a.clientId, campaignId: built.campaignId, scenarioId: built.scenarioId, groupIds: built.groupIds, victim };
}

/** RFC 4180 CSV (as csv-stringify writes it) into rows of cells; a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The CSV as objects keyed by the header row. */
export function csvObjects(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/**
 * A strict well-formedness check (what a lenient parser would let through): one root element,
 * balanced tags, quoted attributes, no raw `<` or bare `&` in text or attributes. Returns the
 * problem, or null.
 */
export function xmlProblem(xml: string): string | null {
  const body = xml.replace(/^\uFEFF?<\?xml[^?]*\?>\s*/, '');
  const token = /<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const stack: string[] = [];
  let roots = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length) {
    token.lastIndex = pos;
    m = token.exec(body);
    if (!m) return `unexpected markup at ${pos}: ${body.slice(pos, pos + 40)}`;
    pos = token.lastIndex;
    if (m[1]) {
      if (stack.pop() !== m[1]) return `</${m[1]}> does not close the open element`;
    } else if (m[2]) {
      if (entity.test(m[3] ?? '')) return `bare & in an attribute of <${m[2]}>`;
      if (!stack.length) roots++;
      if (!m[4]) stack.push(m[2]);
    } else if (m[5]) {
      if (!stack.length && m[5].trim()) return 'text outside the root element';
      if (entity.test(m[5])) return `bare & in text: ${m[5].slice(0, 40)}`;
    }
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`;
  if (roots !== 1) return `${roots} root elements`;
  return null;
}
