import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../../src/db/index.ts';
import { compileMessage, render } from '../../src/mail/render.ts';
import { CatcherSmsProvider, SmsSendError } from '../../src/mail/sms.ts';
import { sendTestMessage } from '../../src/mail/test-message.ts';
import { createMailer, type Mailer, type MessageMeta, type OutgoingMessage } from '../../src/mail/transport.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let mailer: Mailer;
let a: Awaited<ReturnType<TestApp['tenant']>>;
let b: Awaited<ReturnType<TestApp['tenant']>>;
let campaignA: number;
let campaignA2: number;

const EVIL = '<img src=x onerror=alert(1)>';

const template = compileMessage({
  subject: 'Ihre Rechnung für März',
  html: '<html><body><p>Hallo {{name}}</p><a href="{{link}}">Rechnung</a></body></html>',
  text: 'Hallo {{name}}\n{{link}}\n',
  senderName: 'Buchhaltung',
  senderEmail: 'rechnung@billing.example',
  trackOpens: true,
});

function mail(email: string, name: string, m: MessageMeta): OutgoingMessage {
  return { ...render(template, { to: { email, name }, vars: { link: 'https://t.example/c/x?a=1&b=2' }, pixelUrl: 'https://t.example/o/x' }), meta: m };
}

async function campaign(clientId: number, name: string): Promise<number> {
  const ts = now();
  const row = await t.core.database.db
    .insertInto('campaigns')
    .values({ client_id: clientId, name, created_at: ts, updated_at: ts } as any)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  t = await createTestApp();
  a = await t.tenant('Outbox A');
  b = await t.tenant('Outbox B');
  campaignA = await campaign(a.clientId, 'A1');
  campaignA2 = await campaign(a.clientId, 'A2');
  const campaignB = await campaign(b.clientId, 'B1');
  mailer = createMailer({ smtpUrl: t.config.smtpUrl, db: t.core.database.db });

  const metaA = { clientId: a.clientId, campaignId: campaignA, victimId: null, messageType: 'attack' };
  await mailer.send(mail('first@a.example', EVIL, metaA));
  const outcomes = await mailer.sendMany([
    mail('anna@a.example', 'Anna', metaA),
    mail('bert@a.example', 'Bert', { ...metaA, messageType: 'lure' }),
    mail('cleo_100%@a.example', 'Cleo', { ...metaA, campaignId: campaignA2 }),
  ]);
  expect(outcomes.every((o) => o.ok)).toBe(true);
  await mailer.sendMany([mail('zed@b.example', 'Zed', { clientId: b.clientId, campaignId: campaignB, victimId: null, messageType: 'attack' })]);
  const sms = new CatcherSmsProvider(t.core.database.db);
  await sms.send({ to: '+41 79 123 45 67', text: 'Ihr Paket wartet: https://t.example/s/1', meta: { ...metaA, messageType: 'sms' } });
  // A relay test by the super admin belongs to no client.
  await sendTestMessage(mailer, 'root@decoy.example', { from: 'decoy@decoy.example' });
});
afterAll(async () => {
  await mailer?.close();
  await t?.close();
});

const list = (token: string, query = '', headers?: Record<string, string>) => t.call('GET', `/api/outbox${query}`, { token, headers });

