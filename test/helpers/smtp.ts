/** A real SMTP server on loopback that keeps what it receives (parsed), for tests. */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Answer 5xx (permanent) or 4xx (temporary) to RCPT for these addresses. */
  reject: Map<string, { code: number; message: string }>;
  /** When set, each message's DATA is answered only once this resolves (a relay slow to accept: the message is in flight meanwhile). */
  hold: ((mail: ParsedMail) => Promise<void>) | null;
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const reject = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const r = reject.get(address.address.toLowerCase());
      if (r) return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        async (mail) => {
          await sink.hold?.(mail);
          messages.push(mail);
          cb();
        },
        (err) => cb(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const sink: SmtpSink = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    reject,
    hold: null,
    async waitFor(count, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (messages.length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}
