/**
 * Walks every Lucy route with an id in its path, as client B, aimed at client A's rows: every
 * answer must be 404 (never 2xx, and never 403, which would reveal that the row exists), and
 * A's data must be the same afterwards, row for row (read directly and through A's own token).
 * The same walk is done by a super admin acting in client B (X-Decoy-Client), who is scoped
 * the same way. Bodies that refer to A's rows (`campaign_id`, `client_id`, ...) from B's own
 * routes must be refused exactly as a reference to a row that does not exist.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/api/server.ts';
import { createTestApp, type CallOptions, type TestApp } from '../helpers/app.ts';
import {
  Findings,
  GLOBAL_COLLECTIONS,
  collectionOf,
  fillUrl,
  isIdParam,
  lucyRoutes,
  objectSchema,
  paramNames,
  paramSchema,
  populateClient,
  routeKey,
  sample,
  sampleObject,
  uniquify,
  valid,
  type Ids,
  type Population,
} from './routes-walk.ts';

const GLOBAL = GLOBAL_COLLECTIONS;
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const UNKNOWN_ID = 999999;

let t: TestApp;
let A: Population;
let B: Population;
let languageId: number;
let benchmarkId: number;
beforeAll(async () => {
  t = await createTestApp({ DECOY_API_RATE_LIMIT: '100000000' });
  const a = await t.tenant('Client A');
  A = await populateClient(t, 'a', a.clientId, a.token);
  const b = await t.tenant('Client B');
  B = await populateClient(t, 'b', b.clientId, b.token);
  languageId = (await t.core.database.db.selectFrom('languages').select('id').where('code', '=', 'en').executeTakeFirstOrThrow()).id;
  benchmarkId = (await t.core.database.db.selectFrom('benchmarks').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
}, 180_000);
afterAll(async () => t?.close());

const byMethod = (x: RouteInfo, y: RouteInfo) => METHOD_ORDER.indexOf(x.method) - METHOD_ORDER.indexOf(y.method);

function globalValue(collection: string): number | undefined {
  if (collection === 'languages' || collection === 'language') return languageId;
  if (collection.startsWith('benchmark')) return benchmarkId;
  return undefined;
}

/** The id of `ids`' owner for a path parameter; undefined when the fixture has none. */
function ownedId(ids: Ids, url: string, param: string): number | undefined {
  const c = collectionOf(url, param);
  return ids[c] ?? ids[`${c}s`];
}

type Slot = { param: string; kind: 'tenant' | 'global' | 'other'; collection: string };

function slots(r: RouteInfo): Slot[] {
  return paramNames(r.url).map((param) => {
    const collection = collectionOf(r.url, param);
    if (!isIdParam(r, param)) return { param, kind: 'other', collection };
    return { param, kind: GLOBAL.has(collection) ? 'global' : 'tenant', collection };
  });
}

/** Path values: tenant ids from `owners[param]` (A or B), global ids, schema samples for the rest. */
function values(r: RouteInfo, owners: Record<string, Ids>, unknown = false): Record<string, string | number> | string {
  const out: Record<string, string | number> = {};
  for (const s of slots(r)) {
    if (s.kind === 'other') out[s.param] = sample(paramSchema(r, s.param), s.param) as string | number;
    else if (s.kind === 'global') out[s.param] = globalValue(s.collection) ?? 1;
    else {
      const id = unknown ? UNKNOWN_ID : ownedId(owners[s.param], r.url, s.param);
      if (id === undefined) return `no fixture id for :${s.param} (collection "${s.collection}")`;
      out[s.param] = id;
    }
  }
  return out;
}

const unwrap = (res: LightMyRequestResponse): Record<string, unknown> | null => {
  if (res.statusCode !== 200 || !/^application\/json/.test(String(res.headers['content-type']))) return null;
  const body = res.json();
  const keys = Object.keys(body ?? {});
  if (keys.length === 1 && body[keys[0]] && typeof body[keys[0]] === 'object' && !Array.isArray(body[keys[0]])) return body[keys[0]];
  return null;
};

/**
 * A body the route's schema accepts: the resource as its owner reads it at the same path
 * (a real client saves what it read), else a generated one with B's own ids.
 */
async function bodyFor(r: RouteInfo, url: string, ownerToken: string, ownerIds: Ids): Promise<Record<string, unknown> | undefined> {
  if (!r.schema?.body) return undefined;
  if (r.method === 'POST' && t.routes.some((x) => x.method === 'GET' && x.url === r.url)) {
    const resource = unwrap(await t.call('GET', url, { token: ownerToken }));
    if (resource && valid(r.schema.body, resource)) return resource;
  }
  const hints: Record<string, number> = { language_id: languageId, benchmark_sector_id: benchmarkId };
  const props = objectSchema(r.schema.body)?.properties ?? {};
  for (const name of Object.keys(props)) {
    if (!name.endsWith('_id') || name in hints) continue;
    const id = ownerIds[collectionOf('', name)];
    if (id !== undefined) hints[name] = id;
  }
  const generated = sampleObject(r.schema.body, { ids: hints });
  const sub = /\/:[a-z_]+\/([a-z-]+)$/.exec(r.url);
  if ('id' in props && sub && ownerIds[sub[1]] !== undefined) generated.id = ownerIds[sub[1]];
  return generated;
}

