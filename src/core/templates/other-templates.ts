import type { Selectable } from 'kysely';
import type { AttachmentTemplateTable, CampaignTemplateTable, ReportTemplateTable } from '../../db/schema.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { assertSeen, assertWritable, parseJson } from './common.ts';

export type AttachmentTemplateRow = Selectable<AttachmentTemplateTable>;
export type ReportTemplateRow = Selectable<ReportTemplateTable>;
export type CampaignTemplateRow = Selectable<CampaignTemplateTable>;

export interface ReportSection {
  id: string;
  title: string;
}

const ATTACHMENT_SORT = ['id', 'name', 'scenario_type', 'created_at', 'updated_at'];
const REPORT_SORT = ['id', 'name'];
const CAMPAIGN_SORT = ['id', 'name'];

/** Attachment, report and campaign templates: read-mostly lists, library plus the client's own. */
export class OtherTemplates {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  async listAttachments(p: Principal, opts: ListOptions): Promise<AttachmentTemplateRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('attachment_templates').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    return page(q, opts, ATTACHMENT_SORT).execute();
  }

  async getAttachment(p: Principal, id: number): Promise<AttachmentTemplateRow> {
    assertCanRead(p);
    const row = await this.db.selectFrom('attachment_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return assertSeen(p, row, 'attachment template');
  }

  async deleteAttachment(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    assertWritable(p, await this.getAttachment(p, id));
    await this.db.deleteFrom('attachment_templates').where('id', '=', id).execute();
  }

  async listReports(p: Principal, opts: ListOptions): Promise<ReportTemplateRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('report_templates').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    return page(q, opts, REPORT_SORT).execute();
  }

  async getReport(p: Principal, id: number): Promise<ReportTemplateRow> {
    assertCanRead(p);
    const row = await this.db.selectFrom('report_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return assertSeen(p, row, 'report template');
  }

  /** For the report generator: a report template's sections (library or the client's own). */
  async reportSections(clientId: number, id: number): Promise<ReportSection[] | undefined> {
    const row = await this.db.selectFrom('report_templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.client_id !== null && row.client_id !== clientId)) return undefined;
    return parseJson<ReportSection[]>(row.sections, []);
  }

  async listCampaignTemplates(p: Principal, opts: ListOptions): Promise<CampaignTemplateRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('campaign_templates').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    return page(q, opts, CAMPAIGN_SORT).execute();
  }

  /** For the campaign side: a campaign template's settings (library or the client's own). */
  async campaignTemplateSettings(clientId: number, id: number): Promise<Record<string, unknown> | undefined> {
    const row = await this.db.selectFrom('campaign_templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.client_id !== null && row.client_id !== clientId)) return undefined;
    return parseJson<Record<string, unknown>>(row.settings, {});
  }
}
