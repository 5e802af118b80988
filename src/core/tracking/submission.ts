/**
 * What a landing-page form post leaves in the database, by the scenario's `collect_data`:
 * - `no`: that data was entered and how many fields (`{entered: true, fields: 2}`);
 * - `partial`: field names and masked values (`j***@e***.com`, `A***`);
 * - `full`: field names and values.
 * Password-like fields are never stored in any mode, neither value nor hash: only that one was
 * present. A field is password-like when the landing page declares it `type="password"` (or
 * autofilled as a password or one-time code), or when its name says so (password, passwd, pwd,
 * pin, secret, otp, token, code, cvv, ... in several languages, alone or joined to other words:
 * `pincode`, `smsCode`). The list errs on the side of hiding: a `zip_code` is hidden too.
 *
 * `login_regexp` / `password_regexp` decide whether the post is valid (an empty regexp matches
 * anything). The values are tested in memory and dropped.
 */

export type FormFields = readonly (readonly [name: string, value: string])[];
export type CollectData = 'no' | 'partial' | 'full';

/** At most this many fields are kept; the rest are counted. */
export const MAX_FIELDS = 50;
export const MAX_NAME = 100;
export const MAX_VALUE = 1000;
/**
 * Regexps are the administrator's, values are anyone's: a bounded input bounds the time a
 * badly written (backtracking) expression can take.
 */
export const MAX_TESTED = 256;

/** Anywhere in the name (`pincode`, `smsCode`, `verificationcode`, `cardcvv`, `cvc2`, `2facode`). */
const SECRET_PART = /pass|pwd|secret|otp|token|code|cvv|cvc|mfa|2fa|totp|kennwort|senha|contrase|wachtwoord|haslo|hasło|salasana|losen|lösen/i;
/** As a whole word of the name (`user_pin`, `smsCode`, `cvv`). */
const SECRET_WORDS = new Set(['pin', 'code', 'cvv', 'cvc', 'csc', 'cvv2', 'tan', 'mfa', '2fa', 'totp', 'pw', 'sms', 'auth', 'key', 'mdp', 'pw1', 'pw2', 'credential', 'credentials']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a field name looks like a password, PIN or one-time code. */
export function isSecretName(name: string): boolean {
  if (SECRET_PART.test(name)) return true;
  // A PIN, alone or joined to another word (`userpin`, `pinnr`).
  return words(name).some((w) => SECRET_WORDS.has(w) || w.startsWith('pin') || w.endsWith('pin'));
}

/** Among secret fields, the one password_regexp is tested against (else the first secret field). */
const PASSWORD_NAME = /pass|pwd|kennwort|senha|contrase|wachtwoord/i;
const LOGIN_NAME = /user|login|e-?mail|mail|account|name|ident|benutzer|konto/i;

/** `jane.doe@example.com` → `j***@e***.com`; anything else → first character and `***`. */
export function mask(value: string): string {
  const v = value.trim();
  if (!v) return '';
  const at = v.lastIndexOf('@');
  if (at > 0 && at < v.length - 1) {
    const domain = v.slice(at + 1);
    const dot = domain.lastIndexOf('.');
    const tld = dot > 0 ? domain.slice(dot) : '';
    return `${[...v][0]}***@${[...domain][0]}***${tld.length <= 10 ? tld : ''}`;
  }
  return `${[...v][0]}***`;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

export interface SubmissionRules {
  collectData: CollectData;
  loginRe: RegExp | null;
  passwordRe: RegExp | null;
  /** Field names the landing page declares as `type="password"` (lower case). */
  passwordFields: ReadonlySet<string>;
}

export interface Submission {
  /** The regexps matched (or there were none). */
  valid: boolean;
  /** What is stored as the event's data. */
  data: Record<string, unknown>;
}

function secret(rules: SubmissionRules, name: string): boolean {
  return rules.passwordFields.has(name.toLowerCase()) || isSecretName(name);
}

export function judgeSubmission(fields: FormFields, rules: SubmissionRules): Submission {
  let login: string | undefined;
  let loginGuess: string | undefined;
  let password: string | undefined;
  let anySecret: string | undefined;
  let secrets = 0;
  const kept: { name: string; value: string }[] = [];
  for (const [name, value] of fields) {
    if (secret(rules, name)) {
      secrets++;
      anySecret ??= value;
      if (password === undefined && PASSWORD_NAME.test(name)) password = value;
      continue;
    }
    loginGuess ??= value;
    if (login === undefined && LOGIN_NAME.test(name)) login = value;
    if (kept.length < MAX_FIELDS) kept.push({ name: clip(name, MAX_NAME), value });
  }
  login ??= loginGuess ?? '';
  password ??= anySecret ?? '';
  const valid =
    (!rules.loginRe || rules.loginRe.test(clip(login, MAX_TESTED))) && (!rules.passwordRe || rules.passwordRe.test(clip(password, MAX_TESTED)));

  const data: Record<string, unknown> = { valid };
  const count = fields.length;
  if (rules.collectData === 'no') {
    data.entered = count > 0;
    data.fields = count;
  } else {
    data.fields = kept.map((f) => ({ name: f.name, value: rules.collectData === 'full' ? clip(f.value, MAX_VALUE) : mask(f.value) }));
    if (count - secrets > kept.length) data.more_fields = count - secrets - kept.length;
  }
  if (secrets) data.password_present = true;
  return { valid, data };
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Character references in an attribute value, as the browser reads them. */
function decodeEntities(v: string): string {
  return v.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));?/g, (whole, dec?: string, hex?: string, named?: string) => {
    const code = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : undefined;
    if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return NAMED_ENTITIES[named!.toLowerCase()] ?? whole;
  });
}

