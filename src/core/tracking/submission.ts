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

/** `type="password"` inputs of a landing page, by name (lower case). */
export function passwordFieldsOf(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/\btype\s*=\s*["']?password\b/i.test(tag)) continue;
    const name = /\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (name) out.add((name[1] ?? name[2] ?? name[3]).toLowerCase());
  }
  return out;
}
