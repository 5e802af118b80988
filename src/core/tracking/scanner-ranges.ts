/**
 * Address ranges whose hits are automated (a mail gateway's link scanners). A range belongs to
 * one client, or to every client (client_id null, made by a super admin).
 *
 * Decoy ships no built-in ranges: vendors publish their mail-relay ranges, but not reliably the
 * ranges their link scanners click from, and a wrong range would hide real clicks. Each
 * organisation adds what it sees in its own automated events.
 */
import type { Selectable } from 'kysely';
import { now } from '../../db/index.ts';
import type { ScannerRangeTable } from '../../db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../../errors.ts';
import { assertCanRead, assertCanWrite, assertVisible, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';
import { page, type ListOptions } from '../list.ts';
import { compileScannerRanges, parseCidr, type ScannerRangeMatcher } from './scanner-match.ts';

export type ScannerRangeRow = Selectable<ScannerRangeTable>;

export interface ScannerRangeInput {
  cidr: string;
  label?: string;
  /** Super admin only: the client the range is for; null: every client. */
  client_id?: number | null;
}

const SORT = ['id', 'client_id', 'cidr', 'label', 'created_at'];
export const MAX_LABEL = 255;

/** How long compiled ranges are reused before the table is read again (other processes' changes show up within this). */
export const RANGE_CACHE_TTL_MS = 30_000;

interface Snapshot {
  loadedAt: number;
  rows: { client_id: number | null; cidr: string; label: string }[];
  byClient: Map<number | null, ScannerRangeMatcher>;
}

export class ScannerRangeService {
  private snapshot: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;
  /** Bumped by every change in this process, so that a load started before it is not kept. */
  private generation = 0;

  constructor(private readonly deps: Pick<ServiceDeps, 'db' | 'clients'>) {}

  async list(p: Principal, opts: ListOptions): Promise<ScannerRangeRow[]> {
    assertCanRead(p);
    const scope = readScope(p);
    let q = this.deps.db.selectFrom('scanner_ranges').selectAll();
    if (scope !== null) q = q.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', scope)]));
    return page(q, opts, SORT).execute();
  }

  async get(p: Principal, id: number): Promise<ScannerRangeRow> {
    assertCanRead(p);
    const row = await this.deps.db.selectFrom('scanner_ranges').selectAll().where('id', '=', id).executeTakeFirst();
    return assertVisible(p, row, 'scanner range');
  }

  async create(p: Principal, input: ScannerRangeInput): Promise<ScannerRangeRow> {
    assertCanWrite(p);
    const { cidr } = parseCidr(input.cidr);
    const label = (input.label ?? '').trim();
    if (label.length > MAX_LABEL) throw invalid(`label: at most ${MAX_LABEL} characters`);
    let clientId: number | null;
    if (p.clientId !== null) {
      if (input.client_id !== undefined && input.client_id !== null && input.client_id !== p.clientId) throw notFound('client');
      clientId = p.clientId;
    } else {
      // A super admin: the client asked for, else the one acted in, else every client.
      const requested = input.client_id !== undefined ? input.client_id : p.actingClientId;
      clientId = requested === null ? null : await this.deps.clients.writeClientId(p, requested);
    }
    let same = this.deps.db.selectFrom('scanner_ranges').select('id').where('cidr', '=', cidr);
    same = clientId === null ? same.where('client_id', 'is', null) : same.where('client_id', '=', clientId);
    if (await same.executeTakeFirst()) throw conflict(`cidr: ${cidr} is already a scanner range${clientId === null ? ' for every client' : ''}`);
    const row = await this.deps.db
      .insertInto('scanner_ranges')
      .values({ client_id: clientId, cidr, label, created_at: now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.invalidate();
    return row;
  }

  async delete(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.get(p, id);
    if (row.client_id === null && p.clientId !== null) throw forbidden('this scanner range applies to every client; only a super admin can delete it');
    await this.deps.db.deleteFrom('scanner_ranges').where('id', '=', id).execute();
    this.invalidate();
  }

  /** Forget the compiled ranges (after a change; other processes catch up within RANGE_CACHE_TTL_MS). */
  invalidate(): void {
    this.generation++;
    this.snapshot = null;
    this.loading = null;
  }

  /**
   * The ranges that apply to a client's hits (its own and everyone's), compiled for
   * classifyHit. One query per RANGE_CACHE_TTL_MS for all clients together, never one per hit.
   */
  async compiledFor(clientId: number | null): Promise<ScannerRangeMatcher> {
    let snap = this.snapshot;
    const age = snap ? Date.now() - snap.loadedAt : Infinity;
    // Past the TTL the snapshot is used while one query reloads it beside the hits (a hit never
    // waits for it, which on SQLite can queue behind a large write of the recorder); long past
    // it (the database was unreachable meanwhile), or after a change here, the hit waits.
    if (age > RANGE_CACHE_TTL_MS * 10 || !snap) snap = await this.load();
    else if (age > RANGE_CACHE_TTL_MS) this.load().catch(() => undefined);
    let matcher = snap.byClient.get(clientId);
    if (!matcher) {
      matcher = compileScannerRanges(snap.rows.filter((r) => r.client_id === null || r.client_id === clientId));
      snap.byClient.set(clientId, matcher);
    }
    return matcher;
  }

  private load(): Promise<Snapshot> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = this.deps.db
      .selectFrom('scanner_ranges')
      .select(['client_id', 'cidr', 'label'])
      .orderBy('id')
      .execute()
      .then((rows) => {
        const snap: Snapshot = { loadedAt: Date.now(), rows, byClient: new Map() };
        if (generation === this.generation) this.snapshot = snap;
        return snap;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = null;
      });
    this.loading = loading;
    return loading;
  }
}