const SPACE = /[\t\n\f\r ]/;
type Attributes = [name: string, value: string][];

/**
 * The attributes of the start tag whose name ends at `i`, as HTML's tokenizer reads them: a new
 * attribute may follow a closing quote directly, an unquoted value runs to whitespace or `>`
 * (`/` and quotes included), a `/` between attributes is nothing. Returns them with the index
 * after the tag's `>` (or the end of the text).
 */
function startTagAttributes(html: string, i: number): { attributes: Attributes; end: number } {
  const attributes: Attributes = [];
  const n = html.length;
  while (i < n) {
    // Before an attribute's name.
    while (i < n && (SPACE.test(html[i]) || html[i] === '/')) i++;
    if (i >= n || html[i] === '>') break;
    let name = html[i++]; // a leading '=' is part of the name
    while (i < n && !SPACE.test(html[i]) && html[i] !== '/' && html[i] !== '>' && html[i] !== '=') name += html[i++];
    while (i < n && SPACE.test(html[i])) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < n && SPACE.test(html[i])) i++;
      const q = html[i];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, i + 1);
        const stop = close === -1 ? n : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const from = i;
        while (i < n && !SPACE.test(html[i]) && html[i] !== '>') i++;
        value = html.slice(from, i);
      }
    }
    attributes.push([name.toLowerCase(), decodeEntities(value)]);
  }
  return { attributes, end: Math.min(i + 1, n) };
}

/** The same tag read leniently: `/` ends an unquoted value and separates attributes (`<input/type=password/name=pin>`). */
const LENIENT_ATTRIBUTE = /[\s/"']([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s/>"']+)))?/g;
function lenientAttributes(tag: string): Attributes {
  return [...tag.matchAll(LENIENT_ATTRIBUTE)].map((a) => [a[1].toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? '')]);
}

/** What marks an input as a secret besides its type: the browser's password and one-time-code autofill. */
const SECRET_AUTOCOMPLETE = /\b(?:current-password|new-password|one-time-code)\b/i;

function secretInput(attributes: Attributes): string | null {
  const first = (name: string) => attributes.find((a) => a[0] === name)?.[1];
  const type = first('type')?.trim().toLowerCase();
  if (type !== 'password' && !SECRET_AUTOCOMPLETE.test(first('autocomplete') ?? '')) return null;
  return first('name') || null;
}

/**
 * Secret inputs of a landing page, by name (lower case): `type="password"`, or autofilled as a
 * password or one-time code. Each `<input>` is read twice, as HTML's tokenizer reads it and
 * leniently, and a name either reading finds is hidden: where the two differ, this errs on the
 * side of hiding.
 */
export function passwordFieldsOf(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/<input(?=[\s/>])/gi)) {
    const from = m.index + m[0].length;
    const { attributes, end } = startTagAttributes(html, from);
    for (const reading of [attributes, lenientAttributes(html.slice(from - 1, end))]) {
      const name = secretInput(reading);
      if (name) out.add(name.toLowerCase());
    }
  }
  return out;
}
