/**
 * Lucy's Awareness Certificate: generate (1001 victim, 1002 recipient, 1003 campaign; PDF and
 * JPG), status 10 → 20, the zip download, `sendTo` over real SMTP, bad input and another tenant.
 * The people are trained through the awareness page's own code (a person's browser hitting it).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHED } from '../../src/core/reporting/certificates.ts';
import { JPG_HEIGHT, JPG_WIDTH } from '../../src/core/reporting/certificates-render.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { buildCampaign, drain, setStatus } from '../helpers/campaign.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const browser = { method: 'GET', headers: { 'user-agent': CHROME, accept: 'text/html' }, ip: '198.51.100.7', proxyIp: '' };

let sink: SmtpSink;
let t: TestApp;
let a: { clientId: number; token: string };
let other: { clientId: number; token: string };
let campaignId: number;
let trained: number[];
let untrained: number;

/** The entries of a zip (stored or deflated), read from its central directory. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  expect(eocd).toBeGreaterThanOrEqual(0);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Width and height of a baseline or progressive JPEG (from its SOF marker). */
function jpegSize(buf: Buffer): { width: number; height: number } {
  let i = 2;
  while (i < buf.length) {
    const marker = buf[i + 1];
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}

async function generate(token: string, body: unknown) {
  return t.call('POST', '/api/awareness-certificates/generate', { token, body });
}

async function ready(token: string, id: number) {
  await t.core.certificates.idle();
  const res = await t.call('GET', `/api/awareness-certificates/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json()['awareness-certificate'];
}

async function download(token: string, id: number): Promise<Map<string, Buffer>> {
  const res = await t.call('GET', `/api/awareness-certificates/download/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/application\/zip/);
  // The stored zip (people's names) and its directory are this user's only.
  const stored = path.join(t.config.dataDir, 'certificates', `${id}.zip`);
  expect(statSync(stored).mode & 0o777).toBe(0o600);
  expect(statSync(path.dirname(stored)).mode & 0o777).toBe(0o700);
  return unzip(res.rawPayload);
}

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({ DECOY_SMTP_URL: sink.url });
  a = await t.tenant('Acme Ltd');
  other = await t.tenant('Other Corp');
  const list = await t.call('GET', '/api/awareness-templates?builtin=true&limit=1&sort=id', { token: a.token });
  const templateId = list.json().awareness_templates[0].id as number;
  const quiz = (await t.call('GET', `/api/awareness-templates/${templateId}`, { token: a.token })).json().awareness_template.contents[0].quiz as { correct: number }[];
  const built = await buildCampaign(t, a, {
    groups: [
      [
        { email: 'zoe@acme.test', name: 'Zoë Ångström' },
        { email: 'yuri@acme.test', name: 'Юрий Гагарин' },
        { email: 'xavier@acme.test', name: 'Xavier Untrained' },
      ],
    ],
    type: 'hyperlink',
  });
  campaignId = built.campaignId;
  const aw = await t.call('PUT', `/api/campaigns/${campaignId}/awareness`, {
    token: a.token,
    body: { name: 'Training', domain: 'training.acme.test', language_id: 1, template_id: templateId, sender_email: 'awareness@acme.test' },
  });
  expect(aw.statusCode, aw.body).toBe(200);
  await setStatus(t, a.token, campaignId, 'running');
  await drain(t);
  // Delivered ten minutes ago: a visit of the awareness page now is a person's, not a scanner's at delivery.
  await t.core.database.db.updateTable('victims').set({ submitted_at: new Date(Date.now() - 600_000).toISOString() }).where('campaign_id', '=', campaignId).execute();
  const victims = await t.core.database.db.selectFrom('victims').select(['id', 'email']).where('campaign_id', '=', campaignId).orderBy('email').execute();
  const byEmail = new Map(victims.map((v) => [v.email, v.id]));
  trained = [byEmail.get('zoe@acme.test')!, byEmail.get('yuri@acme.test')!];
  untrained = byEmail.get('xavier@acme.test')!;
  const fields = quiz.map((q, i) => [`q${i}`, String(q.correct)] as const);
  for (const id of trained) {
    const token = t.core.awarenessTraining.token(id);
    expect(await t.core.awarenessTraining.open(token, browser)).toMatchObject({ verdict: 'human' });
    expect(await t.core.awarenessTraining.submit(token, { ...browser, method: 'POST' }, fields)).toMatchObject({ verdict: 'human' });
  }
  const rows = await t.core.database.db.selectFrom('victims').select(['id', 'trained_at']).where('campaign_id', '=', campaignId).execute();
  expect(rows.filter((r) => r.trained_at).map((r) => r.id).sort()).toEqual([...trained].sort());
});

