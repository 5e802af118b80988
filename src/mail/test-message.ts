/** The settings screen's "send a test message": proves the relay (or the catcher) takes mail from Decoy. */
import { hostname } from 'node:os';
import { compileMessage, render, type RenderedMessage } from './render.ts';
import type { Mailer, MessageMeta, SendInfo } from './transport.ts';

export interface TestMessageOptions {
  /** Sender address; defaults to decoy@<this host>. */
  from?: string;
  senderName?: string;
  /** Whose test it is (the catcher shows it to that client). */
  clientId?: number | null;
}

export function testMessage(to: string, opts: TestMessageOptions = {}): RenderedMessage {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
  const from = opts.from ?? `decoy@${host.includes('.') ? host : `${host}.localdomain`}`;
  const compiled = compileMessage({
    subject: 'Decoy SMTP test',
    text: 'This is a test message from Decoy.\n\nIf you can read it, Decoy can send mail through this relay ({{date}}).\n',
    html: '',
    senderName: opts.senderName ?? 'Decoy',
    senderEmail: from,
  });
  return render(compiled, { to: { email: to } });
}

/** Sends the test message; rejects with a MailSendError (temporary/permanent, no credentials in it). */
export async function sendTestMessage(mailer: Mailer, to: string, opts: TestMessageOptions = {}): Promise<SendInfo & { messageId: string }> {
  const m = testMessage(to, opts);
  const meta: MessageMeta = { clientId: opts.clientId ?? null, campaignId: null, victimId: null, messageType: 'test' };
  const info = await mailer.send({ ...m, meta });
  return { ...info, messageId: m.messageId };
}
