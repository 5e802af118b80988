/**
 * Domain errors. Core code throws AppError with a stable code; each dialect maps the code to
 * its HTTP status and envelope with `httpStatus` below.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_authenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'rate_limited'
  | 'method_not_allowed'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  not_authenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export function httpStatus(code: ErrorCode): number {
  return STATUS[code];
}

export const invalid = (message: string, details?: Record<string, unknown>) => new AppError('validation_failed', message, details);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const unauthenticated = (message: string) => new AppError('not_authenticated', message);

/**
 * Maps an error thrown anywhere in a request (our AppError, a fastify parser/validation error,
 * a database constraint) to a code and message that can be shown to the caller. Anything
 * unrecognised becomes `internal` without its message, so no internals leak.
 */
export function classifyError(err: unknown): { code: ErrorCode; message: string; status: number; details?: Record<string, unknown> } {
  if (err instanceof AppError) return { code: err.code, message: err.message, status: httpStatus(err.code), details: err.details };
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown[]; validationContext?: string };
  if (e && Array.isArray(e.validation)) {
    return { code: 'validation_failed', message: validationMessage(e.validation as AjvLikeError[], e.validationContext), status: 400 };
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'unsupported_media_type', message: 'request body must be JSON (Content-Type: application/json)', status: 415 };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: 'request body is too large', status: 413 };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'validation_failed', message: 'request body is empty but Content-Type is application/json', status: 400 };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'validation_failed', message: 'request body is not valid JSON', status: 400 };
  }
  if (e instanceof SyntaxError || e?.statusCode === 400) {
    return { code: 'validation_failed', message: 'request body is not valid JSON', status: 400 };
  }
  if (isUniqueViolation(err)) return { code: 'conflict', message: 'a record with the same unique value already exists', status: 409 };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const status = e.statusCode;
    const code: ErrorCode = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation_failed';
    return { code, message: e.message ?? 'bad request', status };
  }
  return { code: 'internal', message: 'internal error', status: 500 };
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "name: is required", "limit: must be <= 1000" — the field first, as callers read it. */
export function validationMessage(errors: AjvLikeError[], context?: string): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  let field = (first.instancePath ?? '').replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  let message = first.message ?? 'is invalid';
  if (first.keyword === 'required' && first.params?.missingProperty) {
    field = field ? `${field}.${String(first.params.missingProperty)}` : String(first.params.missingProperty);
    message = 'is required';
  } else if (first.keyword === 'additionalProperties' && first.params?.additionalProperty) {
    field = field ? `${field}.${String(first.params.additionalProperty)}` : String(first.params.additionalProperty);
    message = 'is not a known field';
  } else if (first.keyword === 'enum' && Array.isArray(first.params?.allowedValues)) {
    message = `must be one of ${(first.params.allowedValues as unknown[]).map(String).join(', ')}`;
  }
  if (!field) field = context === 'body' ? 'body' : context ?? 'request';
  return `${field}: ${message}`;
}
