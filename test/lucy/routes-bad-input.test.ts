/**
 * Walks every Lucy route the admin server registered and sends it bad input: malformed JSON,
 * bodies that are not JSON, bodies and fields of the wrong type, missing mandatory fields, bad
 * and unknown ids, bad list parameters, a body over the size limit. Every answer must be a JSON
 * 4xx `{error:{code,message}}` whose message names the problem; never a 5xx, never HTML.
 * Failures are collected per route and reported together.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/api/server.ts';
import { createTestApp, type CallOptions, type TestApp } from '../helpers/app.ts';
import {
  Findings,
  fillUrl,
  idFor,
  isIdParam,
  lucyRoutes,
  objectSchema,
  paramNames,
  paramSchema,
  populateClient,
  routeKey,
  sample,
  sampleObject,
  unwalkedApiRoutes,
  valid,
  wrongValue,
  type Population,
} from './routes-walk.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const BAD_IDS = ['-1', '0', '99999999999999999999', 'abc', '1.5'];
const UNKNOWN_ID = 999999;

// One test app at a time: each describe opens and closes its own.
let t: TestApp;
let pop: Population;

/** The field named as a word in the message (`name: ...`, `recipients[0].name: ...`). */
const names = (field: string) => new RegExp(`(^|[^A-Za-z0-9_])${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_]|$)`);

function paramValues(r: RouteInfo, overrides: Record<string, string | number> = {}): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const p of paramNames(r.url)) {
    values[p] = isIdParam(r, p) ? (idFor(pop.ids, r.url, p) ?? 1) : (sample(paramSchema(r, p), p) as string | number);
  }
  return { ...values, ...overrides };
}

/** A body that passes the route's schema (as far as generated values can), with `id` agreeing with the path. */
function baseBody(r: RouteInfo, pathId?: string | number): { body: Record<string, unknown>; ok: boolean } {
  const body = sampleObject(r.schema?.body, { ids: { language_id: 1 } });
  const props = objectSchema(r.schema?.body)?.properties ?? {};
  if ('id' in props && (objectSchema(r.schema?.body)?.required ?? []).includes('id') && typeof pathId === 'number') body.id = pathId;
  return { body, ok: valid(r.schema?.body, body) === true };
}

function send(r: RouteInfo, url: string, opts: CallOptions): Promise<LightMyRequestResponse> {
  return t.call(r.method, url, { token: t.rootToken, ...opts });
}

function report(title: string, f: Findings) {
  console.log(`${title}: ${f.checked} answers checked`);
  if (f.lines.length) console.log(`\n${title}: ${f.lines.length} failure(s)\n  ${f.lines.join('\n  ')}`);
}

describe('a body over the limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ DECOY_BODY_LIMIT: '65536', DECOY_API_RATE_LIMIT: '100000000' });
  });
  afterAll(async () => small?.close());

  it('is 413 with a JSON error on every route that takes a body, and the server carries on', async () => {
    const f = new Findings();
    const routes = lucyRoutes(small).filter((r) => r.schema?.body);
    expect(routes.length).toBeGreaterThan(5);
    const big = JSON.stringify({ name: 'x'.repeat(70_000), email: 'big@decoy.test' });
    for (const r of routes) {
      const values: Record<string, number | string> = {};
      for (const p of paramNames(r.url)) values[p] = isIdParam(r, p) ? 1 : (sample(paramSchema(r, p), p) as string);
      const res = await small.call(r.method, fillUrl(r.url, values), { token: small.rootToken, raw: big, headers: JSON_TYPE });
      f.check(`${routeKey(r)} [70 kB body, limit 64 kB]`, res, { status: 413, mentions: /large|limit/ });
    }
    report('oversized bodies', f);
    expect(f.lines).toEqual([]);
    const after = await small.call('GET', '/api/languages', { token: small.rootToken });
    expect(after.statusCode).toBe(200);
  });
});

