import { createPrivateKey, type KeyObject } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { SecretBox } from '../access/secrets.ts';
import type { Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { BenchmarkTable, DomainTable, LanguageTable } from '../../db/schema.ts';
import { conflict, forbidden, invalid, isUniqueViolation, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, assertSuper, canSee, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';

export type LanguageRow = Selectable<LanguageTable>;
export type BenchmarkRow = Selectable<BenchmarkTable>;
export type DomainRow = Selectable<DomainTable>;

export interface BenchmarkInput {
  name: string;
}

export interface DomainInput {
  name: string;
  /** Super admin only: the owning client; absent or null (and not acting in a client): shared. */
  client_id?: number | null;
}

/** Lucy's names for the sortable language columns, and the column each stands for. */
const LANGUAGE_SORT: Record<string, string> = { id: 'id', name: 'name', code: 'code', default: 'is_default' };
const BENCHMARK_SORT = ['id', 'name'];
const DOMAIN_SORT = ['id', 'name', 'client_id', 'created_at'];

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A DNS name as stored: trimmed, lower-cased, without a trailing dot, internationalised labels
 * in punycode. Anything else is a 400 that says what is wrong.
 */
export function normaliseDomainName(input: string): string {
  let name = input.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!name) throw invalid('name: must not be empty');
  // Reject the things domainToASCII would silently accept or rewrite (URLs, ports, paths).
  if (/[\s/:@?#\\[\]%]/.test(name)) throw invalid(`name: "${input.trim().slice(0, 100)}" is not a domain name (no scheme, port, path or spaces)`);
  if (/[^ -~]/.test(name)) {
    const ascii = domainToASCII(name);
    if (!ascii) throw invalid(`name: "${input.trim().slice(0, 100)}" is not a valid internationalised domain name`);
    name = ascii;
  }
  if (name.length > 253) throw invalid('name: must be at most 253 characters');
  const labels = name.split('.');
  if (labels.length < 2) throw invalid('name: needs at least two labels, e.g. example.com');
  for (const label of labels) {
    if (label.length === 0) throw invalid('name: has an empty label (two dots in a row, or a leading dot)');
    if (label.length > 63) throw invalid(`name: label "${label.slice(0, 20)}..." is longer than 63 characters`);
    if (!LABEL.test(label)) {
      throw invalid(`name: label "${label}" may only contain a-z, 0-9 and inner hyphens`);
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1])) throw invalid('name: the last label must not be all digits (an IP address is not a domain name)');
  return name;
}

function cleanName(name: string, field = 'name'): string {
  const n = name.trim();
  if (!n) throw invalid(`${field}: must not be empty`);
  return n;
}

export class ReferenceService {
  constructor(private readonly deps: ServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  // Languages: global, read-only reference data.

  async listLanguages(p: Principal, opts: ListOptions): Promise<LanguageRow[]> {
    assertCanRead(p);
    let sort = opts.sort;
    if (sort) {
      const desc = sort.startsWith('-');
      const column = LANGUAGE_SORT[desc ? sort.slice(1) : sort];
      if (!column) throw invalid(`sort: unknown column "${desc ? sort.slice(1) : sort}"; one of ${Object.keys(LANGUAGE_SORT).join(', ')}`);
      sort = (desc ? '-' : '') + column;
    }
    return page(this.db.selectFrom('languages').selectAll(), { ...opts, sort }, Object.values(LANGUAGE_SORT)).execute();
  }

  async getLanguage(p: Principal, id: number): Promise<LanguageRow> {
    assertCanRead(p);
    return this.language(id);
  }

  /** A language by id, for anyone (its icon is public). */
  async language(id: number): Promise<LanguageRow> {
    const row = await this.db.selectFrom('languages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('language');
    return row;
  }

  // Benchmarks (industry sectors): global; everyone reads, only a super admin writes.

  async listBenchmarks(p: Principal, opts: ListOptions): Promise<BenchmarkRow[]> {
    assertCanRead(p);
    return page(this.db.selectFrom('benchmarks').selectAll(), opts, BENCHMARK_SORT).execute();
  }

  async getBenchmark(p: Principal, id: number): Promise<BenchmarkRow> {
    assertCanRead(p);
    const row = await this.db.selectFrom('benchmarks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('benchmark');
    return row;
  }

  async createBenchmark(p: Principal, input: BenchmarkInput): Promise<BenchmarkRow> {
    assertCanWrite(p);
    assertSuper(p);
    return this.db.insertInto('benchmarks').values({ name: cleanName(input.name) }).returningAll().executeTakeFirstOrThrow();
  }

  async saveBenchmark(p: Principal, id: number, input: BenchmarkInput): Promise<BenchmarkRow> {
    assertCanWrite(p);
    assertSuper(p);
    const name = cleanName(input.name);
    await this.getBenchmark(p, id);
    return this.db.updateTable('benchmarks').set({ name }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  /** Campaigns that used the sector keep running without one (the foreign key sets null). */
  async deleteBenchmark(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    assertSuper(p);
    await this.getBenchmark(p, id);
    await this.db.deleteFrom('benchmarks').where('id', '=', id).execute();
  }

  // Domains: shared (client_id NULL, made by a super admin) or owned by one client.

  async listDomains(p: Principal, opts: ListOptions): Promise<DomainRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('domains').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    return page(q, opts, DOMAIN_SORT).execute();
  }

  async getDomain(p: Principal, id: number): Promise<DomainRow> {
    assertCanRead(p);
    const row = await this.db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !canSee(p, row.client_id)) throw notFound('domain');
    return row;
  }

  async createDomain(p: Principal, input: DomainInput): Promise<DomainRow> {
    assertCanWrite(p);
    const name = normaliseDomainName(input.name);
    let clientId: number | null;
    if (p.clientId !== null) {
      if (input.client_id !== undefined && input.client_id !== null && input.client_id !== p.clientId) throw notFound('client');
      clientId = p.clientId;
    } else {
      // A super admin: the client asked for, else the one acted in, else shared by everyone.
      const requested = input.client_id !== undefined ? input.client_id : p.actingClientId;
      clientId = requested === null ? null : await this.deps.clients.writeClientId(p, requested);
    }
    try {
      return await this.db.insertInto('domains').values({ client_id: clientId, name, created_at: now() }).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`name: "${name}" already exists${clientId === null ? ' as a shared domain' : ''}`);
      throw err;
    }
  }

  /**
   * DKIM signing for mail sent from this domain: a selector and an RSA or Ed25519 private key
   * (PEM). The key is stored encrypted and never shown again; `null` removes signing.
   */
  async setDomainDkim(p: Principal, id: number, dkim: { selector: string; private_key: string } | null): Promise<DomainRow> {
    assertCanWrite(p);
    const row = await this.getDomain(p, id);
    if (row.client_id === null && p.clientId !== null) throw forbidden('this domain is shared by every client; only a super admin can change it');
    let selector = '';
    let sealed = '';
    if (dkim) {
      if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(dkim.selector)) {
        throw invalid('selector: must be a DNS label such as "decoy2026"');
      }
      let key: KeyObject;
      try {
        key = createPrivateKey(dkim.private_key);
      } catch {
        throw invalid('private_key: is not a PEM private key');
      }
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') throw invalid('private_key: must be an RSA or Ed25519 key');
      selector = dkim.selector.toLowerCase();
      sealed = new SecretBox(this.deps.config.secret).seal(dkim.private_key);
    }
    return this.db
      .updateTable('domains')
      .set({ dkim_selector: selector, dkim_private_key: sealed })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The DKIM key to sign mail from `domain` with, for the client's messages (own domain first, then shared). */
  async dkimFor(clientId: number, domain: string): Promise<{ domainName: string; keySelector: string; privateKey: string } | null> {
    const rows = await this.db
      .selectFrom('domains')
      .select(['client_id', 'name', 'dkim_selector', 'dkim_private_key'])
      .where('name', '=', domain.toLowerCase())
      .where((eb) => eb.or([eb('client_id', '=', clientId), eb('client_id', 'is', null)]))
      .where('dkim_selector', '!=', '')
      .execute();
    const row = rows.find((r) => r.client_id === clientId) ?? rows[0];
    if (!row) return null;
    return { domainName: row.name, keySelector: row.dkim_selector, privateKey: new SecretBox(this.deps.config.secret).open(row.dkim_private_key) };
  }

  async deleteDomain(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.getDomain(p, id);
    if (row.client_id === null && p.clientId !== null) throw forbidden('this domain is shared by every client; only a super admin can delete it');
    await this.db.deleteFrom('domains').where('id', '=', id).execute();
  }
}
