// Sign-in with an API key. The key is exchanged for an httpOnly session cookie and not kept by the page.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { api, ApiError, type SessionInfo } from '../lib/api';
import { useTitle } from '../lib/router';

export function SignInPage({ onSignedIn }: { onSignedIn: (info: SessionInfo) => void }) {
  useTitle('Sign in');
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(key.trim()));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? new Error('That API key is not valid.') : err);
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="signin-brand" aria-hidden="true">
          <svg viewBox="0 0 16 16" width="28" height="28">
            <path d="M8 1l3 6H9v8H7V7H5z" fill="currentColor" />
          </svg>
          Liftoff
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">Use an API key. An admin can create one under Settings → API keys.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby="signin-hint"
        />
        <p id="signin-hint" className="hint">
          The key stays on the server: your browser keeps only a session cookie.
        </p>
        <ErrorNotice error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
