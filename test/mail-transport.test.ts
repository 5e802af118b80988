import { createServer, type AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMessage, render } from '../src/mail/render.ts';
import { sendTestMessage } from '../src/mail/test-message.ts';
import {
  MailSendError,
  NODELAY_BUILT_IN,
  classifySmtpError,
  createSmtpMailer,
  noDelaySocket,
  parseSmtpUrl,
  type OutgoingMessage,
} from '../src/mail/transport.ts';

const USER = 'relay-user';
const PASS = 'pa55-W0rd-not-in-logs';

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A real SMTP server on loopback that requires AUTH and records what it receives. */
async function startServer(extra: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  let open = 0;
  let maxOpen = 0;
  let sessions = 0;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASS) return cb(null, { user: USER });
      const err = Object.assign(new Error('Authentication failed'), { responseCode: 535 });
      return cb(err);
    },
    onConnect(_session, cb) {
      open++;
      sessions++;
      maxOpen = Math.max(maxOpen, open);
      cb();
    },
    onClose() {
      open--;
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('busy@')) return cb(Object.assign(new Error('4.2.1 mailbox busy, try again later'), { responseCode: 451 }));
      if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('5.1.1 no such user here'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        cb();
      });
    },
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    stats: () => ({ maxOpen, sessions }),
    url: (query = '') => `smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${port}${query}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const addr = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)!.value[0];
const meta = { clientId: null, campaignId: null, victimId: null, messageType: 'attack' };

const template = compileMessage({
  subject: 'Ihre Rechnung für März ({{custom.Rechnungsnummer}})',
  html: '<html><body><p>Guten Tag {{name}},</p><p>Ihre Rechnung: <a href="{{link}}">öffnen</a></p></body></html>',
  text: 'Guten Tag {{name}},\nIhre Rechnung: {{link}}\n',
  senderName: 'Buchhaltung Müller AG',
  senderEmail: 'rechnung@billing.example',
  attachments: [{ filename: 'Rechnung-März.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\nfake invoice\n%%EOF') }],
});

function message(i: number, email = `person${i}@example.com`): OutgoingMessage {
  const m = render(template, {
    to: { email, name: `Person Nummer ${i}` },
    vars: { link: `https://t.example/c/${i}?a=1&b=2`, 'custom.Rechnungsnummer': `R-${1000 + i}` },
  });
  return { ...m, meta };
}

let smtp: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  smtp = await startServer();
});
afterAll(async () => smtp?.close());

