/**
 * Shared pieces of the Security Journey v2 dialect: the report parameters (from the query
 * string, or from a form-encoded or JSON body, which SJ clients send even on GET), the date
 * formats of the document, and the streamed JSON array every list is written as.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReportQuery } from '../../core/securityjourney/reports.ts';
import { AppError, invalid } from '../../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client the API key reads (set by the plugin's onRequest hook). */
    securityJourney: { clientId: number };
  }
  interface FastifyContextConfig {
    /** A Security Journey report route; `dates`: it takes updated_after / updated_before. */
    securityJourney?: { dates: boolean };
  }
}

export const DEFAULT_LIMIT = 1000;
/** Largest body a report request may carry (its parameters): anything bigger is not parameters. */
const MAX_PARAMS_BODY = 64 * 1024;

const PARAMS = ['limit', 'offset', 'updated_before', 'updated_after'] as const;
type ParamName = (typeof PARAMS)[number];

export interface ReportParams {
  limit: number;
  offset: number;
  updated_before?: string;
  updated_after?: string;
}

const dateParam = (what: string) => ({
  type: 'string',
  maxLength: 40,
  description: `${what}: ISO 8601 (\`2022-02-01T17:14:06Z\`; no zone means UTC) or \`YYYY/MM/DD HH:MM:SS\` (UTC)`,
  example: '2022/02/01 17:14:06',
});

/** The query string of a report, for the OpenAPI document (values are checked in preValidation). */
export function reportQuerystring(dates: 'filter' | 'none') {
  return {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 0, default: DEFAULT_LIMIT, description: 'Rows to return; default 1000, no ceiling (large answers are streamed)' },
      offset: { type: 'integer', minimum: 0, default: 0, description: 'Rows to skip: `offset=2` starts at the 3rd row' },
      ...(dates === 'filter'
        ? { updated_after: dateParam('Only rows updated strictly after this time'), updated_before: dateParam('Only rows updated strictly before this time') }
        : {}),
    },
  } as const;
}

export const errorBody = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

export const errorResponses = { 400: errorBody, 401: errorBody, 403: errorBody, 413: errorBody, 415: errorBody, 429: errorBody } as const;

/** The body of a GET (fastify does not read one): at most MAX_PARAMS_BODY bytes. */
async function readBody(req: FastifyRequest): Promise<string> {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === '0')) return '';
  if (length !== undefined && Number(length) > MAX_PARAMS_BODY) throw new AppError('payload_too_large', 'request body is too large for report parameters');
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_PARAMS_BODY) throw new AppError('payload_too_large', 'request body is too large for report parameters');
    parts.push(b);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Parameters from the body, form-encoded or JSON. */
async function bodyParams(req: FastifyRequest): Promise<Record<string, unknown>> {
  // POSTs come parsed by fastify; a GET's body is read here.
  if (req.body !== undefined && req.body !== null) {
    if (typeof req.body !== 'object' || Array.isArray(req.body)) throw invalid('body: must be form-encoded or a JSON object of parameters');
    return req.body as Record<string, unknown>;
  }
  const text = await readBody(req);
  if (text.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (/^application\/json\b/.test(type)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalid('body: is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('body: must be a JSON object of parameters');
    return parsed as Record<string, unknown>;
  }
  if (type === '' || /^application\/x-www-form-urlencoded\b/.test(type)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) out[k] = k in out ? [out[k], v].flat() : v;
    return out;
  }
  throw new AppError('unsupported_media_type', 'request body must be form-encoded (application/x-www-form-urlencoded) or JSON');
}

function wholeNumber(name: string, raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^\d+$/.test(text)) {
    throw invalid(`${name}: must be a whole number of 0 or more, got ${JSON.stringify(String(Array.isArray(raw) ? raw.join(',') : raw)).slice(0, 60)}`);
  }
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const SJ = /^(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** ISO 8601 or `YYYY/MM/DD HH:MM:SS` (UTC) as an ISO instant; a 400 naming the parameter otherwise. */
export function parseDateParam(name: string, raw: unknown): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  const m = ISO.exec(text) ?? SJ.exec(text);
  const bad = () =>
    invalid(`${name}: must be a date and time as ISO 8601 (2022-02-01T17:14:06Z) or YYYY/MM/DD HH:MM:SS, got ${JSON.stringify(String(raw)).slice(0, 60)}`);
  if (!m) throw bad();
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1, 7).map((v) => v ?? undefined);
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const t = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], Math.floor(frac));
  const check = new Date(t);
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] - 1 ||
    check.getUTCDate() !== parts[2] ||
    parts[3] > 23 ||
    parts[4] > 59 ||
    parts[5] > 59
  ) {
    throw bad();
  }
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(z[2]) > 23 || Number(z[3]) > 59) throw bad();
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  return new Date(t - offsetMinutes * 60_000).toISOString();
}

