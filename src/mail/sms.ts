/**
 * SMS scenarios (`message_type: sms`) go through an SmsProvider. The built-in one records each
 * message in `outbox_messages` (channel `sms`), like the mail catcher, so that SMS campaigns can
 * be run and previewed without a gateway.
 *
 * Adding a real provider: implement `SmsProvider` in a file beside this one, e.g.
 *
 *   export class HttpSmsProvider implements SmsProvider {
 *     readonly name = 'example-gateway';
 *     constructor(private readonly url: string, private readonly apiKey: string) {}
 *     async send({ to, text }: SmsMessage) {
 *       const res = await fetch(this.url, {
 *         method: 'POST',
 *         headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
 *         body: JSON.stringify({ to, text }),
 *       });
 *       if (!res.ok) throw new SmsSendError(res.status >= 500 || res.status === 429 ? 'temporary' : 'permanent', `gateway answered ${res.status}`);
 *       return { id: String((await res.json()).id) };
 *     }
 *   }
 *
 * and choose it where the mailer is chosen (a DECOY_SMS_URL-style variable read in config.ts).
 * Rules: throw SmsSendError with `temporary` for anything a retry can fix (network, 5xx, 429)
 * and `permanent` for a refused number; never put the API key in an error text; return the
 * gateway's message id.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { insertOutboxRows, outboxRow } from './catcher.ts';
import type { ErrorKind, MessageMeta } from './transport.ts';

export interface SmsMessage {
  /** The recipient's number, preferably E.164 (`+41791234567`). */
  to: string;
  text: string;
  meta: MessageMeta;
}

export interface SmsProvider {
  readonly name: string;
  /** Resolves with the provider's id of the message; rejects with an SmsSendError. */
  send(message: SmsMessage): Promise<{ id: string }>;
}

export class SmsSendError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly text: string,
  ) {
    super(text);
    this.name = 'SmsSendError';
  }
}

/** Digits with an optional leading +, and the usual separators. */
const PHONE = /^\+?[0-9][0-9 ()./-]{2,30}$/;

/** `+41 79 123 45 67` → `+41791234567`; throws a permanent SmsSendError for what cannot be a number. */
export function normalisePhone(to: string): string {
  const t = to.trim();
  if (!PHONE.test(t)) throw new SmsSendError('permanent', `recipient: "${t.slice(0, 40)}" is not a phone number`);
  const digits = t.replace(/[^0-9]/g, '');
  if (digits.length < 3 || digits.length > 15) throw new SmsSendError('permanent', `recipient: "${t.slice(0, 40)}" is not a phone number`);
  return (t.startsWith('+') ? '+' : '') + digits;
}

/** Records messages instead of sending them. */
export class CatcherSmsProvider implements SmsProvider {
  readonly name = 'built-in';
  constructor(private readonly db: Kysely<DB>) {}

  async send(message: SmsMessage): Promise<{ id: string }> {
    const to = normalisePhone(message.to);
    const [id] = await insertOutboxRows(this.db, [
      outboxRow(message.meta, { channel: 'sms', sender: '', recipient: to, subject: '', message_id: '', html: '', text: message.text, raw: message.text }),
    ]);
    return { id: String(id) };
  }
}

export function createSmsProvider(db: Kysely<DB>): SmsProvider {
  return new CatcherSmsProvider(db);
}
