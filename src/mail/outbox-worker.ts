/**
 * Sending, put together: the campaign lifecycle's hooks create victims when a campaign starts,
 * and the outbox worker (core/sending/outbox.ts) claims due victims, builds their messages here
 * (compiled once per scenario, kind and language; substituted per person) and hands them to
 * the mailer (SMTP relay or the built-in catcher) or the SMS provider.
 */
import type { Core } from '../core/index.ts';
import { createVictims } from '../core/sending/launch.ts';
import {
  DEFAULT_OUTBOX_OPTIONS,
  OutboxWorker,
  type MessageKind,
  type OutboundMessage,
  type OutboxOptions,
  type SendResult,
  type VictimRow,
  type BatchSender,
} from '../core/sending/outbox.ts';
import { setCustomValues, today } from '../core/templates/variables.ts';
import { compileMessage, render, signDkim, type CompiledMessage, type DkimOptions } from './render.ts';
import { createMailer, parseSmtpUrl, type Mailer, type OutgoingMessage } from './transport.ts';
import { createSmsProvider, type SmsProvider } from './sms.ts';
import { awarenessForScenario } from '../core/training/awareness-training.ts';

interface Compiled {
  message: CompiledMessage;
  channel: 'email' | 'sms';
  senderDomain: string;
  base: string;
  company: string;
  customFieldNames: string[];
  senderName: string;
  senderEmail: string;
  attachmentName: string;
  dkim: DkimOptions | null;
}

const CACHE_MS = 30_000;

export class MessageFactory {
  private cache = new Map<string, { at: number; value: Compiled | null }>();

  constructor(private readonly core: Core) {}

  /** Forget compiled messages (a template or scenario changed). */
  invalidate(): void {
    this.cache.clear();
  }

  private async compiled(victim: VictimRow, kind: MessageKind): Promise<Compiled | null> {
    const key = `${victim.scenario_id}:${kind}:${victim.language_id ?? 0}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = await this.compile(victim, kind);
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  private async compile(victim: VictimRow, kind: MessageKind): Promise<Compiled | null> {
    const db = this.core.database.db;
    const scenario = await db.selectFrom('scenarios').selectAll().where('id', '=', victim.scenario_id).executeTakeFirst();
    if (!scenario) return null;
    const client = await db.selectFrom('clients').select('name').where('id', '=', victim.client_id).executeTakeFirst();
    const customFieldNames = (
      await db.selectFrom('recipient_custom_fields').select('name').where('client_id', '=', victim.client_id).orderBy('id').execute()
    ).map((r) => r.name);
    const languages = [victim.language_id ?? scenario.language_id, scenario.language_id];
    const fullDomain = scenario.subdomain ? `${scenario.subdomain}.${scenario.domain}` : scenario.domain;
    const base = this.core.config.publicUrl ?? `https://${fullDomain}`;
    let subject: string;
    let html: string;
    let text: string;
    let senderName = scenario.sender_name;
    let senderEmail = scenario.sender_email;
    let attachmentName = '';
    if (kind === 'awareness') {
      const awareness = await awarenessForScenario(db, victim.campaign_id, victim.scenario_id);
      if (!awareness) return null;
      const content = await firstContent(
        languages.concat(awareness.language_id),
        (lang) => db.selectFrom('awareness_template_contents').selectAll().where('awareness_template_id', '=', awareness.template_id).where('language_id', '=', lang).executeTakeFirst(),
      );
      if (!content) return null;
      subject = awareness.subject || content.subject;
      html = content.email_html;
      text = content.email_text;
      senderName = awareness.sender_name || senderName;
      senderEmail = awareness.sender_email || senderEmail;
    } else {
      const content = await firstContent(languages, (lang) =>
        db.selectFrom('scenario_template_contents').selectAll().where('scenario_template_id', '=', scenario.scenario_template_id).where('language_id', '=', lang).executeTakeFirst(),
      );
      if (!content) return null;
      if (kind === 'lure') {
        subject = content.lure_subject;
        html = content.lure_html;
        text = content.lure_text;
        senderName = scenario.lure_sender_name || senderName;
        senderEmail = scenario.lure_sender_email || senderEmail;
        if (!subject && !html && !text) return null;
      } else {
        subject = content.subject;
        html = content.email_html;
        text = content.email_text;
        attachmentName = content.attachment_name;
      }
      senderName ||= content.sender_name;
      senderEmail ||= content.sender_email;
    }
    const channel = (kind === 'lure' ? scenario.lure_message_type : scenario.message_type) === 'sms' ? 'sms' : 'email';
    const message = compileMessage({
      subject,
      html,
      text,
      senderName,
      senderEmail,
      replyTo: scenario.use_reply_to ? senderEmail : null,
      trackOpens: kind !== 'awareness' && scenario.track_opened_emails === 1,
    });
    return {
      message,
      channel,
      // The sender's domain as compileMessage checked it: punycode, as domains are stored and
      // as a Message-ID must be (7-bit).
      senderDomain: message.idDomain || fullDomain || 'decoy.invalid',
      base,
      company: client?.name ?? '',
      customFieldNames,
      senderName,
      senderEmail,
      attachmentName,
      dkim: await this.core.reference.dkimFor(victim.client_id, message.idDomain),
    };
  }

