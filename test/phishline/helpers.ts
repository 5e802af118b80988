/** API users, keys and tokens for the PhishLine tests, made through the Lucy admin API. */
import { expect } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { PASSWORD } from '../helpers/app.ts';

export const EDIT_ALL = 'Email Campaign – Can Edit All';
export const VIEW_RESULTS = 'Email Campaign Results – Can View All';

export interface ApiUser {
  userId: number;
  email: string;
  password: string;
  key: string;
  keyId: number;
}

/** An api_only user of `clientId` with the permission groups, and an API key bound to them. */
export async function apiUser(t: TestApp, clientId: number | null, permissions: string[] = [EDIT_ALL], role = 'user'): Promise<ApiUser> {
  const u = await t.user(clientId, role, { api_only: true, permissions });
  const k = await t.call('PUT', '/api/api-keys', { token: t.rootToken, body: { name: 'phishline', user_id: u.userId } });
  expect(k.statusCode, k.body).toBe(200);
  return { userId: u.userId, email: u.email, password: PASSWORD, key: k.json().api_key.key, keyId: k.json().api_key.id };
}

export function authBody(u: Pick<ApiUser, 'email' | 'password' | 'key'>) {
  return { bof_ticket_user: u.email, bof_ticket_pw: u.password, api_key: u.key };
}

/** POST <base>/authenticate; returns the access token (expects 200). */
export async function accessToken(t: TestApp, u: ApiUser, base = '/rest', remoteAddress?: string): Promise<string> {
  const res = await t.call('POST', `${base}/authenticate`, { body: authBody(u), remoteAddress });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.access_token;
}

/** A client's slug (its PhishLine instance name). */
export async function slugOf(t: TestApp, clientId: number): Promise<string> {
  const res = await t.call('GET', `/api/clients/${clientId}`, { token: t.rootToken });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().client.slug;
}

/** The keys of an envelope, in order. */
export const keysOf = (body: string) => Object.keys(JSON.parse(body));
