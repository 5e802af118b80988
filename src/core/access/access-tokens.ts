/**
 * PhishLine access tokens: what POST /rest/authenticate hands out and every other /rest call
 * presents.
 *
 * - Only API users (`api_only`) get one, with their password and a usable API key. The key must
 *   not be bound to another user nor belong to another client.
 * - A token is 256 random bits, shown once, and stored as its SHA-256 (like API keys).
 * - It is valid 24 h after issue at most, and only until it has been idle for
 *   `config.accessTokenIdleSeconds` (DECOY_ACCESS_TOKEN_IDLE_SECONDS). Every use restarts
 *   the idle clock.
 * - It is accepted only from the address that obtained it.
 * - It lives only as long as its API key is usable and its user is an API user: revoking the key
 *   ends every token made with it.
 * - It reads one client: the instance it was obtained at (`/:instance/rest`), else the user's
 *   own client. A super admin's token obtained at plain `/rest` reads its key's client, or every
 *   client when the key has none.
 *
 * Failures are AppError `not_authenticated` with `details.failure`: `credentials` (wrong user or
 * password, not an API user, wrong instance), `api_key` (unknown, revoked, expired, bound to
 * another user or another client) or `token`. The PhishLine dialect turns the first two into
 * its two documented 401 envelopes.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import { now } from '../../db/index.ts';
import type { AccessTokenTable, DB } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ServiceDeps } from '../index.ts';
import type { ClientService } from '../tenants/clients.ts';
import type { AccessService } from './access.ts';
import { randomToken, sha256 } from './passwords.ts';

export type AccessTokenRow = Selectable<AccessTokenTable>;

/** Tokens are guaranteed to expire this long after issue (PhishLine: "after 24 hours"). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 3600;

export type AuthFailure = 'credentials' | 'api_key' | 'token';

function refuse(failure: AuthFailure, message: string): AppError {
  return new AppError('not_authenticated', message, { failure });
}

export interface AuthenticateInput {
  email: string;
  password: string;
  apiKey: string;
  /** The caller's address: the token is bound to it. */
  ip: string;
  /** The client slug of `/:instance/rest`; null for plain `/rest`. */
  instance: string | null;
}

/** Who a valid token speaks for. */
export interface AccessTokenCaller {
  tokenId: number;
  userId: number;
  apiKeyId: number;
  /** The client every read is limited to; null: every client (a super admin's token). */
  clientId: number | null;
  /** The user's PhishLine permission groups, read at each call. */
  permissions: string[];
  /** Rate limiting is per API key, whichever API it is used on. */
  credential: string;
  /** When the token stops working if not used again: the earlier of the absolute and the idle expiry. */
  expiresAt: string;
}