  /** The outbox worker's MessageBuilder. */
  build = async (victim: VictimRow, kind: MessageKind): Promise<OutboundMessage | null> => {
    const c = await this.compiled(victim, kind);
    if (!c) return null;
    const urls = this.core.tracking.urls(c.base, victim.id);
    const vars: Record<string, string> = {
      name: victim.name,
      firstname: victim.firstname,
      lastname: victim.lastname,
      email: victim.email,
      phone: victim.phone,
      staff_type: victim.staff_type,
      location: victim.location,
      division: victim.division,
      // The awareness mail links to the awareness page, with a token of its own kind.
      link: kind === 'awareness' ? `${c.base.replace(/\/+$/, '')}${this.core.awarenessTraining.path(victim.id)}` : urls.link,
      download_link: urls.download,
      report_link: urls.report,
      sender_name: c.senderName,
      sender_email: c.senderEmail,
      date: today(),
      company: c.company,
    };
    setCustomValues(vars, c.customFieldNames, victim.custom_fields);
    // The same across the retries of one message (its send time stays), a new one for a re-send
    // (which sets a new send time): a mailbox that drops a Message-ID it has seen keeps it.
    const sendAt = kind === 'attack' ? victim.send_at : kind === 'lure' ? victim.lure_send_at : victim.awareness_send_at;
    const messageId = `<${this.core.tracking.tokens.token(victim.id, `m-${kind}-${sendAt ?? ''}`)}@${c.senderDomain}>`;
    const attachments =
      kind === 'attack' && c.attachmentName
        ? [{ filename: c.attachmentName.replace(/\.[a-z0-9]+$/i, '') + '.html', contentType: 'text/html; charset=utf-8', content: beaconDocument(urls.fileData) }]
        : undefined;
    const rendered = render(c.message, {
      to: { email: victim.email, name: victim.name },
      vars,
      pixelUrl: urls.pixel,
      messageId,
      headers: { 'X-Decoy-Campaign': String(victim.campaign_id) },
      attachments,
    });
    const to = c.channel === 'sms' ? victim.phone : victim.email;
    const raw = c.dkim && c.channel === 'email' ? await signDkim(rendered.raw, c.dkim) : rendered.raw;
    return {
      victimId: victim.id,
      kind,
      channel: c.channel,
      from: rendered.from,
      to,
      raw,
      messageId: rendered.messageId,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      meta: { clientId: victim.client_id, campaignId: victim.campaign_id, victimId: victim.id, messageType: kind },
    };
  };
}

async function firstContent<T>(languages: (number | null)[], load: (lang: number) => Promise<T | undefined>): Promise<T | undefined> {
  for (const lang of [...new Set(languages)]) {
    if (lang === null) continue;
    const row = await load(lang);
    if (row) return row;
  }
  return undefined;
}

