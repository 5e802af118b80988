/**
 * Sending pre-rendered messages: through an SMTP relay (DECOY_SMTP_URL) with nodemailer's
 * connection pool, or into the built-in catcher when no relay is configured. Both share one
 * interface, so the outbox worker does not care which it has.
 *
 * Sockets and Nagle: an SMTP client writes a command and waits for the answer; with Nagle's
 * algorithm on, a small write that follows an unacknowledged one waits for the peer's delayed
 * ACK (~40 ms), which caps a connection at ~21 messages/s (DESIGN.md). nodemailer >= 10 calls
 * `socket.setNoDelay(true)` itself in `SMTPConnection#_onConnect` for every socket it uses (its
 * own, caller-supplied and proxied ones), so no hook is needed; `NODELAY_BUILT_IN` below checks
 * at start that the installed nodemailer still does, and `getSocket` (the pool's supported
 * hook for supplying a connected socket) is the fallback should a future version stop.
 * bench/mail-send.ts measures the difference by defeating it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import { ConfigError, redact } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { createCatcher } from './catcher.ts';

/** Who a message is for, in the domain; the catcher stores it, the SMTP path ignores it. */
export interface MessageMeta {
  clientId: number | null;
  campaignId: number | null;
  victimId: number | null;
  /** attack | lure | awareness | test | ... */
  messageType: string;
}

/** A rendered message (see render.ts `RenderedMessage`) plus its metadata. */
export interface OutgoingMessage {
  /** Envelope sender. */
  from: string;
  /** Envelope recipients. */
  to: string[];
  raw: string | Buffer;
  messageId: string;
  meta: MessageMeta;
  /** For the catcher's preview; the SMTP path sends only `raw`. */
  subject?: string;
  html?: string;
  text?: string;
}

export interface SendInfo {
  accepted: string[];
  rejected: string[];
  response: string;
}

export type ErrorKind = 'temporary' | 'permanent';

export type SendOutcome = ({ ok: true } & SendInfo) | { ok: false; kind: ErrorKind; text: string };

export interface Mailer {
  /** `smtp`: a relay; `catcher`: the built-in catcher (DECOY_SMTP_URL unset). */
  readonly kind: 'smtp' | 'catcher';
  /** Resolves when the relay (or catcher) took the message; rejects with a MailSendError. */
  send(message: OutgoingMessage): Promise<SendInfo>;
  /** A whole batch; never rejects for one message's failure: each gets its outcome, in order. */
  sendMany(messages: OutgoingMessage[]): Promise<SendOutcome[]>;
  /** Connects and authenticates (the settings screen's "test connection"); rejects with a MailSendError. */
  verify(): Promise<void>;
  close(): Promise<void>;
}

/** A failed send, already classified; `message` is safe to store and show (no credentials). */
export class MailSendError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly text: string,
    readonly responseCode?: number,
  ) {
    super(text);
    this.name = 'MailSendError';
  }
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
  /** Concurrent connections to the relay (`?pool=`, default 5). */
  maxConnections: number;
  /** Messages per second at most (`?rate=`); 0: no limit. */
  rateLimit: number;
  /** `?insecure_tls=1`: accept the relay's self-signed or mismatched certificate. */
  insecureTls: boolean;
}

const URL_OPTIONS = ['pool', 'rate', 'insecure_tls'];

/**
 * Parses DECOY_SMTP_URL: `smtp://user:pass@host:port?pool=10&rate=200` or `smtps://...`.
 * A bad value is a ConfigError naming the variable (call at start, so the process never runs half-configured).
 */
