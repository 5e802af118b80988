/**
 * Campaign reports (Lucy's Campaign Report, `POST /api/campaigns/:id/report`): the request is
 * checked against the report template (its sections) and the campaign (its scenarios),
 * answered at once with status 10, and the PDF, HTML or DOCX file is written in the background
 * under `<data dir>/reports/<id>.<type>`; the status becomes 20 (or 100 with the error).
 * Lucy's status 30 is not used.
 */
import type { Selectable } from 'kysely';
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { now } from '../../db/index.ts';
import type { ReportTable } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import { loadCampaign } from '../campaigns/shared.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { writeWhole } from './files.ts';
import { JobRunner, STALE_MS, failureText } from './jobs.ts';
import { buildReport, type ReportSection } from './report-content.ts';
import { REPORT_TYPES, renderHtml, writeDocx, writePdf, type ReportType } from './render.ts';
import { PRIVATE_FILE } from '../../private-files.ts';

export type ReportRow = Selectable<ReportTable>;

export const REPORT_STATUS = { processing: 10, ready: 20, error: 100 } as const;
export { REPORT_TYPES, type ReportType };

export const FONT_SIZE = { min: 4, max: 96, default: 11 } as const;

export interface ReportRequest {
  template_id: number;
  format: ReportType;
  font_size?: number;
  font_family?: string;
  /** Scenario ids of the campaign; absent or empty: every scenario. */
  scenarios?: number[];
  /** Section ids of the template; absent or empty: every section of the template. */
  sections?: number[];
}

interface ReportOptions {
  font_size: number;
  font_family: string;
  sections: ReportSection[];
  scenarios: number[] | null;
  template_name: string;
}

export interface ReportListOptions extends ListOptions {
  campaign_id?: number;
}

const REPORT_SORT = ['id', 'campaign_id', 'status', 'type', 'created_at'];

const INTERRUPTED = 'the generation was interrupted (the server stopped); request the report again';

const list = (ids: number[]) => ids.join(', ');

export class ReportService {
  readonly jobs = new JobRunner();

  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** Checks the request, records the report (status 10) and starts writing its file. */
  async create(p: Principal, campaignId: number, req: ReportRequest): Promise<ReportRow> {
    assertCanWrite(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    return this.createFor(campaign, req, p.userId);
  }

  /**
   * The same for a campaign already checked (e.g. the report a campaign sends when it stops);
   * `createdBy` null: made by Decoy itself.
   */
  async createFor(campaign: { id: number; client_id: number }, req: ReportRequest, createdBy: number | null): Promise<ReportRow> {
    if (!REPORT_TYPES.includes(req.format)) throw invalid(`format: must be one of ${REPORT_TYPES.join(', ')}`);
    const template = await this.db.selectFrom('report_templates').selectAll().where('id', '=', req.template_id).executeTakeFirst();
    if (!template || (template.client_id !== null && template.client_id !== campaign.client_id)) throw invalid(`template_id: no report template ${req.template_id}`);
    let templateSections: ReportSection[] = [];
    try {
      const parsed = JSON.parse(template.sections);
      if (Array.isArray(parsed)) templateSections = parsed.filter((s) => s && typeof s.id === 'string').map((s) => ({ id: s.id, title: String(s.title ?? '') }));
    } catch {
      templateSections = [];
    }
    let sections = templateSections;
    if (req.sections?.length) {
      const known = new Set(templateSections.map((s) => s.id));
      const unknown = [...new Set(req.sections)].filter((id) => !known.has(String(id)));
      if (unknown.length) {
        throw invalid(
          `sections: ${list(unknown)} ${unknown.length === 1 ? 'is not a section' : 'are not sections'} of report template ${template.id} (its sections: ${templateSections.map((s) => s.id).join(', ') || 'none'})`,
        );
      }
      const wanted = new Set(req.sections.map(String));
      sections = templateSections.filter((s) => wanted.has(s.id));
    }
    let scenarios: number[] | null = null;
    if (req.scenarios?.length) {
      const wanted = [...new Set(req.scenarios)];
      const found = await this.db.selectFrom('scenarios').select('id').where('campaign_id', '=', campaign.id).where('id', 'in', wanted).execute();
      const have = new Set(found.map((s) => s.id));
      const unknown = wanted.filter((id) => !have.has(id));
      if (unknown.length) throw invalid(`scenarios: ${list(unknown)} ${unknown.length === 1 ? 'is not a scenario' : 'are not scenarios'} of campaign ${campaign.id}`);
      scenarios = wanted;
    }
    const fontSize = req.font_size ?? FONT_SIZE.default;
    if (!Number.isInteger(fontSize) || fontSize < FONT_SIZE.min || fontSize > FONT_SIZE.max) throw invalid(`font_size: must be between ${FONT_SIZE.min} and ${FONT_SIZE.max}`);
    const options: ReportOptions = { font_size: fontSize, font_family: (req.font_family ?? '').slice(0, 100), sections, scenarios, template_name: template.name };
    const t = now();
    const row = await this.db
      .insertInto('reports')
      .values({
        client_id: campaign.client_id,
        campaign_id: campaign.id,
        created_by: createdBy,
        template_id: template.id,
        status: REPORT_STATUS.processing,
        type: req.format,
        options: JSON.stringify(options),
        file: '',
        size: 0,
        error: '',
        created_at: t,
        updated_at: t,
        finished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.jobs.run(row.id, () => this.build(row));
    return row;
  }

  async get(p: Principal, id: number): Promise<ReportRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('reports').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('report');
    return this.settleStale(row);
  }

  /** Decoy extension: the caller's reports, optionally of one campaign. */
  async list(p: Principal, opts: ReportListOptions): Promise<ReportRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('reports').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    if (opts.campaign_id !== undefined) q = q.where('campaign_id', '=', opts.campaign_id);
    const rows = await page(q, opts, REPORT_SORT).execute();
    return Promise.all(rows.map((r) => this.settleStale(r)));
  }

  /** The file of a ready report; 409 while it is being generated or when it failed. */
  async file(p: Principal, id: number): Promise<{ row: ReportRow; path: string; size: number; name: string }> {
    const row = await this.get(p, id);
    if (row.status === REPORT_STATUS.processing) throw conflict(`report ${row.id} is still being generated (status 10); download it once its status is 20`);
    if (row.status !== REPORT_STATUS.ready || !row.file) throw conflict(`report ${row.id} failed and has no file: ${row.error || 'unknown error'}`);
    const campaign = row.campaign_id ? await this.db.selectFrom('campaigns').select('name').where('id', '=', row.campaign_id).executeTakeFirst() : undefined;
    const file = path.join(this.deps.config.dataDir, row.file);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw notFound(`the file of report ${row.id}`);
    return { row, path: file, size: info.size, name: `Report - ${campaign?.name ?? `campaign ${row.campaign_id}`}` };
  }

  /** Decoy extension: removes a report and its file. */
  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.get(p, id);
    await this.db.deleteFrom('reports').where('id', '=', row.id).execute();
    if (row.file) await rm(path.join(this.deps.config.dataDir, row.file), { force: true });
  }