describe('built-in catcher', () => {
  it('is used when DECOY_SMTP_URL is unset and keeps each message with its metadata', async () => {
    expect(t.config.smtpUrl).toBeNull();
    expect(mailer.kind).toBe('catcher');
    const rows = await t.core.database.db.selectFrom('outbox_messages').selectAll().where('client_id', '=', a.clientId).orderBy('id').execute();
    expect(rows.map((r) => [r.recipient, r.channel, r.message_type])).toEqual([
      ['first@a.example', 'email', 'attack'],
      ['anna@a.example', 'email', 'attack'],
      ['bert@a.example', 'email', 'lure'],
      ['cleo_100%@a.example', 'email', 'attack'],
      ['+41791234567', 'sms', 'sms'],
    ]);
    expect(rows[1]).toMatchObject({ campaign_id: campaignA, sender: 'rechnung@billing.example', subject: 'Ihre Rechnung für März' });
    expect(rows[1].message_id).toMatch(/^<.+@billing\.example>$/);
  });

  it('stores a batch in one go and fails only the rows that cannot be stored', async () => {
    const m = { clientId: a.clientId, campaignId: campaignA, victimId: null, messageType: 'attack' };
    const outcomes = await mailer.sendMany([
      mail('ok1@a.example', 'Ok', m),
      mail('bad@a.example', 'Bad', { ...m, victimId: 2_000_000_000 }), // no such victim: the foreign key refuses it
      mail('ok2@a.example', 'Ok', m),
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.kind))).toEqual(['ok', 'temporary', 'ok']);
    const stored = await t.core.database.db.selectFrom('outbox_messages').select('recipient').where('recipient', 'in', ['ok1@a.example', 'bad@a.example', 'ok2@a.example']).execute();
    expect(stored.map((r) => r.recipient).sort()).toEqual(['ok1@a.example', 'ok2@a.example']);
    await t.core.database.db.deleteFrom('outbox_messages').where('recipient', 'in', ['ok1@a.example', 'ok2@a.example']).execute();
  });

  it('records SMS through the built-in provider and refuses what is not a phone number', async () => {
    const sms = new CatcherSmsProvider(t.core.database.db);
    const { id } = await sms.send({ to: '+1 (555) 010-0200', text: 'hi', meta: { clientId: b.clientId, campaignId: null, victimId: null, messageType: 'sms' } });
    const row = await t.core.database.db.selectFrom('outbox_messages').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'sms', recipient: '+15550100200', text: 'hi', client_id: b.clientId });
    await expect(sms.send({ to: 'call me', text: 'x', meta: { clientId: null, campaignId: null, victimId: null, messageType: 'sms' } })).rejects.toBeInstanceOf(SmsSendError);
    await expect(sms.send({ to: 'call me', text: 'x', meta: { clientId: null, campaignId: null, victimId: null, messageType: 'sms' } })).rejects.toMatchObject({
      kind: 'permanent',
      text: 'recipient: "call me" is not a phone number',
    });
    await t.core.database.db.deleteFrom('outbox_messages').where('id', '=', Number(id)).execute();
  });
});