export function parseSmtpUrl(value: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`DECOY_SMTP_URL: "${redact(value)}" is not a valid URL`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError(`DECOY_SMTP_URL: unsupported scheme "${url.protocol}" (expected smtp: or smtps:)`);
  }
  if (!url.hostname) throw new ConfigError('DECOY_SMTP_URL: needs a host, e.g. smtp://user:pass@mail.example.com:587');
  for (const key of url.searchParams.keys()) {
    if (!URL_OPTIONS.includes(key)) throw new ConfigError(`DECOY_SMTP_URL: unknown option "${key}" (known: ${URL_OPTIONS.join(', ')})`);
  }
  const whole = (name: string, min: number, max: number, fallback: number) => {
    const v = url.searchParams.get(name);
    if (v === null) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new ConfigError(`DECOY_SMTP_URL: ${name} must be a whole number from ${min} to ${max}, got "${v}"`);
    }
    return Number(v);
  };
  const secure = url.protocol === 'smtps:';
  const insecure = url.searchParams.get('insecure_tls');
  if (insecure !== null && !['0', '1', 'true', 'false'].includes(insecure)) {
    throw new ConfigError(`DECOY_SMTP_URL: insecure_tls must be 1 or 0, got "${insecure}"`);
  }
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user || pass ? { user, pass } : null,
    maxConnections: whole('pool', 1, 100, 5),
    rateLimit: whole('rate', 1, 1_000_000, 0),
    insecureTls: insecure === '1' || insecure === 'true',
  };
}

/** Secrets never leave in an error text: the relay password and user, and any URL credentials. */
function scrubber(secrets: string[]) {
  const list = secrets.filter((s) => s && s.length >= 3);
  return (text: string) => {
    let out = text.replace(/\/\/([^:/@\s]+):[^@\s]*@/g, '//$1:***@');
    for (const s of list) out = out.split(s).join('***');
    return out.length > 500 ? `${out.slice(0, 497)}...` : out;
  };
}

const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Whether retrying can help. RFC 5321: 4xx replies are transient, 5xx permanent — except 503
 * (bad sequence of commands: the session was confused, a new one can succeed) and a 5xx
 * answer to AUTH (the relay refused Decoy's credentials: nothing about the recipient, and
 * fixed in the settings). Network, TLS and DNS failures are temporary; so is anything
 * unrecognised (attempts are bounded by the worker). Invalid addresses found before sending
 * are permanent.
 */
