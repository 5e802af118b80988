/**
 * Campaign custom fields (Lucy's Campaign Custom Field): named fields defined per campaign.
 * Names are unique within a campaign. These are separate from the campaign's own
 * `custom_fields` list of strings, which is stored with the campaign.
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, readScope, type Principal } from '../access/principal.ts';
import { page, type ListOptions } from '../list.ts';
import { inTransaction, loadCampaign, nonEmpty, type CampaignCustomFieldRow } from './shared.ts';

export interface CampaignCustomFieldInput {
  campaign_id?: number;
  name: string;
}

const SORT = ['id', 'name', 'campaign_id'];

export class CampaignCustomFieldService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, opts: ListOptions & { campaign_id?: number }): Promise<CampaignCustomFieldRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('campaign_custom_fields').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    if (opts.campaign_id !== undefined) q = q.where('campaign_id', '=', opts.campaign_id);
    return page(q, opts, SORT).execute();
  }

  async get(p: Principal, id: number): Promise<CampaignCustomFieldRow> {
    assertCanRead(p);
    return this.load(this.db, p, id);
  }

  async create(p: Principal, input: CampaignCustomFieldInput & { campaign_id: number }): Promise<CampaignCustomFieldRow> {
    assertCanWrite(p);
    return inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, input.campaign_id);
      const name = nonEmpty('name', input.name);
      await assertNameFree(trx, campaign.id, name);
      return trx
        .insertInto('campaign_custom_fields')
        .values({ client_id: campaign.client_id, campaign_id: campaign.id, name })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async save(p: Principal, id: number, input: CampaignCustomFieldInput): Promise<CampaignCustomFieldRow> {
    assertCanWrite(p);
    return inTransaction(this.db, async (trx) => {
      const existing = await this.load(trx, p, id);
      let campaignId = existing.campaign_id;
      if (input.campaign_id !== undefined && input.campaign_id !== existing.campaign_id) {
        const campaign = await loadCampaign(trx, p, input.campaign_id);
        // A field stays with its tenant, even for a super admin.
        if (campaign.client_id !== existing.client_id) throw notFound('campaign');
        campaignId = campaign.id;
      }
      const name = nonEmpty('name', input.name);
      await assertNameFree(trx, campaignId, name, existing.id);
      return trx
        .updateTable('campaign_custom_fields')
        .set({ campaign_id: campaignId, name })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.load(this.db, p, id);
    await this.db.deleteFrom('campaign_custom_fields').where('id', '=', row.id).execute();
  }

  private async load(db: Executor, p: Principal, id: number): Promise<CampaignCustomFieldRow> {
    const scope = readScope(p);
    let q = db.selectFrom('campaign_custom_fields').selectAll().where('id', '=', id);
    if (scope !== null) q = q.where('client_id', '=', scope);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('campaign custom field');
    return row;
  }
}

async function assertNameFree(db: Executor, campaignId: number, name: string, exceptId?: number): Promise<void> {
  let q = db.selectFrom('campaign_custom_fields').select('id').where('campaign_id', '=', campaignId).where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw conflict(`name: the campaign already has a custom field named "${name}"`);
}
