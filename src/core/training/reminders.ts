/**
 * Reminder mails for assignments: once when a person is assigned, then every
 * `remind_every_days` while they have not finished (0: only the first mail). Each mail carries
 * the learner's personal portal link, the due date and the lessons still to do.
 *
 * The schedule lives on the rows (`assignment_learners.next_reminder_at`), so any number of
 * workers can share the database: a worker claims a due row with a conditional UPDATE that
 * moves `next_reminder_at` on and stamps `last_reminded_at` — only the worker whose UPDATE
 * changed the row sends. A claim is made before the mail goes out (at most once: a crash
 * between the two loses one reminder rather than sending it twice); a send that fails is put
 * back to be tried again RETRY_MS later.
 *
 * Sending goes through the campaign mailer (SMTP relay or the built-in catcher), wired from
 * outside core (src/mail/training-reminders.ts) with `useSender`.
 */
import type { Address } from '../../config.ts';
import type { ServiceDeps } from '../index.ts';
import { escapeHtml } from './common.ts';
import { addDays, DAY_MS } from './assignments.ts';
import type { PortalLinks } from './portal-links.ts';

export interface ReminderMail {
  clientId: number;
  assignmentId: number;
  learnerId: number;
  /** assigned: the first mail; reminder: before the due date; overdue: after it. */
  kind: 'assigned' | 'reminder' | 'overdue';
  to: string;
  toName: string;
  fromName: string;
  fromEmail: string;
  subject: string;
  html: string;
  text: string;
  /** The personal portal link in the mail. */
  link: string;
}

export type ReminderOutcome = { ok: true } | { ok: false; error: string };
export type ReminderSender = (mails: ReminderMail[]) => Promise<ReminderOutcome[]>;

/** A failed send is tried again this much later. */
export const RETRY_MS = 15 * 60_000;
/** Portal links in reminders stay valid this long after the due date (or after sending, if later). */
export const LINK_DAYS_AFTER_DUE = 30;
export const DEFAULT_POLL_MS = 60_000;
export const DEFAULT_BATCH = 100;

/** The public base URL of the tracking server (which serves the learner portal). */
export function portalBase(config: { publicUrl: string | null; trackingAddr: Address }): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  const { host, port } = config.trackingAddr;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

interface DueRow {
  id: number;
  client_id: number;
  assignment_id: number;
  learner_id: number;
  next_reminder_at: string | null;
  last_reminded_at: string | null;
  reminders_sent: number;
  status: string;
  remind_every_days: number;
  due_date: string;
  name: string;
  description: string;
  email: string;
  first_name: string;
  last_name: string;
  link_version: number;
}

