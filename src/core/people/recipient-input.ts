/**
 * The Recipient resource as a request body: its JSON schema (also published in the OpenAPI
 * document), a compiled validator applied row by row to bulk imports, and normalisation into
 * the stored form. Validation lives here rather than in the route so that a 10,000-row import
 * is checked once per row with one compiled function, and errors name the row.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { invalid, validationMessage } from '../../errors.ts';

const MAX_ID = 2147483647;
export const MAX_BULK_RECIPIENTS = 50_000;
export const MAX_CUSTOM_FIELDS = 100;

/** Free-text columns of a recipient, with their length limits. */
export const RECIPIENT_TEXT_FIELDS = {
  name: 255,
  phone: 64,
  staff_type: 255,
  location: 255,
  division: 255,
  comment: 10_000,
  link: 2048,
  gender: 32,
  firstname: 255,
  lastname: 255,
  objectguid: 255,
  external_id: 255,
} as const;
export type RecipientTextField = keyof typeof RECIPIENT_TEXT_FIELDS;
export const RECIPIENT_TEXT_FIELD_NAMES = Object.keys(RECIPIENT_TEXT_FIELDS) as RecipientTextField[];

export interface RecipientInput {
  id?: number;
  email?: string;
  name?: string;
  language_id?: number | null;
  recipient_group_id?: number | null;
  ldap_based?: boolean;
  custom_fields?: string[];
  last_tested?: string | null;
  phone?: string;
  staff_type?: string;
  location?: string;
  division?: string;
  comment?: string;
  link?: string;
  gender?: string;
  firstname?: string;
  lastname?: string;
  objectguid?: string;
  external_id?: string;
}

const idOrNull = { type: ['integer', 'null'], minimum: 1, maximum: MAX_ID } as const;

/** Properties of a Recipient in a request; `id`, `last_tested` and `links` are accepted and ignored. */
export const recipientInputProps = {
  id: { type: 'integer', description: 'ignored in requests' },
  last_tested: { type: ['string', 'null'], maxLength: 64, description: 'read only: set when the recipient is in a campaign; ignored in requests' },
  recipient_group_id: {
    ...idOrNull,
    description: 'on create, the group in the path wins; on save, moves the recipient to another group of the same client',
  },
  language_id: { ...idOrNull, description: 'a language id from GET /api/languages; null: the campaign language' },
  email: { type: 'string', minLength: 1, maxLength: 320, description: 'stored lower-cased and trimmed; unique within a recipient group' },
  name: { type: 'string', minLength: 1, maxLength: RECIPIENT_TEXT_FIELDS.name },
  phone: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.phone },
  staff_type: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.staff_type },
  location: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.location },
  division: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.division },
  comment: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.comment },
  link: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.link },
  gender: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.gender },
  ldap_based: { type: 'boolean' },
  firstname: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.firstname },
  lastname: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.lastname },
  objectguid: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.objectguid },
  external_id: { type: 'string', maxLength: RECIPIENT_TEXT_FIELDS.external_id },
  links: { type: 'array', description: 'ignored in requests' },
  custom_fields: { type: 'array', maxItems: MAX_CUSTOM_FIELDS, items: { type: 'string', maxLength: 1000 } },
} as const;

/** A recipient to create: name and email are mandatory. */
export const recipientCreateSchema = { type: 'object', required: ['name', 'email'], properties: recipientInputProps } as const;
/** A recipient to save: name is mandatory; absent fields keep their value. */
export const recipientSaveSchema = { type: 'object', required: ['name'], properties: recipientInputProps } as const;

// Bodies are never coerced (a string where an integer belongs is a 400), as everywhere else.
const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
const validateCreate = ajv.compile(recipientCreateSchema);
const validateSave = ajv.compile(recipientSaveSchema);

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** `recipients[3].` for a row of a bulk import, nothing for a single recipient. */
export type RowPrefix = string;

function fail(prefix: RowPrefix, errors: ErrorObject[] | null | undefined): never {
  const message = validationMessage(errors ?? []);
  throw invalid(prefix ? `${prefix}.${message}` : message);
}

/** Trimmed and lower-cased; 400 naming the field when it is not an address. */
export function normaliseEmail(raw: string, prefix: RowPrefix = ''): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 320) {
    throw invalid(`${prefix ? `${prefix}.` : ''}email: ${JSON.stringify(raw)} is not an email address`);
  }
  return email;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one row of a create request; `prefix` names it in errors (`recipients[3]`). */
export function checkNewRecipient(row: unknown, prefix: RowPrefix = ''): RecipientInput & { email: string; name: string } {
  if (!isPlainObject(row)) throw invalid(`${prefix || 'body'}: must be an object (a Recipient)`);
  if (!validateCreate(row)) fail(prefix, validateCreate.errors);
  const input = row as unknown as RecipientInput & { email: string; name: string };
  if (!input.name.trim()) throw invalid(`${prefix ? `${prefix}.` : ''}name: must not be blank`);
  return input;
}

/** Checks the body of a save. */
export function checkSavedRecipient(row: unknown): RecipientInput & { name: string } {
  if (!isPlainObject(row)) throw invalid('body: must be an object (a Recipient)');
  if (!validateSave(row)) fail('', validateSave.errors);
  const input = row as unknown as RecipientInput & { name: string };
  if (!input.name.trim()) throw invalid('name: must not be blank');
  return input;
}
