import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database, Dialect } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { AccessService } from './access/access.ts';
import { ClientService } from './tenants/clients.ts';
import { ReferenceService } from './reference/reference.ts';
import { PeopleService } from './people/people.ts';
import { TemplateService } from './templates/templates.ts';
import { CampaignService } from './campaigns/campaigns.ts';
import { IncidentService } from './incidents/incidents.ts';
import { ScannerRangeService } from './tracking/scanner-ranges.ts';
import { OutboxService } from './outbox/outbox.ts';
import { PreviewService } from './templates/previews.ts';
import { TrackingService } from './tracking/tracking.ts';
import { VictimService } from './campaigns/victims.ts';
import { ExportService } from './reporting/exports.ts';
import { ReportService } from './reporting/reports.ts';
import { AccessTokenService } from './access/access-tokens.ts';
import { PhishlineRowService } from './phishline/rows.ts';
import { TrainingService } from './training/index.ts';
import { AwarenessTrainingService } from './training/awareness-training.ts';
import { CertificateService } from './reporting/certificates.ts';
import { SecurityJourneyReports } from './securityjourney/reports.ts';
import { PortalService } from './training/portal.ts';
import { DashboardService } from './stats/dashboard.ts';
import { SmtpSettingsService } from './settings/smtp-settings.ts';
import { RecipientImportCheckService } from './people/import-check.ts';
import { RecipientSearchService } from './people/recipient-search.ts';
import { CampaignTimelineService } from './campaigns/timeline.ts';

/** What a core service is constructed with. */
export interface ServiceDeps {
  db: Kysely<DB>;
  dialect: Dialect;
  config: Config;
  clients: ClientService;
}

export function createCore(database: Database, config: Config) {
  const clients = new ClientService(database.db);
  const deps: ServiceDeps = { db: database.db, dialect: database.dialect, config, clients };
  const access = new AccessService(database.db, config);
  const scannerRanges = new ScannerRangeService(deps);
  const tracking = new TrackingService(deps, {}, database.pool);
  // One cache of scanner ranges: the one the admin API invalidates when ranges change.
  tracking.useScannerRanges(scannerRanges);
  const templates = new TemplateService(deps);
  const outbox = new OutboxService(deps);
  return {
    database,
    config,
    access,
    accessTokens: new AccessTokenService(deps, access),
    phishlineRows: new PhishlineRowService(deps),
    securityJourney: new SecurityJourneyReports(deps, database.pool),
    clients,
    reference: new ReferenceService(deps),
    people: new PeopleService(deps),
    templates,
    campaigns: new CampaignService(deps),
    incidents: new IncidentService(deps),
    scannerRanges,
    outbox,
    previews: new PreviewService(deps, { outbox, templates, tokens: tracking.tokens }),
    tracking,
    victims: new VictimService(database),
    exports: new ExportService(deps),
    reports: new ReportService(deps),
    training: new TrainingService(deps),
    awarenessTraining: new AwarenessTrainingService(deps, tracking.tokens, scannerRanges),
    certificates: new CertificateService(deps),
    portal: new PortalService(deps),
    dashboard: new DashboardService(deps),
    smtpSettings: new SmtpSettingsService(deps),
    recipientImport: new RecipientImportCheckService(deps),
    recipientSearch: new RecipientSearchService(deps),
    campaignTimeline: new CampaignTimelineService(deps),
  };
}

export type Core = ReturnType<typeof createCore>;
