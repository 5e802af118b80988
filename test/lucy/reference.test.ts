import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARK_SECTORS, LANGUAGES } from '../../src/core/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

function expectError(res: { statusCode: number; json(): any; headers: Record<string, unknown> }, status: number, message?: RegExp) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = res.json();
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message).toBeTruthy();
  if (message) expect(body.error.message).toMatch(message);
}

describe('languages', () => {
  it('lists the seeded languages as Lucy resources under `languages`', async () => {
    const { token } = await t.tenant();
    const res = await t.call('GET', '/api/languages', { token });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['languages']);
    expect(body.languages).toHaveLength(LANGUAGES.length);
    const en = body.languages.find((l: any) => l.code === 'en');
    expect(en).toEqual({ id: en.id, name: 'English', default: true, image: `/api/languages/${en.id}/image`, code: 'en' });
    expect(body.languages.filter((l: any) => l.default)).toHaveLength(1);
    for (const l of body.languages) {
      expect(Object.keys(l).sort()).toEqual(['code', 'default', 'id', 'image', 'name']);
      expect(typeof l.id).toBe('number');
    }
    expect(body.languages.map((l: any) => l.code).sort()).toEqual(LANGUAGES.map((l) => l.code).sort());
  });

  it('sorts, offsets and limits', async () => {
    const byName = (await t.call('GET', '/api/languages?sort=name', { token: t.rootToken })).json().languages.map((l: any) => l.name);
    expect(byName).toEqual([...byName].sort());
    const desc = (await t.call('GET', '/api/languages?sort=-id', { token: t.rootToken })).json().languages.map((l: any) => l.id);
    expect(desc).toEqual([...desc].sort((a: number, b: number) => b - a));
    const defaultFirst = (await t.call('GET', '/api/languages?sort=-default', { token: t.rootToken })).json().languages;
    expect(defaultFirst[0].code).toBe('en');
    const all = (await t.call('GET', '/api/languages', { token: t.rootToken })).json().languages;
    const pageRes = (await t.call('GET', '/api/languages?offset=2&limit=3', { token: t.rootToken })).json().languages;
    expect(pageRes.map((l: any) => l.id)).toEqual(all.slice(2, 5).map((l: any) => l.id));
    expectError(await t.call('GET', '/api/languages?sort=colour', { token: t.rootToken }), 400, /^sort: /);
    expectError(await t.call('GET', '/api/languages?limit=0', { token: t.rootToken }), 400, /^limit: /);
    expectError(await t.call('GET', '/api/languages?limit=1001', { token: t.rootToken }), 400, /^limit: /);
    expectError(await t.call('GET', '/api/languages?offset=-1', { token: t.rootToken }), 400, /^offset: /);
    expectError(await t.call('GET', '/api/languages?limit=abc', { token: t.rootToken }), 400, /^limit: /);
  });

  it('gets one language (extension) and 404s an unknown one', async () => {
    const de = (await t.call('GET', '/api/languages', { token: t.rootToken })).json().languages.find((l: any) => l.code === 'de');
    const res = await t.call('GET', `/api/languages/${de.id}`, { token: t.rootToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ language: de });
    expectError(await t.call('GET', '/api/languages/999999', { token: t.rootToken }), 404, /language/);
    expectError(await t.call('GET', '/api/languages/abc', { token: t.rootToken }), 400, /^id: /);
    expectError(await t.call('GET', '/api/languages/99999999999999999999', { token: t.rootToken }), 400, /^id: /);
  });

  it('serves the icon as a small SVG with the code, safe headers, and no credential needed', async () => {
    const fr = (await t.call('GET', '/api/languages', { token: t.rootToken })).json().languages.find((l: any) => l.code === 'fr');
    const res = await t.call('GET', fr.image);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(res.body).toMatch(/<rect [^>]*rx="5"/);
    expect(res.body).toContain('>FR</text>');
    expect(res.body).not.toMatch(/<script|href=/i);
    expect(res.body.length).toBeLessThan(1024);
    expectError(await t.call('GET', '/api/languages/999999/image'), 404, /language/);
  });

  it('refuses writes: there is no PUT on languages', async () => {
    expectError(await t.call('PUT', '/api/languages', { token: t.rootToken, body: { name: 'Klingon' } }), 404);
  });
});