export function classifySmtpError(err: unknown): { kind: ErrorKind; text: string } {
  const scrub = scrubber([]);
  const e = (err ?? {}) as { kind?: string; text?: string; message?: string; code?: string; responseCode?: number; response?: string; command?: string };
  if ((e.kind === 'temporary' || e.kind === 'permanent') && typeof (e.text ?? e.message) === 'string') {
    return { kind: e.kind, text: scrub(String(e.text ?? e.message)) };
  }
  let code = typeof e.responseCode === 'number' ? e.responseCode : NaN;
  if (Number.isNaN(code) && typeof e.response === 'string' && /^[2-5]\d\d[ -]/.test(e.response)) code = Number(e.response.slice(0, 3));
  // "RCPT TO", "MAIL FROM", "DATA", "AUTH PLAIN": never more than two words (nothing after could be a credential).
  const command = e.command ? `${e.command.split(/\s+/).slice(0, /^AUTH$/i.test(e.command.split(/\s+/)[0]) ? 1 : 2).join(' ')}: ` : '';
  const reply = typeof e.response === 'string' && e.response ? e.response : '';
  const base = reply ? `${command}${reply}` : `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  const text = scrub(base.replace(/\s+/g, ' ').trim());
  if (code >= 400 && code < 500) return { kind: 'temporary', text };
  if (code >= 500 && code < 600) {
    const auth = e.code === 'EAUTH' || /^AUTH\b/i.test(e.command ?? '');
    return { kind: code === 503 || auth ? 'temporary' : 'permanent', text };
  }
  if (e.code && NETWORK_CODES.has(e.code)) return { kind: 'temporary', text };
  if (e.code === 'EENVELOPE' || e.code === 'EMAXRECIPIENTS') return { kind: 'permanent', text };
  return { kind: 'temporary', text };
}

/**
 * True when the installed nodemailer turns Nagle off itself (see the header comment). Read from
 * its source once, so that an upgrade that drops it is noticed instead of silently costing 50x.
 */
export const NODELAY_BUILT_IN: boolean = (() => {
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('nodemailer').replace(/nodemailer\.js$/, 'smtp-connection/index.js');
    return /socket\.setNoDelay\(true\)/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
})();

type GetSocket = (options: any, callback: (err: Error | null, socketOptions?: { connection: net.Socket } | false) => void) => void;

/** Opens the TCP connection for the pool with Nagle off (only used when nodemailer does not do it itself). */
export const noDelaySocket: GetSocket = (options, callback) => {
  const socket = net.connect({ host: options.host, port: options.port, localAddress: options.localAddress });
  socket.setNoDelay(true);
  const fail = (err: Error) => callback(err);
  socket.once('error', fail);
  socket.once('connect', () => {
    socket.removeListener('error', fail);
    // For smtps nodemailer upgrades the connected socket to TLS itself.
    callback(null, { connection: socket });
  });
};

export interface MailerOptions {
  /** DECOY_SMTP_URL; null: the built-in catcher. */
  smtpUrl: string | null;
  /** For the catcher. */
  db: Kysely<DB>;
  /** Overrides `?pool=`. */
  maxConnections?: number;
  /** Overrides `?rate=` (messages per second; 0: none). */
  rateLimit?: number;
  /** nodemailer's `getSocket` hook (the benchmark uses it to measure a baseline). */
  getSocket?: GetSocket;
}

export function createMailer(options: MailerOptions): Mailer {
  if (!options.smtpUrl) return createCatcher(options.db);
  return createSmtpMailer(options.smtpUrl, options);
}

export function createSmtpMailer(smtpUrl: string, options: Omit<MailerOptions, 'smtpUrl' | 'db'> = {}): Mailer {
  const s = parseSmtpUrl(smtpUrl);
  const scrub = scrubber([s.auth?.pass ?? '', s.auth?.user ?? '', smtpUrl]);
  const rate = options.rateLimit ?? s.rateLimit;
  const transportOptions: Record<string, unknown> = {
    pool: true,
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: s.auth ?? undefined,
    maxConnections: options.maxConnections ?? s.maxConnections,
    maxMessages: Infinity,
    logger: false,
    debug: false,
    tls: s.insecureTls ? { rejectUnauthorized: false } : undefined,
    ...(rate ? { rateLimit: rate, rateDelta: 1000 } : {}),
  };
  const getSocket = options.getSocket ?? (NODELAY_BUILT_IN ? undefined : noDelaySocket);
  if (getSocket) transportOptions.getSocket = getSocket;
  const transporter = nodemailer.createTransport(transportOptions as any);
  // A pool error outside of a send (an idle connection dropped) must not crash the process.
  transporter.on('error', () => {});

  const fail = (err: unknown): MailSendError => {
    const c = classifySmtpError(err);
    const code = (err as { responseCode?: number })?.responseCode;
    return new MailSendError(c.kind, scrub(c.text), typeof code === 'number' ? code : undefined);
  };

  const send = async (m: OutgoingMessage): Promise<SendInfo> => {
    try {
      const info = await transporter.sendMail({ envelope: { from: m.from, to: m.to }, raw: m.raw, messageId: m.messageId });
      const rejected = (info.rejected ?? []).map(String);
      return { accepted: (info.accepted ?? []).map(String), rejected, response: scrub(String(info.response ?? '')) };
    } catch (err) {
      throw fail(err);
    }
  };

  return {
    kind: 'smtp',
    send,
    sendMany: (messages) =>
      Promise.all(
        messages.map((m) =>
          send(m).then(
            (info): SendOutcome => ({ ok: true, ...info }),
            (err: MailSendError): SendOutcome => ({ ok: false, kind: err.kind, text: err.text }),
          ),
        ),
      ),
    async verify() {
      try {
        await transporter.verify();
      } catch (err) {
        throw fail(err);
      }
    },
    async close() {
      transporter.close();
    },
  };
}
