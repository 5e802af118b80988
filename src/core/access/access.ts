import { SignJWT, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import { now } from '../../db/index.ts';
import type { ApiKeyTable, DB, UserTable } from '../../db/schema.ts';
import { AppError, conflict, forbidden, invalid, isUniqueViolation, notFound, unauthenticated } from '../../errors.ts';
import type { Selectable } from 'kysely';
import { dummyHash, hashPassword, randomToken, sha256, verifyPassword } from './passwords.ts';
import {
  EVERYONE_GROUP,
  PERMISSION_GROUPS,
  ROLE_GROUPS,
  assertAdmin,
  assertCanWrite,
  isSuper,
  readScope,
  type Principal,
  type RoleGroup,
} from './principal.ts';
import { LoginThrottle } from './throttle.ts';
import { RateLimiter } from './rate-limit.ts';
import { page, type ListOptions } from '../list.ts';

export type UserRow = Selectable<UserTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

export interface UserInput {
  email: string;
  password?: string;
  name?: string;
  role_group: RoleGroup;
  client_id?: number | null;
  api_only?: boolean;
  permissions?: string[];
}

export interface ApiKeyInput {
  name?: string;
  user_id?: number | null;
  expires_at?: string | null;
}

const TOKEN_LIFETIME_SECONDS = 8 * 3600;
const API_KEY_PREFIX = 'dk_';
export const API_KEY_LIFETIME_DAYS = 365;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function principalFromUser(user: UserRow, credential: string): Principal {
  return {
    userId: user.id,
    email: user.email,
    clientId: user.client_id,
    role: user.role_group as RoleGroup,
    apiOnly: user.api_only === 1,
    permissions: parsePermissions(user.permissions),
    credential,
    actingClientId: null,
  };
}

function parsePermissions(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export class AccessService {
  readonly throttle: LoginThrottle;
  readonly rateLimiter: RateLimiter;
  private readonly key: Uint8Array;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: Config,
  ) {
    this.throttle = new LoginThrottle(db);
    this.rateLimiter = new RateLimiter(db, config.apiRateLimit);
    this.key = new TextEncoder().encode(config.secret);
  }

  // ---- sign-in -------------------------------------------------------------------------

  /** Checks email and password with throttling; returns the user or throws 401/429. */
  async verifyCredentials(emailRaw: string, password: string, ip: string): Promise<UserRow> {
    const email = normaliseEmail(emailRaw);
    await this.throttle.assertAllowed(email, ip);
    const user = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    const ok = user ? await verifyPassword(user.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!user || !ok) {
      const delay = await this.throttle.recordFailure(email, ip);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      throw unauthenticated('wrong email or password');
    }
    await this.throttle.recordSuccess(email);
    return user;
  }

  /** Lucy's POST /api/auth: a signed JWT. API-only users may use it (it is an API). */
  async signIn(email: string, password: string, ip: string): Promise<{ token: string; expire: number; user: UserRow }> {
    const user = await this.verifyCredentials(email, password, ip);
    const expire = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS;
    const token = await new SignJWT({ cid: user.client_id })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(expire)
      .sign(this.key);
    return { token, expire, user };
  }

  /** The web UI's sign-in: the same, but API-only users are refused. */
  async signInToUi(email: string, password: string, ip: string) {
    const result = await this.signIn(email, password, ip);
    if (result.user.api_only) throw forbidden('this is an API-only user; it cannot sign in to the web interface');
    return result;
  }

  /** Resolves `Authorization: Bearer <jwt or API key>` to a principal, or throws 401. */
  async authenticateBearer(token: string): Promise<Principal> {
    if (token.startsWith(API_KEY_PREFIX)) return this.authenticateApiKey(token);
    let sub: string | undefined;
    let jti: string | undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      sub = payload.sub;
      jti = payload.jti;
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthenticated(expired ? 'token has expired; sign in again with POST /api/auth' : 'token is invalid');
    }
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', Number(sub)).executeTakeFirst();
    if (!user) throw unauthenticated('token is invalid: the user no longer exists');
    return principalFromUser(user, `jwt:${jti}`);
  }

  /** An API key alone (Security Journey style, or Bearer on the Lucy API). */
  async authenticateApiKey(key: string): Promise<Principal> {
    const row = await this.findUsableKey(key);
    if (!row) throw unauthenticated('API key is unknown, revoked or expired');
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', row.user_id ?? row.created_by)
      .executeTakeFirst();
    if (!user) throw unauthenticated('API key is unknown, revoked or expired');
    await this.touchKey(row.id);
    const p = principalFromUser(user, `key:${row.id}`);
    // A key belongs to its client even when a super admin made it.
    if (p.clientId === null && row.client_id !== null) p.actingClientId = row.client_id;
    return p;
  }

  /** The key row if it exists, is not revoked and not expired. */
  async findUsableKey(key: string): Promise<ApiKeyRow | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', sha256(key)).executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at <= now()) return undefined;
    return row;
  }

  async touchKey(id: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now() }).where('id', '=', id).execute();
  }

  async userById(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  // ---- users ---------------------------------------------------------------------------

  async listUsers(p: Principal, opts: ListOptions): Promise<UserRow[]> {
    assertAdmin(p);
    const scope = readScope(p);
    let q = this.db.selectFrom('users').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    return page(q, opts, USER_SORT).execute();
  }

  async getUser(p: Principal, id: number): Promise<UserRow> {
    const user = await this.userById(id);
    // Anyone may read themselves; admins read the users of their client.
    if (user && user.id === p.userId) return user;
    if (!user || p.role !== 'admin' || !this.sees(p, user)) throw notFound('user');
    return user;
  }

  private sees(p: Principal, user: UserRow): boolean {
    const scope = readScope(p);
    if (scope === null) return true;
    return user.client_id === scope;
  }

  private async checkUserInput(p: Principal, input: UserInput, existing?: UserRow): Promise<{ clientId: number | null }> {
    if (!ROLE_GROUPS.includes(input.role_group)) throw invalid(`role_group: must be one of ${ROLE_GROUPS.join(', ')}`);
    for (const perm of input.permissions ?? []) {
      if (!(PERMISSION_GROUPS as readonly string[]).includes(perm)) throw invalid(`permissions: unknown permission group "${perm}"`);
    }
    let clientId: number | null;
    if (isSuper(p)) {
      clientId = input.client_id === undefined ? (existing ? existing.client_id : p.actingClientId) : input.client_id;
    } else {
      if (input.client_id !== undefined && input.client_id !== null && input.client_id !== p.clientId) throw notFound('client');
      if (input.client_id === null) throw forbidden('only a super admin can create or edit super admins');
      clientId = p.clientId;
    }
    if (clientId !== null) {
      const client = await this.db.selectFrom('clients').select('id').where('id', '=', clientId).executeTakeFirst();
      if (!client) throw notFound('client');
    } else if (input.role_group !== 'admin') {
      throw invalid('role_group: a super admin (no client_id) must have the admin role');
    }
    return { clientId };
  }

  async createUser(p: Principal, input: UserInput): Promise<UserRow> {
    assertCanWrite(p);
    assertAdmin(p);
    if (!input.password) throw invalid('password: is required');
    checkPassword(input.password);
    const { clientId } = await this.checkUserInput(p, input);
    const t = now();
    const permissions = [...new Set([EVERYONE_GROUP, ...(input.permissions ?? [])])];
    try {
      return await this.db
        .insertInto('users')
        .values({
          client_id: clientId,
          email: normaliseEmail(input.email),
          name: input.name ?? '',
          password_hash: await hashPassword(input.password),
          role_group: input.role_group,
          api_only: input.api_only ? 1 : 0,
          permissions: JSON.stringify(permissions),
          created_at: t,
          updated_at: t,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`email: a user with email ${normaliseEmail(input.email)} already exists`);
      throw err;
    }
  }

  async saveUser(p: Principal, id: number, input: UserInput): Promise<UserRow> {
    assertCanWrite(p);
    const existing = await this.getUser(p, id);
    const self = existing.id === p.userId;
    if (!self) assertAdmin(p);
    // People may change their own name, email and password, not their own role or permissions.
    if (self && p.role !== 'admin' && (input.role_group !== existing.role_group || input.client_id !== undefined)) {
      throw forbidden('you cannot change your own role or client');
    }
    const { clientId } = await this.checkUserInput(p, input, existing);
    const update: Partial<UserRow> = {
      email: normaliseEmail(input.email),
      name: input.name ?? existing.name,
      role_group: input.role_group,
      client_id: clientId,
      api_only: input.api_only === undefined ? existing.api_only : input.api_only ? 1 : 0,
      permissions: input.permissions ? JSON.stringify([...new Set([EVERYONE_GROUP, ...input.permissions])]) : existing.permissions,
      updated_at: now(),
    };
    if (input.password) {
      checkPassword(input.password);
      update.password_hash = await hashPassword(input.password);
    }
    try {
      return await this.db.updateTable('users').set(update).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`email: a user with email ${update.email} already exists`);
      throw err;
    }
  }

  async deleteUser(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const user = await this.getUser(p, id);
    assertAdmin(p);
    if (user.id === p.userId) throw conflict('you cannot delete yourself');
    await this.db.deleteFrom('users').where('id', '=', user.id).execute();
  }

  /** First start: the super admin from the environment, or admin@localhost with a random password. */
  async ensureFirstAdmin(email: string, password: string): Promise<boolean> {
    const any = await this.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (any) return false;
    const t = now();
    await this.db
      .insertInto('users')
      .values({
        client_id: null,
        email: normaliseEmail(email),
        name: 'Administrator',
        password_hash: await hashPassword(password),
        role_group: 'admin',
        api_only: 0,
        permissions: JSON.stringify([...PERMISSION_GROUPS]),
        created_at: t,
        updated_at: t,
      })
      .execute();
    return true;
  }

  // ---- API keys ------------------------------------------------------------------------

  async listApiKeys(p: Principal, opts: ListOptions): Promise<ApiKeyRow[]> {
    const scope = readScope(p);
    let q = this.db.selectFrom('api_keys').selectAll();
    if (scope !== null) q = q.where('client_id', '=', scope);
    // Non-admins see only the keys they made or that are bound to them.
    if (p.role !== 'admin') q = q.where((eb) => eb.or([eb('created_by', '=', p.userId), eb('user_id', '=', p.userId)]));
    return page(q, opts, API_KEY_SORT).execute();
  }

  async createApiKey(p: Principal, input: ApiKeyInput): Promise<{ row: ApiKeyRow; key: string }> {
    assertCanWrite(p);
    let boundUser: UserRow | undefined;
    if (input.user_id !== undefined && input.user_id !== null) {
      boundUser = await this.userById(input.user_id);
      if (!boundUser || !this.sees(p, boundUser)) throw notFound('user');
      if (boundUser.id !== p.userId) assertAdmin(p);
    }
    const t = new Date();
    let expiresAt: string;
    if (input.expires_at) {
      const d = new Date(input.expires_at);
      if (Number.isNaN(d.getTime())) throw invalid('expires_at: is not a valid date');
      if (d.getTime() <= t.getTime()) throw invalid('expires_at: must be in the future');
      expiresAt = d.toISOString();
    } else {
      expiresAt = new Date(t.getTime() + API_KEY_LIFETIME_DAYS * 86400_000).toISOString();
    }
    const key = API_KEY_PREFIX + randomToken(32);
    const clientId = boundUser ? boundUser.client_id : (p.clientId ?? p.actingClientId);
    const row = await this.db
      .insertInto('api_keys')
      .values({
        client_id: clientId,
        created_by: p.userId,
        user_id: boundUser?.id ?? null,
        name: input.name ?? '',
        key_hash: sha256(key),
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        created_at: t.toISOString(),
        expires_at: expiresAt,
        revoked_at: null,
        last_used_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row, key };
  }

  async getApiKey(p: Principal, id: number): Promise<ApiKeyRow> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    const scope = readScope(p);
    if (!row || (scope !== null && row.client_id !== scope)) throw notFound('API key');
    if (p.role !== 'admin' && row.created_by !== p.userId && row.user_id !== p.userId) throw notFound('API key');
    return row;
  }

  /** Revokes (keeps the row so that the revocation can be audited). */
  async revokeApiKey(p: Principal, id: number): Promise<void> {
    assertCanWrite(p);
    const row = await this.getApiKey(p, id);
    if (!row.revoked_at) await this.db.updateTable('api_keys').set({ revoked_at: now() }).where('id', '=', id).execute();
  }
}

function checkPassword(password: string) {
  if (password.length < 10) throw invalid('password: must be at least 10 characters');
  if (password.length > 1024) throw invalid('password: must be at most 1024 characters');
}

const USER_SORT = ['id', 'email', 'name', 'role_group', 'client_id', 'created_at', 'updated_at'];
const API_KEY_SORT = ['id', 'name', 'created_at', 'expires_at', 'last_used_at', 'user_id'];

export { AppError };