describe('SMTP mailer', () => {
  it('sends 200 messages through the authenticated pool; each arrives intact', async () => {
    const before = smtp.received.length;
    const sessionsBefore = smtp.stats().sessions;
    const mailer = createSmtpMailer(smtp.url('?pool=3'));
    const messages = Array.from({ length: 200 }, (_, i) => message(i));
    const outcomes = await mailer.sendMany(messages);
    await mailer.close();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes[0]).toMatchObject({ ok: true, accepted: ['person0@example.com'], rejected: [] });
    const got = smtp.received.slice(before);
    expect(got).toHaveLength(200);
    // At most ?pool=3 connections at once, and each reused for many messages.
    expect(smtp.stats().maxOpen).toBeLessThanOrEqual(3);
    expect(smtp.stats().sessions - sessionsBefore).toBeLessThanOrEqual(3);

    const byRecipient = new Map(got.map((r) => [r.to[0], r]));
    for (let i = 0; i < 200; i += 1) {
      const r = byRecipient.get(`person${i}@example.com`)!;
      expect(r.from).toBe('rechnung@billing.example');
      expect(r.to).toEqual([`person${i}@example.com`]);
      // Byte for byte what was rendered (SMTP dot-stuffing undone by the server).
      expect(r.raw.toString().replace(/\r\n$/, '')).toBe(messages[i].raw.toString().replace(/\r\n$/, ''));
      if (i % 20 !== 0) continue;
      const p = await simpleParser(r.raw);
      expect(p.subject).toBe(`Ihre Rechnung für März (R-${1000 + i})`);
      expect(addr(p.from)).toEqual({ name: 'Buchhaltung Müller AG', address: 'rechnung@billing.example' });
      expect(addr(p.to)).toEqual({ name: `Person Nummer ${i}`, address: `person${i}@example.com` });
      expect(p.messageId).toBe(messages[i].messageId);
      expect(p.html).toBe(`<html><body><p>Guten Tag Person Nummer ${i},</p><p>Ihre Rechnung: <a href="https://t.example/c/${i}?a=1&amp;b=2">öffnen</a></p></body></html>`);
      expect(p.text?.replace(/\r\n/g, '\n')).toBe(`Guten Tag Person Nummer ${i},\nIhre Rechnung: https://t.example/c/${i}?a=1&b=2\n`);
      expect(p.attachments).toHaveLength(1);
      expect(p.attachments[0].filename).toBe('Rechnung-März.pdf');
      expect(p.attachments[0].content.toString()).toBe('%PDF-1.4\nfake invoice\n%%EOF');
    }
  });

  it('sends through a rate-limited pool (?rate=) without losing messages', async () => {
    const before = smtp.received.length;
    const mailer = createSmtpMailer(smtp.url('?pool=2&rate=20'));
    const outcomes = await mailer.sendMany(Array.from({ length: 25 }, (_, i) => message(i, `rated${i}@example.com`)));
    await mailer.close();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(smtp.received.slice(before).map((r) => r.to[0]).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `rated${i}@example.com`).sort());
  });

  it('classifies a 451 to RCPT as temporary and a 550 as permanent, per message in a batch', async () => {
    const mailer = createSmtpMailer(smtp.url());
    try {
      const busy = await mailer.send(message(1, 'busy@example.com')).catch((e: unknown) => e);
      expect(busy).toBeInstanceOf(MailSendError);
      expect(busy).toMatchObject({ kind: 'temporary', responseCode: 451 });
      expect((busy as MailSendError).text).toMatch(/^RCPT TO: 451 .*mailbox busy/);

      const gone = await mailer.send(message(2, 'nobody@example.com')).catch((e: unknown) => e);
      expect(gone).toMatchObject({ kind: 'permanent', responseCode: 550 });
      expect((gone as MailSendError).text).toMatch(/550 .*no such user/);

      const outcomes = await mailer.sendMany([message(3, 'ok3@example.com'), message(4, 'busy@example.com'), message(5, 'nobody@example.com'), message(6, 'ok6@example.com')]);
      expect(outcomes.map((o) => (o.ok ? 'ok' : o.kind))).toEqual(['ok', 'temporary', 'permanent', 'ok']);
    } finally {
      await mailer.close();
    }
  });

  it('treats a refused connection as temporary and never shows the credentials', async () => {
    const port = await freePort();
    const mailer = createSmtpMailer(`smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${port}`);
    try {
      const err = (await mailer.send(message(1)).catch((e: unknown) => e)) as MailSendError;
      expect(err).toBeInstanceOf(MailSendError);
      expect(err.kind).toBe('temporary');
      expect(err.text).toMatch(/ECONNREFUSED/);
      expect(err.text).not.toContain(PASS);
      expect(JSON.stringify(err)).not.toContain(PASS);
      const [outcome] = await mailer.sendMany([message(2)]);
      expect(outcome).toMatchObject({ ok: false, kind: 'temporary' });
      await expect(mailer.verify()).rejects.toMatchObject({ kind: 'temporary' });
    } finally {
      await mailer.close();
    }
  });

  it('verifies the relay login; a refused login is a clear error without the password', async () => {
    const good = createSmtpMailer(smtp.url());
    await expect(good.verify()).resolves.toBeUndefined();
    await good.close();
    const wrong = `wrong-${PASS}`;
    const bad = createSmtpMailer(`smtp://${USER}:${encodeURIComponent(wrong)}@127.0.0.1:${smtp.port}`);
    const err = (await bad.verify().catch((e: unknown) => e)) as MailSendError;
    expect(err).toBeInstanceOf(MailSendError);
    expect(err.text).toMatch(/535/);
    expect(err.text).not.toContain(wrong);
    // The relay refusing Decoy's login says nothing about the recipient: retried, not recorded as permanent.
    expect(err.kind).toBe('temporary');
    const sendErr = (await bad.send(message(1)).catch((e: unknown) => e)) as MailSendError;
    expect(sendErr.kind).toBe('temporary');
    expect(sendErr.text).not.toContain(wrong);
    await bad.close();
  });

  it('sends the settings screen test message', async () => {
    const mailer = createSmtpMailer(smtp.url());
    const before = smtp.received.length;
    const info = await sendTestMessage(mailer, 'admin@example.com', { from: 'decoy@billing.example' });
    await mailer.close();
    expect(info.accepted).toEqual(['admin@example.com']);
    const [r] = smtp.received.slice(before);
    const p = await simpleParser(r.raw);
    expect(p.subject).toBe('Decoy SMTP test');
    expect(p.text).toMatch(/test message from Decoy/);
    expect(p.messageId).toBe(info.messageId);
    await expect(sendTestMessage(mailer, 'not an address')).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('turns Nagle off on every SMTP socket (nodemailer does; the getSocket fallback works too)', async () => {
    expect(NODELAY_BUILT_IN).toBe(true);
    const mailer = createSmtpMailer(smtp.url(), { getSocket: noDelaySocket });
    const before = smtp.received.length;
    const outcomes = await mailer.sendMany([message(1), message(2), message(3)]);
    await mailer.close();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(smtp.received.length - before).toBe(3);
  });
});

