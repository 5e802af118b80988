/**
 * Training reminder mails (core/training/reminders.ts composes them) sent through the campaign
 * mailer: the SMTP relay, or the built-in catcher (GET /api/outbox) when none is set.
 */
import type { Core } from '../core/index.ts';
import type { ReminderMail, ReminderOutcome, ReminderSender } from '../core/training/index.ts';
import { compileMessage, render } from './render.ts';
import type { Mailer, OutgoingMessage } from './transport.ts';

/** Texts here are final: `{{` in an assignment's name or a lesson title must not read as a placeholder. */
const literalText = (s: string) => s.replace(/\{\{/g, '{\u200b{');
const literalHtml = (s: string) => s.replace(/\{\{/g, '{&#123;');

export function reminderMessage(mail: ReminderMail): OutgoingMessage {
  const compiled = compileMessage({
    subject: literalText(mail.subject),
    html: literalHtml(mail.html),
    text: literalText(mail.text),
    senderName: mail.fromName,
    senderEmail: mail.fromEmail,
    headers: { 'X-Decoy-Assignment': String(mail.assignmentId) },
  });
  const rendered = render(compiled, { to: { email: mail.to, name: mail.toName } });
  return {
    from: rendered.from,
    to: rendered.to,
    raw: rendered.raw,
    messageId: rendered.messageId,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    meta: { clientId: mail.clientId, campaignId: null, victimId: null, messageType: 'training_reminder' },
  };
}

/** Sends reminder mails through `mailer`, each with its own outcome. */
export function reminderSender(mailer: Mailer): ReminderSender {
  return async (mails): Promise<ReminderOutcome[]> => {
    const built: (OutgoingMessage | null)[] = [];
    const outcomes: ReminderOutcome[] = mails.map(() => ({ ok: false, error: 'not sent' }));
    mails.forEach((m, i) => {
      try {
        built.push(reminderMessage(m));
      } catch (err) {
        built.push(null);
        outcomes[i] = { ok: false, error: (err as Error).message };
      }
    });
    const ready = built.flatMap((m, i) => (m ? [{ i, m }] : []));
    const results = ready.length ? await mailer.sendMany(ready.map((r) => r.m)) : [];
    results.forEach((r, k) => (outcomes[ready[k].i] = r.ok ? { ok: true } : { ok: false, error: r.text }));
    return outcomes;
  };
}

/** Lets `core.training.reminders` send through `mailer`; returns the reminder service. */
export function wireReminders(core: Core, mailer: Mailer) {
  core.training.reminders.useSender(reminderSender(mailer));
  return core.training.reminders;
}