/** The attachment of a file scenario: harmless, and it calls home when opened (file_data). */
function beaconDocument(beaconUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Document</title></head><body><p>Loading document…</p><img src="${beaconUrl}" width="1" height="1" alt=""></body></html>`;
}

export interface Sending {
  mailer: Mailer;
  sms: SmsProvider;
  worker: OutboxWorker;
  messages: MessageFactory;
  /** The worker's transport: messages to the mailer or the SMS provider, one result each. */
  send: BatchSender;
  close(): Promise<void>;
}

/**
 * Connects the campaign lifecycle to sending: starting a campaign creates its victims and wakes
 * the worker. The worker polls only when `start()`ed (the worker part of `decoy serve`).
 */
export function wireSending(core: Core, options: { mailer?: Mailer; sms?: SmsProvider; outbox?: Partial<OutboxOptions> } = {}): Sending {
  const mailer = options.mailer ?? createMailer({ smtpUrl: core.config.smtpUrl, db: core.database.db });
  const sms = options.sms ?? createSmsProvider(core.database.db);
  const messages = new MessageFactory(core);
  // Awareness certificates mailed with `sendTo` go through the same mailer.
  core.certificates.useMailer(mailer);
  const send = async (batch: OutboundMessage[]): Promise<SendResult[]> => {
    const results: SendResult[] = new Array(batch.length);
    const emails: { i: number; m: OutgoingMessage }[] = [];
    const texts: Promise<void>[] = [];
    batch.forEach((m, i) => {
      if (m.channel === 'email') {
        emails.push({ i, m: { from: m.from, to: [m.to], raw: m.raw, messageId: m.messageId, meta: m.meta, subject: m.subject, html: m.html, text: m.text } });
        return;
      }
      if (!m.to) {
        results[i] = { ok: false, kind: 'permanent', text: 'the recipient has no phone number for an SMS scenario' };
        return;
      }
      texts.push(
        sms.send({ to: m.to, text: m.text, meta: m.meta }).then(
          () => void (results[i] = { ok: true }),
          (err: Error & { kind?: 'temporary' | 'permanent' }) => void (results[i] = { ok: false, kind: err.kind ?? 'temporary', text: err.message }),
        ),
      );
    });
    const outcomes = emails.length ? await mailer.sendMany(emails.map((e) => e.m)) : [];
    outcomes.forEach((o, k) => (results[emails[k].i] = o.ok ? { ok: true } : { ok: false, kind: o.kind, text: o.text }));
    await Promise.all(texts);
    return results;
  };
  const leaseMs = core.config.outboxLeaseSeconds * 1000;
  const outbox = { leaseMs, batchSize: batchSizeFor(core.config.smtpUrl, leaseMs), ...options.outbox };
  const worker = new OutboxWorker(core.database, messages.build, send, outbox, (err) => console.error(`decoy: outbox: ${(err as Error).message}`));
  core.campaigns.hooks = {
    onStarted: async (campaign, reason) => {
      const client = await core.clients.byId(campaign.client_id);
      messages.invalidate();
      // Anything but people added to a running campaign comes after a stop (or before any send).
      await createVictims(core.database, campaign.id, client?.timezone ?? 'UTC', Date.now(), { retime: reason !== 'added' });
      worker.poke();
    },
    // Its links answer 404 at once in this process (others follow within the cache lifetime).
    onStopped: async () => core.tracking.forgetCachedScenarios(),
  };
  // The same for campaigns the worker stops at their stop date.
  worker.onExpired = () => core.tracking.forgetCachedScenarios();
  return {
    mailer,
    sms,
    worker,
    messages,
    send,
    async close() {
      await worker.stop();
      await mailer.close();
    },
  };
}

/**
 * A claimed batch must be sent well within its lease, or another worker claims it again and the
 * people in it get the message twice. A rate-limited relay sends at most `rate` messages a
 * second, so the batch is capped at what it sends in half a lease.
 */
export function batchSizeFor(smtpUrl: string | null, leaseMs: number, defaultSize = DEFAULT_OUTBOX_OPTIONS.batchSize): number {
  const rate = smtpUrl ? parseSmtpUrl(smtpUrl).rateLimit : 0;
  if (!rate) return defaultSize;
  return Math.max(1, Math.min(defaultSize, Math.floor((rate * leaseMs) / 2000)));
}
