// Settings → Slack (docs/slack.md). Three states: Slack credentials not configured (what to set, and the app
// manifest to paste into Slack), configured but not linked ("Connect to Slack"), linked ("integrated with ...").
import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/Layout';
import { SettingsTabs } from '../components/SettingsTabs';
import { api, type SlackIntegration } from '../lib/api';
import { useTitle } from '../lib/router';
import { exactTime, relativeTime } from '../lib/time';
import { useAsync } from '../lib/use-async';

const ALL_ENV = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET'];

export function SlackSettingsPage() {
  useTitle('Slack settings');
  const status = useAsync<SlackIntegration>(() => api.slack(), []);

  const s = status.data;
  const configured = s ? (s.configured ?? (s.missing_env ? s.missing_env.length === 0 : true)) : false;

  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs />
      <section className="card settings-card" aria-labelledby="slack-title">
        <div className="settings-head">
          <SlackMark />
          <div>
            <h2 id="slack-title">Slack integration</h2>
            <p className="muted">
              Link a Slack workspace to trigger, confirm and discard runs from Slack and to post run updates
              in the channels subscribed to a stack.
            </p>
          </div>
        </div>
        <ErrorNotice error={status.error} />
        {status.loading && !s && <p className="muted">Loading…</p>}
        {s && s.connected && <Linked status={s} onChange={status.reload} />}
        {s && !s.connected && configured && <NotLinked status={s} />}
        {s && !s.connected && !configured && <NotConfigured missing={s.missing_env ?? ALL_ENV} />}
      </section>
    </>
  );
}

function Linked({ status, onChange }: { status: SlackIntegration; onChange: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const workspace = status.enterprise?.name ?? status.team?.name ?? status.team?.id ?? 'your workspace';

  async function disconnect() {
    if (
      !window.confirm(
        `Disconnect Liftoff from ${workspace}? Slack commands and notifications stop until you connect again.`,
      )
    )
      return;
    setBusy(true);
    setError(null);
    try {
      await api.slackDisconnect();
      onChange();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div data-slack-state="linked">
      <div className="notice notice-success">
        <strong>Liftoff is integrated with {workspace}.</strong> Channels subscribe to stacks with{' '}
        <code>/liftoff subscribe &lt;stack&gt;</code>.
      </div>
      <dl className="facts">
        <div>
          <dt>Workspace</dt>
          <dd>
            {status.team?.name ?? '—'}{' '}
            {status.team?.id && <span className="mono muted small">{status.team.id}</span>}
          </dd>
        </div>
        {status.enterprise && (
          <div>
            <dt>Enterprise Grid</dt>
            <dd>
              {status.enterprise.name} <span className="mono muted small">{status.enterprise.id}</span>
            </dd>
          </div>
        )}
        {status.bot_user_id && (
          <div>
            <dt>Bot user</dt>
            <dd className="mono">{status.bot_user_id}</dd>
          </div>
        )}
        <div>
          <dt>Linked by</dt>
          <dd>
            {status.installed_by ?? '—'}
            {status.installed_at && (
              <span className="muted" title={exactTime(status.installed_at)}>
                {' '}
                · {relativeTime(status.installed_at)}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Scopes</dt>
          <dd>
            <ul className="labels">
              {(status.scopes ?? []).map((scope) => (
                <li key={scope} className="tag mono">
                  {scope}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="button" className="btn btn-danger" onClick={() => void disconnect()} disabled={busy}>
          {busy ? 'Disconnecting…' : 'Disconnect'}
        </button>
        <span className="hint">You can also remove the app from your Slack workspace.</span>
      </div>
    </div>
  );
}

function NotLinked({ status }: { status: SlackIntegration }) {
  return (
    <div data-slack-state="not-linked">
      {status.deactivated_reason ? (
        <div className="notice notice-warning">
          The link to Slack ended{status.deactivated_at ? ` ${relativeTime(status.deactivated_at)}` : ''}:{' '}
          {status.deactivated_reason}. Connect again to resume.
        </div>
      ) : (
        <div className="notice notice-info">Your Slack integration is not set up yet.</div>
      )}
      <p>
        Connecting installs the Liftoff app in a Slack workspace (an OAuth exchange on Slack&apos;s side).
        Installing it posts nothing by itself: channels subscribe per stack, and access from Slack is denied
        until a stack access policy allows it.
      </p>
      <div className="form-actions">
        {/* A full navigation, not fetch: the server redirects to Slack's authorize page. */}
        <a className="btn btn-primary btn-slack" href="/slack/install">
          <SlackMark small /> Connect to Slack
        </a>
      </div>
    </div>
  );
}

function NotConfigured({ missing }: { missing: string[] }) {
  const [manifest, setManifest] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);

  async function showManifest() {
    try {
      setManifest(JSON.stringify(await api.slackManifest(), null, 2));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div data-slack-state="not-configured">
      <div className="notice notice-warning">
        The Slack integration is off: this server has no Slack app credentials.
      </div>
      <ol className="steps">
        <li>
          <strong>Create a Slack app from a manifest</strong> at{' '}
          <span className="mono">api.slack.com/apps</span> → Create New App → From an app manifest, and paste
          this deployment&apos;s manifest.
          {manifest === null ? (
            <div className="form-actions">
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void showManifest()}>
                Show app manifest
              </button>
            </div>
          ) : (
            <div className="manifest">
              <div className="manifest-bar">
                <span className="small muted">manifest.json</span>
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() =>
                    void navigator.clipboard?.writeText(manifest).then(
                      () => setCopied(true),
                      () => setCopied(false),
                    )
                  }
                >
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              <pre tabIndex={0} aria-label="Slack app manifest">
                {manifest}
              </pre>
            </div>
          )}
          <ErrorNotice error={error} />
        </li>
        <li>
          <strong>Set these environment variables</strong> from the app&apos;s Basic Information page and
          restart Liftoff:
          <ul className="env-list">
            {ALL_ENV.map((name) => (
              <li key={name}>
                <code>{name}</code>{' '}
                {missing.includes(name) ? (
                  <span className="tag tag-warning">not set</span>
                ) : (
                  <span className="tag tag-success">set</span>
                )}
              </li>
            ))}
          </ul>
        </li>
        <li>
          <strong>Come back here and connect</strong> your workspace.
        </li>
      </ol>
    </div>
  );
}

function SlackMark({ small }: { small?: boolean }) {
  const size = small ? 16 : 36;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" className="slack-mark">
      <path fill="#E01E5A" d="M5 15a2 2 0 1 1-2-2h2v2zm1 0a2 2 0 1 1 4 0v5a2 2 0 1 1-4 0v-5z" />
      <path fill="#36C5F0" d="M9 5a2 2 0 1 1 2-2v2H9zm0 1a2 2 0 1 1 0 4H4a2 2 0 1 1 0-4h5z" />
      <path fill="#2EB67D" d="M19 9a2 2 0 1 1 2 2h-2V9zm-1 0a2 2 0 1 1-4 0V4a2 2 0 1 1 4 0v5z" />
      <path fill="#ECB22E" d="M15 19a2 2 0 1 1-2 2v-2h2zm0-1a2 2 0 1 1 0-4h5a2 2 0 1 1 0 4h-5z" />
    </svg>
  );
}
