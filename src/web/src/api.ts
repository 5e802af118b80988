/**
 * The one way pages talk to the server: the Lucy API (`/api/...`) with the signed-in user's
 * token as Bearer, and the acting client as `X-Decoy-Client` (super admins). The token lives in
 * sessionStorage only (never in a URL, never in localStorage).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'decoy.token';
const CLIENT_KEY = 'decoy.client';

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let actingClient: number | null = Number(sessionStorage.getItem(CLIENT_KEY)) || null;
const unauthorisedListeners = new Set<() => void>();

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function getActingClient(): number | null {
  return actingClient;
}

/** Super admins: act within one client (null: every client). */
export function setActingClient(id: number | null): void {
  actingClient = id;
  if (id) sessionStorage.setItem(CLIENT_KEY, String(id));
  else sessionStorage.removeItem(CLIENT_KEY);
}

/** Called when the server says the token is no longer good (401): the app signs out. */
export function onUnauthorised(fn: () => void): () => void {
  unauthorisedListeners.add(fn);
  return () => unauthorisedListeners.delete(fn);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export async function request<T = unknown>(method: string, path: string, body?: unknown, query?: Query, opts: { everyClient?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (actingClient && !opts.everyClient) headers['x-decoy-client'] = String(actingClient);
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const code = data?.error?.code ?? `http_${res.status}`;
    const message = data?.error?.message ?? `${res.status} ${res.statusText}`;
    if (res.status === 401 && path !== '/api/auth') for (const fn of unauthorisedListeners) fn();
    throw new ApiError(res.status, code, message);
  }
  return data as T;
}

export const api = {
  get: <T = unknown>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  /** Super admins: ignore the acting client (the client switcher lists every client). */
  getEveryClient: <T = unknown>(path: string, query?: Query) => request<T>('GET', path, undefined, query, { everyClient: true }),
  put: <T = unknown>(path: string, body: unknown = {}) => request<T>('PUT', path, body),
  post: <T = unknown>(path: string, body?: unknown) => request<T>('POST', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

/** A readable sentence for any error thrown by `api`. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
