import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  MAIL_VARIABLES,
  MailRenderError,
  compileMessage,
  encodeHeaderValue,
  quotedPrintable,
  render,
  signDkim,
  type MessageTemplate,
} from '../src/mail/render.ts';
import { classifySmtpError } from '../src/mail/transport.ts';

const base: MessageTemplate = {
  subject: 'Ihre Rechnung für März',
  html: '<html><body><p>Hallo {{name}},</p>\n<p><a href="{{link}}">Rechnung ansehen</a></p>\n</body></html>',
  text: 'Hallo {{name}},\n\nRechnung: {{link}}\n',
  senderName: 'Buchhaltung Müller',
  senderEmail: 'rechnung@billing.example',
};

const addr = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)!.value[0];
const lf = (s: string | false | undefined) => (typeof s === 'string' ? s.replace(/\r\n/g, '\n') : s);

describe('render', () => {
  it('builds a message that parses back exactly: headers, both parts, attachments, non-ASCII', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% binary \x00\x01\xff\n%%EOF');
    const compiled = compileMessage({
      ...base,
      subject: 'Ihre Rechnung für März – {{firstname}}',
      replyTo: 'antwort@billing.example',
      headers: { 'X-Decoy-Campaign': '17' },
      attachments: [{ filename: 'Rechnung März.pdf', contentType: 'application/pdf', content: pdf }],
    });
    const date = new Date('2026-03-02T08:15:30Z');
    const m = render(compiled, {
      to: { email: 'anna.schmidt@example.com', name: 'Anna Schmidt' },
      vars: { firstname: 'Anna', link: 'https://t.example/c/abc?x=1&y=2' },
      messageId: '<fixed-1@billing.example>',
      date,
      headers: { 'X-Decoy-Victim': '99' },
      attachments: [{ filename: 'notes.txt', content: 'plain file' }],
    });
    expect(m.raw).toMatch(/^[\x20-\x7e\r\n]*$/); // 7-bit clean
    expect(m.raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    expect(m.raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only
    expect(m.raw).not.toMatch(/List-Unsubscribe/i);

    const p = await simpleParser(m.raw);
    expect(p.subject).toBe('Ihre Rechnung für März – Anna');
    expect(addr(p.from)).toEqual({ name: 'Buchhaltung Müller', address: 'rechnung@billing.example' });
    expect(addr(p.to)).toEqual({ name: 'Anna Schmidt', address: 'anna.schmidt@example.com' });
    expect(addr(p.replyTo)).toMatchObject({ address: 'antwort@billing.example' });
    expect(p.messageId).toBe('<fixed-1@billing.example>');
    expect(p.date?.toISOString()).toBe(date.toISOString());
    expect(p.headers.get('mime-version')).toBe('1.0');
    expect(p.headers.get('x-decoy-campaign')).toBe('17');
    expect(p.headers.get('x-decoy-victim')).toBe('99');
    expect(lf(p.html)).toBe('<html><body><p>Hallo Anna Schmidt,</p>\n<p><a href="https://t.example/c/abc?x=1&amp;y=2">Rechnung ansehen</a></p>\n</body></html>');
    expect(lf(p.text)).toBe('Hallo Anna Schmidt,\n\nRechnung: https://t.example/c/abc?x=1&y=2\n');
    expect(p.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Rechnung März.pdf', 'application/pdf'],
      ['notes.txt', 'text/plain'],
    ]);
    expect(p.attachments[0].content.equals(pdf)).toBe(true);
    expect(p.attachments[1].content.toString()).toBe('plain file');
    // The rendered parts are returned for the catcher's preview, as substituted.
    expect(m).toMatchObject({ from: 'rechnung@billing.example', to: ['anna.schmidt@example.com'], subject: 'Ihre Rechnung für März – Anna' });
    expect(m.html).toContain('x=1&amp;y=2');
  });

  it('escapes values in the HTML part and keeps them as they are in text and subject', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const compiled = compileMessage({ ...base, subject: 'Für {{name}}' });
    const m = render(compiled, { to: { email: 'x@example.com', name: evil }, vars: { link: 'https://t.example/"onmouseover="x' } });
    const p = await simpleParser(m.raw);
    expect(p.html).toContain('Hallo &lt;img src=x onerror=alert(1)&gt;,');
    expect(p.html).not.toContain(evil);
    expect(p.html).toContain('href="https://t.example/&quot;onmouseover=&quot;x"');
    expect(p.text).toContain(`Hallo ${evil},`);
    expect(p.subject).toBe(`Für ${evil}`);
    expect(addr(p.to).name).toBe(evil);
  });

  it('substitutes custom fields, defaults and case-insensitive names; unknown variables render empty', async () => {
    const compiled = compileMessage({
      ...base,
      subject: '{{ FirstName }} {{lastname}} / {{custom.Cost Center}} / {{bogus}}|{{custom.missing}}|',
      text: '{{email}} {{sender_name}} <{{sender_email}}> {{date}} {{company}} {{staff_type}} {{location}} {{division}} {{phone}}',
      html: '',
    });
    const m = render(compiled, {
      to: { email: 'Bob@Example.com', name: 'Bob Meier' },
      date: new Date('2026-05-06T12:00:00Z'),
      vars: {
        firstname: 'Bob',
        lastname: 'Meier',
        'custom.Cost Center': 'CC-42',
        company: 'ACME',
        staff_type: 'Employee',
        location: 'Zürich',
        division: 'Finance',
        phone: '+41 44 000 00 00',
      },
    });
    expect(m.subject).toBe('Bob Meier / CC-42 / ||');
    expect(m.text).toBe('Bob@Example.com Buchhaltung Müller <rechnung@billing.example> 2026-05-06 ACME Employee Zürich Finance +41 44 000 00 00');
    const p = await simpleParser(m.raw);
    expect(p.html).toBe(false); // no HTML part when the template has none
    expect(p.text).toBe(m.text);
  });

  it('placeholders named like built-in object properties render empty, like any unknown variable', () => {
    const compiled = compileMessage({
      ...base,
      subject: '{{constructor}}|{{__proto__}}|{{toString}}|{{firstname}}',
      text: '{{hasOwnProperty}}|{{valueOf}}|{{firstname}}',
      html: '<p>{{constructor}}{{firstname}}</p>',
    });
    const m = render(compiled, { to: { email: 'bob@example.com', name: 'Bob' }, vars: { firstname: 'Bob' } });
    expect(m.subject).toBe('|||Bob');
    expect(m.text).toBe('||Bob');
    expect(m.html).toBe('<p>Bob</p>');
  });

  it('adds the open pixel only when the scenario tracks opens, before </body> when the HTML has no {{pixel}}', () => {
    const pixelUrl = 'https://t.example/o/tok?a=1&b=2';
    const tag = '<img src="https://t.example/o/tok?a=1&amp;b=2" width="1" height="1"';
    const withVar = { ...base, html: '<p>Hi</p>{{pixel}}<p>end</p>' };
    expect(render(compileMessage({ ...withVar, trackOpens: true }), { to: { email: 'a@x.example' }, pixelUrl }).html).toMatch(
      new RegExp(`^<p>Hi</p>${tag.replace(/[?]/g, '\\?')}[^>]*><p>end</p>$`),
    );
    expect(render(compileMessage({ ...withVar, trackOpens: false }), { to: { email: 'a@x.example' }, pixelUrl }).html).toBe('<p>Hi</p><p>end</p>');
    const appended = render(compileMessage({ ...base, trackOpens: true }), { to: { email: 'a@x.example' }, pixelUrl }).html;
    expect(appended).toMatch(/<img src="https:\/\/t\.example\/o\/tok\?a=1&amp;b=2"[^>]*>\n?<\/body><\/html>$/);
    expect(appended.match(/<img/g)).toHaveLength(1);
    const noBody = render(compileMessage({ ...base, html: '<p>x</p>', trackOpens: true }), { to: { email: 'a@x.example' }, pixelUrl }).html;
    expect(noBody.startsWith('<p>x</p><img src=')).toBe(true);
    // Not tracking: the same template has no image at all.
    expect(render(compileMessage(base), { to: { email: 'a@x.example' }, pixelUrl }).html).not.toContain('<img');
    // The pixel never appears in the text part.
    expect(render(compileMessage({ ...base, text: 'a {{pixel}} b', trackOpens: true }), { to: { email: 'a@x.example' }, pixelUrl }).text).toBe('a  b');
  });

  it('gives every message a unique Message-ID at the sender domain unless one is supplied', () => {
    const compiled = compileMessage(base);
    const ids = new Set(Array.from({ length: 500 }, () => render(compiled, { to: { email: 'a@x.example' } }).messageId));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^<[0-9a-f-]{36}@billing\.example>$/);
    expect(render(compiled, { to: { email: 'a@x.example' }, messageId: 'abc@billing.example' }).messageId).toBe('<abc@billing.example>');
    // IDN sender domains are sent as punycode.
    const idn = compileMessage({ ...base, senderEmail: 'info@bücher.example' });
    const m = render(idn, { to: { email: 'a@x.example' } });
    expect(m.from).toBe('info@xn--bcher-kva.example');
    expect(m.messageId).toMatch(/@xn--bcher-kva\.example>$/);
  });

  it('round-trips long lines, trailing spaces, "=" signs, dots and non-Latin text', async () => {
    const long = 'word '.repeat(60) + 'x=y ' + 'ä'.repeat(50) + ' end  ';
    const html = `<div style="a=b">${'<span>' + 'z'.repeat(300) + '</span>'}</div>\n.\n..leading dots\n${long}`;
    const compiled = compileMessage({ ...base, html, text: `${long}\n.\ntab\there  \n` });
    const m = render(compiled, { to: { email: 'a@x.example' } });
    expect(m.raw.split('\r\n').every((l) => l.length <= 76 || /^(Subject|From|To|Content-Type|Message-ID|Content-Disposition)/.test(l))).toBe(true);
    const p = await simpleParser(m.raw);
    expect(lf(p.html)).toBe(html);
    expect(lf(p.text)).toBe(`${long}\n.\ntab\there  \n`);

    const cyr = compileMessage({ ...base, subject: 'Счёт за март: оплатите до пятницы, пожалуйста, иначе доступ будет заблокирован', html: '<p>Здравствуйте, {{name}}! Ваш счёт готов.</p>', text: 'Здравствуйте, {{name}}!\nВаш счёт готов.\n' });
    expect(cyr.htmlEncoding).toBe('base64');
    const c = render(cyr, { to: { email: 'ivan@x.example', name: 'Иван Петров' } });
    const pc = await simpleParser(c.raw);
    expect(pc.subject).toBe('Счёт за март: оплатите до пятницы, пожалуйста, иначе доступ будет заблокирован');
    expect(pc.html).toBe('<p>Здравствуйте, Иван Петров! Ваш счёт готов.</p>');
    expect(lf(pc.text)).toBe('Здравствуйте, Иван Петров!\nВаш счёт готов.\n');
    expect(addr(pc.to).name).toBe('Иван Петров');
    for (const line of c.raw.split('\r\n\r\n')[0].split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('keeps header values on one line (no header injection through variables) and refuses bad addresses', async () => {
    const compiled = compileMessage({ ...base, subject: 'Hi {{firstname}}' });
    const m = render(compiled, { to: { email: 'a@x.example', name: 'Eve\r\nBcc: victim@else.example' }, vars: { firstname: 'x\r\nBcc: all@else.example' } });
    const p = await simpleParser(m.raw);
    expect(p.bcc).toBeUndefined();
    expect(p.headers.has('bcc')).toBe(false);
    expect(p.subject).toBe('Hi x Bcc: all@else.example');
    expect(() => render(compiled, { to: { email: 'a@x.example>\r\nBcc: b@y.example' } })).toThrow(MailRenderError);
    expect(() => render(compiled, { to: { email: 'not-an-address' } })).toThrow(/recipient: "not-an-address" is not an email address/);
    expect(() => compileMessage({ ...base, senderEmail: 'bad sender@x' })).toThrow(/sender_email/);
    expect(() => compileMessage({ ...base, headers: { 'Bad Header:': 'x' } })).toThrow(/headers:/);
    let err: unknown;
    try {
      render(compiled, { to: { email: 'nope' } });
    } catch (e) {
      err = e;
    }
    expect(classifySmtpError(err)).toEqual({ kind: 'permanent', text: 'recipient: "nope" is not an email address' });
  });

  it('encodes header values and quoted-printable as the RFCs say', () => {
    expect(encodeHeaderValue('plain')).toBe('plain');
    expect(encodeHeaderValue('für')).toBe('=?UTF-8?B?ZsO8cg==?=');
    const folded = encodeHeaderValue('a '.repeat(60).trim(), 9);
    expect(folded.split('\r\n').every((l) => l.length <= 78 && l.length > 0)).toBe(true);
    expect(folded.replace(/\r\n/g, '')).toBe('a '.repeat(60).trim());
    expect(quotedPrintable('a=b \nc\t')).toBe('a=3Db=20\r\nc=09');
    expect(quotedPrintable('€')).toBe('=E2=82=AC');
    // Soft breaks never split an escape.
    for (const line of quotedPrintable('x'.repeat(74) + 'é'.repeat(10)).split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line).toMatch(/^([^=]|=[0-9A-F]{2})*=?$/);
    }
  });

  it('documents the variables a mail template can use', () => {
    const names = MAIL_VARIABLES.map((v) => v.name);
    for (const n of ['name', 'firstname', 'lastname', 'email', 'link', 'pixel', 'sender_name', 'sender_email', 'date', 'company']) expect(names).toContain(n);
    expect(names.some((n) => n.startsWith('custom.'))).toBe(true);
    expect(MAIL_VARIABLES.every((v) => v.description.length > 5)).toBe(true);
  });
});

