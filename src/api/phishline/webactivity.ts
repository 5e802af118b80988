import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { WebActivityRow } from '../../core/phishline/rows.ts';
import { plDate, s } from './envelope.ts';
import { EDIT_ALL, VIEW_RESULTS, pagedEndpoint } from './paged.ts';

export const WEB_ACTIVITY_FIELDS = {
  id: 'Activity id: one hit on a tracking pixel, link, landing page, form or download (the record id paging goes by)',
  campaignId: 'Campaign id',
  scenarioId: 'Scenario id',
  campaignResultId: 'The result (person in a scenario) it belongs to: the id of its campaignresult row',
  email: 'The person\'s e-mail address',
  activityDate: 'When it happened (UTC, YYYY-MM-DD HH:MM:SS)',
  activity: 'open (the pixel loaded), click (the link was followed), submit (a form was posted), download, file_data (an attachment called home), report (the message was reported)',
  ipAddress: 'The address it came from',
  userAgent: 'The User-Agent header',
  os: 'Operating system, from the user agent',
  browser: 'Browser, from the user agent',
  country: 'Country of the address (ISO 3166 code; "" when unknown)',
  automated: '"1" when judged a machine (link scanner, mail gateway, prefetch) and not counted as the person\'s action, "0" when judged human',
  automatedReasons: 'Why it was judged automated, reasons separated by "; " ("" when human)',
} as const;

export function webActivityFields(e: WebActivityRow): Record<keyof typeof WEB_ACTIVITY_FIELDS, string> {
  return {
    id: s(e.id),
    campaignId: s(e.campaign_id),
    scenarioId: s(e.scenario_id),
    campaignResultId: s(e.victim_id),
    email: e.email,
    activityDate: plDate(e.time),
    activity: e.type,
    ipAddress: e.ip,
    userAgent: e.user_agent,
    os: e.os,
    browser: e.browser,
    country: e.country,
    automated: e.automated ? '1' : '0',
    automatedReasons: e.reasons.join('; '),
  };
}

const day = (what: string) => ({ type: 'string', maxLength: 40, description: `${what} (YYYY-MM-DD, UTC, inclusive)`, example: '2026-11-23' });

export default function webActivityRoutes(app: FastifyInstance, core: Core, opts: { documented: boolean }) {
  pagedEndpoint(
    app,
    {
      names: ['webactivity'],
      entity: 'webactivity',
      summary: 'Every interaction of people (and machines) with a campaign',
      description: 'One row per tracking hit, by activity id, with whether it was judged automated and why. `startdate`/`enddate` limit the rows to those days.',
      groups: [EDIT_ALL, VIEW_RESULTS],
      fields: WEB_ACTIVITY_FIELDS,
      query: { startdate: day('Only activity on or after this day'), enddate: day('Only activity on or before this day') },
      load: async (req: FastifyRequest, page) => {
        const q = req.query as { startdate?: string; enddate?: string };
        const p = await core.phishlineRows.webActivity(page, { start: q.startdate, end: q.enddate });
        return { ...p, rows: p.rows.map(webActivityFields) };
      },
    },
    opts,
  );
}