describe('benchmarks', () => {
  it('lists the seeded sectors under `benchmarks` for every role but enduser', async () => {
    const { token, clientId } = await t.tenant();
    const viewer = await t.user(clientId, 'view');
    for (const tok of [token, viewer.token, t.rootToken]) {
      const res = await t.call('GET', '/api/benchmarks?limit=1000', { token: tok });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['benchmarks']);
      expect(body.benchmarks.map((b: any) => b.name)).toEqual(expect.arrayContaining(BENCHMARK_SECTORS));
      expect(body.benchmarks[0]).toEqual({ id: body.benchmarks[0].id, name: body.benchmarks[0].name, links: [{ rel: 'self', href: `/api/benchmarks/${body.benchmarks[0].id}` }] });
    }
  });

  it('lets a super admin create, get, save and delete a sector', async () => {
    const created = await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: { name: '  Aerospace  ', links: [{ rel: 'x', href: 'y' }] } });
    expect(created.statusCode).toBe(200);
    const b = created.json().benchmark;
    expect(b).toMatchObject({ name: 'Aerospace' });
    expect(Object.keys(created.json())).toEqual(['benchmark']);

    const got = await t.call('GET', `/api/benchmarks/${b.id}`, { token: t.rootToken });
    expect(got.json()).toEqual({ benchmark: b });

    const saved = await t.call('POST', `/api/benchmarks/${b.id}`, { token: t.rootToken, body: { id: b.id, name: 'Aerospace and Defence' } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().benchmark).toMatchObject({ id: b.id, name: 'Aerospace and Defence' });

    const del = await t.call('DELETE', `/api/benchmarks/${b.id}`, { token: t.rootToken });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expectError(await t.call('GET', `/api/benchmarks/${b.id}`, { token: t.rootToken }), 404, /benchmark/);
    expectError(await t.call('DELETE', `/api/benchmarks/${b.id}`, { token: t.rootToken }), 404);
    expectError(await t.call('POST', `/api/benchmarks/${b.id}`, { token: t.rootToken, body: { id: b.id, name: 'x' } }), 404);
  });

  it('deleting a sector in use leaves the campaign without one', async () => {
    const { clientId } = await t.tenant();
    const b = (await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: { name: 'Mining' } })).json().benchmark;
    const db = t.core.database.db;
    const stamp = new Date().toISOString();
    const campaign = await db
      .insertInto('campaigns')
      // Only the columns without a default: the campaigns area owns the rest of the row.
      .values({ client_id: clientId, benchmark_sector_id: b.id, name: 'uses mining', created_at: stamp, updated_at: stamp } as any)
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await t.call('DELETE', `/api/benchmarks/${b.id}`, { token: t.rootToken })).statusCode).toBe(204);
    const row = await db.selectFrom('campaigns').select('benchmark_sector_id').where('id', '=', campaign.id).executeTakeFirstOrThrow();
    expect(row.benchmark_sector_id).toBeNull();
  });

  it('refuses writes by client users (403) and view users (403)', async () => {
    const { token, clientId } = await t.tenant();
    const viewer = await t.user(clientId, 'view');
    const existing = (await t.call('GET', '/api/benchmarks', { token })).json().benchmarks[0];
    for (const tok of [token, viewer.token]) {
      expectError(await t.call('PUT', '/api/benchmarks', { token: tok, body: { name: 'Nope' } }), 403);
      expectError(await t.call('POST', `/api/benchmarks/${existing.id}`, { token: tok, body: { id: existing.id, name: 'Nope' } }), 403);
      expectError(await t.call('DELETE', `/api/benchmarks/${existing.id}`, { token: tok }), 403);
    }
    const still = await t.call('GET', `/api/benchmarks/${existing.id}`, { token });
    expect(still.json().benchmark.name).toBe(existing.name);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const b = (await t.call('GET', '/api/benchmarks', { token: t.rootToken })).json().benchmarks[0];
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: {} }), 400, /^name: is required/);
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: { name: 42 } }), 400, /^name: /);
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: { name: '   ' } }), 400, /^name: must not be empty/);
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: { name: 'x'.repeat(256) } }), 400, /^name: /);
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, body: ['name'] }), 400, /^body: /);
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, raw: '{"name": ', headers: { 'content-type': 'application/json' } }), 400, /JSON/);
    expectError(await t.call('PUT', '/api/benchmarks', { token: t.rootToken, raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, /JSON/);
    expectError(await t.call('POST', `/api/benchmarks/${b.id}`, { token: t.rootToken, body: { name: 'x' } }), 400, /^id: is required/);
    expectError(await t.call('POST', `/api/benchmarks/${b.id}`, { token: t.rootToken, body: { id: b.id } }), 400, /^name: is required/);
    expectError(await t.call('POST', `/api/benchmarks/${b.id}`, { token: t.rootToken, body: { id: String(b.id), name: 'x' } }), 400, /^id: /);
    expectError(await t.call('POST', `/api/benchmarks/${b.id}`, { token: t.rootToken, body: { id: b.id + 1, name: 'x' } }), 400, /^id: .*does not match/);
    expectError(await t.call('GET', '/api/benchmarks/-1', { token: t.rootToken }), 400, /^id: /);
    expectError(await t.call('GET', '/api/benchmarks?sort=colour', { token: t.rootToken }), 400, /^sort: unknown column "colour"/);
    expect((await t.call('GET', `/api/benchmarks/${b.id}`, { token: t.rootToken })).json().benchmark.name).toBe(b.name);
  });

  it('sorts, offsets and limits', async () => {
    const all = (await t.call('GET', '/api/benchmarks?sort=-name&limit=1000', { token: t.rootToken })).json().benchmarks;
    const names = all.map((b: any) => b.name);
    expect(names).toEqual([...names].sort().reverse());
    const slice = (await t.call('GET', '/api/benchmarks?sort=-name&offset=1&limit=2', { token: t.rootToken })).json().benchmarks;
    expect(slice).toEqual(all.slice(1, 3));
  });
});

