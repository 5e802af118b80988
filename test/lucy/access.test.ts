import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/access/passwords.ts';
import { ADMIN_EMAIL, PASSWORD, createTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('POST /api/auth', () => {
  it('returns a JWT whose exp equals expire, with the timezone', async () => {
    const res = await t.call('POST', '/api/auth', { body: { email: ADMIN_EMAIL, password: 'correct horse battery staple' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['expire', 'timezone', 'token']);
    expect(decodeJwt(body.token).exp).toBe(body.expire);
    expect(body.expire).toBeGreaterThan(Date.now() / 1000);
    expect(body.timezone).toBe('UTC');
  });

  it('refuses a wrong password, a tampered token and a missing token with 401', async () => {
    const wrong = await t.call('POST', '/api/auth', { body: { email: 'nobody@decoy.test', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('not_authenticated');
    const tampered = t.rootToken.slice(0, -3) + (t.rootToken.endsWith('aaa') ? 'bbb' : 'aaa');
    expect((await t.call('GET', '/api/clients', { token: tampered })).statusCode).toBe(401);
    const none = await t.call('GET', '/api/clients');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.message).toMatch(/Authorization/);
  });

  it('slows and then locks out repeated failures for one account, with a clear 429', async () => {
    const { email } = await t.user(null, 'admin');
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 9; i++) {
      const res = await t.call('POST', '/api/auth', { body: { email, password: 'wrong-password' }, remoteAddress: `10.0.0.${i + 1}` });
      statuses.push(res.statusCode);
    }
    expect(Date.now() - started).toBeGreaterThan(1000); // later failures were slowed
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses[8]).toBe(429);
    // Even the right password is refused while locked.
    const locked = await t.call('POST', '/api/auth', { body: { email, password: PASSWORD }, remoteAddress: '10.0.1.1' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.message).toMatch(/too many failed sign-in attempts for this account; try again in \d+ minutes?/);
    expect(locked.headers['retry-after']).toBeDefined();
    // Another account is unaffected.
    const other = await t.user(null, 'admin');
    expect(other.token).toBeTruthy();
  });

  it('locks out one address that tries many accounts', async () => {
    // Same thresholds, shorter delays, so that the test does not wait a minute.
    t.core.access.throttle.policy = { ...t.core.access.throttle.policy, maxDelayMs: 20 };
    let last = 0;
    for (let i = 0; i < 31; i++) {
      const res = await t.call('POST', '/api/auth', { body: { email: `spray${i}@decoy.test`, password: 'x' }, remoteAddress: '192.0.2.77' });
      last = res.statusCode;
      if (last === 429) break;
    }
    expect(last).toBe(429);
    const res = await t.call('POST', '/api/auth', { body: { email: ADMIN_EMAIL, password: 'correct horse battery staple' }, remoteAddress: '192.0.2.77' });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.message).toMatch(/your address/);
  }, 120_000);
});

describe('users', () => {
  it('creates users with argon2id hashes and never returns the hash', async () => {
    const { clientId } = await t.tenant();
    const res = await t.call('PUT', '/api/users', {
      token: t.rootToken,
      body: { email: 'Viewer@Decoy.test', password: PASSWORD, role_group: 'view', client_id: clientId, name: 'Vera' },
    });
    expect(res.statusCode).toBe(200);
    const user = res.json().user;
    expect(user).toMatchObject({ email: 'viewer@decoy.test', role_group: 'view', client_id: clientId, api_only: false });
    expect(user.permissions).toContain('Everyone – All Users Must Be In This Group');
    expect(JSON.stringify(res.json())).not.toMatch(/argon2|password/);
    const row = await t.core.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
    const dup = await t.call('PUT', '/api/users', { token: t.rootToken, body: { email: 'viewer@decoy.test', password: PASSWORD, role_group: 'view', client_id: clientId } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toMatch(/email/);
  });

  it('a view user reads but cannot write (403)', async () => {
    const { clientId } = await t.tenant();
    const viewer = await t.user(clientId, 'view');
    expect((await t.call('GET', '/api/clients', { token: viewer.token })).statusCode).toBe(200);
    const res = await t.call('POST', `/api/clients/${clientId}`, { token: viewer.token, body: { id: clientId, name: 'Renamed' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/read-only/);
    const key = await t.call('PUT', '/api/api-keys', { token: viewer.token, body: { name: 'mine' } });
    expect(key.statusCode).toBe(403);
  });

  it('a client admin cannot see or manage users of another client', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const list = await t.call('GET', '/api/users', { token: b.token });
    expect(list.json().users.map((u: { client_id: number }) => u.client_id).every((c: number) => c === b.clientId)).toBe(true);
    expect((await t.call('GET', `/api/users/${a.userId}`, { token: b.token })).statusCode).toBe(404);
    expect((await t.call('DELETE', `/api/users/${a.userId}`, { token: b.token })).statusCode).toBe(404);
    const sneaky = await t.call('PUT', '/api/users', { token: b.token, body: { email: 'x@decoy.test', password: PASSWORD, role_group: 'admin', client_id: a.clientId } });
    expect(sneaky.statusCode).toBe(404);
    const superUser = await t.call('PUT', '/api/users', { token: b.token, body: { email: 'y@decoy.test', password: PASSWORD, role_group: 'admin', client_id: null } });
    expect(superUser.statusCode).toBe(403);
  });

  it('an enduser cannot use the admin API', async () => {
    const { clientId } = await t.tenant();
    const enduser = await t.user(clientId, 'enduser');
    expect((await t.call('GET', '/api/campaigns', { token: enduser.token })).statusCode).toBe(403);
  });
});

describe('API keys', () => {
  it('shows the key once, stores only its hash, expires in a year and can be revoked', async () => {
    const { token } = await t.tenant();
    const res = await t.call('PUT', '/api/api-keys', { token, body: { name: 'SIEM' } });
    expect(res.statusCode).toBe(200);
    const k = res.json().api_key;
    expect(k.key).toMatch(/^dk_[A-Za-z0-9_-]{40,}$/);
    const days = (Date.parse(k.expires_at) - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    const row = await t.core.database.db.selectFrom('api_keys').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256(k.key));
    expect(JSON.stringify(row)).not.toContain(k.key);
    const again = await t.call('GET', `/api/api-keys/${k.id}`, { token });
    expect(again.json().api_key.key).toBeUndefined();
    const list = await t.call('GET', '/api/api-keys', { token });
    expect(list.body).not.toContain(k.key);
    // The key works as a bearer credential on the Lucy API...
    expect((await t.call('GET', '/api/clients', { token: k.key })).statusCode).toBe(200);
    // ...until revoked.
    expect((await t.call('DELETE', `/api/api-keys/${k.id}`, { token })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/clients', { token: k.key })).statusCode).toBe(401);
  });

  it('refuses an expiry in the past and a user of another client', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const past = await t.call('PUT', '/api/api-keys', { token: a.token, body: { expires_at: '2001-01-01T00:00:00Z' } });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toMatch(/expires_at/);
    const other = await t.call('PUT', '/api/api-keys', { token: a.token, body: { user_id: b.userId } });
    expect(other.statusCode).toBe(404);
  });
});

describe('rate limit', () => {
  it('answers 429 once a credential is over its hourly limit', async () => {
    const limited = await createTestApp({ DECOY_API_RATE_LIMIT: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.call('GET', '/api/languages', { token: limited.rootToken })).statusCode);
      expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
      expect(statuses[5]).toBe(429);
      const res = await limited.call('GET', '/api/languages', { token: limited.rootToken });
      expect(res.json().error.message).toMatch(/at most 5 calls per hour/);
      // A fresh credential has its own budget.
      const fresh = await limited.login(ADMIN_EMAIL, 'correct horse battery staple');
      expect((await limited.call('GET', '/api/languages', { token: fresh })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('clients', () => {
  it('gives each client a unique slug, generated from the name when absent', async () => {
    const a = await t.call('PUT', '/api/clients', { token: t.rootToken, body: { name: 'Müller & Söhne GmbH' } });
    expect(a.json().client.slug).toBe('muller-sohne-gmbh');
    const b = await t.call('PUT', '/api/clients', { token: t.rootToken, body: { name: 'Müller & Söhne GmbH' } });
    expect(b.json().client.slug).toBe('muller-sohne-gmbh-2');
    const c = await t.call('PUT', '/api/clients', { token: t.rootToken, body: { name: 'X', slug: 'muller-sohne-gmbh' } });
    expect(c.statusCode).toBe(409);
    const bad = await t.call('PUT', '/api/clients', { token: t.rootToken, body: { name: 'X', slug: 'Not A Slug' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^slug:/);
  });

  it('has the Lucy shape with links, and another client answers 404', async () => {
    const a = await t.tenant('Alpha');
    const b = await t.tenant('Beta');
    const res = await t.call('GET', `/api/clients/${a.clientId}`, { token: a.token });
    expect(res.json().client).toMatchObject({ id: a.clientId, name: 'Alpha', links: [{ rel: 'self', href: `/api/clients/${a.clientId}` }] });
    for (const k of ['country', 'state', 'city', 'address', 'postcode', 'website', 'email', 'phone', 'fax', 'contact']) expect(res.json().client).toHaveProperty(k);
    expect((await t.call('GET', `/api/clients/${a.clientId}`, { token: b.token })).statusCode).toBe(404);
    expect((await t.call('PUT', '/api/clients', { token: a.token, body: { name: 'Mine' } })).statusCode).toBe(403);
    const list = await t.call('GET', '/api/clients', { token: b.token });
    expect(list.json().clients.map((c: { id: number }) => c.id)).toEqual([b.clientId]);
  });
});

describe('bodiless requests with Content-Type: application/json', () => {
  it('treats an empty JSON body as no body (DELETE, bodiless POST)', async () => {
    const { token } = await t.tenant();
    const created = await t.call('PUT', '/api/api-keys', { token, body: { name: 'temp' } });
    const id = created.json().api_key.id;
    const res = await t.call('DELETE', `/api/api-keys/${id}`, { token, raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
    const withSchema = await t.call('PUT', '/api/api-keys', { token, raw: '', headers: { 'content-type': 'application/json' } });
    expect(withSchema.statusCode).toBe(400);
    expect(withSchema.json().error.message).toMatch(/^body:/);
  });
});
