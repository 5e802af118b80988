import { describe, expect, it } from 'vitest';
import { isSecretName, judgeSubmission, mask, passwordFieldsOf, type SubmissionRules } from '../src/core/tracking/submission.ts';
import { parseForm } from '../src/tracking/forms.ts';
import { contentDisposition, simulationFile } from '../src/tracking/download.ts';
import { landingCsp } from '../src/tracking/pages.ts';

const rules = (o: Partial<SubmissionRules> = {}): SubmissionRules => ({ collectData: 'partial', loginRe: null, passwordRe: null, passwordFields: new Set(), ...o });

describe('masking', () => {
  it('keeps the first character of each part of an address and the top-level domain', () => {
    expect(mask('jane.doe@example.com')).toBe('j***@e***.com');
    expect(mask('  Alice  ')).toBe('A***');
    expect(mask('')).toBe('');
    expect(mask('émile@exämple.de')).toBe('é***@e***.de');
  });
});

describe('password-like field names', () => {
  it('catches passwords, PINs and one-time codes in several spellings and languages', () => {
    for (const name of ['password', 'Passwort', 'passwd', 'user_pwd', 'pin', 'smsCode', 'otp', 'mfa_token', 'client_secret', 'cvv', 'kennwort', 'senha', 'contraseña',
      'pincode', 'PINCode', 'smscode', 'verificationcode', 'securitycode', 'authcode', 'mfacode', 'tancode', 'cardcvv', 'cvc2', '2facode', 'userpin', 'pinnr']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['username', 'email', 'login', 'first_name', 'department', 'shipping', 'opinion']) {
      expect(isSecretName(name), name).toBe(false);
    }
  });

  it('reads type="password" inputs from a landing page, whatever the quoting', () => {
    const html = `<input name="u"><input type="password" name="Geheim"><input name='w2' type='password'><input type=password name=x3>`;
    expect([...passwordFieldsOf(html)]).toEqual(['geheim', 'w2', 'x3']);
  });

  it('reads them as a browser does (and leniently too, hiding what either reading finds)', () => {
    const cases: [string, string[]][] = [
      ['<input id="p"name="p1"type="password">', ['p1']], // no space after a closing quote
      ["<input type=password name=p2 title=don't>", ['p2']], // a quote inside a bare value
      ['<input type=password name=p3/>', ['p3/', 'p3']], // the browser's name is "p3/"
      ['<input/type=password/name=p4>', ['p4']],
      ['<input type="text" autocomplete="one-time-code" name="c5"><input autocomplete="current-password" name="c6">', ['c5', 'c6']],
      ['<input type="password" name="p7" type="text">', ['p7']], // the first of two attributes counts
      ['<input type="text" name="u" type="password">', []],
      ['<inputs type=password name=nope><input type="password"', []],
    ];
    for (const [html, names] of cases) expect([...passwordFieldsOf(html)], html).toEqual(names);
  });
});

describe('judging a submission', () => {
  it('never keeps a password-like value, in any mode', () => {
    for (const collectData of ['no', 'partial', 'full'] as const) {
      const { data } = judgeSubmission(
        [
          ['user', 'bob@corp.example'],
          ['Geheim', 'hunter2-secret'],
          ['pin', '9876'],
        ],
        rules({ collectData, passwordFields: new Set(['geheim']) }),
      );
      const text = JSON.stringify(data);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('9876');
      expect(data.password_present).toBe(true);
    }
  });

  it('tests login_regexp against the login field and password_regexp against the password field', () => {
    const r = rules({ loginRe: /^[a-z]+@corp\.example$/, passwordRe: /^.{8,}$/ });
    expect(judgeSubmission([['email', 'bob@corp.example'], ['password', 'long enough']], r).valid).toBe(true);
    expect(judgeSubmission([['email', 'bob@other.example'], ['password', 'long enough']], r).valid).toBe(false);
    expect(judgeSubmission([['email', 'bob@corp.example'], ['password', 'short']], r).valid).toBe(false);
    // Without a field named like a login, the first non-secret field is the login.
    expect(judgeSubmission([['field1', 'bob@corp.example'], ['pass', 'long enough']], r).valid).toBe(true);
    // Empty regexps match anything, even nothing.
    expect(judgeSubmission([], rules()).valid).toBe(true);
  });

  it('bounds what it keeps: 50 fields, 1000 characters a value', () => {
    const fields: [string, string][] = Array.from({ length: 60 }, (_, i) => [`f${i}`, 'x'.repeat(2000)]);
    const { data } = judgeSubmission(fields, rules({ collectData: 'full' }));
    const kept = data.fields as { name: string; value: string }[];
    expect(kept).toHaveLength(50);
    expect(kept[0].value).toHaveLength(1000);
    expect(data.more_fields).toBe(10);
  });
});

describe('form bodies', () => {
  it('parses URL-encoded, multipart and JSON bodies, and nothing else', () => {
    expect(parseForm('application/x-www-form-urlencoded', Buffer.from('a=1&b=x+y&c=%C3%A9'))).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['c', 'é'],
    ]);
    const mp = Buffer.from('--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\ntwo\r\nlines\r\n--XX--\r\n');
    expect(parseForm('multipart/form-data; boundary=XX', mp)).toEqual([
      ['a', 'one'],
      ['b', 'two\r\nlines'],
    ]);
    expect(parseForm('application/json', Buffer.from('{"a":"1","n":2,"o":{"x":1}}'))).toEqual([
      ['a', '1'],
      ['n', '2'],
    ]);
    expect(parseForm('application/json', Buffer.from('[1,2]'))).toEqual([]);
    expect(parseForm('text/plain', Buffer.from('a=1'))).toEqual([]);
    expect(parseForm(undefined, undefined)).toEqual([]);
  });
});

describe('generated files and headers', () => {
  it('writes a PDF, RTF, HTML or text file by the name, and a safe Content-Disposition', () => {
    expect(simulationFile('Invoice.pdf').body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(simulationFile('Memo.doc').body.toString('latin1')).toMatch(/^\{\\rtf1/);
    expect(simulationFile('page.html').contentType).toBe('text/html; charset=utf-8');
    expect(simulationFile('').name).toBe('document.pdf');
    expect(simulationFile('../../etc/passwd').name).toBe('.._.._etc_passwd');
    expect(contentDisposition('Rechnung "März".pdf')).toBe(`attachment; filename="Rechnung _M_rz_.pdf"; filename*=UTF-8''Rechnung%20%22M%C3%A4rz%22.pdf`);
    expect(contentDisposition("Q1 (final) *draft* 'v2'.pdf")).toBe("attachment; filename=\"Q1 (final) *draft* 'v2'.pdf\"; filename*=UTF-8''Q1%20%28final%29%20%2Adraft%2A%20%27v2%27.pdf");
  });

  it('lets a landing page post to itself, and to the origin of the redirect that follows a successful post', () => {
    expect(landingCsp('')).toContain("form-action 'self';");
    expect(landingCsp('https://intranet.example.org/path?q=1')).toContain("form-action 'self' https://intranet.example.org;");
    expect(landingCsp('javascript:alert(1)')).toContain("form-action 'self';");
  });
});
