import { forbidden, notFound } from '../../errors.ts';

export const ROLE_GROUPS = ['admin', 'view', 'user', 'supervisor', 'enduser'] as const;
export type RoleGroup = (typeof ROLE_GROUPS)[number];

export const PERMISSION_GROUPS = [
  'Email Campaign – Can Edit All',
  'Email Campaign Results – Can View All',
  'Everyone – All Users Must Be In This Group',
] as const;
export const EVERYONE_GROUP = PERMISSION_GROUPS[2];

/** Who is calling, resolved from a sign-in token or an API key. */
export interface Principal {
  userId: number;
  email: string;
  /** null: a super admin. */
  clientId: number | null;
  role: RoleGroup;
  apiOnly: boolean;
  permissions: string[];
  /** Identifies the credential for rate limiting: `jwt:<jti>` or `key:<id>`. */
  credential: string;
  /** A super admin may act within one client (X-Decoy-Client header); null: all clients. */
  actingClientId: number | null;
}

export function isSuper(p: Principal): boolean {
  return p.clientId === null;
}

/** The client every read is limited to; null means a super admin seeing every client. */
export function readScope(p: Principal): number | null {
  return p.clientId ?? p.actingClientId;
}

/** Writes need a role that may change things; `view` and `enduser` are read-only. */
export function assertCanWrite(p: Principal): void {
  if (p.role === 'view') throw forbidden('your role (view) is read-only');
  if (p.role === 'enduser') throw forbidden('your role (enduser) cannot use the admin API');
}

export function assertCanRead(p: Principal): void {
  if (p.role === 'enduser') throw forbidden('your role (enduser) cannot use the admin API');
}

/** Managing users, API keys and clients needs an admin. */
export function assertAdmin(p: Principal): void {
  if (p.role !== 'admin') throw forbidden(`this needs the admin role; yours is ${p.role}`);
}

export function assertSuper(p: Principal): void {
  if (!isSuper(p)) throw forbidden('only a super admin can do this');
}

/** Whether a row of `clientId` is visible to the caller. */
export function canSee(p: Principal, clientId: number | null): boolean {
  const scope = readScope(p);
  return scope === null || clientId === null || clientId === scope;
}

/** Throws the same 404 as a missing row when the row belongs to another client. */
export function assertVisible<T extends { client_id: number | null }>(p: Principal, row: T | undefined, what: string): T {
  if (!row || !canSee(p, row.client_id)) throw notFound(what);
  return row;
}
