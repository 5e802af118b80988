/**
 * Data exports (Lucy's Campaign Export, `POST /api/export/generate`): the request is checked
 * and answered at once with status 10; the CSV or XML file is written in the background
 * (jobs.ts) under `<data dir>/exports/<id>.<ext>` and the status becomes 20 (or 100 with the
 * error). Who may see an export: the users of its client; an export of common data made by a
 * super admin over every client has no client and only super admins see it.
 */
import type { Selectable } from 'kysely';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { now } from '../../db/index.ts';
import type { ExportTable } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import { loadCampaign } from '../campaigns/shared.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { EXPORT_TYPES, EXPORT_TYPE_IDS, exportSource, type SourceContext } from './export-types.ts';
import { writeTable } from './files.ts';
import { JobRunner, STALE_MS, failureText, heartbeat } from './jobs.ts';

export type ExportRow = Selectable<ExportTable>;

export const EXPORT_STATUS = { processing: 10, ready: 20, error: 100 } as const;
export const EXPORT_EXTENSIONS = ['csv', 'xml'] as const;
export type ExportExtension = (typeof EXPORT_EXTENSIONS)[number];

export interface ExportRequest {
  name?: string;
  type: number;
  extension?: ExportExtension;
  campaign_id?: number;
  awareness_id?: number;
  role_group?: string;
  group_id?: number;
  template_id?: number;
  language_id?: number;
}

const EXPORT_SORT = ['id', 'name', 'type', 'extension', 'status', 'created_at'];

const INTERRUPTED = 'the generation was interrupted (the server stopped); generate the export again';

export class ExportService {
  readonly jobs = new JobRunner();

  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** Checks the request, records the export (status 10) and starts writing its file. */
  async generate(p: Principal, req: ExportRequest): Promise<ExportRow> {
    assertCanWrite(p);
    const def = EXPORT_TYPES[req.type];
    if (!def) throw invalid(`type: ${req.type} is not an export type; one of ${EXPORT_TYPE_IDS.join(', ')}`);
    if (def.refusal) throw invalid(def.refusal);
    const extension: ExportExtension = req.extension ?? 'csv';
    let clientId: number | null;
    let subject = '';
    let filter = '';
    const params: Record<string, number> = {};
    if (def.scope === 'campaign') {
      if (req.campaign_id === undefined) throw invalid(`campaign_id: is required for type ${req.type} (${def.label})`);
      const campaign = await loadCampaign(this.db, p, req.campaign_id);
      clientId = campaign.client_id;
      subject = campaign.name;
      params.campaign_id = campaign.id;
      filter = `campaign_id=${campaign.id}`;
    } else if (def.scope === 'group') {
      if (req.group_id === undefined) throw invalid(`group_id: is required for type ${req.type} (${def.label})`);
      const scope = readScope(p);
      let q = this.db.selectFrom('recipient_groups').select(['id', 'client_id', 'name']).where('id', '=', req.group_id);
      if (scope !== null) q = q.where('client_id', '=', scope);
      const group = await q.executeTakeFirst();
      if (!group) throw notFound('recipient group');
      clientId = group.client_id;
      subject = group.name;
      params.group_id = group.id;
      filter = `group_id=${group.id}`;
    } else {
      clientId = readScope(p);
      if (clientId !== null) filter = `client_id=${clientId}`;
    }
    const name = req.name?.trim() || (subject ? `${def.label} - ${subject}` : def.label);
    const t = now();
    const row = await this.db
      .insertInto('exports')
      .values({
        client_id: clientId,
        created_by: p.userId,
        name,
        type: req.type,
        extension,
        status: EXPORT_STATUS.processing,
        filter,
        params: JSON.stringify(params),
        file: '',
        row_count: 0,
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

  async get(p: Principal, id: number): Promise<ExportRow> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('exports').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('export');
    return this.settleStale(row);
  }

  /** Decoy extension: the caller's exports. */
  async list(p: Principal, opts: ListOptions): Promise<ExportRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('exports').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    const rows = await page(q, opts, EXPORT_SORT).execute();
    return Promise.all(rows.map((r) => this.settleStale(r)));
  }

  /** The file of a ready export; 409 while it is being generated or when it failed. */
  async file(p: Principal, id: number): Promise<{ row: ExportRow; path: string; size: number }> {
    const row = await this.get(p, id);
    if (row.status === EXPORT_STATUS.processing) throw conflict(`export ${row.id} is still being generated (status 10); download it once its status is 20`);
    if (row.status !== EXPORT_STATUS.ready || !row.file) throw conflict(`export ${row.id} failed and has no file: ${row.error || 'unknown error'}`);
    const file = path.join(this.deps.config.dataDir, row.file);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw notFound(`the file of export ${row.id}`);
    return { row, path: file, size: info.size };
  }

  /** Decoy extension: removes an export and its file. */
  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.get(p, id);
    await this.db.deleteFrom('exports').where('id', '=', row.id).execute();
    if (row.file) await rm(path.join(this.deps.config.dataDir, row.file), { force: true });
  }

