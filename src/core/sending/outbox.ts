import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { VictimTable } from '../../db/schema.ts';
import { bump, type CountDeltas } from '../stats/counters.ts';
import { stopExpiredCampaigns } from './launch.ts';
import { allowedIntervals, parseSchedule } from './schedule.ts';

export type VictimRow = Selectable<VictimTable>;
export type MessageKind = 'attack' | 'lure' | 'awareness';

/** One message ready to go: built by the caller's builder, handed to the transport. */
export interface OutboundMessage {
  victimId: number;
  kind: MessageKind;
  channel: 'email' | 'sms';
  from: string;
  to: string;
  raw: string | Buffer;
  messageId: string;
  subject: string;
  html: string;
  text: string;
  meta: { clientId: number; campaignId: number; victimId: number; messageType: MessageKind };
}

export type SendResult = { ok: true } | { ok: false; kind: 'temporary' | 'permanent'; text: string };

/** Turns a victim and a message kind into a message (rendering lives in mail/). */
export type MessageBuilder = (victim: VictimRow, kind: MessageKind) => Promise<OutboundMessage | null>;
/** Sends a batch; one result per message, in order. */
export type BatchSender = (messages: OutboundMessage[]) => Promise<SendResult[]>;

export interface OutboxOptions {
  /** How long a claimed row is held; after a crash, another worker takes it over then. */
  leaseMs: number;
  batchSize: number;
  /** Temporary failures are retried this many times, with exponential backoff, before giving up. */
  maxAttempts: number;
  backoffBaseMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { leaseMs: 120_000, batchSize: 200, maxAttempts: 8, backoffBaseMs: 60_000 };

/** Which messages of a claimed victim are due now. */
/** Whether a message of the victim is still to go: never sent, or asked to be sent again. */
export function pending(v: VictimRow, kind: MessageKind): boolean {
  const sent = kind === 'attack' ? v.submitted_at : kind === 'lure' ? v.lure_submitted_at : v.awareness_submitted_at;
  return !sent || resends(v, kind);
}

function resends(v: VictimRow, kind: MessageKind): boolean {
  return !!v.resend && v.resend.split(',').includes(kind);
}

export function dueKinds(v: VictimRow, nowIso: string): MessageKind[] {
  const out: MessageKind[] = [];
  if (v.lure_send_at && pending(v, 'lure') && v.lure_send_at <= nowIso) out.push('lure');
  // A double-barrel attack waits until its lure has gone out (recorded: never in the same batch,
  // and not when the lure failed), and then its own time (moved to lure_delay after the lure).
  if (v.send_at && pending(v, 'attack') && v.send_at <= nowIso && (!v.lure_send_at || v.lure_submitted_at)) out.push('attack');
  if (v.awareness_send_at && pending(v, 'awareness') && v.awareness_send_at <= nowIso) out.push('awareness');
  return out;
}

/**
 * Claims due victims of running campaigns (not past their stop date, even before the sweep that
 * stops such campaigns has run). The claim moves `next_send_at` to the end of the
 * lease, so no other worker sees the row until then; PostgreSQL skips rows another worker is
 * claiming at the same moment (FOR UPDATE SKIP LOCKED); SQLite serialises writers.
 */
export async function claimDue(database: Database, limit: number, leaseMs: number, nowMs = Date.now()): Promise<VictimRow[]> {
  const nowIso = new Date(nowMs).toISOString();
  const lease = new Date(nowMs + leaseMs).toISOString();
  const lock = database.dialect === 'postgres' ? sql`for update of v skip locked` : sql``;
  const result = await sql<VictimRow>`
    update victims set lease_until = ${lease}, next_send_at = ${lease}
    where id in (
      select v.id from victims v join campaigns c on c.id = v.campaign_id
      where v.next_send_at <= ${nowIso} and c.status = 'running' and (c.stop_date is null or c.stop_date > ${nowIso})
      order by v.next_send_at limit ${limit} ${lock}
    )
    returning *`.execute(database.db);
  return result.rows;
}

interface Outcome {
  victim: VictimRow;
  kind: MessageKind;
  result: SendResult;
}

/**
 * Records what happened to a group of sent messages: sent rows get their `*_submitted_at` and
 * next pending time, temporary failures are rescheduled with backoff, permanent ones (and
 * temporary ones out of attempts) become the victim's error. Counters move in the same
 * transaction.
 */
export async function recordOutcomes(database: Database, outcomes: Outcome[], opts: OutboxOptions, nowMs = Date.now()): Promise<void> {
  if (!outcomes.length) return;
  // Two workers (or a worker and the tracking journal's apply) can lock the same counters rows in
  // opposite orders on PostgreSQL: the one PostgreSQL aborts tries again, from the start (its
  // transaction left nothing). Unrecorded, its messages would go out again after their lease.
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordOutcomesOnce(database, outcomes, opts, nowMs);
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (attempt >= 10 || (code !== '40P01' && code !== '40001')) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** The earliest of the times (text, ISO 8601), ignoring nulls; null when all are. */
function earliest(database: Database, times: RawBuilder<string | null>[]): RawBuilder<string | null> {
  if (!times.length) return sql<null>`null`;
  if (times.length === 1) return times[0];
  const LAST = '9999-12-31T23:59:59.999Z';
  const fn = sql.raw(database.dialect === 'postgres' ? 'least' : 'min');
  return sql<string | null>`nullif(${fn}(${sql.join(times.map((x) => sql`coalesce(${x}, ${LAST})`))}), ${LAST})`;
}

/**
 * A victim's next send time as the row holds it when the update runs, not as it was claimed: an
 * awareness mail scheduled, or a message re-sent, while this batch was in flight stays pending.
 * `done` kinds are no longer pending (sent, or failed: `retryAt` brings a failure back).
 */
function nextSendSql(database: Database, done: Set<MessageKind>, retryAt: string | null): RawBuilder<string | null> {
  const times: RawBuilder<string | null>[] = [];
  const again = (kind: MessageKind) => sql`(',' || resend || ',') like ${`%,${kind},%`}`;
  if (!done.has('lure')) times.push(sql`case when lure_submitted_at is null or ${again('lure')} then lure_send_at end`);
  if (!done.has('attack')) times.push(sql`case when submitted_at is null or ${again('attack')} then send_at end`);
  if (!done.has('awareness')) times.push(sql`case when awareness_submitted_at is null or ${again('awareness')} then awareness_send_at end`);
  if (retryAt) times.push(sql`${retryAt}`);
  return earliest(database, times);
}

/**
 * When a double-barrel lure goes out at `nowMs`, its attack's new time if the planned one is now
 * too close: as far after the lure as planned (the scenario's lure_delay, or more where the
 * schedule put it), never earlier than planned. Null when nothing moves.
 */
function attackAfterLure(v: VictimRow, nowMs: number): string | null {
  if (!v.send_at || !pending(v, 'attack') || !v.lure_send_at) return null;
  const gap = Math.max(0, Date.parse(v.send_at) - Date.parse(v.lure_send_at));
  const at = nowMs + gap;
  return Number.isFinite(at) && at > Date.parse(v.send_at) ? new Date(at).toISOString() : null;
}

async function recordOutcomesOnce(database: Database, outcomes: Outcome[], opts: OutboxOptions, nowMs: number): Promise<void> {
  const t = new Date(nowMs).toISOString();
  await database.db.transaction().execute(async (trx) => {
    const deltas = new Map<number, { clientId: number; campaignId: number; d: CountDeltas }>();
    const add = (v: VictimRow, key: keyof CountDeltas, n = 1) => {
      let e = deltas.get(v.scenario_id);
      if (!e) deltas.set(v.scenario_id, (e = { clientId: v.client_id, campaignId: v.campaign_id, d: {} }));
      e.d[key] = (e.d[key] ?? 0) + n;
    };
    // Group per victim: several kinds may have gone out for one victim in one batch.
    // Rows, and then counters, are locked in one order (by id) in every worker.
    const byVictim = new Map<number, Outcome[]>();
    for (const o of [...outcomes].sort((a, b) => a.victim.id - b.victim.id)) byVictim.set(o.victim.id, [...(byVictim.get(o.victim.id) ?? []), o]);
    const simpleSent = new Map<string, { kind: MessageKind; lease: string | null; ids: number[] }>();
    for (const [id, list] of byVictim) {
      const v = list[0].victim;
      const sent = new Set(list.filter((o) => o.result.ok).map((o) => o.kind));
      const failed = list.filter((o) => !o.result.ok);
      const set: Record<string, unknown> = { lease_until: null, updated_at: t, last_attempt_at: t };
      // Counted only if this update is the one that records the send (see below).
      const counted: (keyof CountDeltas)[] = [];
      for (const kind of sent) {
        const col = kind === 'attack' ? 'submitted_at' : kind === 'lure' ? 'lure_submitted_at' : 'awareness_submitted_at';
        set[col] = t;
        // A re-send of a message that had gone out moves its time forward; it was counted then.
        if (!resends(v, kind)) counted.push(kind === 'attack' ? 'submitted' : kind === 'lure' ? 'lure_submitted' : 'awareness_submitted');
      }
      if (v.resend && [...sent].some((k) => resends(v, k))) set.resend = v.resend.split(',').filter((k) => !sent.has(k as MessageKind)).join(',');
      // A lure that went out late (retries, a stop, a backlog): its attack keeps its distance.
      const attackAt = sent.has('lure') ? attackAfterLure(v, nowMs) : null;
      if (attackAt) set.send_at = attackAt;
      // Failed kinds are not pending at their old time: they come back at their retry time.
      let retry = null as string | null;
      let giveUp = false;
      for (const o of failed) {
        const r = o.result as Extract<SendResult, { ok: false }>;
        const attemptsCol = o.kind === 'attack' ? 'attempts' : o.kind === 'lure' ? 'lure_attempts' : 'awareness_attempts';
        const attempts = (v[attemptsCol] ?? 0) + 1;
        set[attemptsCol] = attempts;
        if (r.kind === 'temporary' && attempts < opts.maxAttempts) {
          const retryAt = new Date(nowMs + opts.backoffBaseMs * 2 ** (attempts - 1)).toISOString();
          retry = retry && retry < retryAt ? retry : retryAt;
          set.error_text = r.text.slice(0, 1000);
        } else {
          // Give up on this message: the victim carries the error, and nothing else is sent to them.
          set.error = 1;
          set.error_text = (r.kind === 'temporary' ? `gave up after ${attempts} attempts: ` : '') + r.text.slice(0, 1000);
          set.error_time = t;
          set.error_type = o.kind;
          giveUp = true;
          if (!v.error) counted.push('errors');
        }
      }
      for (const kind of sent) {
        const col = kind === 'attack' ? 'attempts' : kind === 'lure' ? 'lure_attempts' : 'awareness_attempts';
        set[col] = (v[col] ?? 0) + 1;
      }
      // A retry that went through: the reason of its earlier temporary failure no longer stands.
      if (sent.size && !failed.length && !v.error && v.error_text) set.error_text = '';
      // (With a moved attack, its new time stands for the column's old one.)
      const moved = attackAt && (!retry || attackAt < retry) ? attackAt : retry;
      set.next_send_at = giveUp ? null : nextSendSql(database, new Set([...sent, ...failed.map((o) => o.kind), ...(attackAt ? (['attack'] as const) : [])]), attackAt ? moved : retry);
      // The common case (one kind sent, nothing failed, a first attempt) is batched below.
      if (!failed.length && sent.size === 1 && !attackAt && !v.resend && !v.attempts && !v.lure_attempts && !v.awareness_attempts) {
        const kind = [...sent][0];
        const key = `${kind} ${v.lease_until}`;
        let entry = simpleSent.get(key);
        if (!entry) simpleSent.set(key, (entry = { kind, lease: v.lease_until, ids: [] }));
        entry.ids.push(id);
        continue;
      }
      // Only while this worker still holds the row (its lease as claimed): a send another worker
      // already recorded (the lease ran out while this one was still sending) is not recorded,
      // nor counted, twice, and a re-send made meanwhile (which releases the row) stays pending.
      let q = trx.updateTable('victims').set(set as any).where('id', '=', id).where('lease_until', v.lease_until === null ? 'is' : '=', v.lease_until);
      for (const kind of sent) {
        if (resends(v, kind)) q = q.where(sql<boolean>`(',' || resend || ',') like ${`%,${kind},%`}`);
        else q = q.where(kind === 'attack' ? 'submitted_at' : kind === 'lure' ? 'lure_submitted_at' : 'awareness_submitted_at', 'is', null);
      }
      const res = await q.executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) for (const key of counted) add(v, key);
    }
    for (const { kind, lease, ids } of simpleSent.values()) {
      const col = kind === 'attack' ? 'submitted_at' : kind === 'lure' ? 'lure_submitted_at' : 'awareness_submitted_at';
      const attemptsCol = kind === 'attack' ? 'attempts' : kind === 'lure' ? 'lure_attempts' : 'awareness_attempts';
      for (let i = 0; i < ids.length; i += 500) {
        const recorded = await trx
          .updateTable('victims')
          .set({ [col]: t, [attemptsCol]: 1, lease_until: null, next_send_at: nextSendSql(database, new Set([kind]), null), updated_at: t, last_attempt_at: t } as any)
          .where('id', 'in', ids.slice(i, i + 500))
          .where(col as 'submitted_at', 'is', null)
          .where('lease_until', lease === null ? 'is' : '=', lease)
          .returning(['scenario_id', 'client_id', 'campaign_id'])
          .execute();
        for (const r of recorded) add(r as VictimRow, kind === 'attack' ? 'submitted' : kind === 'lure' ? 'lure_submitted' : 'awareness_submitted');
      }
    }
    for (const scenarioId of [...deltas.keys()].sort((a, b) => a - b)) {
      const e = deltas.get(scenarioId)!;
      await bump(trx, { clientId: e.clientId, campaignId: e.campaignId, scenarioId }, e.d);
    }
  });
}

/**
 * The outbox worker: claims due victims, builds and sends their messages, records outcomes as
 * they arrive (in small groups, so a crash re-sends at most what was in flight).
 */
export class OutboxWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastStopCheck = 0;
  readonly opts: OutboxOptions;
  /** Called with the campaigns the worker stopped because their stop date had passed. */
  onExpired: (campaignIds: number[]) => void | Promise<void> = () => {};

