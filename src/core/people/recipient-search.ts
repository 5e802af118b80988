/**
 * Finding people in a recipient group by part of their address or name (the web app's People
 * table). Kept apart from the group's plain page (PeopleService.recipientPageQuery), whose plan
 * is tuned for paging deep into a big group without a filter.
 */
import { sql, type Selectable } from 'kysely';
import type { RecipientTable } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { assertCanRead, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { likePattern } from '../templates/common.ts';
import { RECIPIENT_SORT } from './people.ts';

export interface RecipientSearch extends ListOptions {
  /** Part of the email, name, first or last name (case-insensitive). */
  q?: string;
}

export class RecipientSearchService {
  constructor(private readonly deps: Pick<ServiceDeps, 'db'>) {}

  async search(p: Principal, groupId: number, opts: RecipientSearch): Promise<Selectable<RecipientTable>[]> {
    assertCanRead(p);
    const group = await this.deps.db.selectFrom('recipient_groups').select(['id', 'client_id']).where('id', '=', groupId).executeTakeFirst();
    const scope = readScope(p);
    if (!group || (scope !== null && group.client_id !== scope)) throw notFound('recipient group');
    let q = this.deps.db.selectFrom('recipients').selectAll().where('recipient_group_id', '=', group.id);
    const text = opts.q?.trim();
    if (text) {
      const pattern = likePattern(text);
      q = q.where((eb) =>
        eb.or([
          eb(sql<string>`lower(email)`, 'like', sql<string>`${pattern} escape '\\'`),
          eb(sql<string>`lower(name)`, 'like', sql<string>`${pattern} escape '\\'`),
          eb(sql<string>`lower(firstname)`, 'like', sql<string>`${pattern} escape '\\'`),
          eb(sql<string>`lower(lastname)`, 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    return page(q, opts, RECIPIENT_SORT).execute();
  }
}
