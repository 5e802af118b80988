/**
 * Assignment mails over real SMTP (a loopback smtp-server sink) and into the built-in catcher:
 * the first mail when assigned, reminders every remind_every_days to those who have not
 * finished, a personal portal link that opens on the real tracking server, and no mail sent
 * twice when two workers run at once.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReminderService } from '../../src/core/training/reminders.ts';
import { reminderSender, wireReminders } from '../../src/mail/training-reminders.ts';
import { buildTrackingServer } from '../../src/tracking/server.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { group, learnerId, lesson, pass, path } from './fixture.ts';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('over SMTP', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let tracking: FastifyInstance;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp({ DECOY_SMTP_URL: sink.url, DECOY_PUBLIC_URL: 'https://learn.decoy.test' });
    wireReminders(t.core, t.sending.mailer);
    tracking = await buildTrackingServer(t.core, { logger: false });
  });
  afterAll(async () => {
    await tracking?.close();
    await t?.close();
    await sink?.close();
  });

  it('mails each person when assigned, then reminds those who have not finished, with a working portal link', async () => {
    const a = await t.tenant('Acme Corp');
    const l1 = await lesson(t, a.token, { name: 'Spot the phish' });
    const l2 = await lesson(t, a.token, { name: 'Report it <fast>' });
    const p = await path(t, a.token, [{ lesson_id: l2.id }]);
    await group(t, a.token, [
      { name: 'Ada Lovelace', email: 'ada@corp.example', firstname: 'Ada', lastname: 'Lovelace' },
      { name: 'Alan Turing', email: 'alan@corp.example', firstname: 'Alan' },
    ]);
    const due = inDays(10);
    const res = await t.call('PUT', '/api/assignments', {
      token: a.token,
      body: { name: 'Phishing {{basics}}', description: 'Twenty minutes.', due_date: due, lesson_ids: [l1.id], path_ids: [p.id], emails: ['ada@corp.example', 'alan@corp.example'], remind_every_days: 3 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const assignmentId = res.json().assignment.id;

    const start = Date.now();
    expect(await t.core.training.reminders.runOnce(start)).toBe(2);
    const first = await sink.waitFor(2);
    expect(first).toHaveLength(2);
    const ada = first.find((m) => m.to && 'value' in m.to && m.to.value[0].address === 'ada@corp.example')!;
    expect(ada).toBeDefined();
    expect(ada.subject).toMatch(/^Training assigned to you: Phishing \{.?\{basics\}\} \(due \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)$/);
    expect(ada.from?.value[0]).toMatchObject({ name: 'Acme Corp Security Awareness', address: 'training@learn.decoy.test' });
    expect(ada.text).toContain('Hello Ada,');
    expect(ada.text).toContain('Twenty minutes.');
    expect(ada.text).toContain('Still to do: 2 of 2 lessons.');
    expect(ada.text).toContain('- Spot the phish');
    expect(ada.text).toContain('- Report it <fast>');
    expect(ada.html).toContain('Report it &lt;fast&gt;');
    expect(ada.html).not.toContain('<fast>');

    // The link is personal, signed, and opens the learner's portal on the tracking server.
    const link = /https:\/\/learn\.decoy\.test(\/learn\/[A-Za-z0-9_.-]+)/.exec(ada.text!)!;
    expect(link).not.toBeNull();
    const adaId = await learnerId(t, a.token, 'ada@corp.example');
    const claim = t.core.training.links.verify(link[1].slice('/learn/'.length));
    expect(claim?.learnerId).toBe(adaId);
    expect(claim!.expires * 1000).toBeGreaterThan(Date.parse(due));
    const portal = await tracking.inject({ method: 'GET', url: link[1] });
    expect(portal.statusCode).toBe(200);
    expect(portal.headers['content-type']).toMatch(/text\/html/);
    const lessonPage = await tracking.inject({ method: 'GET', url: `${link[1]}/lessons/${l1.id}` });
    expect(lessonPage.statusCode).toBe(200);
    expect(lessonPage.body).toContain('Spot the phish');

    const rows = (await t.call('GET', `/api/assignments/${assignmentId}/learners`, { token: a.token })).json().learners;
    for (const r of rows) {
      expect(r.reminders_sent).toBe(1);
      expect(r.last_reminded_at).not.toBeNull();
      expect(Date.parse(r.next_reminder_at) - Date.parse(r.last_reminded_at)).toBe(3 * DAY);
    }

    // Nothing more is due until three days have passed.
    expect(await t.core.training.reminders.runOnce(start + 2 * DAY)).toBe(0);
    // Ada finishes; only Alan is reminded.
    await pass(t, adaId, l1.id);
    await pass(t, adaId, l2.id);
    await pass(t, await learnerId(t, a.token, 'alan@corp.example'), l2.id);
    expect(await t.core.training.reminders.runOnce(start + 3 * DAY + 60_000)).toBe(1);
    const third = (await sink.waitFor(3))[2];
    expect(third.to && 'value' in third.to && third.to.value[0].address).toBe('alan@corp.example');
    expect(third.subject).toMatch(/^Reminder: Phishing .* is due/);
    expect(third.text).toContain('Still to do: 1 of 2 lessons (1 done).');
    expect(third.text).not.toContain('Report it');

    // After the due date the reminder says it is overdue.
    expect(await t.core.training.reminders.runOnce(start + 11 * DAY)).toBe(1);
    const fourth = (await sink.waitFor(4))[3];
    expect(fourth.subject).toMatch(/^Overdue training: Phishing .* \(was due/);
    expect(sink.messages).toHaveLength(4);
  });

  it('sends every due reminder exactly once when two workers claim at the same time', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    const people = Array.from({ length: 30 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@race.example` }));
    const g = await group(t, a.token, people);
    const before = sink.messages.length;
    const res = await t.call('PUT', '/api/assignments', { token: a.token, body: { name: 'Race', due_date: inDays(5), lesson_ids: [l1.id], recipient_group_ids: [g] } });
    expect(res.statusCode).toBe(200);

    const core = t.core;
    const deps = { db: core.database.db, dialect: core.database.dialect, config: core.config, clients: core.clients };
    // A second worker of its own over the same database (as another process would be).
    const other = new ReminderService(deps, core.training.links);
    other.useSender(reminderSender(t.sending.mailer));
    const now = Date.now();
    const [x, y] = await Promise.all([core.training.reminders.runOnce(now, 10), other.runOnce(now, 10)]);
    let total = x + y;
    for (let round = 0; round < 10 && total < 30; round++) {
      const [m, n] = await Promise.all([core.training.reminders.runOnce(now, 10), other.runOnce(now, 10)]);
      total += m + n;
    }
    expect(total).toBe(30);
    const got = await sink.waitFor(before + 30);
    const recipients = got.slice(before).map((m) => (m.to && 'value' in m.to ? m.to.value[0].address : ''));
    expect(recipients.sort()).toEqual(people.map((p) => p.email).sort());
    expect(new Set(recipients).size).toBe(30);
    // remind_every_days 0: only the first mail (nothing scheduled after it).
    const rows = await core.database.db.selectFrom('assignment_learners').select(['reminders_sent', 'next_reminder_at']).where('client_id', '=', a.clientId).execute();
    expect(rows.every((r) => r.reminders_sent === 1 && r.next_reminder_at === null)).toBe(true);
  });

  it('puts a reminder back when the relay refuses it, and sends it later', async () => {
    const a = await t.tenant();
    const l1 = await lesson(t, a.token);
    await group(t, a.token, [{ name: 'Bounce', email: 'bounce@corp.example' }]);
    sink.reject.set('bounce@corp.example', { code: 450, message: 'try later' });
    const res = await t.call('PUT', '/api/assignments', { token: a.token, body: { name: 'Retry', due_date: inDays(5), lesson_ids: [l1.id], emails: ['bounce@corp.example'] } });
    expect(res.statusCode).toBe(200);
    const now = Date.now();
    expect(await t.core.training.reminders.runOnce(now)).toBe(0);
    const row = await t.core.database.db.selectFrom('assignment_learners').selectAll().where('client_id', '=', a.clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reminders_sent: 0, last_reminded_at: null });
    expect(Date.parse(row.next_reminder_at!)).toBe(now + 15 * 60_000);
    sink.reject.delete('bounce@corp.example');
    const before = sink.messages.length;
    expect(await t.core.training.reminders.runOnce(now + 16 * 60_000)).toBe(1);
    expect((await sink.waitFor(before + 1))[before].subject).toMatch(/^Training assigned to you: Retry/);
  });
});

describe('with the built-in catcher', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    wireReminders(t.core, t.sending.mailer);
  });
  afterAll(async () => t?.close());

  it('keeps the mails for GET /api/outbox, scoped to the client', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const l1 = await lesson(t, a.token);
    await group(t, a.token, [{ name: 'Ada', email: 'ada@corp.example' }]);
    const res = await t.call('PUT', '/api/assignments', { token: a.token, body: { name: 'Caught', due_date: inDays(5), lesson_ids: [l1.id], emails: ['ada@corp.example'] } });
    expect(res.statusCode).toBe(200);
    expect(await t.core.training.reminders.runOnce()).toBe(1);
    const outbox = (await t.call('GET', '/api/outbox', { token: a.token })).json();
    const messages = Object.values(outbox)[0] as any[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ client_id: a.clientId, campaign_id: null, message_type: 'training_reminder', recipient: 'ada@corp.example', channel: 'email' });
    expect(messages[0].subject).toMatch(/^Training assigned to you: Caught/);
    expect(messages[0].text).toMatch(/http:\/\/127\.0\.0\.1:3001\/learn\//);
    expect(Object.values((await t.call('GET', '/api/outbox', { token: b.token })).json())[0]).toEqual([]);
  });
});
