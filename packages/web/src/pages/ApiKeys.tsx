// API keys (admin): create (the secret is shown once), list, revoke.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { Field, splitList } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { RelativeTime } from '../components/RelativeTime';
import { SettingsTabs } from '../components/SettingsTabs';
import { api } from '../lib/api';
import { useTitle } from '../lib/router';
import { useSession } from '../lib/session';
import { useAsync } from '../lib/use-async';

export function ApiKeysPage() {
  useTitle('API keys');
  const { me } = useSession();
  const keys = useAsync(() => api.apiKeys(), []);
  const [name, setName] = useState('');
  const [teams, setTeams] = useState('');
  const [admin, setAdmin] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const result = await api.createApiKey({ name: name.trim(), admin, teams: splitList(teams) });
      setCreated({ name: name.trim(), secret: result.secret });
      setName('');
      setTeams('');
      setAdmin(false);
      keys.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string, keyName: string) {
    if (
      !window.confirm(
        `Revoke API key ${keyName}? Anything using it, including signed-in sessions, loses access.`,
      )
    )
      return;
    setError(null);
    try {
      await api.revokeApiKey(id);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs />
      {created && (
        <section className="card secret-card" aria-labelledby="secret-title" role="alert">
          <h2 id="secret-title" className="h3">
            API key “{created.name}” created
          </h2>
          <p>Copy the secret now: it is shown only this once and cannot be recovered.</p>
          <div className="secret-row">
            <label htmlFor="new-secret" className="sr-only">
              New API key secret
            </label>
            <input
              id="new-secret"
              className="mono"
              readOnly
              value={created.secret}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() =>
                void navigator.clipboard?.writeText(created.secret).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </section>
      )}
      <div className="keys-layout">
        <form className="card form" onSubmit={create} aria-labelledby="create-key-title">
          <h2 id="create-key-title" className="h3">
            Create an API key
          </h2>
          <Field id="key-name" label="Name" hint="Who or what uses it, e.g. “CI deploys” or a person's name.">
            <input
              id="key-name"
              required
              value={name}
              aria-describedby="key-name-hint"
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field
            id="key-teams"
            label="Teams"
            hint="Comma-separated; policies see them as input.session.teams."
          >
            <input
              id="key-teams"
              value={teams}
              aria-describedby="key-teams-hint"
              onChange={(e) => setTeams(e.target.value)}
            />
          </Field>
          <label className="check">
            <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
            Admin <span className="muted">— full access; policies are not evaluated</span>
          </label>
          <ErrorNotice error={error} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </div>
        </form>
        <section className="card" aria-labelledby="keys-title">
          <h2 id="keys-title" className="h3">
            Keys
          </h2>
          <ErrorNotice error={keys.error} />
          {keys.data && keys.data.length === 0 && <p className="muted">No API keys.</p>}
          {keys.data && keys.data.length > 0 && (
            <ul className="list">
              {keys.data.map((k) => (
                <li key={k.id} className="list-row key-row">
                  <div>
                    <span className="strong">{k.name}</span>{' '}
                    {k.admin && <span className="tag tag-admin">admin</span>}
                    {k.teams.map((t) => (
                      <span key={t} className="tag">
                        {t}
                      </span>
                    ))}
                    <div className="small muted">
                      <span className="mono">{k.login}</span> · created <RelativeTime at={k.created_at} /> by{' '}
                      {k.created_by}
                    </div>
                  </div>
                  {k.login === me.login ? (
                    <span className="small muted">this session</span>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm btn-danger-text"
                      aria-label={`Revoke ${k.name}`}
                      onClick={() => void revoke(k.id, k.name)}
                    >
                      Revoke
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