describe('DECOY_SMTP_URL', () => {
  it('takes pool, rate and TLS options from the query string', () => {
    expect(parseSmtpUrl('smtp://u:p%40ss@mail.example.com:2525?pool=10&rate=200')).toEqual({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      auth: { user: 'u', pass: 'p@ss' },
      maxConnections: 10,
      rateLimit: 200,
      insecureTls: false,
    });
    expect(parseSmtpUrl('smtps://mail.example.com?insecure_tls=1')).toMatchObject({ port: 465, secure: true, auth: null, maxConnections: 5, rateLimit: 0, insecureTls: true });
    expect(parseSmtpUrl('smtp://mail.example.com').port).toBe(587);
  });

  it('refuses bad values with one clear line that does not show the password', () => {
    expect(() => parseSmtpUrl('smtp://u:secret@h?pool=0')).toThrow('DECOY_SMTP_URL: pool must be a whole number from 1 to 100, got "0"');
    expect(() => parseSmtpUrl('smtp://u:secret@h?rate=fast')).toThrow(/rate must be a whole number/);
    expect(() => parseSmtpUrl('smtp://u:secret@h?pools=3')).toThrow('DECOY_SMTP_URL: unknown option "pools" (known: pool, rate, insecure_tls)');
    expect(() => parseSmtpUrl('http://u:secret@h')).toThrow(/unsupported scheme "http:"/);
    let message = '';
    try {
      parseSmtpUrl('smtp://u:secret@ bad host');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^DECOY_SMTP_URL: /);
    expect(message).not.toContain('secret');
  });
});

describe('classifySmtpError', () => {
  it('maps reply codes and network errors', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 452, response: '452 4.3.1 Insufficient system storage', command: 'RCPT TO' })).toEqual({
      kind: 'temporary',
      text: 'RCPT TO: 452 4.3.1 Insufficient system storage',
    });
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 Message rejected as spam', command: 'DATA' }).kind).toBe('permanent');
    expect(classifySmtpError({ code: 'EPROTOCOL', responseCode: 503, response: '503 5.5.1 Bad sequence of commands' }).kind).toBe('temporary');
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'ESOCKET', 'ECONNECTION', 'EDNS']) {
      expect(classifySmtpError(Object.assign(new Error(`${code} happened`), { code })).kind).toBe('temporary');
    }
    expect(classifySmtpError(new Error('connect to smtp://bob:hunter22@relay failed')).text).toBe('connect to smtp://bob:***@relay failed');
  });
});
