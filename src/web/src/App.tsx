import { useCallback, useEffect, useRef, useState } from 'react';
import { getToken, onUnauthorised } from './api.ts';
import { Layout } from './Layout.tsx';
import SignIn from './pages/signin/SignIn.tsx';
import { useLocation } from './router.tsx';
import { AREAS } from './routes.tsx';
import { forgetSession, loadMe, SessionProvider, useSession, type Me } from './session.tsx';
import { Loading, Page } from './components/ui.tsx';

function Routed() {
  const loc = useLocation();
  const s = useSession();
  const area = AREAS.find((a) => a.segment === (loc.segments[0] ?? ''));
  useEffect(() => {
    document.title = area ? `${area.label} · Decoy` : 'Not found · Decoy';
  }, [area]);
  // After moving to another page, keyboard and screen reader users start at its content.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [loc.path]);
  if (!area)
    return (
      <Page title="Not found">
        <p>There is no page at this address.</p>
      </Page>
    );
  const Component = area.component;
  // Changing the client remounts the page, so every list reloads within the new client.
  return <Component key={`${area.segment}:${s.clientId ?? 'all'}`} segments={loc.segments.slice(1)} />;
}

export default function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => getToken() !== null);

  const signOut = useCallback(() => {
    forgetSession();
    setMe(null);
  }, []);

  useEffect(() => onUnauthorised(signOut), [signOut]);

  useEffect(() => {
    if (!getToken()) return;
    loadMe().then(
      (m) => {
        setMe(m);
        setChecking(false);
      },
      () => {
        forgetSession();
        setChecking(false);
      },
    );
  }, []);

  if (checking) return <Loading />;
  if (!me) return <SignIn onSignedIn={setMe} />;
  return (
    <SessionProvider me={me} onSignOut={signOut}>
      <Layout>
        <Routed />
      </Layout>
    </SessionProvider>
  );
}