describe('every Lucy route refuses bad input with a JSON 4xx naming the problem', () => {
  beforeAll(async () => {
    t = await createTestApp({ DECOY_API_RATE_LIMIT: '100000000' });
    const a = await t.tenant('Walker (bad input)');
    pop = await populateClient(t, 'bad', a.clientId, a.token);
  }, 180_000);
  afterAll(async () => t?.close());

  it('walks the route table (Lucy routes; /api/docs and /api/v2 have their own rules)', () => {
    const routes = lucyRoutes(t);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map(routeKey)).toContain('GET /api/languages');
    console.log(`walking ${routes.length} Lucy routes; not walked: ${unwalkedApiRoutes(t).join(', ') || 'none'}`);
    if (pop.notes.length) console.log(`fixture notes:\n  ${pop.notes.join('\n  ')}`);
  });

  it('bodies: malformed JSON, non-JSON types, wrong types, missing mandatory fields', async () => {
    const f = new Findings();
    const weak: string[] = [];
    const routes = lucyRoutes(t).filter((r) => r.schema?.body);
    expect(routes.length).toBeGreaterThan(5);
    for (const r of routes) {
      const values = paramValues(r);
      const url = fillUrl(r.url, values);
      const label = (c: string) => `${routeKey(r)} [${c}]`;
      const { body: base, ok: baseOk } = baseBody(r, values.id);
      if (!baseOk) weak.push(`${routeKey(r)}: no generated body passes its schema, so field names are not checked`);

      f.check(label('malformed JSON'), await send(r, url, { raw: '{"name": "x",', headers: JSON_TYPE }), { status: 400, mentions: /JSON/ });
      f.check(label('empty body with JSON type'), await send(r, url, { raw: '', headers: JSON_TYPE }), { status: 400 });
      f.check(label('text/plain'), await send(r, url, { raw: JSON.stringify(base), headers: { 'content-type': 'text/plain' } }), { status: 415, mentions: /JSON/ });
      f.check(label('form-urlencoded'), await send(r, url, { raw: 'name=x&id=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), {
        status: 415,
        mentions: /JSON/,
      });
      f.check(label('no content type'), await send(r, url, { raw: JSON.stringify(base) }), { status: 415, mentions: /JSON/ });

      for (const wrong of [[], ['x'], 'a string', 42, true, null]) {
        if (valid(r.schema!.body, wrong) !== false) continue;
        f.check(label(`body ${JSON.stringify(wrong)}`), await send(r, url, { raw: JSON.stringify(wrong), headers: JSON_TYPE }), { status: 400, mentions: /body|must be/ });
      }

      const o = objectSchema(r.schema!.body);
      const props: Record<string, any> = o?.properties ?? {};
      const allWrong: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(props)) {
        const wrong = wrongValue(prop);
        if (wrong === undefined) continue;
        allWrong[name] = wrong;
        f.check(label(`${name}: ${JSON.stringify(wrong)}`), await send(r, url, { body: { ...base, [name]: wrong } }), {
          status: 400,
          ...(baseOk ? { mentions: names(name) } : {}),
        });
      }
      // Ids in the body: negative and too large for an id are 400 naming the field. (An optional
      // `id` without bounds is the resource's own id, sent back by a client and ignored.)
      for (const [name, prop] of Object.entries(props)) {
        if (!(name === 'id' || name.endsWith('_id')) || ![prop?.type].flat().includes('integer')) continue;
        if (name === 'id' && prop.minimum === undefined && !(o?.required ?? []).includes('id')) continue;
        f.check(label(`${name}: -1`), await send(r, url, { body: { ...base, [name]: -1 } }), { status: 400, ...(baseOk ? { mentions: names(name) } : {}) });
        const huge = JSON.stringify({ ...base, [name]: '__HUGE__' }).replace('"__HUGE__"', '99999999999999999999');
        f.check(label(`${name}: 99999999999999999999`), await send(r, url, { raw: huge, headers: JSON_TYPE }), {
          status: 400,
          ...(baseOk ? { mentions: names(name) } : {}),
        });
      }
      if (Object.keys(allWrong).length) f.check(label('every field of the wrong type'), await send(r, url, { body: allWrong }), { status: 400 });

      for (const name of o?.required ?? []) {
        const rest = { ...base };
        delete rest[name];
        f.check(label(`without ${name}`), await send(r, url, { body: rest }), { status: 400, mentions: names(name) });
      }
      if ((o?.required ?? []).length) f.check(label('{}'), await send(r, url, { body: {} }), { status: 400, mentions: /required/ });
    }
    if (weak.length) console.log(`bodies, weaker checks:\n  ${weak.join('\n  ')}`);
    report('bodies', f);
    expect(f.lines).toEqual([]);
  });

  it('path parameters: negative, zero, huge, non-numeric and unknown ids', async () => {
    const f = new Findings();
    const routes = lucyRoutes(t).filter((r) => paramNames(r.url).length);
    expect(routes.length).toBeGreaterThan(5);
    for (const r of routes) {
      const withBody = (pathId?: string | number) => (r.schema?.body ? { body: baseBody(r, pathId).body } : {});
      for (const p of paramNames(r.url)) {
        if (isIdParam(r, p)) {
          for (const bad of BAD_IDS) {
            const url = fillUrl(r.url, paramValues(r, { [p]: bad }));
            f.check(`${routeKey(r)} [${p}=${bad}]`, await send(r, url, withBody()), { status: 400, mentions: names(p) });
          }
        } else if (Array.isArray(paramSchema(r, p)?.enum) || paramSchema(r, p)?.pattern) {
          const url = fillUrl(r.url, paramValues(r, { [p]: 'no-such-value' }));
          f.check(`${routeKey(r)} [${p}=no-such-value]`, await send(r, url, withBody()), { status: 400, mentions: names(p) });
        } else if (!paramSchema(r, p)) {
          f.add(`${routeKey(r)}: path parameter ${p} has no schema`);
        }
      }
      // Unknown ids: a lookup that finds nothing is 404 (a write whose body the schema
      // accepts must get as far as the lookup).
      const unknown: Record<string, number> = {};
      for (const p of paramNames(r.url)) if (isIdParam(r, p)) unknown[p] = UNKNOWN_ID;
      if (!Object.keys(unknown).length) continue;
      const url = fillUrl(r.url, paramValues(r, unknown));
      const readOrDelete = r.method === 'GET' || r.method === 'DELETE';
      const baseOk = !r.schema?.body || baseBody(r, UNKNOWN_ID).ok;
      const res = await send(r, url, withBody(UNKNOWN_ID));
      f.check(`${routeKey(r)} [unknown ids ${UNKNOWN_ID}]`, res, readOrDelete || baseOk ? { status: 404 } : {});
    }
    report('path parameters', f);
    expect(f.lines).toEqual([]);
  });

  it('lists: bad sort, offset and limit are 400 naming the parameter', async () => {
    const f = new Findings();
    const isList = (r: RouteInfo) => {
      if (r.method !== 'GET') return false;
      if (r.schema?.querystring?.properties?.limit) return true;
      if (/\/:[A-Za-z_]+$/.test(r.url)) return false;
      const props = r.schema?.response?.[200]?.properties ?? {};
      const keys = Object.keys(props);
      return keys.length === 1 && props[keys[0]]?.type === 'array';
    };
    const lists = lucyRoutes(t).filter(isList);
    expect(lists.length).toBeGreaterThan(5);
    for (const r of lists) {
      const url = fillUrl(r.url, paramValues(r));
      const label = (c: string) => `${routeKey(r)} [${c}]`;
      const ok = await send(r, `${url}?sort=id&offset=0&limit=1`, {});
      if (ok.statusCode !== 200) f.add(`${label('sort=id&offset=0&limit=1')}: answered ${ok.statusCode} ${ok.body.slice(0, 160)}`);
      if (!r.schema?.querystring?.properties?.limit) f.add(`${routeKey(r)}: a list without sort/offset/limit in its query schema`);
      const cases: [string, string][] = [
        ['sort=no_such_column', 'sort'],
        ['sort=-no_such_column', 'sort'],
        ["sort=name%3B%20DROP%20TABLE%20users", 'sort'],
        ['offset=-1', 'offset'],
        ['offset=abc', 'offset'],
        ['limit=0', 'limit'],
        ['limit=1001', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=-5', 'limit'],
      ];
      for (const [query, param] of cases) f.check(label(query), await send(r, `${url}?${query}`, {}), { status: 400, mentions: names(param) });
    }
    report('lists', f);
    expect(f.lines).toEqual([]);
  });

  it('still answers afterwards', async () => {
    const res = await t.call('GET', '/api/languages', { token: t.rootToken });
    expect(res.statusCode).toBe(200);
    expect(res.json().languages.length).toBeGreaterThan(0);
  });
});
