/**
 * PhishLine's envelope: every answer, errors included, is
 * `{status, statusMessage, statusDetails, entity, jobid, notifications, [totalRowCount,
 * pageRowCount, remainingRowCount, MaxIdReturned,] data}`, with `status` equal to the HTTP status.
 * The two 401 envelopes of POST /rest/authenticate are the document's, byte for byte.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenCaller } from '../../core/access/access-tokens.ts';
import { classifyError } from '../../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of a PhishLine data request, set once its access token checked out. */
    phishline: PhishlineContext;
  }
  interface FastifyContextConfig {
    phishline?: PhishlineRouteConfig;
  }
}

export interface PhishlineContext {
  caller: AccessTokenCaller;
  /** The client every row must belong to; null: every client. */
  clientId: number | null;
  calls: number;
  limit: number;
}

export interface PhishlineRouteConfig {
  /** POST /authenticate: no access token. */
  public?: boolean;
  /** The catch-all: 405 NotAllowed before anything else. */
  notAllowed?: boolean;
  /** Permission groups, any one of which lets the caller in. */
  groups?: readonly string[];
}

/** The document's descriptions of its two authentication errors, used as `statusDetails.Reason`. */
export const NOT_AUTHENTICATED_REASON = 'Your attempt to authenticate failed. Please check your credentials and try again.';
export const BAD_API_KEY_REASON = 'Authentication failure: Bad API Key.';

const STATUS_MESSAGE: Record<number, string> = {
  200: 'OK',
  206: 'PartialContent',
  400: 'BadRequest',
  401: 'NotAuthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'NotAllowed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
};

/** `2026-11-23 19:22:10` (UTC), as PhishLine writes dates; "" for none. */
export function plDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.slice(0, 19).replace('T', ' ');
}

export function notifications(ctx: { caller: { expiresAt: string }; calls: number; limit: number }) {
  return {
    'API Token Expiration Date': plDate(ctx.caller.expiresAt),
    'Maximum API calls per hour': ctx.limit,
    'Your API calls in the last hour': ctx.calls,
  };
}

export function errorEnvelope(status: number, statusMessage: string, reason: string, extra: { notifications?: Record<string, unknown> } = {}) {
  return {
    status,
    statusMessage,
    statusDetails: { Reason: reason },
    entity: 'unknown',
    jobid: 0,
    notifications: extra.notifications ?? [],
    data: [],
  };
}

/** Maps anything thrown in a PhishLine request to its envelope and sends it. */
export async function sendPhishlineError(reply: FastifyReply, err: unknown, req: FastifyRequest) {
  const c = classifyError(err);
  if (c.status >= 500) req.log.error({ err }, 'request failed');
  const failure = c.details?.failure;
  let statusMessage = STATUS_MESSAGE[c.status] ?? 'Error';
  let reason = c.message;
  if (c.code === 'not_authenticated') {
    if (failure === 'credentials') {
      statusMessage = 'NotAuthenticated';
      reason = NOT_AUTHENTICATED_REASON;
    } else if (failure === 'api_key') {
      reason = BAD_API_KEY_REASON;
    } else {
      reason = `Authentication failure: ${c.message}.`;
    }
  } else if (c.code === 'rate_limited') {
    reply.header('Retry-After', String(c.details?.retryAfterSeconds ?? 3600));
  } else if (c.code === 'forbidden') {
    reason = `Permission denied: ${c.message}`;
  }
  // Over the limit with a valid token: say where the caller stands.
  const extra =
    c.code === 'rate_limited' && req.phishline && typeof c.details?.calls === 'number'
      ? { notifications: notifications({ ...req.phishline, calls: c.details.calls }) }
      : {};
  return reply
    .code(c.status)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(errorEnvelope(c.status, statusMessage, reason, extra));
}

export function statusMessageOf(status: number): string {
  return STATUS_MESSAGE[status] ?? 'OK';
}

// ---- schemas (serialisation and the OpenAPI document) -------------------------------------------