describe('domains', () => {
  it('creates shared domains as a super admin and owned ones as a client user; each sees shared + own', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const shared = await t.call('PUT', '/api/domains', { token: t.rootToken, body: { name: 'Shared-Example.COM.' } });
    expect(shared.statusCode).toBe(200);
    expect(Object.keys(shared.json())).toEqual(['domain']);
    const s = shared.json().domain;
    expect(s).toEqual({ id: s.id, name: 'shared-example.com', client_id: null, dkim_selector: '', dkim: false, links: [{ rel: 'self', href: `/api/domains/${s.id}` }] });

    const own = (await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'a-corp.example' } })).json().domain;
    expect(own).toMatchObject({ name: 'a-corp.example', client_id: a.clientId });
    expect(own.links).toContainEqual({ rel: 'client', href: `/api/clients/${a.clientId}` });
    const other = (await t.call('PUT', '/api/domains', { token: b.token, body: { name: 'b-corp.example' } })).json().domain;

    const listA = await t.call('GET', '/api/domains?limit=1000', { token: a.token });
    expect(Object.keys(listA.json())).toEqual(['domains']);
    const namesA = listA.json().domains.map((d: any) => d.name);
    expect(namesA).toContain('shared-example.com');
    expect(namesA).toContain('a-corp.example');
    expect(namesA).not.toContain('b-corp.example');

    expect((await t.call('GET', `/api/domains/${own.id}`, { token: a.token })).json()).toEqual({ domain: own });
    expect((await t.call('GET', `/api/domains/${s.id}`, { token: a.token })).json().domain.name).toBe('shared-example.com');
    expectError(await t.call('GET', `/api/domains/${other.id}`, { token: a.token }), 404, /domain/);

    const all = (await t.call('GET', '/api/domains?limit=1000', { token: t.rootToken })).json().domains.map((d: any) => d.name);
    expect(all).toEqual(expect.arrayContaining(['shared-example.com', 'a-corp.example', 'b-corp.example']));
    // A super admin acting in client B sees shared + B's.
    const acting = (await t.call('GET', '/api/domains?limit=1000', { token: t.rootToken, headers: { 'x-decoy-client': String(b.clientId) } })).json().domains;
    expect(acting.map((d: any) => d.name)).toContain('b-corp.example');
    expect(acting.map((d: any) => d.name)).not.toContain('a-corp.example');
  });

  it('lets a super admin create for a client, and a client user only for their own', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const forA = (await t.call('PUT', '/api/domains', { token: t.rootToken, body: { name: 'for-a.example', client_id: a.clientId } })).json().domain;
    expect(forA.client_id).toBe(a.clientId);
    const actingB = (await t.call('PUT', '/api/domains', { token: t.rootToken, headers: { 'x-decoy-client': String(b.clientId) }, body: { name: 'acting-b.example' } })).json().domain;
    expect(actingB.client_id).toBe(b.clientId);
    expectError(await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'sneaky.example', client_id: b.clientId } }), 404, /client/);
    expectError(await t.call('PUT', '/api/domains', { token: t.rootToken, body: { name: 'nowhere.example', client_id: 999999 } }), 404, /client/);
    const ownExplicit = (await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'explicit-a.example', client_id: a.clientId } })).json().domain;
    expect(ownExplicit.client_id).toBe(a.clientId);
  });

  it('deletes own domains; shared ones only by a super admin (403); another tenant\'s are 404 and stay', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const shared = (await t.call('PUT', '/api/domains', { token: t.rootToken, body: { name: 'del-shared.example' } })).json().domain;
    const own = (await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'del-own.example' } })).json().domain;
    const theirs = (await t.call('PUT', '/api/domains', { token: b.token, body: { name: 'del-theirs.example' } })).json().domain;

    expectError(await t.call('DELETE', `/api/domains/${shared.id}`, { token: a.token }), 403, /shared/);
    expectError(await t.call('DELETE', `/api/domains/${theirs.id}`, { token: a.token }), 404, /domain/);
    expectError(await t.call('DELETE', '/api/domains/999999', { token: a.token }), 404);
    expect((await t.call('GET', `/api/domains/${theirs.id}`, { token: b.token })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/domains/${shared.id}`, { token: a.token })).statusCode).toBe(200);

    const viewer = await t.user(a.clientId, 'view');
    expectError(await t.call('DELETE', `/api/domains/${own.id}`, { token: viewer.token }), 403, /view/);
    expectError(await t.call('PUT', '/api/domains', { token: viewer.token, body: { name: 'viewer.example' } }), 403, /view/);

    expect((await t.call('DELETE', `/api/domains/${own.id}`, { token: a.token })).statusCode).toBe(204);
    expectError(await t.call('GET', `/api/domains/${own.id}`, { token: a.token }), 404);
    expect((await t.call('DELETE', `/api/domains/${shared.id}`, { token: t.rootToken })).statusCode).toBe(204);
    expect((await t.call('DELETE', `/api/domains/${theirs.id}`, { token: t.rootToken })).statusCode).toBe(204);
  });

  it('refuses a duplicate for the same owner with 409, but not for another owner', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    expect((await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'dup.example' } })).statusCode).toBe(200);
    expectError(await t.call('PUT', '/api/domains', { token: a.token, body: { name: 'DUP.example' } }), 409, /^name: "dup.example" already exists/);
    expect((await t.call('PUT', '/api/domains', { token: b.token, body: { name: 'dup.example' } })).statusCode).toBe(200);
    expect((await t.call('PUT', '/api/domains', { token: t.rootToken, body: { name: 'dup.example' } })).statusCode).toBe(200);
    expectError(await t.call('PUT', '/api/domains', { token: t.rootToken, body: { name: 'dup.example' } }), 409, /shared/);
  });

  it('validates the name as a DNS name and stores internationalised names as punycode', async () => {
    const { token } = await t.tenant();
    const idn = await t.call('PUT', '/api/domains', { token, body: { name: 'Bücher.example' } });
    expect(idn.statusCode).toBe(200);
    expect(idn.json().domain.name).toBe('xn--bcher-kva.example');
    const puny = await t.call('PUT', '/api/domains', { token, body: { name: 'xn--mnchen-3ya.example' } });
    expect(puny.json().domain.name).toBe('xn--mnchen-3ya.example');
    const longOk = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.io`;
    expect(longOk.length).toBe(253);
    expect((await t.call('PUT', '/api/domains', { token, body: { name: longOk } })).statusCode).toBe(200);

    const bad: [unknown, RegExp][] = [
      ['localhost', /^name: needs at least two labels/],
      ['exa mple.com', /^name: /],
      ['-bad.example', /^name: label "-bad"/],
      ['bad-.example', /^name: label "bad-"/],
      ['under_score.example', /^name: label "under_score"/],
      ['a..example', /^name: has an empty label/],
      ['.example.com', /^name: has an empty label/],
      [`${'a'.repeat(64)}.example`, /^name: label .* longer than 63/],
      [`${longOk}x`, /^name: must be at most 253/],
      ['http://example.com/', /^name: .*not a domain name/],
      ['example.com:25', /^name: /],
      ['user@example.com', /^name: /],
      ['192.168.1.1', /^name: the last label must not be all digits/],
      ['   ', /^name: must not be empty/],
      ['', /^name: /],
      [42, /^name: must be string/],
      [null, /^name: /],
      ['<script>.example', /^name: /],
    ];
    for (const [name, message] of bad) {
      expectError(await t.call('PUT', '/api/domains', { token, body: { name } }), 400, message);
    }
    expectError(await t.call('PUT', '/api/domains', { token, body: {} }), 400, /^name: is required/);
    expectError(await t.call('PUT', '/api/domains', { token, body: { name: 'ok.example', client_id: 'one' } }), 400, /^client_id: /);
    expectError(await t.call('PUT', '/api/domains', { token, body: 'ok.example' }), 400, /^body: /);
  });

  it('sorts, offsets and limits', async () => {
    const { token } = await t.tenant();
    for (const n of ['c-sort.example', 'a-sort.example', 'b-sort.example']) await t.call('PUT', '/api/domains', { token, body: { name: n } });
    const all = (await t.call('GET', '/api/domains?sort=name&limit=1000', { token })).json().domains.map((d: any) => d.name);
    expect(all).toEqual([...all].sort());
    const page = (await t.call('GET', '/api/domains?sort=name&offset=1&limit=1', { token })).json().domains.map((d: any) => d.name);
    expect(page).toEqual([all[1]]);
    expectError(await t.call('GET', '/api/domains?sort=owner', { token }), 400, /^sort: /);
    expectError(await t.call('GET', '/api/domains?limit=1001', { token }), 400, /^limit: /);
  });
});