describe('GET /api/outbox', () => {
  it("lists the caller's tenant's messages with their rendered content", async () => {
    const res = await list(a.token);
    expect(res.statusCode).toBe(200);
    const { outbox } = res.json();
    expect(outbox.map((m: any) => m.recipient)).toEqual(['first@a.example', 'anna@a.example', 'bert@a.example', 'cleo_100%@a.example', '+41791234567']);
    const first = outbox[0];
    expect(Object.keys(first).sort()).toEqual(
      ['id', 'client_id', 'campaign_id', 'victim_id', 'message_type', 'channel', 'sender', 'recipient', 'subject', 'message_id', 'html', 'text', 'created_at', 'links'].sort(),
    );
    expect(first).toMatchObject({ client_id: a.clientId, campaign_id: campaignA, victim_id: null, message_type: 'attack', channel: 'email', subject: 'Ihre Rechnung für März' });
    expect(first.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(first.links).toEqual([
      { rel: 'self', href: `/api/outbox/${first.id}` },
      { rel: 'raw', href: `/api/outbox/${first.id}/raw` },
    ]);
    // The recipient's name is escaped in the HTML part, as it is in the text part.
    expect(first.html).toContain('<p>Hallo &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(first.html).not.toContain(EVIL);
    expect(first.html).toContain('<img src="https://t.example/o/x" width="1" height="1"');
    expect(first.text).toBe(`Hallo ${EVIL}\nhttps://t.example/c/x?a=1&b=2\n`);
    expect(outbox[4]).toMatchObject({ channel: 'sms', text: 'Ihr Paket wartet: https://t.example/s/1', subject: '', sender: '' });
  });

  it('scopes by tenant: another client sees only its own; a super admin sees all or one client', async () => {
    const other = (await list(b.token)).json().outbox;
    expect(other.map((m: any) => m.recipient)).toEqual(['zed@b.example']);
    const all = (await list(t.rootToken)).json().outbox.map((m: any) => m.recipient);
    expect(all).toEqual(expect.arrayContaining(['first@a.example', 'zed@b.example', 'root@decoy.example']));
    const acting = (await list(t.rootToken, '', { 'x-decoy-client': String(b.clientId) })).json().outbox;
    expect(acting.map((m: any) => m.recipient)).toEqual(['zed@b.example']);
    // A read-only user of the client reads it too.
    const viewer = await t.user(a.clientId, 'view');
    expect((await list(viewer.token)).json().outbox).toHaveLength(5);
  });

  it('filters by campaign, victim, channel and text; sorts and pages', async () => {
    const recipients = async (query: string) => (await list(a.token, query)).json().outbox.map((m: any) => m.recipient);
    expect(await recipients(`?campaign_id=${campaignA2}`)).toEqual(['cleo_100%@a.example']);
    expect(await recipients('?channel=sms')).toEqual(['+41791234567']);
    expect(await recipients('?victim_id=123456')).toEqual([]);
    expect(await recipients('?q=ANNA')).toEqual(['anna@a.example']);
    expect(await recipients('?q=rechnung%20F%C3%BCR')).toHaveLength(4); // subject, case-insensitive
    expect(await recipients('?q=100%25')).toEqual(['cleo_100%@a.example']); // % is literal
    expect(await recipients('?q=o_1')).toEqual(['cleo_100%@a.example']); // so is _
    expect(await recipients('?q=a_n')).toEqual([]);
    expect(await recipients('?sort=-id&limit=2')).toEqual(['+41791234567', 'cleo_100%@a.example']);
    expect(await recipients('?sort=recipient&offset=1&limit=2')).toEqual(['anna@a.example', 'bert@a.example']);
    // Another tenant's campaign id just finds nothing.
    expect((await list(b.token, `?campaign_id=${campaignA}`)).json().outbox).toEqual([]);
  });

  it('answers bad parameters with a 400 naming them', async () => {
    const cases: [string, RegExp][] = [
      ['?sort=password', /^sort: unknown column "password"/],
      ['?limit=5000', /^limit: /],
      ['?channel=fax', /^channel: must be one of email, sms/],
      ['?campaign_id=abc', /^campaign_id: /],
      ['?victim_id=0', /^victim_id: /],
      ['?campaign_id=99999999999', /^campaign_id: /],
      ['?q=', /^q: /],
      [`?q=${'x'.repeat(300)}`, /^q: /],
    ];
    for (const [query, message] of cases) {
      const res = await list(a.token, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.message, query).toMatch(message);
    }
    expect((await t.call('GET', '/api/outbox')).statusCode).toBe(401);
  });
});

describe('GET /api/outbox/:id and /raw', () => {
  it('returns one message and the raw RFC 822 message; another tenant gets 404', async () => {
    const [first] = (await list(a.token)).json().outbox;
    const one = await t.call('GET', `/api/outbox/${first.id}`, { token: a.token });
    expect(one.statusCode).toBe(200);
    expect(one.json().message).toEqual(first);

    const raw = await t.call('GET', `/api/outbox/${first.id}/raw`, { token: a.token });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('message/rfc822');
    const parsed = await simpleParser(raw.rawPayload);
    expect(parsed.subject).toBe('Ihre Rechnung für März');
    expect(parsed.messageId).toBe(first.message_id);
    expect(parsed.html).toBe(first.html);
    expect(parsed.text?.replace(/\r\n/g, '\n')).toBe(first.text);

    for (const url of [`/api/outbox/${first.id}`, `/api/outbox/${first.id}/raw`]) {
      const res = await t.call('GET', url, { token: b.token });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toEqual({ code: 'not_found', message: 'outbox message not found' });
    }
    expect((await t.call('GET', '/api/outbox/2000000000', { token: a.token })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/outbox/abc', { token: a.token })).json().error.message).toMatch(/^id: /);
    // The super admin's relay test is not visible to a client.
    const test = (await list(t.rootToken, '?q=root@decoy')).json().outbox[0];
    expect(test).toMatchObject({ client_id: null, message_type: 'test', subject: 'Decoy SMTP test' });
    expect((await t.call('GET', `/api/outbox/${test.id}`, { token: a.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/outbox/${test.id}`, { token: t.rootToken })).statusCode).toBe(200);
  });

  it('serves an SMS as plain text', async () => {
    const [sms] = (await list(a.token, '?channel=sms')).json().outbox;
    const raw = await t.call('GET', `/api/outbox/${sms.id}/raw`, { token: a.token });
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(raw.body).toBe('Ihr Paket wartet: https://t.example/s/1');
  });
});