export const MAX_ID = 2147483647;

export const notificationsSchema = {
  type: 'object',
  description: 'About the caller\'s access token and API key.',
  properties: {
    'API Token Expiration Date': { type: 'string', description: 'When the access token expires if not used again (UTC, YYYY-MM-DD HH:MM:SS): the earlier of 24 h after issue and the idle limit after its last use' },
    'Maximum API calls per hour': { type: 'integer', description: 'The hourly limit of the API key (DECOY_API_RATE_LIMIT)' },
    'Your API calls in the last hour': { type: 'integer', description: 'Calls made with this API key in the last hour, this one included' },
  },
} as const;

/** Any error: `statusDetails.Reason` says what went wrong, naming the field when about one. */
export const errorEnvelopeSchema = {
  type: 'object',
  description: 'The error envelope. 401 from /authenticate: `NotAuthenticated` (wrong user or password) or `NotAuthorized` ("Authentication failure: Bad API Key.").',
  properties: {
    status: { type: 'integer' },
    statusMessage: { type: 'string', example: 'NotAuthorized' },
    statusDetails: { type: 'object', properties: { Reason: { type: 'string' } } },
    entity: { type: 'string', example: 'unknown' },
    jobid: { type: 'integer', example: 0 },
    notifications: { description: '[] on errors (429: the notifications object)' },
    data: { type: 'array', items: {}, maxItems: 0 },
  },
} as const;

export const errorResponses = {
  400: errorEnvelopeSchema,
  401: errorEnvelopeSchema,
  403: errorEnvelopeSchema,
  404: errorEnvelopeSchema,
  405: errorEnvelopeSchema,
  415: errorEnvelopeSchema,
  429: errorEnvelopeSchema,
} as const;

export type FieldDocs = Record<string, string>;

/** The envelope of a data endpoint whose rows have exactly `fields` (all strings). */
export function dataEnvelopeSchema(entity: string, fields: FieldDocs) {
  return {
    type: 'object',
    description: `200 OK on the last page; 206 PartialContent while rows remain (pass MaxIdReturned as the next afterid). Every value in data is a string; "" when the value does not exist.`,
    properties: {
      status: { type: 'integer', description: 'The HTTP status: 200 or 206' },
      statusMessage: { type: 'string', description: '`OK` or `PartialContent`' },
      statusDetails: { type: 'object', properties: { 'Total Results': { type: 'integer' } } },
      entity: { type: 'string', example: entity },
      jobid: { type: 'integer', example: 0 },
      notifications: notificationsSchema,
      totalRowCount: { type: 'integer', description: 'Rows the request matches over all its pages' },
      pageRowCount: { type: 'integer', description: 'Rows in this response (at most 5000)' },
      remainingRowCount: { type: 'integer', description: 'Rows after this page' },
      MaxIdReturned: { type: 'integer', description: 'The largest id in data (the afterid given when data is empty): the next afterid' },
      data: {
        type: 'array',
        items: {
          type: 'object',
          properties: Object.fromEntries(Object.entries(fields).map(([name, description]) => [name, { type: 'string', description }])),
        },
      },
    },
  };
}

export interface DataPage {
  rows: Record<string, string>[];
  total: number;
  remaining: number;
  maxId: number;
}

export function dataEnvelope(reply: FastifyReply, ctx: PhishlineContext, entity: string, page: DataPage) {
  const status = page.remaining > 0 ? 206 : 200;
  reply.code(status);
  return {
    status,
    statusMessage: statusMessageOf(status),
    statusDetails: { 'Total Results': page.total },
    entity,
    jobid: 0,
    notifications: notifications(ctx),
    totalRowCount: page.total,
    pageRowCount: page.rows.length,
    remainingRowCount: page.remaining,
    MaxIdReturned: page.maxId,
    data: page.rows,
  };
}

/** A count or id as PhishLine's data carries it. */
export const s = (v: number | string | null | undefined): string => (v === null || v === undefined ? '' : String(v));
