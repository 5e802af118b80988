/**
 * POST /rest/authenticate and access tokens, as the two PhishLine documents describe them:
 * the envelope, both 401 envelopes byte for byte, API users only, API keys (revoked, expired,
 * bound to another user or client), sso validation, the token in the query or the header,
 * absolute and idle expiry, IP binding, and 400/415 for bodies that are not JSON.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { EDIT_ALL, accessToken, apiUser, authBody, keysOf, type ApiUser } from './helpers.ts';

const NOT_AUTHENTICATED =
  '{"status":401,"statusMessage":"NotAuthenticated","statusDetails":{"Reason":"Your attempt to authenticate failed. Please check your credentials and try again."},"entity":"unknown","jobid":0,"notifications":[],"data":[]}';
const NOT_AUTHORIZED =
  '{"status":401,"statusMessage":"NotAuthorized","statusDetails":{"Reason":"Authentication failure: Bad API Key."},"entity":"unknown","jobid":0,"notifications":[],"data":[]}';
const ERROR_KEYS = ['status', 'statusMessage', 'statusDetails', 'entity', 'jobid', 'notifications', 'data'];

let t: TestApp;
let clientId: number;
let u: ApiUser;

beforeAll(async () => {
  t = await createTestApp();
  clientId = (await t.tenant('Acme')).clientId;
  u = await apiUser(t, clientId);
});
afterAll(async () => t?.close());

const authenticate = (body: unknown, opts: { remoteAddress?: string; base?: string } = {}) =>
  t.call('POST', `${opts.base ?? '/rest'}/authenticate`, { body, remoteAddress: opts.remoteAddress });

describe('POST /rest/authenticate', () => {
  it('answers the documented success envelope with an opaque token that is stored only as a hash', async () => {
    const res = await authenticate(authBody(u));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(keysOf(res.body)).toEqual(ERROR_KEYS);
    const body = res.json();
    expect(body).toMatchObject({ status: 200, statusMessage: 'OK', statusDetails: { Reason: 'Authentication created.' }, entity: 'accesstoken', jobid: 0 });
    expect(Object.keys(body.notifications)).toEqual(['API Token Expiration Date', 'Maximum API calls per hour', 'Your API calls in the last hour']);
    expect(body.notifications['API Token Expiration Date']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(body.notifications['Maximum API calls per hour']).toBe(1000);
    expect(body.notifications['Your API calls in the last hour']).toBeGreaterThanOrEqual(1);
    const token: string = body.data.access_token;
    // At least 128 random bits: 32 bytes as base64url.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await t.core.database.db.selectFrom('access_tokens').selectAll().execute();
    const row = rows.find((r) => r.token_hash === createHash('sha256').update(token).digest('hex'));
    expect(row).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(row!.ip).toBe('127.0.0.1');
    expect(Date.parse(row!.expires_at) - Date.parse(row!.created_at)).toBe(24 * 3600 * 1000);
    // Two authentications: two different tokens.
    expect(await accessToken(t, u)).not.toBe(token);
  });

  it('answers a wrong password or an unknown user with the NotAuthenticated envelope, byte for byte', async () => {
    for (const body of [
      { ...authBody(u), bof_ticket_pw: 'not the password at all' },
      { ...authBody(u), bof_ticket_user: 'nobody@decoy.test' },
    ]) {
      const res = await authenticate(body);
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(NOT_AUTHENTICATED);
    }
  });

  it('refuses users that are not API users, with the same envelope', async () => {
    const normal = await t.user(clientId, 'admin', { permissions: [EDIT_ALL] });
    const k = await t.call('PUT', '/api/api-keys', { token: t.rootToken, body: { name: 'ui user key', user_id: normal.userId } });
    const res = await authenticate({ bof_ticket_user: normal.email, bof_ticket_pw: 'password-for-tests-1', api_key: k.json().api_key.key });
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe(NOT_AUTHENTICATED);
  });

  it('answers a bad API key with the NotAuthorized envelope, byte for byte: unknown, revoked, expired, bound to another user, of another client', async () => {
    const unknown = await authenticate({ ...authBody(u), api_key: 'dk_thisisnotakeythatexists' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(NOT_AUTHORIZED);

    const revoked = await apiUser(t, clientId);
    expect((await t.call('DELETE', `/api/api-keys/${revoked.keyId}`, { token: t.rootToken })).statusCode).toBe(204);
    expect((await authenticate(authBody(revoked))).body).toBe(NOT_AUTHORIZED);

    const expired = await apiUser(t, clientId);
    await t.core.database.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.keyId).execute();
    expect((await authenticate(authBody(expired))).body).toBe(NOT_AUTHORIZED);

    // u's password with another user's key.
    const other = await apiUser(t, clientId);
    const bound = await authenticate({ ...authBody(u), api_key: other.key });
    expect(bound.statusCode).toBe(401);
    expect(bound.body).toBe(NOT_AUTHORIZED);

    // A key of another client, bound to nobody.
    const b = await t.tenant('Other corp');
    const foreign = await t.call('PUT', '/api/api-keys', { token: b.token, body: { name: 'theirs' } });
    expect(foreign.statusCode).toBe(200);
    expect((await authenticate({ ...authBody(u), api_key: foreign.json().api_key.key })).body).toBe(NOT_AUTHORIZED);

    // A key of the user's own client bound to nobody is fine.
    const a = await t.user(clientId, 'admin');
    const shared = await t.call('PUT', '/api/api-keys', { token: a.token, body: { name: 'shared' } });
    expect((await authenticate({ ...authBody(u), api_key: shared.json().api_key.key })).statusCode).toBe(200);
  });

  it('validates sso and bof_sso_config_id, and says that OAuth2 sign-in is not configured', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...authBody(u), sso: 'saml' }, /^sso: must be one of oauth2/],
      [{ ...authBody(u), sso: 'oauth2' }, /^bof_sso_config_id: is required/],
      [{ ...authBody(u), sso: 'oauth2', bof_sso_config_id: 'three' }, /^bof_sso_config_id: must be integer/],
      [{ ...authBody(u), sso: 'oauth2', bof_sso_config_id: 0 }, /^bof_sso_config_id: must be >= 1/],
      [{ ...authBody(u), bof_sso_config_id: 3 }, /^sso: is required/],
      [{ ...authBody(u), sso: 'oauth2', bof_sso_config_id: 3 }, /^bof_sso_config_id: .*not configured/],
      [{ bof_ticket_user: u.email, sso: 'oauth2', bof_sso_config_id: 3 }, /^bof_sso_config_id: .*not configured/],
    ];
    for (const [body, reason] of cases) {
      const res = await authenticate(body);
      expect(res.statusCode, res.body).toBe(400);
      expect(keysOf(res.body)).toEqual(ERROR_KEYS);
      expect(res.json()).toMatchObject({ status: 400, statusMessage: 'BadRequest', entity: 'unknown', jobid: 0, notifications: [], data: [] });
      expect(res.json().statusDetails.Reason).toMatch(reason);
    }
  });

  it('names a missing or mistyped field with 400', async () => {
    for (const field of ['bof_ticket_user', 'bof_ticket_pw', 'api_key']) {
      const body: Record<string, unknown> = authBody(u);
      delete body[field];
      const missing = await authenticate(body);
      expect(missing.statusCode).toBe(400);
      expect(missing.json().statusDetails.Reason).toBe(`${field}: is required`);
      const wrong = await authenticate({ ...authBody(u), [field]: 12 });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().statusDetails.Reason).toBe(`${field}: must be string`);
    }
    const notObject = await authenticate(['a']);
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().statusDetails.Reason).toMatch(/^body: must be object/);
  });

  it('wants JSON: another content type is 415, a broken or empty body 400, always the envelope', async () => {
    const payload = JSON.stringify(authBody(u));
    const cases: [Record<string, string>, string, number, RegExp][] = [
      [{}, payload, 415, /Content-Type: application\/json/],
      [{ 'content-type': 'text/plain' }, payload, 415, /Content-Type: application\/json/],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 'bof_ticket_user=a&bof_ticket_pw=b&api_key=c', 415, /Content-Type: application\/json/],
      [{ 'content-type': 'application/json' }, '{"bof_ticket_user": "a", ', 400, /not valid JSON/],
      [{ 'content-type': 'application/json' }, '', 400, /^body: must be object/],
    ];
    for (const [headers, raw, status, reason] of cases) {
      const res = await t.call('POST', '/rest/authenticate', { headers, raw });
      expect(res.statusCode, `${JSON.stringify(headers)} ${res.body}`).toBe(status);
      expect(keysOf(res.body)).toEqual(ERROR_KEYS);
      expect(res.json().status).toBe(status);
      expect(res.json().statusMessage).toBe(status === 415 ? 'UnsupportedMediaType' : 'BadRequest');
      expect(res.json().statusDetails.Reason).toMatch(reason);
    }
  });
});

describe('access tokens', () => {
  it('are accepted in the query string and as Authorization: Bearer, and nothing else', async () => {
    const token = await accessToken(t, u);
    expect((await t.call('GET', `/rest/campaign?access_token=${token}`)).statusCode).toBe(200);
    expect((await t.call('GET', '/rest/campaign', { headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    for (const [url, headers] of [
      ['/rest/campaign', {}],
      ['/rest/campaign?access_token=', {}],
      [`/rest/campaign?access_token=${token}x`, {}],
      ['/rest/campaign', { authorization: `Basic ${token}` }],
      ['/rest/campaign', { authorization: `Bearer ${token.slice(0, -1)}` }],
      ['/rest/campaign', { authorization: `Bearer ${u.key}` }],
    ] as [string, Record<string, string>][]) {
      const res = await t.call('GET', url, { headers });
      expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
      expect(keysOf(res.body)).toEqual(ERROR_KEYS);
      expect(res.json()).toMatchObject({ status: 401, statusMessage: 'NotAuthorized', entity: 'unknown', jobid: 0, notifications: [], data: [] });
      expect(res.json().statusDetails.Reason).toMatch(/^Authentication failure: /);
    }
  });

  it('expire 24 hours after issue, however often they are used', async () => {
    const token = await accessToken(t, u);
    const db = t.core.database.db;
    const hash = createHash('sha256').update(token).digest('hex');
    await db.updateTable('access_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('token_hash', '=', hash).execute();
    const res = await t.call('GET', `/rest/campaign?access_token=${token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().statusDetails.Reason).toMatch(/expired \(24 hours/);
    // ... and stay expired.
    expect((await t.call('GET', `/rest/campaign?access_token=${token}`)).statusCode).toBe(401);
  });

  it('expire after the idle period, and every use restarts it', async () => {
    const token = await accessToken(t, u);
    const db = t.core.database.db;
    const hash = createHash('sha256').update(token).digest('hex');
    const idle = t.config.accessTokenIdleSeconds;
    expect(idle).toBe(3600);
    // Used just within the idle period: fine, and the clock restarts.
    await db.updateTable('access_tokens').set({ last_used_at: new Date(Date.now() - (idle - 60) * 1000).toISOString() }).where('token_hash', '=', hash).execute();
    expect((await t.call('GET', `/rest/campaign?access_token=${token}`)).statusCode).toBe(200);
    const touched = await db.selectFrom('access_tokens').select('last_used_at').where('token_hash', '=', hash).executeTakeFirstOrThrow();
    expect(Date.now() - Date.parse(touched.last_used_at)).toBeLessThan(60_000);
    // Idle for longer than the period: gone.
    await db.updateTable('access_tokens').set({ last_used_at: new Date(Date.now() - (idle + 1) * 1000).toISOString() }).where('token_hash', '=', hash).execute();
    const res = await t.call('GET', `/rest/campaign?access_token=${token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().statusDetails.Reason).toMatch(/unused for more than 3600 seconds/);
  });

  it('take their idle period from DECOY_ACCESS_TOKEN_IDLE_SECONDS', async () => {
    const short = await createTestApp({ DECOY_ACCESS_TOKEN_IDLE_SECONDS: '60' });
    try {
      const c = await short.tenant('Short');
      const su = await apiUser(short, c.clientId);
      const token = await accessToken(short, su);
      const res = await short.call('GET', `/rest/campaign?access_token=${token}`);
      expect(res.statusCode).toBe(200);
      const expiry = Date.parse(`${res.json().notifications['API Token Expiration Date'].replace(' ', 'T')}Z`);
      expect(Math.abs(expiry - (Date.now() + 60_000))).toBeLessThan(5_000);
      const db = short.core.database.db;
      await db.updateTable('access_tokens').set({ last_used_at: new Date(Date.now() - 61_000).toISOString() }).execute();
      expect((await short.call('GET', `/rest/campaign?access_token=${token}`)).statusCode).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('are bound to the address that obtained them', async () => {
    const token = await accessToken(t, u);
    const elsewhere = await t.call('GET', '/rest/campaign', { token, remoteAddress: '127.0.0.2' });
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json()).toMatchObject({ status: 401, statusMessage: 'NotAuthorized', data: [] });
    expect(elsewhere.json().statusDetails.Reason).toMatch(/another IP address/);
    expect((await t.call('GET', '/rest/campaign', { token })).statusCode).toBe(200);
    // A token obtained from .2 works from .2 only.
    const other = await accessToken(t, u, '/rest', '127.0.0.2');
    expect((await t.call('GET', '/rest/campaign', { token: other, remoteAddress: '127.0.0.2' })).statusCode).toBe(200);
    expect((await t.call('GET', '/rest/campaign', { token: other })).statusCode).toBe(401);
  });

  it('stop working when their API key is revoked or their user stops being an API user', async () => {
    const v = await apiUser(t, clientId);
    const token = await accessToken(t, v);
    expect((await t.call('GET', '/rest/campaign', { token })).statusCode).toBe(200);
    await t.call('DELETE', `/api/api-keys/${v.keyId}`, { token: t.rootToken });
    const res = await t.call('GET', '/rest/campaign', { token });
    expect(res.statusCode).toBe(401);
    expect(res.json().statusDetails.Reason).toMatch(/revoked or has expired/);

    const w = await apiUser(t, clientId);
    const token2 = await accessToken(t, w);
    await t.core.database.db.updateTable('users').set({ api_only: 0 }).where('id', '=', w.userId).execute();
    expect((await t.call('GET', '/rest/campaign', { token: token2 })).statusCode).toBe(401);
  });
});
