/**
 * Which recipient groups a campaign and its scenarios send to. A group added to a campaign is
 * added to every scenario of it (Lucy: "recipients will be added to all scenarios in
 * campaign"), and to scenarios created later; removing it from the campaign removes it from
 * all of them. A group can also be added to one scenario only. A group added to a running
 * campaign is sent to at once (its people get victims as at the start).
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { conflict, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, type Principal } from '../access/principal.ts';
import { page, type ListOptions } from '../list.ts';
import { assertSchedulable } from '../sending/launch.ts';
import { EVENT, q, recordEvent } from './events.ts';
import { inTransaction, loadCampaign, loadGroupForClient, loadScenario, type RecipientGroupRow } from './shared.ts';

const SORT = ['id', 'name', 'usb_attack', 'created_at'];

export class CampaignRecipientGroups {
  constructor(
    private readonly db: Kysely<DB>,
    /** After a group is added (committed): a running campaign sends to its new people. */
    private readonly added: (campaignId: number) => Promise<void> = async () => {},
  ) {}

  async listForCampaign(p: Principal, campaignId: number, opts: ListOptions): Promise<RecipientGroupRow[]> {
    assertCanRead(p);
    const campaign = await loadCampaign(this.db, p, campaignId);
    const q = this.db
      .selectFrom('recipient_groups')
      .innerJoin('campaign_recipient_groups as crg', 'crg.recipient_group_id', 'recipient_groups.id')
      .selectAll('recipient_groups')
      .where('crg.campaign_id', '=', campaign.id)
      .where('recipient_groups.client_id', '=', campaign.client_id);
    return page(q, opts, SORT, 'recipient_groups').execute();
  }

  async addToCampaign(p: Principal, campaignId: number, groupId: number): Promise<RecipientGroupRow> {
    assertCanWrite(p);
    const added = await inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, campaignId);
      const group = await loadGroupForClient(trx, campaign.client_id, groupId);
      const already = await trx
        .selectFrom('campaign_recipient_groups')
        .select('campaign_id')
        .where('campaign_id', '=', campaign.id)
        .where('recipient_group_id', '=', group.id)
        .executeTakeFirst();
      if (already) throw conflict(`id: recipient group ${group.id} is already in this campaign`);
      await trx.insertInto('campaign_recipient_groups').values({ client_id: campaign.client_id, campaign_id: campaign.id, recipient_group_id: group.id }).execute();
      await addGroupToScenarios(trx, campaign, group.id);
      if (campaign.status === 'running') await assertSchedulable(trx, campaign, 'before adding people to the running campaign');
      await recordEvent(trx, campaign, EVENT.groupAdded, `Recipient group ${q(group.name)} added`);
      return { group, campaignId: campaign.id };
    });
    await this.added(added.campaignId);
    return added.group;
  }

  async removeFromCampaign(p: Principal, campaignId: number, groupId: number): Promise<void> {
    assertCanWrite(p);
    await inTransaction(this.db, async (trx) => {
      const campaign = await loadCampaign(trx, p, campaignId);
      const group = await loadGroupForClient(trx, campaign.client_id, groupId);
      const scenarioIds = trx.selectFrom('scenarios').select('id').where('campaign_id', '=', campaign.id);
      const inCampaign = await trx
        .selectFrom('campaign_recipient_groups')
        .select('campaign_id')
        .where('campaign_id', '=', campaign.id)
        .where('recipient_group_id', '=', group.id)
        .executeTakeFirst();
      const inScenario = await trx
        .selectFrom('scenario_recipient_groups')
        .select('scenario_id')
        .where('scenario_id', 'in', scenarioIds)
        .where('recipient_group_id', '=', group.id)
        .executeTakeFirst();
      if (!inCampaign && !inScenario) throw notFound('recipient group in this campaign');
      assertNotRunning(campaign.status, 'remove a recipient group');
      await trx.deleteFrom('campaign_recipient_groups').where('campaign_id', '=', campaign.id).where('recipient_group_id', '=', group.id).execute();
      await trx.deleteFrom('scenario_recipient_groups').where('scenario_id', 'in', scenarioIds).where('recipient_group_id', '=', group.id).execute();
      await recordEvent(trx, campaign, EVENT.groupRemoved, `Recipient group ${q(group.name)} removed`);
    });
  }

  async listForScenario(p: Principal, scenarioId: number, opts: ListOptions): Promise<RecipientGroupRow[]> {
    assertCanRead(p);
    const scenario = await loadScenario(this.db, p, scenarioId);
    const q = this.db
      .selectFrom('recipient_groups')
      .innerJoin('scenario_recipient_groups as srg', 'srg.recipient_group_id', 'recipient_groups.id')
      .selectAll('recipient_groups')
      .where('srg.scenario_id', '=', scenario.id)
      .where('recipient_groups.client_id', '=', scenario.client_id);
    return page(q, opts, SORT, 'recipient_groups').execute();
  }

  async addToScenario(p: Principal, scenarioId: number, groupId: number): Promise<RecipientGroupRow> {
    assertCanWrite(p);
    const added = await inTransaction(this.db, async (trx) => {
      const scenario = await loadScenario(trx, p, scenarioId);
      const group = await loadGroupForClient(trx, scenario.client_id, groupId);
      const already = await trx
        .selectFrom('scenario_recipient_groups')
        .select('scenario_id')
        .where('scenario_id', '=', scenario.id)
        .where('recipient_group_id', '=', group.id)
        .executeTakeFirst();
      if (already) throw conflict(`id: recipient group ${group.id} is already in this scenario`);
      await trx.insertInto('scenario_recipient_groups').values({ client_id: scenario.client_id, scenario_id: scenario.id, recipient_group_id: group.id }).execute();
      const campaign = await trx.selectFrom('campaigns').select(['id', 'client_id', 'status', 'schedule']).where('id', '=', scenario.campaign_id).executeTakeFirstOrThrow();
      if (campaign.status === 'running') await assertSchedulable(trx, campaign, 'before adding people to the running campaign');
      await recordEvent(
        trx,
        { id: scenario.campaign_id, client_id: scenario.client_id },
        EVENT.groupAdded,
        `Recipient group ${q(group.name)} added to scenario ${q(scenario.name)}`,
      );
      return { group, campaignId: scenario.campaign_id };
    });
    await this.added(added.campaignId);
    return added.group;
  }

  async removeFromScenario(p: Principal, scenarioId: number, groupId: number): Promise<void> {
    assertCanWrite(p);
    await inTransaction(this.db, async (trx) => {
      const scenario = await loadScenario(trx, p, scenarioId);
      const group = await loadGroupForClient(trx, scenario.client_id, groupId);
      const linked = await trx
        .selectFrom('scenario_recipient_groups')
        .select('scenario_id')
        .where('scenario_id', '=', scenario.id)
        .where('recipient_group_id', '=', group.id)
        .executeTakeFirst();
      if (!linked) throw notFound('recipient group in this scenario');
      const campaign = await trx.selectFrom('campaigns').select('status').where('id', '=', scenario.campaign_id).executeTakeFirstOrThrow();
      assertNotRunning(campaign.status, 'remove a recipient group');
      await trx.deleteFrom('scenario_recipient_groups').where('scenario_id', '=', scenario.id).where('recipient_group_id', '=', group.id).execute();
      await recordEvent(
        trx,
        { id: scenario.campaign_id, client_id: scenario.client_id },
        EVENT.groupRemoved,
        `Recipient group ${q(group.name)} removed from scenario ${q(scenario.name)}`,
      );
    });
  }
}

/** Links `groupId` to every scenario of the campaign that does not have it yet. */
export async function addGroupToScenarios(db: Executor, campaign: { id: number; client_id: number }, groupId: number): Promise<void> {
  const missing = await db
    .selectFrom('scenarios')
    .select('id')
    .where('campaign_id', '=', campaign.id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('scenario_recipient_groups as srg')
            .select('srg.scenario_id')
            .whereRef('srg.scenario_id', '=', 'scenarios.id')
            .where('srg.recipient_group_id', '=', groupId),
        ),
      ),
    )
    .execute();
  if (!missing.length) return;
  await db
    .insertInto('scenario_recipient_groups')
    .values(missing.map((s) => ({ client_id: campaign.client_id, scenario_id: s.id, recipient_group_id: groupId })))
    .execute();
}

/**
 * While a campaign runs, nothing that may already have been sent can be taken away (its
 * victims would lose their scenario, group or training). Adding is fine.
 */
export function assertNotRunning(status: string, action: string): void {
  if (status === 'running') throw conflict(`status: the campaign is running; stop it before you ${action}`);
}
