/**
 * What a landing-page form post leaves in the database, by the scenario's `collect_data`:
 * - `no`: that data was entered and how many fields (`{entered: true, fields: 2}`);
 * - `partial`: field names and masked values (`j***@e***.com`, `A***`);
 * - `full`: field names and values.
 * Password-like fields are never stored in any mode, neither value nor hash: only that one was
 * present. A field is password-like when the landing page declares it `type="password"`, or
 * when its name says so (password, passwd, pwd, pin, secret, otp, token, code, ... in several
 * languages). The list errs on the side of hiding: a `zip_code` is hidden too.
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

/** Anywhere in the name. */
const SECRET_PART = /pass|pwd|secret|otp|token|kennwort|senha|contrase|wachtwoord|haslo|hasło|salasana|losen|lösen/i;
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
  return words(name).some((w) => SECRET_WORDS.has(w));
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

/** A start tag `<input ...>`: quoted values may hold `>`. */
const INPUT_TAG = /<input\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
/** One attribute: its name (after whitespace or `/`), and a double-quoted, single-quoted or bare value. */
const ATTRIBUTE = /[\s/]([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s/>]+)))?/g;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Character references in an attribute value, as the browser reads them. */
function decodeEntities(v: string): string {
  return v.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));?/g, (whole, dec?: string, hex?: string, named?: string) => {
    const code = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : undefined;
    if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return NAMED_ENTITIES[named!.toLowerCase()] ?? whole;
  });
}

/**
 * `type="password"` inputs of a landing page, by name (lower case). Read as a browser reads the
 * tag (quotes, `/` between attributes, character references), and where a browser would be
 * lenient this errs on the side of hiding.
 */
export function passwordFieldsOf(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(INPUT_TAG)) {
    const attributes = new Map<string, string>();
    for (const a of m[0].slice(6, -1).matchAll(ATTRIBUTE)) {
      const name = a[1].toLowerCase();
      // The first of two attributes of one name is the one that counts.
      if (!attributes.has(name)) attributes.set(name, decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    if (attributes.get('type')?.trim().toLowerCase() !== 'password') continue;
    const name = attributes.get('name');
    if (name) out.add(name.toLowerCase());
  }
  return out;
}
