import { sql, type Selectable } from 'kysely';
import type { OutboxMessageTable } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { assertCanRead, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';

export type OutboxMessageRow = Selectable<OutboxMessageTable>;
/** What lists return: everything but the raw message. */
export type OutboxMessageSummary = Omit<OutboxMessageRow, 'raw'>;

export interface OutboxFilter {
  campaign_id?: number;
  victim_id?: number;
  channel?: string;
  /** Recipient or subject contains this (case-insensitive). */
  q?: string;
}

const SORT = ['id', 'created_at', 'client_id', 'campaign_id', 'victim_id', 'message_type', 'channel', 'sender', 'recipient', 'subject'];
const SUMMARY = ['id', 'client_id', 'campaign_id', 'victim_id', 'message_type', 'channel', 'sender', 'recipient', 'subject', 'message_id', 'html', 'text', 'created_at'] as const;

/**
 * Messages kept by the built-in catcher (mail with no DECOY_SMTP_URL, SMS with the built-in
 * provider). A client sees its own; a super admin sees all, or one client's with X-Decoy-Client.
 * Messages that belong to no client (relay tests by a super admin) are only in the unscoped view.
 */
export class OutboxService {
  constructor(private readonly deps: ServiceDeps) {}

  private scoped(p: Principal) {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.deps.db.selectFrom('outbox_messages');
    if (scope !== null) q = q.where('client_id', '=', scope);
    return q;
  }

  async list(p: Principal, opts: ListOptions & OutboxFilter): Promise<OutboxMessageSummary[]> {
    let q = this.scoped(p).select(SUMMARY);
    if (opts.campaign_id !== undefined) q = q.where('campaign_id', '=', opts.campaign_id);
    if (opts.victim_id !== undefined) q = q.where('victim_id', '=', opts.victim_id);
    if (opts.channel !== undefined) q = q.where('channel', '=', opts.channel);
    if (opts.q) {
      const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
      q = q.where((eb) =>
        eb.or([sql<boolean>`lower(recipient) like ${pattern} escape '\\'`, sql<boolean>`lower(subject) like ${pattern} escape '\\'`]),
      );
    }
    return page(q, opts, SORT).execute();
  }

  async get(p: Principal, id: number): Promise<OutboxMessageRow> {
    const row = await this.scoped(p).selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('outbox message');
    return row;
  }
}