  constructor(
    private readonly database: Database,
    private readonly build: MessageBuilder,
    private readonly send: BatchSender,
    opts: Partial<OutboxOptions> = {},
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.opts = { ...DEFAULT_OUTBOX_OPTIONS, ...opts };
  }

  start(pollMs = 500): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let worked = 0;
        try {
          worked = await this.runOnce();
        } catch (err) {
          this.onError(err);
        }
        if (worked < this.opts.batchSize && this.running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
      }
    })();
  }

  /** Ends the polling sleep early (after a campaign starts, say). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One claim-send-record round; returns how many victims it claimed. */
  async runOnce(nowMs = Date.now()): Promise<number> {
    // Campaigns past their stop date stop before anything more is claimed.
    if (nowMs - this.lastStopCheck >= 5000 || nowMs < this.lastStopCheck) {
      this.lastStopCheck = nowMs;
      const stopped = await stopExpiredCampaigns(this.database, nowMs);
      if (stopped.length) await this.onExpired(stopped);
    }
    const victims = await claimDue(this.database, this.opts.batchSize, this.opts.leaseMs, nowMs);
    if (!victims.length) return 0;
    const nowIso = new Date(nowMs).toISOString();
    const messages: { victim: VictimRow; message: OutboundMessage }[] = [];
    const unbuildable: Outcome[] = [];
    const windows = await this.sendingWindows(victims, nowMs);
    const heldBack: { victim: VictimRow; until: string | null }[] = [];
    for (const victim of victims) {
      let kinds = dueKinds(victim, nowIso);
      // Outside its campaign's window (its business hours and days, or past its end): the attack
      // and the lure wait for the window to open again (a retry, a late lure's attack, a backlog
      // can land outside it). Awareness mails go when due: the person has already failed.
      const window = windows.get(victim.campaign_id);
      if (window && !window.open && kinds.some((k) => k !== 'awareness')) {
        kinds = kinds.filter((k) => k === 'awareness');
        if (!kinds.length) {
          heldBack.push({ victim, until: window.nextOpen });
          continue;
        }
      }
      for (const kind of kinds) {
        try {
          const message = await this.build(victim, kind);
          if (message) messages.push({ victim, message });
          else unbuildable.push({ victim, kind, result: { ok: false, kind: 'permanent', text: `no ${kind} message content for this scenario and language` } });
        } catch (err) {
          unbuildable.push({ victim, kind, result: { ok: false, kind: 'permanent', text: `could not build the ${kind} message: ${(err as Error).message}` } });
        }
      }
    }
    // Victims claimed with nothing due (a lease that expired after a crash, say) are released.
    const withWork = new Set([...messages.map((m) => m.victim.id), ...unbuildable.map((o) => o.victim.id), ...heldBack.map((h) => h.victim.id)]);
    const idle = victims.filter((v) => !withWork.has(v.id));
    if (idle.length) await this.release(idle);
    for (const { victim, until } of heldBack) {
      // Due again when the window opens (and for an awareness mail pending later, at its time);
      // with no window left, only a resume with a new one (which re-times them) sends them.
      await this.database.db
        .updateTable('victims')
        .set({ lease_until: null, next_send_at: nextSendSql(this.database, new Set(['attack', 'lure']), until) })
        .where('id', '=', victim.id)
        .where('lease_until', victim.lease_until === null ? 'is' : '=', victim.lease_until)
        .execute();
    }
    await recordOutcomes(this.database, unbuildable, this.opts, nowMs);
    // Groups go to the transport a few at a time (its pool limits concurrency); each group's
    // outcomes are recorded as soon as it is done. Before a group goes, its campaigns are read
    // again: what a stop (or the stop date) caught in the middle of a batch is not sent.
    const GROUP = 50;
    const IN_FLIGHT = 3;
    const groups: (typeof messages)[] = [];
    for (let i = 0; i < messages.length; i += GROUP) groups.push(messages.slice(i, i + GROUP));
    const sending: Promise<void>[] = [];
    for (const group of groups) {
      if (sending.length >= IN_FLIGHT) await sending.shift();
      const live = await this.stillRunning(group.map((m) => m.victim.campaign_id), Math.max(nowMs, Date.now()));
      const go = group.filter((m) => live.has(m.victim.campaign_id));
      if (go.length < group.length) await this.release(group.filter((m) => !live.has(m.victim.campaign_id)).map((m) => m.victim));
      if (!go.length) continue;
      sending.push(
        this.send(go.map((m) => m.message))
          .catch((err: Error): SendResult[] => go.map(() => ({ ok: false, kind: 'temporary', text: `send failed: ${err.message}` })))
          .then((results) =>
            recordOutcomes(
              this.database,
              go.map((m, j) => ({ victim: m.victim, kind: m.message.kind, result: results[j] ?? { ok: false, kind: 'temporary', text: 'no result' } })),
              this.opts,
            ),
          )
          // A group that could not be recorded does not keep the others from being recorded.
          .catch((err: unknown) => this.onError(err)),
      );
    }
    await Promise.all(sending);
    return victims.length;
  }

  /**
   * For the claimed victims' window campaigns: whether sending is allowed now (inside the window,
   * its business hours and days, in the client's time zone), and else when it next is (null: never).
   */
  private async sendingWindows(victims: VictimRow[], nowMs: number): Promise<Map<number, { open: boolean; nextOpen: string | null }>> {
    const out = new Map<number, { open: boolean; nextOpen: string | null }>();
    const ids = [...new Set(victims.map((v) => v.campaign_id))];
    const rows = await this.database.db
      .selectFrom('campaigns as c')
      .innerJoin('clients as cl', 'cl.id', 'c.client_id')
      .select(['c.id', 'c.schedule', 'cl.timezone'])
      .where('c.id', 'in', ids)
      .execute();
    for (const r of rows) {
      const schedule = parseSchedule(r.schedule);
      if (schedule.mode !== 'window') continue;
      const intervals = allowedIntervals(schedule, r.timezone || 'UTC', nowMs);
      const first = intervals[0];
      const open = !!first && first[0] <= nowMs && nowMs < first[1];
      out.set(r.id, { open, nextOpen: open ? null : first ? new Date(first[0]).toISOString() : null });
    }
    return out;
  }

  /** Which of the campaigns may still send now (running, not past their stop date). */
  private async stillRunning(campaignIds: number[], atMs: number): Promise<Set<number>> {
    const nowIso = new Date(atMs).toISOString();
    const rows = await this.database.db
      .selectFrom('campaigns')
      .select('id')
      .where('id', 'in', [...new Set(campaignIds)])
      .where('status', '=', 'running')
      .where((eb) => eb.or([eb('stop_date', 'is', null), eb('stop_date', '>', nowIso)]))
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Gives claimed rows back unsent (their campaign stopped meanwhile): due again as they were, once it runs again. */
  private async release(rows: VictimRow[]): Promise<void> {
    for (const v of new Map(rows.map((r) => [r.id, r])).values()) {
      await this.database.db
        .updateTable('victims')
        .set({ lease_until: null, next_send_at: nextSendSql(this.database, new Set(), null) })
        .where('id', '=', v.id)
        .where('lease_until', v.lease_until === null ? 'is' : '=', v.lease_until)
        .execute();
    }
  }
}
