import type { Kysely, Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { ClientTable, DB } from '../../db/schema.ts';
import { conflict, invalid, isUniqueViolation, notFound } from '../../errors.ts';
import { assertAdmin, assertCanRead, assertCanWrite, assertSuper, readScope, type Principal } from '../access/principal.ts';
import { page, type ListOptions } from '../list.ts';

export type ClientRow = Selectable<ClientTable>;

export const CLIENT_TEXT_FIELDS = ['country', 'state', 'city', 'address', 'postcode', 'website', 'email', 'phone', 'fax', 'contact'] as const;

export interface ClientInput {
  name: string;
  slug?: string;
  timezone?: string;
  require_approval?: boolean;
  country?: string;
  state?: string;
  city?: string;
  address?: string;
  postcode?: string;
  website?: string;
  email?: string;
  phone?: string;
  fax?: string;
  contact?: string;
}

const SORT = ['id', 'name', 'slug', 'country', 'city', 'created_at', 'updated_at'];
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'client';
}

function checkTimezone(tz: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw invalid(`timezone: "${tz}" is not an IANA time zone`);
  }
}

export class ClientService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal, opts: ListOptions): Promise<ClientRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('clients').selectAll();
    if (scope !== null) q = q.where('id', '=', scope);
    return page(q, opts, SORT).execute();
  }

  async get(p: Principal, id: number): Promise<ClientRow> {
    assertCanRead(p);
    const scope = readScope(p);
    const row = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (scope !== null && row.id !== scope)) throw notFound('client');
    return row;
  }

  async byId(id: number): Promise<ClientRow | undefined> {
    return this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async bySlug(slug: string): Promise<ClientRow | undefined> {
    return this.db.selectFrom('clients').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  private async uniqueSlug(base: string, exceptId?: number): Promise<string> {
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? base : `${base.slice(0, 58)}-${i}`;
      const taken = await this.db.selectFrom('clients').select('id').where('slug', '=', candidate).executeTakeFirst();
      if (!taken || taken.id === exceptId) return candidate;
    }
  }

  private fields(input: ClientInput, existing?: ClientRow) {
    const out: Record<string, string | number> = {};
    for (const f of CLIENT_TEXT_FIELDS) out[f] = input[f] ?? existing?.[f] ?? '';
    if (input.timezone !== undefined) checkTimezone(input.timezone);
    out.timezone = input.timezone ?? existing?.timezone ?? 'UTC';
    out.require_approval = input.require_approval === undefined ? (existing?.require_approval ?? 0) : input.require_approval ? 1 : 0;
    if (!input.name.trim()) throw invalid('name: must not be empty');
    out.name = input.name.trim();
    return out as Omit<ClientRow, 'id' | 'slug' | 'created_at' | 'updated_at'>;
  }

  async create(p: Principal, input: ClientInput): Promise<ClientRow> {
    assertSuper(p);
    const fields = this.fields(input);
    if (input.slug !== undefined && !SLUG.test(input.slug)) {
      throw invalid('slug: use lower-case letters, digits and dashes (1-64 characters, not starting or ending with a dash)');
    }
    const slug = input.slug ?? (await this.uniqueSlug(slugify(input.name)));
    const t = now();
    try {
      return await this.db
        .insertInto('clients')
        .values({ ...fields, slug, created_at: t, updated_at: t })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`slug: "${slug}" is already used by another client`);
      throw err;
    }
  }

  async save(p: Principal, id: number, input: ClientInput): Promise<ClientRow> {
    assertCanWrite(p);
    assertAdmin(p);
    const existing = await this.get(p, id);
    const fields = this.fields(input, existing);
    if (input.slug !== undefined && !SLUG.test(input.slug)) {
      throw invalid('slug: use lower-case letters, digits and dashes (1-64 characters, not starting or ending with a dash)');
    }
    try {
      return await this.db
        .updateTable('clients')
        .set({ ...fields, slug: input.slug ?? existing.slug, updated_at: now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`slug: "${input.slug}" is already used by another client`);
      throw err;
    }
  }

  async delete(p: Principal, id: number): Promise<void> {
    await this.get(p, id);
    assertSuper(p);
    await this.db.transaction().execute(async (trx) => {
      // Everything of the client goes with it (foreign keys cascade) but its tracking events,
      // which carry no foreign key on PostgreSQL (migration 012): deleted after their victims.
      await trx.deleteFrom('clients').where('id', '=', id).execute();
      await trx.deleteFrom('tracking_events').where('client_id', '=', id).execute();
    });
  }

  /** The client that unscoped writes by a super admin go to (created on first start). */
  async defaultClient(): Promise<ClientRow> {
    const row = await this.db.selectFrom('clients').selectAll().orderBy('id').limit(1).executeTakeFirst();
    if (row) return row;
    const t = now();
    return this.db
      .insertInto('clients')
      .values({
        name: 'Default',
        slug: 'default',
        ...Object.fromEntries(CLIENT_TEXT_FIELDS.map((f) => [f, ''])),
        timezone: 'UTC',
        require_approval: 0,
        created_at: t,
        updated_at: t,
      } as any)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * The client a write goes to: a client user's own; for a super admin the requested one,
   * else the one they act in, else the default client. Another tenant's id answers 404.
   */
  async writeClientId(p: Principal, requested?: number | null): Promise<number> {
    if (p.clientId !== null) {
      if (requested !== undefined && requested !== null && requested !== p.clientId) throw notFound('client');
      return p.clientId;
    }
    const id = requested ?? p.actingClientId;
    if (id === null || id === undefined) return (await this.defaultClient()).id;
    const row = await this.db.selectFrom('clients').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('client');
    return row.id;
  }
}