afterAll(async () => {
  await t?.core.certificates.idle();
  await t?.close();
  await sink?.close();
});

describe('POST /api/awareness-certificates/generate', () => {
  it('1001 PDF: a victim’s certificate, status 10 then 20, a zip with the PDF', async () => {
    const res = await generate(a.token, { type: 1001, format: 0, object_id: trained[0] });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json()['awareness-certificate'];
    expect(c).toMatchObject({ type: 1001, format: 0, object_id: trained[0], status: 10, email: '', sendTo: '', error: '' });
    const done = await ready(a.token, c.id);
    expect(done).toMatchObject({ id: c.id, status: 20, error: '', files: 1 });
    const files = await download(a.token, c.id);
    expect(files.size).toBe(1);
    const [[name, pdf]] = [...files];
    expect(name).toMatch(/^certificate-\d+-.*\.pdf$/);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5000);
  });

  it('1001 JPG: a JPEG of sensible size', async () => {
    const c = (await generate(a.token, { type: 1001, format: 1, object_id: trained[1] })).json()['awareness-certificate'];
    expect((await ready(a.token, c.id)).status).toBe(20);
    const [jpg] = [...(await download(a.token, c.id)).values()];
    expect([...jpg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(jpegSize(jpg)).toEqual({ width: JPG_WIDTH, height: JPG_HEIGHT });
    expect(jpg.length).toBeGreaterThan(20_000);
  });

  it('1002: a recipient by email, in both formats', async () => {
    for (const format of [0, 1]) {
      const res = await generate(a.token, { type: 1002, format, email: 'ZOE@acme.test' });
      expect(res.statusCode, res.body).toBe(200);
      const c = res.json()['awareness-certificate'];
      expect(c).toMatchObject({ type: 1002, format, object_id: null, email: 'zoe@acme.test', status: 10 });
      expect((await ready(a.token, c.id)).status).toBe(20);
      const files = [...(await download(a.token, c.id)).values()];
      expect(files).toHaveLength(1);
      if (format === 0) expect(files[0].subarray(0, 4).toString('latin1')).toBe('%PDF');
      else expect([...files[0].subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    }
  });

  it('1003: every trained victim of a campaign (only the trained), in both formats', async () => {
    for (const [format, ext] of [
      [0, 'pdf'],
      [1, 'jpg'],
    ] as const) {
      const c = (await generate(a.token, { type: 1003, format, object_id: campaignId })).json()['awareness-certificate'];
      expect(c).toMatchObject({ type: 1003, format, object_id: campaignId, status: 10 });
      expect(await ready(a.token, c.id)).toMatchObject({ status: 20, files: 2 });
      const files = await download(a.token, c.id);
      expect([...files.keys()].sort()).toEqual(trained.map((id) => expect.stringMatching(new RegExp(`^certificate-${id}-.*\\.${ext}$`))));
      expect([...files.keys()].some((n) => n.includes(`-${untrained}-`))).toBe(false);
    }
  });

  it('sendTo mails the certificate as an attachment over SMTP', async () => {
    const before = sink.messages.length;
    const c = (await generate(a.token, { type: 1001, format: 0, object_id: trained[0], sendTo: 'manager@acme.test' })).json()['awareness-certificate'];
    expect(c.sendTo).toBe('manager@acme.test');
    expect(await ready(a.token, c.id)).toMatchObject({ status: 20, error: '' });
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address).toBe('manager@acme.test');
    expect(mail.from!.value[0].address).toBe('awareness@acme.test');
    expect(mail.subject).toContain('Zoë Ångström');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].contentType).toBe('application/pdf');
    expect(mail.attachments[0].filename).toMatch(/\.pdf$/);
    expect(mail.attachments[0].content.subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('sendTo with more than MAX_ATTACHED certificates mails the zip', async () => {
    const crowd = Array.from({ length: MAX_ATTACHED + 1 }, (_, i) => ({ email: `crowd${i}@acme.test`, name: `Crowd ${i}` }));
    const built = await buildCampaign(t, a, { groups: [crowd], type: 'hyperlink' });
    const list = await t.call('GET', '/api/awareness-templates?builtin=true&limit=1&sort=id', { token: a.token });
    const templateId = list.json().awareness_templates[0].id as number;
    const quiz = (await t.call('GET', `/api/awareness-templates/${templateId}`, { token: a.token })).json().awareness_template.contents[0].quiz as { correct: number }[];
    expect((await t.call('PUT', `/api/campaigns/${built.campaignId}/awareness`, { token: a.token, body: { name: 'T', domain: 'training.acme.test', language_id: 1, template_id: templateId } })).statusCode).toBe(200);
    await setStatus(t, a.token, built.campaignId, 'running');
    await drain(t);
    const ids = (await t.core.database.db.selectFrom('victims').select('id').where('campaign_id', '=', built.campaignId).execute()).map((v) => v.id);
    for (const id of ids) await t.core.awarenessTraining.submit(t.core.awarenessTraining.token(id), { ...browser, method: 'POST' }, quiz.map((q, i) => [`q${i}`, String(q.correct)] as const));
    const before = sink.messages.length;
    const c = (await generate(a.token, { type: 1003, format: 0, object_id: built.campaignId, sendTo: 'hr@acme.test' })).json()['awareness-certificate'];
    expect(await ready(a.token, c.id)).toMatchObject({ status: 20, files: MAX_ATTACHED + 1 });
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].filename).toMatch(/\.zip$/);
    expect(unzip(mail.attachments[0].content).size).toBe(MAX_ATTACHED + 1);
  });

  it('a mail the relay refuses: status 100 with the reason; the files are still there', async () => {
    sink.reject.set('blocked@acme.test', { code: 550, message: 'no such mailbox' });
    const c = (await generate(a.token, { type: 1001, format: 1, object_id: trained[1], sendTo: 'blocked@acme.test' })).json()['awareness-certificate'];
    const done = await ready(a.token, c.id);
    expect(done.status).toBe(100);
    expect(done.error).toMatch(/could not be mailed to blocked@acme\.test/);
    expect((await download(a.token, c.id)).size).toBe(1);
  });

  it('bad input: 400 naming the field; untrained people: 400; unknown ids: 404', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{}, 400, /type/],
      [{ type: 1004 }, 400, /type/],
      [{ type: 1001, format: 2, object_id: trained[0] }, 400, /format/],
      [{ type: 1001 }, 400, /object_id/],
      [{ type: 1001, object_id: 'x' }, 400, /object_id/],
      [{ type: 1003 }, 400, /object_id/],
      [{ type: 1002 }, 400, /email/],
      [{ type: 1002, email: 'not an email' }, 400, /email/],
      [{ type: 1001, object_id: trained[0], sendTo: 'nobody' }, 400, /sendTo/],
      [{ type: 1001, object_id: untrained }, 400, /not completed the awareness training/],
      [{ type: 1002, email: 'xavier@acme.test' }, 400, /not completed/],
      [{ type: 1001, object_id: 999999 }, 404, /victim/],
      [{ type: 1003, object_id: 999999 }, 404, /campaign/],
      [{ type: 1002, email: 'nobody@acme.test' }, 404, /recipient/],
    ];
    for (const [body, status, message] of cases) {
      const res = await generate(a.token, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().error.message).toMatch(message);
    }
    const untrainedCampaign = await buildCampaign(t, a, { groups: [[{ email: 'wendy@acme.test', name: 'Wendy' }]] });
    const res = await generate(a.token, { type: 1003, object_id: untrainedCampaign.campaignId });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/no trained victims/);
    expect((await t.call('GET', '/api/awareness-certificates/999999', { token: a.token })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/awareness-certificates/download/999999', { token: a.token })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/awareness-certificates/abc', { token: a.token })).statusCode).toBe(400);
  });

  it('another tenant: 404 for the victims, campaigns, recipients and certificates of a client it cannot see', async () => {
    const mine = (await generate(a.token, { type: 1001, object_id: trained[0] })).json()['awareness-certificate'];
    await ready(a.token, mine.id);
    for (const body of [
      { type: 1001, object_id: trained[0] },
      { type: 1003, object_id: campaignId },
    ]) {
      expect((await generate(other.token, body)).statusCode).toBe(404);
    }
    expect((await generate(other.token, { type: 1002, email: 'zoe@acme.test' })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/awareness-certificates/${mine.id}`, { token: other.token })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/awareness-certificates/download/${mine.id}`, { token: other.token })).statusCode).toBe(404);
    // A view-only user of the client reads and downloads, but cannot generate.
    const viewer = await t.user(a.clientId, 'view');
    expect((await t.call('GET', `/api/awareness-certificates/${mine.id}`, { token: viewer.token })).statusCode).toBe(200);
    expect((await generate(viewer.token, { type: 1001, object_id: trained[0] })).statusCode).toBe(403);
  });
});
