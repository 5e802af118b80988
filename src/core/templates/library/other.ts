/** Built-in attachment, report and campaign templates. */
import type { LibraryAttachment, LibraryCampaignTemplate, LibraryReport } from './types.ts';

export const LIBRARY_ATTACHMENTS: LibraryAttachment[] = [
  {
    key: 'attachment-word-document',
    name: 'Word document',
    description: 'A .docx document whose text is personalised with the recipient\'s details; opening it with content enabled is recorded as the attack succeeding.',
    variables: ['name', 'email', 'company', 'date'],
    configurations: ['format=docx', 'track_open=true', 'personalise=true'],
    scenario_type: 'file',
  },
  {
    key: 'attachment-pdf-document',
    name: 'PDF document',
    description: 'A PDF with a personalised cover page and a link back to the landing page; opening the link is recorded.',
    variables: ['name', 'email', 'company', 'date', 'link'],
    configurations: ['format=pdf', 'track_link=true', 'personalise=true'],
    scenario_type: 'file',
  },
  {
    key: 'attachment-spreadsheet',
    name: 'Excel workbook',
    description: 'An .xlsx workbook presented as a confidential list; opening it with content enabled is recorded.',
    variables: ['name', 'company', 'division'],
    configurations: ['format=xlsx', 'track_open=true'],
    scenario_type: 'file',
  },
];

/**
 * Section ids are strings, as the report template resource has them; they are numeric strings
 * so that the integer `sections` of a campaign report request (`POST /api/campaigns/:id/report`,
 * `stop_report_sections`) name the same sections. The same id means the same section in every
 * template.
 */
export const REPORT_SECTIONS = {
  summary: { id: '1', title: 'Executive summary' },
  figures: { id: '2', title: 'Key figures' },
  timeline: { id: '3', title: 'Timeline' },
  scenarios: { id: '4', title: 'Results per scenario' },
  awareness: { id: '5', title: 'Awareness training results' },
  divisions: { id: '6', title: 'Results per division' },
  reported: { id: '7', title: 'Reported messages' },
  recommendations: { id: '8', title: 'Recommendations' },
  method: { id: '9', title: 'Methodology' },
} as const;

const S = REPORT_SECTIONS;

export const LIBRARY_REPORTS: LibraryReport[] = [
  {
    key: 'report-executive',
    name: 'Executive summary',
    sections: [S.summary, S.figures, S.timeline, S.scenarios, S.recommendations],
  },
  {
    key: 'report-detailed',
    name: 'Detailed campaign report',
    sections: [S.summary, S.figures, S.timeline, S.scenarios, S.awareness, S.divisions, S.reported, S.recommendations, S.method],
  },
];

/**
 * Campaign templates: starting points for a new campaign. `settings` name library templates by
 * their library keys; the campaign side resolves them.
 */
export const LIBRARY_CAMPAIGN_TEMPLATES: LibraryCampaignTemplate[] = [
  {
    key: 'campaign-baseline',
    name: 'Baseline phishing test',
    settings: {
      description: 'One simple link scenario to everyone, spread over two working days, to measure a starting click rate.',
      scenarios: ['parcel-delivery'],
      awareness: 'awareness-phishing-basics',
      schedule: { spread_hours: 16, business_hours_only: true },
      stop_after_days: 14,
    },
  },
  {
    key: 'campaign-credentials',
    name: 'Credential phishing with awareness follow-up',
    settings: {
      description: 'Two sign-in page scenarios; anyone who enters data gets the fake sign-in page training.',
      scenarios: ['password-expiry', 'shared-document'],
      awareness: 'awareness-credential-phishing',
      schedule: { spread_hours: 24, business_hours_only: true },
      stop_after_days: 14,
    },
  },
  {
    key: 'campaign-mixed-quarterly',
    name: 'Quarterly mixed campaign (link, data, file)',
    settings: {
      description: 'One scenario of each type, randomly assigned, spread over a week.',
      scenarios: ['meeting-invitation', 'payroll-update', 'invoice-overdue'],
      awareness: 'awareness-reporting',
      schedule: { spread_hours: 40, business_hours_only: true },
      stop_after_days: 21,
    },
  },
];
