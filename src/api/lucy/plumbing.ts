/**
 * Shared pieces of the Lucy dialect: schemas for list parameters and ids, date and boolean
 * formatting, links, and the error body. Every Lucy route file builds on these.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access/principal.ts';
import { MAX_LIMIT } from '../../core/list.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The route needs no credential (POST /api/auth, the OpenAPI document). */
    public?: boolean;
    /** A POST that only reads (it takes a body for its parameters): open to `view` users. */
    readsOnly?: boolean;
  }
}

export const MAX_ID = 2147483647;

export const idSchema = { type: 'integer', minimum: 1, maximum: MAX_ID } as const;
export const nullableIdSchema = { type: ['integer', 'null'], minimum: 1, maximum: MAX_ID } as const;

/** `:id` in the path. */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: idSchema },
} as const;

export function paramsOf(...names: string[]) {
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((n) => [n, idSchema])),
  } as const;
}

/** `sort`, `offset`, `limit` on every list. */
export const listQuery = {
  type: 'object',
  properties: {
    sort: { type: 'string', maxLength: 64, pattern: '^-?[a-z_]+$', description: 'column to sort by; prefix with - for descending' },
    offset: { type: 'integer', minimum: 0, maximum: MAX_ID, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 },
  },
} as const;

export interface ListQuery {
  sort?: string;
  offset?: number;
  limit?: number;
}

export const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** Response schemas for the errors a route can answer; for the OpenAPI document. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  413: errorBody,
  415: errorBody,
  429: errorBody,
} as const;

export const str = { type: 'string', maxLength: 10000 } as const;
export const shortStr = { type: 'string', maxLength: 255 } as const;
export const nullableStr = { type: ['string', 'null'], maxLength: 10000 } as const;
export const bool = { type: 'boolean' } as const;
export const int = { type: 'integer', minimum: -MAX_ID, maximum: MAX_ID } as const;
export const nonNegInt = { type: 'integer', minimum: 0, maximum: MAX_ID } as const;
/** Datetimes in requests: ISO 8601; without a zone they are taken as UTC. */
export const dateTimeIn = { type: ['string', 'null'], format: 'lucy-datetime' } as const;
/** Datetimes in responses. */
export const dateTimeOut = { type: ['string', 'null'], format: 'date-time' } as const;
export const linksSchema = {
  type: 'array',
  items: { type: 'object', properties: { rel: { type: 'string' }, href: { type: 'string' } } },
} as const;

export type Link = { rel: string; href: string };

/** `2026-11-23T19:22:10Z`, as the spec README shows; null stays null. */
export function lucyDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** Request datetime (validated by the `lucy-datetime` format) to the stored form. */
export function storedDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const normalised = value.replace(' ', 'T');
  return new Date(hasZone ? normalised : normalised.length === 10 ? `${normalised}T00:00:00Z` : `${normalised}Z`).toISOString();
}

export const LUCY_DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isLucyDateTime(value: string): boolean {
  if (!LUCY_DATETIME.test(value)) return false;
  const d = storedDateSafe(value);
  return d !== null;
}

function storedDateSafe(value: string): string | null {
  try {
    return storedDate(value);
  } catch {
    return null;
  }
}

export const yes = (n: number | boolean | null | undefined): boolean => n === 1 || n === true;
export const flag = (b: boolean | undefined, fallback: number): number => (b === undefined ? fallback : b ? 1 : 0);

export function parseJsonArray<T = unknown>(json: string | null | undefined): T[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** DELETE answers 204 with no body. */
export function noContent(reply: FastifyReply) {
  return reply.code(204).send();
}

export function principal(req: FastifyRequest): Principal {
  return req.principal;
}
