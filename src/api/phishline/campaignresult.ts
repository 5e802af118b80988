import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { CampaignResultRow } from '../../core/phishline/rows.ts';
import { plDate, s } from './envelope.ts';
import { EDIT_ALL, VIEW_RESULTS, pagedEndpoint } from './paged.ts';

export const CAMPAIGN_RESULT_FIELDS = {
  id: 'Result id: one person in one scenario of a campaign (the record id paging goes by)',
  campaignId: 'Campaign id',
  campaignName: 'Campaign name',
  scenarioId: 'Scenario id',
  scenarioName: 'Scenario name',
  email: 'The person\'s e-mail address',
  firstName: 'First name ("" when not known)',
  lastName: 'Last name ("" when not known)',
  sentDate: 'When the message was handed to the mail server (UTC, YYYY-MM-DD HH:MM:SS); "" if not yet',
  openedDate: 'When the message was first opened; ""',
  clickedDate: 'When the link was first followed; ""',
  dataEnteredDate: 'When data was entered on the landing page (scenarios that succeed by a form post); ""',
  succeededDate: 'When the attack succeeded by the scenario\'s success action; ""',
  reportedDate: 'When the person reported the message; ""',
  trainedDate: 'When the person completed the awareness training; ""',
  error: 'Why the message could not be sent; "" when it could',
} as const;

/** Victims carry a full name and, from directory imports, first and last names. */
function names(r: CampaignResultRow): [string, string] {
  if (r.firstname || r.lastname) return [r.firstname, r.lastname];
  const full = r.name.trim();
  const space = full.indexOf(' ');
  return space === -1 ? [full, ''] : [full.slice(0, space), full.slice(space + 1).trim()];
}

export function campaignResultFields(r: CampaignResultRow): Record<keyof typeof CAMPAIGN_RESULT_FIELDS, string> {
  const [firstName, lastName] = names(r);
  return {
    id: s(r.id),
    campaignId: s(r.campaign_id),
    campaignName: r.campaign_name,
    scenarioId: s(r.scenario_id),
    scenarioName: r.scenario_name,
    email: r.email,
    firstName,
    lastName,
    sentDate: plDate(r.sent_at),
    openedDate: plDate(r.opened_at),
    clickedDate: plDate(r.clicked_at),
    dataEnteredDate: plDate(r.data_entered_at),
    succeededDate: plDate(r.succeeded_at),
    reportedDate: plDate(r.reported_at),
    trainedDate: plDate(r.trained_at),
    error: r.error,
  };
}

export default function campaignResultRoutes(app: FastifyInstance, core: Core, opts: { documented: boolean }) {
  pagedEndpoint(
    app,
    {
      names: ['campaignresult', 'campaignresults'],
      entity: 'campaignresult',
      summary: 'Outbound campaign results: one row per person and scenario',
      description: 'What happened to each message: sent, opened, clicked, data entered, reported, trained. By result id. `/campaignresults` is the same.',
      groups: [EDIT_ALL, VIEW_RESULTS],
      fields: CAMPAIGN_RESULT_FIELDS,
      load: async (_req, page) => {
        const p = await core.phishlineRows.campaignResults(page);
        return { ...p, rows: p.rows.map(campaignResultFields) };
      },
    },
    opts,
  );
}