/**
 * Collects the report parameters from the query string and the body (the query string wins),
 * checks them and leaves them, as numbers and ISO instants, in `req.query`.
 */
export async function collectParams(req: FastifyRequest, dates: boolean): Promise<void> {
  const body = await bodyParams(req);
  const query = (req.query ?? {}) as Record<string, unknown>;
  const value = (name: ParamName) => (query[name] !== undefined ? query[name] : body[name]);
  for (const name of PARAMS) {
    if (Array.isArray(value(name))) throw invalid(`${name}: given more than once`);
  }
  const out: ReportParams = { limit: DEFAULT_LIMIT, offset: 0 };
  if (value('limit') !== undefined) out.limit = wholeNumber('limit', value('limit'));
  if (value('offset') !== undefined) out.offset = wholeNumber('offset', value('offset'));
  for (const name of ['updated_after', 'updated_before'] as const) {
    const v = value(name);
    if (v === undefined) continue;
    if (!dates) throw invalid(`${name}: this report has no update time to filter by (enrollments, assignments and lesson_attempts have)`);
    out[name] = parseDateParam(name, v);
  }
  req.query = out;
}

export function reportQuery(req: FastifyRequest): ReportQuery {
  const p = req.query as ReportParams;
  return { limit: p.limit, offset: p.offset, updatedAfter: p.updated_after, updatedBefore: p.updated_before };
}

/** `2022/02/01 17:14:06` from a stored ISO instant (UTC). */
export function sjDateTime(iso: string): string;
export function sjDateTime(iso: string | null): string | null;
export function sjDateTime(iso: string | null): string | null {
  if (iso === null) return null;
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
}

/** `2021/06/30 04:00`: the same to the minute. */
export function sjMinute(iso: string): string {
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 16)}`;
}

/**
 * Characters per chunk written: below V8's large-object size (128 KiB), so that the strings and
 * buffers of a long answer die young instead of piling up in large-object space until a full GC.
 */
const CHUNK = 48 * 1024;

export const percent = (n: number, of: number) => (of > 0 ? Math.round((n * 100) / of) : 0);

/**
 * Writes `{"<key>": [rows...]}` as the batches come, in chunks of CHUNK characters. The first batch is
 * read before anything is sent, so that a failure there is still a proper error answer. The
 * stream holds one small chunk at a time (fastify pipes it into the response: a chunk is produced
 * only once the socket took the previous one); when the client goes away fastify destroys the
 * stream, which returns the batch generator and stops the reading.
 */
export async function sendStreamed<T>(
  reply: FastifyReply,
  key: string,
  batches: AsyncGenerator<T[]>,
  toJson: (row: T) => string,
): Promise<FastifyReply> {
  let next: IteratorResult<T[]>;
  try {
    next = await batches.next();
  } catch (err) {
    await batches.return(undefined as never).catch(() => {});
    throw err;
  }
  async function* body(): AsyncGenerator<string> {
    try {
      let chunk = `{${JSON.stringify(key)}:[`;
      let first = true;
      while (!next.done) {
        for (const row of next.value) {
          chunk += first ? toJson(row) : `,${toJson(row)}`;
          first = false;
          if (chunk.length >= CHUNK) {
            yield chunk;
            chunk = '';
          }
        }
        next = await batches.next();
      }
      yield `${chunk}]}`;
    } finally {
      await batches.return(undefined as never);
    }
  }
  const stream = Readable.from(body(), { objectMode: true, highWaterMark: 1 });
  // Destroyed before its first read (the client left at once), body() never ran its finally.
  stream.once('close', () => void batches.return(undefined as never).catch(() => {}));
  return reply.type('application/json; charset=utf-8').send(stream);
}