/** A's rows, every table with a client_id, straight from the database. */
async function databaseSnapshot(clientId: number): Promise<Record<string, unknown[]>> {
  const db = t.core.database.db as any;
  const out: Record<string, unknown[]> = {};
  for (const table of await t.tables()) {
    const columns = table.columns.map((c) => c.name);
    if (!columns.includes('client_id')) continue;
    let q = db.selectFrom(table.name).selectAll().where('client_id', '=', clientId);
    for (const c of columns) q = q.orderBy(c);
    out[table.name] = await q.execute();
  }
  return out;
}

/** A's data as A reads it through every GET route of the API. */
async function apiSnapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of lucyRoutes(t).filter((x) => x.method === 'GET')) {
    const owners = Object.fromEntries(paramNames(r.url).map((p) => [p, A.ids]));
    const v = values(r, owners);
    if (typeof v === 'string') continue;
    const url = fillUrl(r.url, v);
    const res = await t.call('GET', url, { token: A.token });
    out[url] = `${res.statusCode} ${res.body}`;
  }
  return out;
}

/** Rows of `clientId` whose `*_id` columns point at one of A's rows. */
async function pointersIntoA(clientId: number): Promise<string[]> {
  const db = t.core.database.db as any;
  const out: string[] = [];
  for (const table of await t.tables()) {
    const columns = table.columns.map((c) => c.name);
    if (!columns.includes('client_id')) continue;
    for (const column of columns) {
      if (column === 'client_id' || !column.endsWith('_id')) continue;
      const collection = collectionOf(table.name, column);
      const aId = A.ids[collection];
      if (GLOBAL.has(collection) || aId === undefined) continue;
      const hit = await db.selectFrom(table.name).select(column).where('client_id', '=', clientId).where(column, '=', aId).executeTakeFirst();
      if (hit) out.push(`client ${clientId}'s ${table.name}.${column} points at A's ${collection} ${aId}`);
    }
  }
  return out;
}

interface Caller {
  name: string;
  opts: CallOptions;
}

