/**
 * The settings screen's view of the SMTP relay. The relay is configured by DECOY_SMTP_URL (one
 * place, read at start, the same for every process), so the admin API shows it read-only —
 * never its password — and offers a test message through it (or into the built-in catcher).
 */
import { invalid } from '../../errors.ts';
import { sendTestMessage } from '../../mail/test-message.ts';
import { createMailer, MailSendError, parseSmtpUrl } from '../../mail/transport.ts';
import { assertAdmin, assertCanRead, readScope, type Principal } from '../access/principal.ts';
import type { ServiceDeps } from '../index.ts';

export interface SmtpSettingsView {
  /** `relay`: DECOY_SMTP_URL is set; `catcher`: mail stays in the built-in catcher (the outbox). */
  mode: 'relay' | 'catcher';
  source: 'DECOY_SMTP_URL';
  host: string | null;
  port: number | null;
  /** smtps:// (TLS from the first byte); otherwise STARTTLS when the relay offers it. */
  secure: boolean;
  username: string | null;
  /** Whether a password is configured; the password itself is never returned. */
  password_set: boolean;
  pool: number | null;
  rate: number | null;
  insecure_tls: boolean;
}

export interface TestMessageResult {
  mode: 'relay' | 'catcher';
  ok: boolean;
  to: string;
  message_id: string | null;
  /** The relay's answer on success. */
  response: string | null;
  /** Why it failed (no credentials in it); `temporary` failures may work on a retry. */
  error: string | null;
  error_kind: 'temporary' | 'permanent' | null;
}

/** A relay that does not answer fails the test instead of holding the request for nodemailer's two-minute connect timeout. */
export const TEST_DEADLINE_MS = 20_000;

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MailSendError('temporary', `the relay did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class SmtpSettingsService {
  constructor(private readonly deps: Pick<ServiceDeps, 'db' | 'config'>) {}

  describe(p: Principal): SmtpSettingsView {
    assertCanRead(p);
    const url = this.deps.config.smtpUrl;
    if (!url) {
      return { mode: 'catcher', source: 'DECOY_SMTP_URL', host: null, port: null, secure: false, username: null, password_set: false, pool: null, rate: null, insecure_tls: false };
    }
    const s = parseSmtpUrl(url);
    return {
      mode: 'relay',
      source: 'DECOY_SMTP_URL',
      host: s.host,
      port: s.port,
      secure: s.secure,
      username: s.auth?.user || null,
      password_set: !!s.auth?.pass,
      pool: s.maxConnections,
      rate: s.rateLimit || null,
      insecure_tls: s.insecureTls,
    };
  }

  /** Sends Decoy's test message to `to` over a fresh connection (the worker's pool is not disturbed). */
  async sendTest(p: Principal, to: string): Promise<TestMessageResult> {
    assertAdmin(p);
    const address = to.trim();
    if (!EMAIL.test(address) || address.length > 320) throw invalid(`to: ${JSON.stringify(to)} is not an email address`);
    const mode = this.deps.config.smtpUrl ? 'relay' : 'catcher';
    const mailer = createMailer({ smtpUrl: this.deps.config.smtpUrl, db: this.deps.db, maxConnections: 1 });
    try {
      const info = await withDeadline(sendTestMessage(mailer, address, { clientId: readScope(p) }), TEST_DEADLINE_MS);
      return { mode, ok: true, to: address, message_id: info.messageId, response: info.response || null, error: null, error_kind: null };
    } catch (err) {
      const kind = err instanceof MailSendError ? err.kind : 'temporary';
      const text = err instanceof MailSendError ? err.text : 'the relay could not be reached';
      return { mode, ok: false, to: address, message_id: null, response: null, error: text, error_kind: kind };
    } finally {
      await mailer.close().catch(() => {});
    }
  }
}
