import { useId, type ReactNode } from 'react';
import { Link, useLocation } from './router.tsx';
import { AREAS } from './routes.tsx';
import { useSession } from './session.tsx';

function ClientSwitcher() {
  const s = useSession();
  const id = useId();
  if (!s.isSuper) return null;
  return (
    <div className="client-switcher">
      <label htmlFor={id}>Client</label>
      <select id={id} value={s.clientId ?? ''} onChange={(e) => s.setClient(e.target.value ? Number(e.target.value) : null)}>
        <option value="">All clients</option>
        {s.clients.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const s = useSession();
  const loc = useLocation();
  const here = loc.segments[0] ?? '';
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Decoy
        </Link>
        <nav aria-label="Main">
          <ul>
            {AREAS.map((a) => (
              <li key={a.segment}>
                <Link to={`/${a.segment}`} aria-current={here === a.segment ? 'page' : undefined}>
                  {a.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <ClientSwitcher />
          <span className="user" title={s.me.email}>
            {s.me.name || s.me.email} <span className="role">({s.me.role_group})</span>
          </span>
          <button type="button" className="btn btn-link" onClick={s.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