  /** Resolves when every report started so far has been written (tests, shutdown). */
  idle(): Promise<void> {
    return this.jobs.idle();
  }

  private async settleStale(row: ReportRow): Promise<ReportRow> {
    if (row.status !== REPORT_STATUS.processing || this.jobs.busy.has(row.id)) return row;
    if (Date.parse(row.updated_at) > Date.now() - STALE_MS) return row;
    const t = now();
    await this.db
      .updateTable('reports')
      .set({ status: REPORT_STATUS.error, error: INTERRUPTED, updated_at: t, finished_at: t })
      .where('id', '=', row.id)
      .where('status', '=', REPORT_STATUS.processing)
      .execute();
    return { ...row, status: REPORT_STATUS.error, error: INTERRUPTED, updated_at: t, finished_at: t };
  }

  private async build(row: ReportRow): Promise<void> {
    const type = (REPORT_TYPES as readonly string[]).includes(row.type) ? (row.type as ReportType) : 'pdf';
    const relative = path.join('reports', `${row.id}.${type}`);
    const file = path.join(this.deps.config.dataDir, relative);
    try {
      const options = JSON.parse(row.options) as ReportOptions;
      const campaign = row.campaign_id ? await this.db.selectFrom('campaigns').selectAll().where('id', '=', row.campaign_id).executeTakeFirst() : undefined;
      if (!campaign) throw notFound('campaign');
      const doc = await buildReport(this.db, campaign, options.template_name, { sections: options.sections, scenarios: options.scenarios });
      const typography = { fontSize: options.font_size, fontFamily: options.font_family };
      const size = await writeWhole(file, async (part) => {
        if (type === 'html') await writeFile(part, renderHtml(doc, typography), { encoding: 'utf8', mode: PRIVATE_FILE });
        else if (type === 'pdf') await writePdf(part, doc, typography);
        else await writeDocx(part, doc, typography);
      });
      const t = now();
      const done = await this.db
        .updateTable('reports')
        .set({ status: REPORT_STATUS.ready, file: relative, size, error: '', updated_at: t, finished_at: t })
        .where('id', '=', row.id)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) === 0) await rm(file, { force: true });
    } catch (err) {
      const t = now();
      await this.db
        .updateTable('reports')
        .set({ status: REPORT_STATUS.error, error: failureText(err, 'the report'), updated_at: t, finished_at: t })
        .where('id', '=', row.id)
        .execute()
        .catch(() => {});
    }
  }
}
