import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core/index.ts';
import type { OutboundAnalysisRow } from '../../core/phishline/rows.ts';
import { plDate, s } from './envelope.ts';
import { EDIT_ALL, pagedEndpoint } from './paged.ts';

const RATE = 'percent of the messages sent, two decimals ("12.50"); "" when nothing was sent';

export const OUTBOUND_ANALYSIS_FIELDS = {
  id: 'Campaign id (the record id paging goes by)',
  name: 'Campaign name',
  status: 'idle, waiting_approval, running or stopped',
  startDate: 'When it was started (UTC, YYYY-MM-DD HH:MM:SS); "" if never',
  stopDate: 'When it was stopped; ""',
  recipients: 'People in the campaign',
  sent: 'Messages handed to the mail server',
  opened: 'Results whose message was opened',
  clicked: 'Results whose link was followed',
  dataEntered: 'Results that entered data on the landing page',
  reported: 'Results that reported the message',
  trained: 'Results that completed the awareness training',
  errors: 'Messages that could not be sent',
  openRate: `Opened, ${RATE}`,
  clickRate: `Clicked, ${RATE}`,
  dataEnteredRate: `Data entered, ${RATE}`,
  reportRate: `Reported, ${RATE}`,
  trainedRate: `Trained, ${RATE}`,
  errorRate: `Errors, ${RATE}`,
} as const;

const pct = (v: number | null) => (v === null ? '' : v.toFixed(2));

export function outboundAnalysisFields(c: OutboundAnalysisRow): Record<keyof typeof OUTBOUND_ANALYSIS_FIELDS, string> {
  return {
    id: s(c.id),
    name: c.name,
    status: c.status,
    startDate: plDate(c.started_at),
    stopDate: plDate(c.stopped_at),
    recipients: s(c.recipients),
    sent: s(c.sent),
    opened: s(c.opened),
    clicked: s(c.clicked),
    dataEntered: s(c.data_entered),
    reported: s(c.reported),
    trained: s(c.trained),
    errors: s(c.errors),
    openRate: pct(c.open_rate),
    clickRate: pct(c.click_rate),
    dataEnteredRate: pct(c.data_entered_rate),
    reportRate: pct(c.report_rate),
    trainedRate: pct(c.trained_rate),
    errorRate: pct(c.error_rate),
  };
}

export default function outboundAnalysisRoutes(app: FastifyInstance, core: Core, opts: { documented: boolean }) {
  pagedEndpoint(
    app,
    {
      names: ['outboundanalysis'],
      entity: 'outboundanalysis',
      summary: 'Per-campaign rates: opened, clicked, data entered, reported, trained',
      description: 'One row per campaign, by campaign id, with its counts and rates.',
      groups: [EDIT_ALL],
      fields: OUTBOUND_ANALYSIS_FIELDS,
      load: async (_req, page) => {
        const p = await core.phishlineRows.outboundAnalysis(page);
        return { ...p, rows: p.rows.map(outboundAnalysisFields) };
      },
    },
    opts,
  );
}