export interface IssuedToken {
  token: string;
  row: AccessTokenRow;
  caller: AccessTokenCaller;
  /** Calls made with the API key in the last hour (this one included) and the hourly limit. */
  calls: number;
  limit: number;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

function parsePermissions(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export class AccessTokenService {
  private readonly db: Kysely<DB>;
  private readonly config: Config;
  private readonly clients: ClientService;

  constructor(
    deps: ServiceDeps,
    private readonly access: AccessService,
  ) {
    this.db = deps.db;
    this.config = deps.config;
    this.clients = deps.clients;
  }

  get idleSeconds(): number {
    return this.config.accessTokenIdleSeconds;
  }

  /**
   * POST /rest/authenticate. The key is checked first (no password work for a caller without a
   * valid key), then the password (with the sign-in throttle), then that the user is an API user,
   * then that the key may be used by this user at this instance. Counts the call against the
   * key's hourly limit.
   */
  async authenticate(input: AuthenticateInput): Promise<IssuedToken> {
    const key = await this.access.findUsableKey(input.apiKey);
    if (!key) throw refuse('api_key', 'API key is unknown, revoked or expired');
    // Throws not_authenticated (wrong user or password) or rate_limited (locked out).
    let user;
    try {
      user = await this.access.verifyCredentials(input.email, input.password, input.ip);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_authenticated') throw refuse('credentials', err.message);
      throw err;
    }
    if (!user.api_only) throw refuse('credentials', 'only API users (api_only) may authenticate here');
    if (key.user_id !== null && key.user_id !== user.id) throw refuse('api_key', 'API key is bound to another user');

    let clientId: number | null;
    if (input.instance !== null) {
      const client = await this.clients.bySlug(input.instance);
      // An unknown instance and another client's instance answer alike.
      if (!client || (user.client_id !== null && user.client_id !== client.id)) throw refuse('credentials', 'user does not belong to this instance');
      clientId = client.id;
    } else {
      clientId = user.client_id ?? key.client_id;
    }
    if (key.client_id !== null && key.client_id !== clientId) throw refuse('api_key', 'API key belongs to another client');

    const credential = `key:${key.id}`;
    const { calls, limit } = await this.access.rateLimiter.hit(credential);
    await this.access.touchKey(key.id);
    const { token, row } = await this.issue({ clientId, userId: user.id, apiKeyId: key.id, ip: input.ip });
    return {
      token,
      row,
      calls,
      limit,
      caller: {
        tokenId: row.id,
        userId: user.id,
        apiKeyId: key.id,
        clientId,
        permissions: parsePermissions(user.permissions),
        credential,
        expiresAt: this.effectiveExpiry(row),
      },
    };
  }

  /** Stores a new token and returns it in clear (the only time it exists in clear). */
  async issue(a: { clientId: number | null; userId: number; apiKeyId: number; ip: string }): Promise<{ token: string; row: AccessTokenRow }> {
    const t = new Date();
    const created = t.toISOString();
    // Expired tokens are of no use to anyone: sweep them (indexed) as new ones are made.
    await this.db.deleteFrom('access_tokens').where('expires_at', '<=', created).execute();
    const token = randomToken(32);
    const row = await this.db
      .insertInto('access_tokens')
      .values({
        client_id: a.clientId,
        user_id: a.userId,
        api_key_id: a.apiKeyId,
        token_hash: sha256(token),
        ip: normaliseIp(a.ip),
        created_at: created,
        expires_at: new Date(t.getTime() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
        last_used_at: created,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { token, row };
  }

  /**
   * The caller behind a token presented from `ip`, or a `not_authenticated` (failure `token`)
   * saying why not. A valid token's idle clock restarts.
   */
  async verify(token: string, ip: string): Promise<AccessTokenCaller> {
    if (!token || token.length > 200) throw refuse('token', 'access token is invalid');
    const row = await this.db
      .selectFrom('access_tokens as t')
      .innerJoin('api_keys as k', 'k.id', 't.api_key_id')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select([
        't.id',
        't.client_id',
        't.user_id',
        't.api_key_id',
        't.ip',
        't.expires_at',
        't.last_used_at',
        'k.revoked_at as key_revoked_at',
        'k.expires_at as key_expires_at',
        'u.api_only',
        'u.permissions',
      ])
      .where('t.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) throw refuse('token', 'access token is invalid');
    const t = now();
    const idleUntil = new Date(Date.parse(row.last_used_at) + this.idleSeconds * 1000).toISOString();
    if (row.expires_at <= t) {
      await this.revoke(row.id);
      throw refuse('token', 'access token has expired (24 hours after it was issued)');
    }
    if (idleUntil <= t) {
      await this.revoke(row.id);
      throw refuse('token', `access token has expired (unused for more than ${this.idleSeconds} seconds)`);
    }
    if (row.ip !== normaliseIp(ip)) throw refuse('token', 'access token was issued to another IP address');
    if (row.key_revoked_at || row.key_expires_at <= t) throw refuse('token', 'the API key of this access token was revoked or has expired');
    if (!row.api_only) throw refuse('token', 'the user of this access token is no longer an API user');
    await this.db.updateTable('access_tokens').set({ last_used_at: t }).where('id', '=', row.id).execute();
    return {
      tokenId: row.id,
      userId: row.user_id,
      apiKeyId: row.api_key_id,
      clientId: row.client_id,
      permissions: parsePermissions(row.permissions),
      credential: `key:${row.api_key_id}`,
      expiresAt: this.effectiveExpiry({ expires_at: row.expires_at, last_used_at: t }),
    };
  }

  /** The earlier of the absolute expiry and the idle expiry. */
  effectiveExpiry(row: Pick<AccessTokenRow, 'expires_at' | 'last_used_at'>): string {
    const idle = new Date(Date.parse(row.last_used_at) + this.idleSeconds * 1000).toISOString();
    return idle < row.expires_at ? idle : row.expires_at;
  }

  async revoke(id: number): Promise<void> {
    await this.db.deleteFrom('access_tokens').where('id', '=', id).execute();
  }

  /** Ends every token of a user (e.g. when an administrator wants them out now). */
  async revokeForUser(userId: number): Promise<number> {
    const res = await this.db.deleteFrom('access_tokens').where('user_id', '=', userId).executeTakeFirst();
    return Number(res.numDeletedRows ?? 0);
  }
}
