import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyHit } from '../../src/core/tracking/classify.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const put = (token: string, body: unknown, headers?: Record<string, string>) => t.call('PUT', '/api/scanner-ranges', { token, body, headers });

describe('scanner ranges', () => {
  it('creates, reads, lists and deletes a client range', async () => {
    const a = await t.tenant();
    const res = await put(a.token, { cidr: '198.51.100.0/24', label: 'Proofpoint' });
    expect(res.statusCode).toBe(200);
    const range = res.json().scanner_range;
    expect(range).toMatchObject({ client_id: a.clientId, cidr: '198.51.100.0/24', label: 'Proofpoint' });
    expect(range.id).toBeGreaterThan(0);
    expect(range.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(range.links).toEqual([
      { rel: 'self', href: `/api/scanner-ranges/${range.id}` },
      { rel: 'client', href: `/api/clients/${a.clientId}` },
    ]);

    const got = await t.call('GET', `/api/scanner-ranges/${range.id}`, { token: a.token });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ scanner_range: range });

    const list = await t.call('GET', '/api/scanner-ranges', { token: a.token });
    expect(list.statusCode).toBe(200);
    expect(list.json().scanner_ranges.map((r: { id: number }) => r.id)).toContain(range.id);

    const del = await t.call('DELETE', `/api/scanner-ranges/${range.id}`, { token: a.token });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await t.call('GET', `/api/scanner-ranges/${range.id}`, { token: a.token })).statusCode).toBe(404);
  });

  it('stores IPv6 in lower case and a single address as a /32 or /128', async () => {
    const a = await t.tenant();
    expect((await put(a.token, { cidr: '2001:DB8:40::/48' })).json().scanner_range).toMatchObject({ cidr: '2001:db8:40::/48', label: '' });
    expect((await put(a.token, { cidr: '192.0.2.77' })).json().scanner_range.cidr).toBe('192.0.2.77/32');
    expect((await put(a.token, { cidr: '2001:db8::1' })).json().scanner_range.cidr).toBe('2001:db8::1/128');
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const a = await t.tenant();
    const cases: [unknown, RegExp][] = [
      [{}, /cidr/],
      [{ cidr: '' }, /cidr/],
      [{ cidr: 42 }, /cidr/],
      [{ cidr: '10.0.0.0/33' }, /^cidr: "10\.0\.0\.0\/33" has a prefix length above 32/],
      [{ cidr: 'not-an-ip/24' }, /^cidr: "not-an-ip\/24" is not an IPv4 or IPv6 range/],
      [{ cidr: '0.0.0.0/0' }, /^cidr: .* too wide/],
      [{ cidr: 'x'.repeat(65) }, /cidr/],
      [{ cidr: '10.0.0.0/8', label: 'x'.repeat(256) }, /label/],
      [{ cidr: '10.0.0.0/8', label: 5 }, /label/],
      [{ cidr: '10.0.0.0/8', client_id: 'one' }, /client_id/],
    ];
    for (const [body, message] of cases) {
      const res = await put(a.token, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.message).toMatch(message);
    }
    const text = await t.call('PUT', '/api/scanner-ranges', { token: a.token, raw: 'cidr=10.0.0.0/8', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect((await t.call('GET', '/api/scanner-ranges?sort=nope', { token: a.token })).statusCode).toBe(400);
    expect((await t.call('GET', '/api/scanner-ranges/99999999999', { token: a.token })).statusCode).toBe(400);
  });

  it('refuses the same range twice for one client with 409', async () => {
    const a = await t.tenant();
    expect((await put(a.token, { cidr: '203.0.113.0/24' })).statusCode).toBe(200);
    const again = await put(a.token, { cidr: '203.0.113.0/24', label: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/^cidr: 203\.0\.113\.0\/24 is already a scanner range/);
    // Another client may have the same range.
    const b = await t.tenant();
    expect((await put(b.token, { cidr: '203.0.113.0/24' })).statusCode).toBe(200);
  });

  it('keeps tenants apart: own and global ranges are visible, another client\'s answer 404', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const own = (await put(a.token, { cidr: '192.0.2.0/28', label: 'A only' })).json().scanner_range;
    const global = (await put(t.rootToken, { cidr: '100.64.0.0/10', label: 'everyone' })).json().scanner_range;
    expect(global.client_id).toBeNull();
    expect(global.links).toEqual([{ rel: 'self', href: `/api/scanner-ranges/${global.id}` }]);

    const bList = (await t.call('GET', '/api/scanner-ranges', { token: b.token })).json().scanner_ranges.map((r: { id: number }) => r.id);
    expect(bList).toContain(global.id);
    expect(bList).not.toContain(own.id);
    expect((await t.call('GET', `/api/scanner-ranges/${own.id}`, { token: b.token })).statusCode).toBe(404);
    const bDelete = await t.call('DELETE', `/api/scanner-ranges/${own.id}`, { token: b.token });
    expect(bDelete.statusCode).toBe(404);
    expect(bDelete.json().error.message).toBe('scanner range not found');
    // A client user cannot create a range for another client, nor delete a global one.
    expect((await put(b.token, { cidr: '192.0.2.64/28', client_id: a.clientId })).statusCode).toBe(404);
    const globalDelete = await t.call('DELETE', `/api/scanner-ranges/${global.id}`, { token: b.token });
    expect(globalDelete.statusCode).toBe(403);
    expect(globalDelete.json().error.message).toMatch(/only a super admin/);

    // The super admin sees everything, and within one client (X-Decoy-Client) that client's and the global ones.
    const all = (await t.call('GET', '/api/scanner-ranges?limit=1000', { token: t.rootToken })).json().scanner_ranges.map((r: { id: number }) => r.id);
    expect(all).toEqual(expect.arrayContaining([own.id, global.id]));
    const asB = (await t.call('GET', '/api/scanner-ranges', { token: t.rootToken, headers: { 'x-decoy-client': String(b.clientId) } })).json().scanner_ranges;
    expect(asB.map((r: { id: number }) => r.id)).not.toContain(own.id);

    // Super admin: X-Decoy-Client or client_id picks the client; neither means every client.
    const forB = (await put(t.rootToken, { cidr: '192.0.2.128/28' }, { 'x-decoy-client': String(b.clientId) })).json().scanner_range;
    expect(forB.client_id).toBe(b.clientId);
    const forA = (await put(t.rootToken, { cidr: '192.0.2.144/28', client_id: a.clientId })).json().scanner_range;
    expect(forA.client_id).toBe(a.clientId);
    expect((await put(t.rootToken, { cidr: '192.0.2.160/28', client_id: 2147483647 })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/api/scanner-ranges/${global.id}`, { token: t.rootToken })).statusCode).toBe(204);
  });

  it('lets view users read but not write (403)', async () => {
    const a = await t.tenant();
    const viewer = await t.user(a.clientId, 'view');
    const range = (await put(a.token, { cidr: '192.0.2.200/29' })).json().scanner_range;
    expect((await t.call('GET', '/api/scanner-ranges', { token: viewer.token })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/scanner-ranges/${range.id}`, { token: viewer.token })).statusCode).toBe(200);
    const write = await put(viewer.token, { cidr: '192.0.2.208/29' });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('forbidden');
    expect((await t.call('DELETE', `/api/scanner-ranges/${range.id}`, { token: viewer.token })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/scanner-ranges')).statusCode).toBe(401);
  });

  it('sorts and pages', async () => {
    const a = await t.tenant();
    for (const [cidr, label] of [['10.20.0.0/16', 'b'], ['10.21.0.0/16', 'a'], ['10.22.0.0/16', 'c']]) await put(a.token, { cidr, label });
    const all = (await t.call('GET', '/api/scanner-ranges?sort=-label&limit=1000', { token: a.token })).json().scanner_ranges;
    const own = all.filter((r: { client_id: number | null }) => r.client_id === a.clientId);
    expect(own.map((r: { label: string }) => r.label)).toEqual(['c', 'b', 'a']);
    const window = (await t.call('GET', '/api/scanner-ranges?sort=-label&offset=1&limit=2', { token: a.token })).json().scanner_ranges;
    expect(window.map((r: { id: number }) => r.id)).toEqual(all.slice(1, 3).map((r: { id: number }) => r.id));
  });

  it('compiles a client\'s ranges for the tracking hot path, cached until something changes', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const svc = t.core.scannerRanges;
    const before = await svc.compiledFor(a.clientId);
    expect(await svc.compiledFor(a.clientId)).toBe(before); // reused: no query per hit
    expect(before.match('198.18.0.5')).toBeNull();

    const own = (await put(a.token, { cidr: '198.18.0.0/24', label: 'Mimecast' })).json().scanner_range;
    const global = (await put(t.rootToken, { cidr: '2001:db8:77::/48', label: 'everyone', client_id: null })).json().scanner_range;
    const forA = await svc.compiledFor(a.clientId);
    expect(forA).not.toBe(before);
    expect(forA.match('198.18.0.5')).toEqual({ cidr: '198.18.0.0/24', label: 'Mimecast' });
    expect(forA.match('2001:db8:77::9')).toEqual({ cidr: '2001:db8:77::/48', label: 'everyone' });
    const forB = await svc.compiledFor(b.clientId);
    expect(forB.match('198.18.0.5')).toBeNull();
    expect(forB.match('2001:db8:77::9')).not.toBeNull();

    const v = classifyHit({ method: 'GET', headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0' }, ip: '198.18.0.5', eventType: 'click', scannerRanges: forA });
    expect(v).toMatchObject({ verdict: 'automated', reasons: ['address in scanner range Mimecast 198.18.0.0/24'] });

    await t.call('DELETE', `/api/scanner-ranges/${own.id}`, { token: a.token });
    await t.call('DELETE', `/api/scanner-ranges/${global.id}`, { token: t.rootToken });
    expect((await svc.compiledFor(a.clientId)).match('198.18.0.5')).toBeNull();
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/docs/json')).json();
    expect(doc.paths['/api/scanner-ranges']).toHaveProperty('put');
    expect(doc.paths['/api/scanner-ranges/{id}']).toHaveProperty('delete');
  });
});