  /** Resolves when every export started so far has been written (tests, shutdown). */
  idle(): Promise<void> {
    return this.jobs.idle();
  }

  private async settleStale(row: ExportRow): Promise<ExportRow> {
    if (row.status !== EXPORT_STATUS.processing || this.jobs.busy.has(row.id)) return row;
    if (Date.parse(row.updated_at) > Date.now() - STALE_MS) return row;
    const t = now();
    await this.db
      .updateTable('exports')
      .set({ status: EXPORT_STATUS.error, error: INTERRUPTED, updated_at: t, finished_at: t })
      .where('id', '=', row.id)
      .where('status', '=', EXPORT_STATUS.processing)
      .execute();
    return { ...row, status: EXPORT_STATUS.error, error: INTERRUPTED, updated_at: t, finished_at: t };
  }

  private async build(row: ExportRow): Promise<void> {
    const relative = path.join('exports', `${row.id}.${row.extension}`);
    const file = path.join(this.deps.config.dataDir, relative);
    try {
      const params = JSON.parse(row.params) as { campaign_id?: number; group_id?: number };
      const ctx: SourceContext = { db: this.db, clientId: row.client_id };
      if (params.campaign_id) {
        ctx.campaign = await this.db.selectFrom('campaigns').selectAll().where('id', '=', params.campaign_id).executeTakeFirst();
        if (!ctx.campaign) throw notFound('campaign');
      }
      if (params.group_id) {
        ctx.group = await this.db.selectFrom('recipient_groups').selectAll().where('id', '=', params.group_id).executeTakeFirst();
        if (!ctx.group) throw notFound('recipient group');
      }
      const source = await exportSource(row.type, ctx);
      const touch = heartbeat(() => this.db.updateTable('exports').set({ updated_at: now() }).where('id', '=', row.id).execute());
      const meta = { name: row.name, type: String(row.type), label: EXPORT_TYPES[row.type]?.label ?? '', created_at: row.created_at.replace(/\.\d{3}Z$/, 'Z') };
      const result = await writeTable(file, row.extension === 'xml' ? 'xml' : 'csv', source, meta, () => touch());
      const t = now();
      const done = await this.db
        .updateTable('exports')
        .set({ status: EXPORT_STATUS.ready, file: relative, row_count: result.rows, size: result.size, error: '', updated_at: t, finished_at: t })
        .where('id', '=', row.id)
        .executeTakeFirst();
      // Deleted while it was being written: nothing points at the file any more.
      if (Number(done.numUpdatedRows) === 0) await rm(file, { force: true });
    } catch (err) {
      const t = now();
      await this.db
        .updateTable('exports')
        .set({ status: EXPORT_STATUS.error, error: failureText(err, 'the export'), updated_at: t, finished_at: t })
        .where('id', '=', row.id)
        .execute()
        .catch(() => {});
    }
  }
}
