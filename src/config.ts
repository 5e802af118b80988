import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE } from './private-files.ts';

/** A configuration problem: the process stops with this one line and exit code 1. */
export class ConfigError extends Error {}

export interface Address {
  host: string;
  port: number;
}

export interface Config {
  databaseUrl: string;
  adminAddr: Address;
  trackingAddr: Address;
  publicUrl: string | null;
  smtpUrl: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  trustedProxies: string[];
  secret: string;
  dataDir: string;
  /** Calls per hour per API credential (API key or sign-in token). */
  apiRateLimit: number;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** PhishLine access tokens expire after this many idle seconds. */
  accessTokenIdleSeconds: number;
  logLevel: string;
  /** A worker holds claimed outbox rows this long; after a crash, another worker sends them then. */
  outboxLeaseSeconds: number;
  /**
   * Where a tracking hit is durably recorded before it is answered: `on`, this process's journal
   * file under dataDir (applied to the database within moments); `database`, the hit journal in
   * the database (PostgreSQL; with SQLite it is `on`); `off`, no journal: the answer waits for the
   * hit's own transaction; `auto`, on with SQLite, database with PostgreSQL.
   */
  trackingJournal: 'auto' | 'on' | 'database' | 'off';
}

type Env = Record<string, string | undefined>;

function parseJournal(value: string | undefined): Config['trackingJournal'] {
  const v = value?.trim().toLowerCase() || 'auto';
  if (v === 'auto' || v === 'on' || v === 'database' || v === 'off') return v;
  throw new ConfigError(`DECOY_TRACKING_JOURNAL: expected auto, on, database or off, got "${value}"`);
}

function parseAddr(name: string, value: string): Address {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(value.trim());
  if (!m) throw new ConfigError(`${name}: expected host:port, got "${value}"`);
  const port = Number(m[2]);
  if (port > 65535) throw new ConfigError(`${name}: port ${port} is out of range (0-65535)`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

function parseUrl(name: string, value: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name}: "${redact(value)}" is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name}: unsupported scheme "${url.protocol}" (expected ${protocols.join(' or ')})`);
  }
  return value;
}

function parsePositiveInt(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0) {
    throw new ConfigError(`${name}: expected a positive whole number, got "${value}"`);
  }
  return Number(value);
}

/** Removes the password from a URL so that it can appear in a message. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

function parseCidrList(name: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    const [addr, bits] = item.split('/');
    const family = isIP(addr);
    if (!family) throw new ConfigError(`${name}: "${item}" is not an IP address or CIDR range`);
    if (bits !== undefined) {
      const max = family === 4 ? 32 : 128;
      if (!/^\d+$/.test(bits) || Number(bits) > max) throw new ConfigError(`${name}: "${item}" has a bad prefix length`);
    }
  }
  return items;
}

function databaseUrl(env: Env, dataDir: string): string {
  const raw = env.DECOY_DATABASE_URL?.trim() || `sqlite:${path.join(dataDir, 'decoy.db')}`;
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length);
    if (!file) throw new ConfigError('DECOY_DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/decoy.db');
    return raw;
  }
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(`DECOY_DATABASE_URL: expected sqlite:<file> or postgres://user:pass@host:port/db, got "${redact(raw)}"`);
  }
  return parseUrl('DECOY_DATABASE_URL', raw, ['postgres:', 'postgresql:']);
}

function loadSecret(env: Env, dataDir: string, persist: boolean): string {
  if (env.DECOY_SECRET) {
    if (env.DECOY_SECRET.length < 32) throw new ConfigError('DECOY_SECRET: must be at least 32 characters');
    return env.DECOY_SECRET;
  }
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  if (persist) {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
    writeFileSync(file, secret + '\n', { mode: PRIVATE_FILE });
  }
  return secret;
}

export function loadConfig(env: Env = process.env, options: { persistSecret?: boolean } = {}): Config {
  const dataDir = path.resolve(env.DECOY_DATA_DIR?.trim() || './data');
  const publicUrl = env.DECOY_PUBLIC_URL?.trim()
    ? parseUrl('DECOY_PUBLIC_URL', env.DECOY_PUBLIC_URL.trim(), ['http:', 'https:']).replace(/\/+$/, '')
    : null;
  const smtpUrl = env.DECOY_SMTP_URL?.trim() ? parseUrl('DECOY_SMTP_URL', env.DECOY_SMTP_URL.trim(), ['smtp:', 'smtps:']) : null;
  const adminEmail = env.DECOY_ADMIN_EMAIL?.trim() || null;
  if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError(`DECOY_ADMIN_EMAIL: "${adminEmail}" is not an email address`);
  const adminPassword = env.DECOY_ADMIN_PASSWORD || null;
  if (adminPassword && adminPassword.length < 10) throw new ConfigError('DECOY_ADMIN_PASSWORD: must be at least 10 characters');
  return {
    databaseUrl: databaseUrl(env, dataDir),
    adminAddr: parseAddr('DECOY_ADMIN_ADDR', env.DECOY_ADMIN_ADDR?.trim() || '127.0.0.1:3000'),
    trackingAddr: parseAddr('DECOY_TRACKING_ADDR', env.DECOY_TRACKING_ADDR?.trim() || '127.0.0.1:3001'),
    publicUrl,
    smtpUrl,
    adminEmail,
    adminPassword,
    trustedProxies: env.DECOY_TRUSTED_PROXIES ? parseCidrList('DECOY_TRUSTED_PROXIES', env.DECOY_TRUSTED_PROXIES) : [],
    secret: loadSecret(env, dataDir, options.persistSecret ?? true),
    dataDir,
    apiRateLimit: env.DECOY_API_RATE_LIMIT ? parsePositiveInt('DECOY_API_RATE_LIMIT', env.DECOY_API_RATE_LIMIT) : 1000,
    bodyLimit: env.DECOY_BODY_LIMIT ? parsePositiveInt('DECOY_BODY_LIMIT', env.DECOY_BODY_LIMIT) : 16 * 1024 * 1024,
    accessTokenIdleSeconds: env.DECOY_ACCESS_TOKEN_IDLE_SECONDS
      ? parsePositiveInt('DECOY_ACCESS_TOKEN_IDLE_SECONDS', env.DECOY_ACCESS_TOKEN_IDLE_SECONDS)
      : 3600,
    logLevel: env.DECOY_LOG_LEVEL?.trim() || 'warn',
    outboxLeaseSeconds: env.DECOY_OUTBOX_LEASE_SECONDS ? parsePositiveInt('DECOY_OUTBOX_LEASE_SECONDS', env.DECOY_OUTBOX_LEASE_SECONDS) : 120,
    trackingJournal: parseJournal(env.DECOY_TRACKING_JOURNAL),
  };
}
