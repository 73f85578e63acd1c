// Session bootstrap and routing.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Layout } from './components/Layout';
import { api, type Me, type SessionInfo } from './lib/api';
import { match, navigate, Redirect, usePath } from './lib/router';
import { SessionContext } from './lib/session';
import { ApiKeysPage } from './pages/ApiKeys';
import { AuditPage } from './pages/Audit';
import { NotFoundPage } from './pages/NotFound';
import { PoliciesPage } from './pages/Policies';
import { PolicyPage } from './pages/Policy';
import { RunPage } from './pages/Run';
import { SignInPage } from './pages/SignIn';
import { SlackSettingsPage } from './pages/SlackSettings';
import { StackPage } from './pages/Stack';
import { StacksPage } from './pages/Stacks';
import { EditStackPage, NewStackPage } from './pages/StackForm';

type SessionState =
  { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; info: SessionInfo & { me: Me } };

export function App() {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const path = usePath();

  useEffect(() => {
    api.session().then(
      (info) => setSession(signedIn(info)),
      (err: unknown) => {
        console.warn('could not load session', err);
        setSession({ status: 'signed-out' });
      },
    );
    // A 401 anywhere (session expired, key revoked) returns to the sign-in screen.
    const onUnauthorized = () => setSession({ status: 'signed-out' });
    window.addEventListener('liftoff:unauthorized', onUnauthorized);
    return () => window.removeEventListener('liftoff:unauthorized', onUnauthorized);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setSession({ status: 'signed-out' });
      navigate('/sign-in');
    }
  }, []);

  const value = useMemo(
    () =>
      session.status === 'signed-in'
        ? {
            me: session.info.me,
            signOut,
          }
        : null,
    [session, signOut],
  );

  if (session.status === 'loading') {
    return (
      <div className="splash" role="status">
        Loading…
      </div>
    );
  }
  if (session.status === 'signed-out' || !value) {
    return (
      <SignInPage
        onSignedIn={(info) => {
          setSession(signedIn(info));
          const next = new URLSearchParams(window.location.search).get('next');
          navigate(
            next && next.startsWith('/') && !next.startsWith('//')
              ? next
              : path === '/sign-in'
                ? '/stacks'
                : path,
            {
              replace: true,
            },
          );
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={value}>
      <Layout>
        <ErrorBoundary resetKey={path}>
          <Route path={path} admin={value.me.admin} />
        </ErrorBoundary>
      </Layout>
    </SessionContext.Provider>
  );
}

function signedIn(info: SessionInfo): SessionState {
  return info.signed_in && info.me
    ? { status: 'signed-in', info: { ...info, me: info.me } }
    : { status: 'signed-out' };
}

function Route({ path, admin }: { path: string; admin: boolean }) {
  if (path === '/' || path === '/sign-in') {
    return <Redirect to="/stacks" />;
  }
  let m: Record<string, string> | null;
  if (match('/stacks', path)) return <StacksPage />;
  if (match('/stacks/new', path)) return admin ? <NewStackPage /> : <NotFoundPage />;
  if ((m = match('/stacks/:id', path))) return <StackPage key={m.id} stackId={m.id} />;
  if ((m = match('/stacks/:id/edit', path)))
    return admin ? <EditStackPage key={m.id} stackId={m.id} /> : <NotFoundPage />;
  if ((m = match('/stacks/:id/runs/:runId', path)))
    return <RunPage key={m.runId} stackId={m.id} runId={m.runId} />;
  if (admin) {
    if (match('/policies', path)) return <PoliciesPage />;
    if (match('/policies/new', path)) return <PolicyPage key="new" policyId={null} />;
    if ((m = match('/policies/:id', path))) return <PolicyPage key={m.id} policyId={m.id} />;
    if (match('/settings', path) || match('/settings/slack', path)) return <SlackSettingsPage />;
    if (match('/settings/api-keys', path)) return <ApiKeysPage />;
    if (match('/settings/audit', path)) return <AuditPage />;
  }
  return <NotFoundPage />;
}