describe('client B cannot reach client A\'s rows', () => {
  it('has a fully populated client A and client B', () => {
    if (A.notes.length) console.log(`fixture notes:\n  ${A.notes.join('\n  ')}`);
    for (const c of ['recipient-groups', 'recipients', 'recipient-custom-fields', 'campaigns', 'scenarios', 'awareness', 'campaign-custom-fields', 'incidents', 'domains', 'scenario-templates', 'api-keys', 'users']) {
      expect(A.ids[c], c).toBeGreaterThan(0);
      expect(B.ids[c], c).toBeGreaterThan(0);
      expect(B.ids[c]).not.toBe(A.ids[c]);
    }
  });

  it('answers 404 to every route aimed at A\'s ids, and A\'s data stays as it was', async () => {
    const dbBefore = await databaseSnapshot(A.clientId);
    const apiBefore = await apiSnapshot();
    const apiAgain = await apiSnapshot();
    const unstable = Object.keys(apiBefore).filter((k) => apiBefore[k] !== apiAgain[k]);
    if (unstable.length) console.log(`not compared (they change between two reads): ${unstable.join(', ')}`);
    expect(Object.keys(apiBefore).length).toBeGreaterThan(10);

    const f = new Findings();
    const callers: Caller[] = [
      { name: 'B admin', opts: { token: B.token } },
      { name: 'super admin acting in B', opts: { token: t.rootToken, headers: { 'x-decoy-client': String(B.clientId) } } },
    ];
    const routes = lucyRoutes(t)
      .filter((r) => slots(r).some((s) => s.kind === 'tenant'))
      .sort(byMethod);
    expect(routes.length).toBeGreaterThan(20);
    for (const caller of callers) {
      for (const r of routes) {
        const tenantParams = slots(r).filter((s) => s.kind === 'tenant').map((s) => s.param);
        // All of A's ids; then, with two or more, each one of A's among B's own.
        const combos: Record<string, Ids>[] = [Object.fromEntries(tenantParams.map((p) => [p, A.ids]))];
        if (tenantParams.length > 1) for (const p of tenantParams) combos.push(Object.fromEntries(tenantParams.map((q) => [q, q === p ? A.ids : B.ids])));
        for (const owners of combos) {
          const v = values(r, owners);
          const label = `${caller.name}: ${routeKey(r)} [${tenantParams.map((p) => `${p}=${owners[p] === A.ids ? 'A' : 'B'}`).join(', ')}]`;
          if (typeof v === 'string') {
            f.add(`${label}: ${v}`);
            continue;
          }
          const url = fillUrl(r.url, v);
          const body = await bodyFor(r, url, A.token, B.ids);
          if (body && !valid(r.schema?.body, body)) f.add(`${label}: note: no body that passes the schema could be made`);
          const res = await t.call(r.method, url, { ...caller.opts, ...(body ? { body } : {}) });
          const before = f.lines.length;
          f.check(label, res, { status: 404 });
          if (f.lines.length > before) {
            const u = values(r, owners, true);
            const probe = typeof u === 'string' ? null : await t.call(r.method, fillUrl(r.url, u), { ...caller.opts, ...(body ? { body } : {}) });
            if (probe) f.lines[f.lines.length - 1] += ` (with ids ${UNKNOWN_ID} instead: ${probe.statusCode})`;
          }
        }
      }
    }
    console.log(`cross-tenant paths: ${f.checked} answers checked`);

    const dbAfter = await databaseSnapshot(A.clientId);
    for (const table of Object.keys(dbBefore)) {
      if (JSON.stringify(dbBefore[table]) !== JSON.stringify(dbAfter[table])) f.add(`client A's ${table} rows changed`);
    }
    const apiAfter = await apiSnapshot();
    for (const k of Object.keys(apiBefore)) {
      if (!unstable.includes(k) && apiBefore[k] !== apiAfter[k]) f.add(`GET ${k} as A changed: ${apiBefore[k].slice(0, 120)} -> ${apiAfter[k].slice(0, 120)}`);
    }
    for (const line of await pointersIntoA(B.clientId)) f.add(line);
    if (f.lines.length) console.log(`\ncross-tenant paths: ${f.lines.length} failure(s)\n  ${f.lines.join('\n  ')}`);
    expect(f.lines).toEqual([]);
  });

  it('refuses bodies that refer to A\'s rows exactly as references to rows that do not exist', async () => {
    const dbBefore = await databaseSnapshot(A.clientId);
    const f = new Findings();
    let seq = 0;
    const routes = lucyRoutes(t)
      .filter((r) => (r.method === 'PUT' || r.method === 'POST') && r.schema?.body)
      .sort(byMethod);
    for (const r of routes) {
      const owners = Object.fromEntries(paramNames(r.url).map((p) => [p, B.ids]));
      const v = values(r, owners);
      if (typeof v === 'string') continue;
      const url = fillUrl(r.url, v);
      const props = objectSchema(r.schema!.body)?.properties ?? {};
      const refs: [string, string][] = [];
      for (const name of Object.keys(props)) {
        if (name.endsWith('_id')) refs.push([name, collectionOf('', name)]);
      }
      const sub = /\/:[a-z_]+\/([a-z-]+)$/.exec(r.url);
      if ('id' in props && r.method === 'PUT' && sub) refs.push(['id', sub[1]]);
      for (const [name, collection] of refs) {
        if (GLOBAL.has(collection) || A.ids[collection] === undefined) continue;
        const base = (await bodyFor(r, url, B.token, B.ids)) ?? {};
        if (!valid(r.schema!.body, { ...base, [name]: A.ids[collection] })) continue;
        const label = `B admin: ${routeKey(r)} [body ${name}=A's ${collection}]`;
        // The same request with a row that does not exist first: the two answers must not differ.
        const probe = await t.call(r.method, url, { token: B.token, body: uniquify({ ...base, [name]: UNKNOWN_ID }, ++seq) });
        const res = await t.call(r.method, url, { token: B.token, body: uniquify({ ...base, [name]: A.ids[collection] }, ++seq) });
        f.checked++;
        const brief = res.body.slice(0, 160);
        if (res.statusCode >= 500) f.add(`${label}: answered ${res.statusCode}: ${brief}`);
        else if (res.statusCode !== probe.statusCode) f.add(`${label}: answered ${res.statusCode}, but ${probe.statusCode} for ${name}=${UNKNOWN_ID}: ${brief}`);
        else if (res.statusCode < 300 && unwrap(res)?.[name] === A.ids[collection]) f.add(`${label}: answered ${res.statusCode} and the result points at A's row: ${brief}`);
        else if (res.statusCode >= 400) f.check(label, res, { status: [400, 404] });
      }
    }
    console.log(`cross-tenant body references: ${f.checked} answers checked`);
    const dbAfter = await databaseSnapshot(A.clientId);
    for (const table of Object.keys(dbBefore)) {
      if (JSON.stringify(dbBefore[table]) !== JSON.stringify(dbAfter[table])) f.add(`client A's ${table} rows changed`);
    }
    for (const line of await pointersIntoA(B.clientId)) f.add(line);
    if (f.lines.length) console.log(`\ncross-tenant body references: ${f.lines.length} failure(s)\n  ${f.lines.join('\n  ')}`);
    expect(f.lines).toEqual([]);
  });
});
