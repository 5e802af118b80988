/**
 * Who is signed in: the user (from GET /api/users/me), what their role lets them do, and, for
 * super admins, the client they act within. Pages read it with `useSession()`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, getActingClient, getToken, onUnauthorised, setActingClient, setToken } from './api.ts';

export interface Me {
  id: number;
  email: string;
  name: string;
  role_group: 'admin' | 'view' | 'user' | 'supervisor' | 'enduser';
  client_id: number | null;
  api_only: boolean;
}

export interface Client {
  id: number;
  name: string;
}

export interface Session {
  me: Me;
  /** May create, edit, start and delete (every role but `view`). */
  canWrite: boolean;
  /** Manages users, API keys and clients. */
  isAdmin: boolean;
  /** Sees every client and may switch between them. */
  isSuper: boolean;
  /** The client the user works in: their own, or the one a super admin picked (null: all). */
  clientId: number | null;
  /** Super admins: every client, for the switcher. */
  clients: Client[];
  setClient(id: number | null): void;
  reloadClients(): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionProvider>');
  return s;
}

/** Renders its children only for users who may change things. */
export function CanWrite({ children }: { children: ReactNode }) {
  return useSession().canWrite ? <>{children}</> : null;
}

export function SessionProvider({ me, onSignOut, children }: { me: Me; onSignOut: () => void; children: ReactNode }) {
  const isSuper = me.client_id === null;
  const [acting, setActing] = useState<number | null>(isSuper ? getActingClient() : me.client_id);
  const [clients, setClients] = useState<Client[]>([]);

  const reloadClients = useCallback(async () => {
    if (!isSuper) return;
    const r = await api.getEveryClient<{ clients: Client[] }>('/api/clients', { limit: 1000, sort: 'name' });
    setClients(r.clients);
  }, [isSuper]);

  useEffect(() => {
    void reloadClients();
  }, [reloadClients]);

  const value = useMemo<Session>(
    () => ({
      me,
      canWrite: me.role_group !== 'view' && me.role_group !== 'enduser',
      isAdmin: me.role_group === 'admin',
      isSuper,
      clientId: acting,
      clients,
      setClient(id) {
        setActingClient(id);
        setActing(id);
      },
      reloadClients,
      signOut: onSignOut,
    }),
    [me, isSuper, acting, clients, reloadClients, onSignOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Signs in with POST /api/auth and loads the user. Throws ApiError (429 carries the lockout text). */
export async function signIn(email: string, password: string): Promise<Me> {
  const r = await api.post<{ token: string }>('/api/auth', { email, password });
  setToken(r.token);
  try {
    const me = await loadMe();
    if (me.api_only) throw new Error('This is an API-only user; it cannot sign in to the web interface.');
    return me;
  } catch (err) {
    setToken(null);
    throw err;
  }
}

export async function loadMe(): Promise<Me> {
  return (await api.get<{ user: Me }>('/api/users/me')).user;
}

export function forgetSession(): void {
  setToken(null);
  setActingClient(null);
}

export { getToken, onUnauthorised };