export class ReminderService {
  private sender: ReminderSender | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly links: PortalLinks,
  ) {}

  private get db() {
    return this.deps.db;
  }

  /** How reminders are sent (the campaign mailer); without one, `runOnce` sends nothing. */
  useSender(sender: ReminderSender): void {
    this.sender = sender;
  }

  /** The learner's personal portal link, valid until `expires` (Unix seconds). */
  portalUrl(learner: { id: number; link_version: number }, expires: number): string {
    const token = this.links.token({ learnerId: learner.id, version: learner.link_version, expires });
    return `${portalBase(this.deps.config)}/learn/${token}`;
  }

  /**
   * One round: claims the reminders due at `nowMs` (at most `batch`), sends them, and puts back
   * those that could not be sent. Returns how many were sent.
   */
  async runOnce(nowMs = Date.now(), batch = DEFAULT_BATCH): Promise<number> {
    const sender = this.sender;
    if (!sender) return 0;
    const nowIso = new Date(nowMs).toISOString();
    const due: DueRow[] = await this.db
      .selectFrom('assignment_learners as al')
      .innerJoin('assignments as a', 'a.id', 'al.assignment_id')
      .innerJoin('learners as l', 'l.id', 'al.learner_id')
      .select([
        'al.id',
        'al.client_id',
        'al.assignment_id',
        'al.learner_id',
        'al.next_reminder_at',
        'al.last_reminded_at',
        'al.reminders_sent',
        'al.status',
        'a.remind_every_days',
        'a.due_date',
        'a.name',
        'a.description',
        'l.email',
        'l.first_name',
        'l.last_name',
        'l.link_version',
      ])
      .where('al.next_reminder_at', 'is not', null)
      .where('al.next_reminder_at', '<=', nowIso)
      .orderBy('al.next_reminder_at')
      .orderBy('al.id')
      .limit(batch)
      .execute();
    if (!due.length) return 0;

    const claimed: DueRow[] = [];
    for (const r of due) {
      if (r.status === 'completed') {
        await this.db.updateTable('assignment_learners').set({ next_reminder_at: null }).where('id', '=', r.id).where('next_reminder_at', '=', r.next_reminder_at).execute();
        continue;
      }
      const next = r.remind_every_days > 0 ? addDays(nowIso, r.remind_every_days) : null;
      const res = await this.db
        .updateTable('assignment_learners')
        .set((eb) => ({ next_reminder_at: next, last_reminded_at: nowIso, reminders_sent: eb('reminders_sent', '+', 1) }))
        .where('id', '=', r.id)
        .where('next_reminder_at', '=', r.next_reminder_at)
        .executeTakeFirst();
      // Another worker moved it first: that worker sends it.
      if (Number(res.numUpdatedRows) === 1) claimed.push(r);
    }
    if (!claimed.length) return 0;

    const outcomes: ReminderOutcome[] = claimed.map(() => ({ ok: false, error: 'not sent' }));
    const mails: { i: number; mail: ReminderMail }[] = [];
    for (let i = 0; i < claimed.length; i++) {
      try {
        mails.push({ i, mail: await this.compose(claimed[i], nowMs) });
      } catch (err) {
        outcomes[i] = { ok: false, error: (err as Error).message };
      }
    }
    if (mails.length) {
      let results: ReminderOutcome[];
      try {
        results = await sender(mails.map((m) => m.mail));
      } catch (err) {
        results = mails.map(() => ({ ok: false, error: (err as Error).message }));
      }
      mails.forEach((m, k) => (outcomes[m.i] = results[k] ?? { ok: false, error: 'no result' }));
    }
    let sent = 0;
    const retryAt = new Date(nowMs + RETRY_MS).toISOString();
    for (let i = 0; i < claimed.length; i++) {
      if (outcomes[i]?.ok) {
        sent++;
        continue;
      }
      const r = claimed[i];
      await this.db
        .updateTable('assignment_learners')
        .set((eb) => ({ next_reminder_at: retryAt, last_reminded_at: r.last_reminded_at, reminders_sent: eb('reminders_sent', '-', 1) }))
        .where('id', '=', r.id)
        .where('last_reminded_at', '=', nowIso)
        .execute();
    }
    return sent;
  }

  /** The lessons of the assignment the learner has not passed yet, in order. */
  private async remaining(assignmentId: number, learnerId: number): Promise<{ total: number; left: string[] }> {
    const items = await this.db.selectFrom('assignment_items').select(['lesson_id', 'path_id']).where('assignment_id', '=', assignmentId).orderBy('position').orderBy('id').execute();
    const order: number[] = [];
    const add = (id: number) => {
      if (!order.includes(id)) order.push(id);
    };
    for (const i of items) {
      if (i.lesson_id !== null) add(i.lesson_id);
      else if (i.path_id !== null) {
        const rows = await this.db.selectFrom('path_lessons').select('lesson_id').where('path_id', '=', i.path_id).where('required', '=', 1).orderBy('position').execute();
        for (const r of rows) add(r.lesson_id);
      }
    }
    if (!order.length) return { total: 0, left: [] };
    const passed = new Set(
      (
        await this.db.selectFrom('lesson_attempts').select('lesson_id').where('learner_id', '=', learnerId).where('passed', '=', 1).where('lesson_id', 'in', order).execute()
      ).map((r) => r.lesson_id),
    );
    const names = new Map((await this.db.selectFrom('lessons').select(['id', 'name']).where('id', 'in', order).execute()).map((l) => [l.id, l.name]));
    return { total: order.length, left: order.filter((id) => !passed.has(id)).map((id) => names.get(id) ?? `Lesson ${id}`) };
  }

  private async compose(r: DueRow, nowMs: number): Promise<ReminderMail> {
    const client = await this.db.selectFrom('clients').select(['name', 'email']).where('id', '=', r.client_id).executeTakeFirst();
    const base = portalBase(this.deps.config);
    let host = 'localhost';
    try {
      host = new URL(base).hostname.replace(/^\[|\]$/g, '') || host;
    } catch {
      // keep localhost
    }
    const clientEmail = (client?.email ?? '').trim();
    const fromEmail = /^[^\s@<>]+@[^\s@<>]+$/.test(clientEmail) ? clientEmail : `training@${host}`;
    const fromName = client?.name ? `${client.name} Security Awareness` : 'Security Awareness Training';

    const dueMs = Date.parse(r.due_date);
    const expires = Math.floor((Math.max(Number.isNaN(dueMs) ? nowMs : dueMs, nowMs) + LINK_DAYS_AFTER_DUE * DAY_MS) / 1000);
    const link = this.portalUrl({ id: r.learner_id, link_version: r.link_version }, expires);
    const { total, left } = await this.remaining(r.assignment_id, r.learner_id);
    const kind: ReminderMail['kind'] = r.reminders_sent === 0 ? 'assigned' : !Number.isNaN(dueMs) && dueMs < nowMs ? 'overdue' : 'reminder';
    const dueText = Number.isNaN(dueMs) ? 'no date' : `${new Date(dueMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const subject =
      kind === 'assigned' ? `Training assigned to you: ${r.name} (due ${dueText})` : kind === 'overdue' ? `Overdue training: ${r.name} (was due ${dueText})` : `Reminder: ${r.name} is due ${dueText}`;
    const greeting = `Hello ${r.first_name || 'there'},`;
    const intro =
      kind === 'assigned'
        ? `You have been assigned security awareness training: ${r.name}.`
        : kind === 'overdue'
          ? `Your security awareness training "${r.name}" is overdue. Please complete it as soon as you can.`
          : `This is a reminder that your security awareness training "${r.name}" is not finished yet.`;
    const doneCount = total - left.length;
    const progress = `Still to do: ${left.length} of ${total} lesson${total === 1 ? '' : 's'}${doneCount ? ` (${doneCount} done)` : ''}.`;
    const text = [
      greeting,
      '',
      intro,
      ...(r.description ? ['', r.description] : []),
      '',
      `Due: ${dueText}`,
      progress,
      ...left.map((n) => `- ${n}`),
      '',
      `Start here: ${link}`,
      '',
      'This link is personal: please do not forward it.',
    ].join('\n');
    const html =
      '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
      '<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222">' +
      `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(intro)}</p>` +
      (r.description ? `<p>${escapeHtml(r.description)}</p>` : '') +
      `<p><strong>Due:</strong> ${escapeHtml(dueText)}<br>${escapeHtml(progress)}</p>` +
      (left.length ? `<ul>${left.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '') +
      `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 18px;background:#1f5fbf;color:#fff;text-decoration:none;border-radius:4px">Start the training</a></p>` +
      `<p style="font-size:13px;color:#555">Or open this link: ${escapeHtml(link)}<br>This link is personal: please do not forward it.</p>` +
      '</body></html>';
    return {
      clientId: r.client_id,
      assignmentId: r.assignment_id,
      learnerId: r.learner_id,
      kind,
      to: r.email,
      toName: [r.first_name, r.last_name].filter(Boolean).join(' '),
      fromName,
      fromEmail,
      subject,
      html,
      text,
      link,
    };
  }

  /** Polls every `pollMs` (the worker part of `decoy serve`). */
  start(pollMs = DEFAULT_POLL_MS): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let sent = 0;
        try {
          sent = await this.runOnce();
        } catch (err) {
          console.error(`decoy: training reminders: ${(err as Error).message}`);
        }
        if (sent >= DEFAULT_BATCH || !this.running) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  /** Ends the polling sleep early (people were just assigned). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }
}