/** RFC 6376 relaxed canonicalisation, written independently of the signer. */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? lines.join('\r\n') + '\r\n' : '';
}

function headerFields(head: string): { name: string; value: string }[] {
  return head
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')
    .map((l) => ({ name: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1) }));
}

const relaxedHeader = (f: { name: string; value: string }) => `${f.name.toLowerCase().trim()}:${f.value.replace(/[ \t]+/g, ' ').trim()}`;

describe('signDkim', () => {
  it('adds a DKIM-Signature (d=, s=) whose body hash and signature verify with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const m = render(compileMessage({ ...base, trackOpens: false }), { to: { email: 'a@x.example', name: 'Anna' } });
    const signed = await signDkim(m.raw, { domainName: 'billing.example', keySelector: 'decoy2026', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
    expect(signed.endsWith(m.raw.slice(m.raw.indexOf('\r\n\r\n')))).toBe(true);
    const split = signed.indexOf('\r\n\r\n');
    const fields = headerFields(signed.slice(0, split));
    const sig = fields.find((f) => f.name.toLowerCase() === 'dkim-signature');
    expect(sig).toBeDefined();
    const tags = Object.fromEntries(
      sig!.value
        .split(';')
        .map((t) => t.trim())
        .filter(Boolean)
        .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')]),
    );
    expect(tags).toMatchObject({ v: '1', a: 'rsa-sha256', c: 'relaxed/relaxed', d: 'billing.example', s: 'decoy2026' });
    expect(tags.h.toLowerCase().split(':')).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id']));

    const body = signed.slice(split + 4);
    expect(tags.bh).toBe(createHash('sha256').update(relaxedBody(body)).digest('base64'));

    // Header hash: the signed fields (last occurrence first, as RFC 6376 5.4.2), then the signature with b= empty.
    const pool = fields.filter((f) => f !== sig);
    let data = '';
    for (const name of tags.h.split(':')) {
      const i = pool.map((f) => f.name.toLowerCase()).lastIndexOf(name.toLowerCase());
      if (i < 0) continue;
      data += relaxedHeader(pool[i]) + '\r\n';
      pool.splice(i, 1);
    }
    data += relaxedHeader({ name: sig!.name, value: sig!.value.replace(/(\bb=)[^;]*/, '$1') });
    expect(verify('sha256', Buffer.from(data), publicKey, Buffer.from(tags.b, 'base64'))).toBe(true);
    // A changed body no longer matches the body hash.
    expect(createHash('sha256').update(relaxedBody(body.replace('Hallo', 'Hello'))).digest('base64')).not.toBe(tags.bh);
  });
});
