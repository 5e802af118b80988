import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { CampaignRow } from '../../core/phishline/rows.ts';
import { plDate, s } from './envelope.ts';
import { EDIT_ALL, pagedEndpoint } from './paged.ts';

/** The fields of a campaign row, in order, with what they mean (the OpenAPI document and README). */
export const CAMPAIGN_FIELDS = {
  id: 'Campaign id (the record id paging goes by)',
  name: 'Campaign name',
  status: 'idle, waiting_approval, running or stopped',
  createdDate: 'When the campaign was created (UTC, YYYY-MM-DD HH:MM:SS)',
  startDate: 'When it was started; "" if never',
  stopDate: 'When it was stopped; "" if not stopped',
  recipients: 'People in the campaign (distinct e-mail addresses)',
  victims: 'Results: one per person and scenario',
  sent: 'Messages handed to the mail server',
  opened: 'Results whose message was opened',
  clicked: 'Results whose link was followed',
  dataEntered: 'Results that entered data on the landing page (scenarios that succeed by a form post)',
  succeeded: 'Results where the attack succeeded by its scenario\'s success action (click, form post, download, file data)',
  reported: 'Results that reported the message',
  trained: 'Results that completed the awareness training',
  errors: 'Messages that could not be sent',
  automatedHits: 'Hits judged to be machines (link scanners, mail gateways), not counted above',
} as const;

export function campaignFields(c: CampaignRow): Record<keyof typeof CAMPAIGN_FIELDS, string> {
  return {
    id: s(c.id),
    name: c.name,
    status: c.status,
    createdDate: plDate(c.created_at),
    startDate: plDate(c.started_at),
    stopDate: plDate(c.stopped_at),
    recipients: s(c.recipients),
    victims: s(c.victims),
    sent: s(c.sent),
    opened: s(c.opened),
    clicked: s(c.clicked),
    dataEntered: s(c.data_entered),
    succeeded: s(c.succeeded),
    reported: s(c.reported),
    trained: s(c.trained),
    errors: s(c.errors),
    automatedHits: s(c.automated_hits),
  };
}

export default function campaignRoutes(app: FastifyInstance, core: Core, opts: { documented: boolean }) {
  pagedEndpoint(
    app,
    {
      names: ['campaign', 'campaigns'],
      entity: 'campaign',
      summary: 'Campaigns with their counts',
      description: 'One row per campaign (`/campaign/{id}`: that campaign; 0 or none: every campaign of the client), by campaign id. `/campaigns` is the same.',
      groups: [EDIT_ALL],
      fields: CAMPAIGN_FIELDS,
      load: async (_req, page) => {
        const p = await core.phishlineRows.campaigns(page);
        return { ...p, rows: p.rows.map(campaignFields) };
      },
    },
    opts,
  );
}
