// One stack: its runs (live), a trigger button for users with write access, attached policies (admin) and the
// Slack channels subscribed to it.
import { useRef, useState } from 'react';
import { Delta } from '../components/Delta';
import { ErrorNotice, errorText } from '../components/ErrorNotice';
import { Labels } from '../components/Labels';
import { PageHeader } from '../components/Layout';
import { RelativeTime } from '../components/RelativeTime';
import { StateBadge } from '../components/StateBadge';
import { api, ApiError, attachedPolicies, type Run, type Stack } from '../lib/api';
import { useEventStream } from '../lib/live';
import { Link, navigate, useTitle } from '../lib/router';
import { useSession } from '../lib/session';
import { exactTime, relativeTime } from '../lib/time';
import { useAsync } from '../lib/use-async';

export function StackPage({ stackId }: { stackId: string }) {
  const { me } = useSession();
  const stack = useAsync(() => api.stack(stackId), [stackId]);
  const access = useAsync(() => api.stackAccess(stackId), [stackId]);
  const runs = useAsync(() => api.runs(stackId), [stackId]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const latestRunId = useRef('');
  useTitle(stack.data?.name ?? stackId);

  useEventStream(`/api/v1/events?stack=${encodeURIComponent(stackId)}`, {
    run: (data) => {
      const run = data as Run;
      if (run.stack_id !== stackId) return;
      runs.update((list) =>
        list.some((r) => r.id === run.id) ? list.map((r) => (r.id === run.id ? run : r)) : [run, ...list],
      );
      // The stack's state is its latest run's (run ids sort by creation).
      const known = runs.data?.[0]?.id ?? '';
      if (run.id >= known && run.id >= latestRunId.current) {
        latestRunId.current = run.id;
        stack.update((current) => ({ ...current, state: run.state }));
      }
    },
  });

  const canWrite = access.data === 'write' || access.data === 'admin';

  async function trigger() {
    setBusy(true);
    setActionError(null);
    try {
      const run = await api.trigger(stackId);
      navigate(`/stacks/${encodeURIComponent(stackId)}/runs/${encodeURIComponent(run.id)}`);
    } catch (err) {
      setActionError(err);
      setBusy(false);
    }
  }

  if (stack.error instanceof ApiError && stack.error.status === 404) {
    return (
      <>
        <PageHeader title="Stack not found" crumbs={<Link href="/stacks">Stacks</Link>} />
        <p>The stack {stackId} does not exist, or you do not have access to it.</p>
      </>
    );
  }
  const s = stack.data;
  return (
    <>
      <PageHeader
        title={
          <>
            {s?.name ?? stackId} {s && <StateBadge state={s.state} />}
          </>
        }
        crumbs={
          <>
            <Link href="/stacks">Stacks</Link> <span aria-hidden="true">/</span>
          </>
        }
      >
        {me.admin && (
          <Link href={`/stacks/${encodeURIComponent(stackId)}/edit`} className="btn btn-secondary">
            Edit
          </Link>
        )}
        {canWrite && (
          <button type="button" className="btn btn-primary" onClick={() => void trigger()} disabled={busy}>
            {busy ? 'Triggering…' : 'Trigger run'}
          </button>
        )}
      </PageHeader>
      <ErrorNotice error={stack.error ?? actionError} />
      {s && (
        <section className="card stack-summary" aria-label="Stack details">
          {s.description && <p>{s.description}</p>}
          <dl className="facts">
            <div>
              <dt>ID</dt>
              <dd className="mono">{s.id}</dd>
            </div>
            <div>
              <dt>Labels</dt>
              <dd>
                <Labels labels={s.labels} />
              </dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd className="mono">
                {s.repository ? `${s.repository}${s.branch ? ` @ ${s.branch}` : ''}` : 'empty workspace'}
                {s.project_root ? ` / ${s.project_root}` : ''}
              </dd>
            </div>
            <div>
              <dt>Runs with</dt>
              <dd>
                {s.tool ? TOOL_NAMES[s.tool] : 'custom commands'}
                {s.tool && s.terraform_version ? ` ${s.terraform_version}` : ''}
                {s.tool && s.commands ? ' (custom commands)' : ''}
              </dd>
            </div>
            <div>
              <dt>Autodeploy</dt>
              <dd>
                {s.autodeploy
                  ? 'on — changes apply without confirmation'
                  : 'off — changes wait for confirmation'}
              </dd>
            </div>
            <div>
              <dt>Your access</dt>
              <dd>{access.data ? accessLabel(access.data) : '…'}</dd>
            </div>
            {s.locked_by && (
              <div>
                <dt>Locked by</dt>
                <dd>{s.locked_by}</dd>
              </div>
            )}
          </dl>
        </section>
      )}

      <section aria-labelledby="runs-title" className="section">
        <h2 id="runs-title">Runs</h2>
        <ErrorNotice error={runs.error} />
        {runs.data && runs.data.length === 0 && (
          <p className="empty-inline">No runs yet.{canWrite ? ' Trigger one to plan this stack.' : ''}</p>
        )}
        {runs.data && runs.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">State</th>
                  <th scope="col">Delta</th>
                  <th scope="col">Triggered</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.map((r) => (
                  <tr key={r.id}>
                    <td data-label="Run">
                      <Link
                        className="mono"
                        href={`/stacks/${encodeURIComponent(stackId)}/runs/${encodeURIComponent(r.id)}`}
                      >
                        {r.id}
                      </Link>
                      {r.commit && <div className="small muted">{r.commit.message.split('\n')[0]}</div>}
                    </td>
                    <td data-label="State">
                      <StateBadge state={r.state} />
                    </td>
                    <td data-label="Delta">
                      <Delta delta={r.delta} />
                    </td>
                    <td data-label="Triggered">
                      <RelativeTime at={r.created_at} />
                      <div className="small muted">by {r.triggered_by}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="grid-2 section">
        {me.admin && s && <AttachedPolicies stackId={stackId} labels={s.labels} />}
        <Subscriptions stackId={stackId} />
      </div>
    </>
  );
}

function accessLabel(access: string) {
  switch (access) {
    case 'admin':
      return 'admin (full access)';
    case 'write':
      return 'write — you can trigger, confirm and discard runs';
    case 'read':
      return 'read only';
    default:
      return 'none';
  }
}

function AttachedPolicies({ stackId, labels }: { stackId: string; labels: string[] }) {
  const ids = useAsync(() => api.stackPolicyIds(stackId), [stackId]);
  const all = useAsync(() => api.policies(), []);
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<unknown>(null);

  const attached = {
    data: ids.data && all.data ? attachedPolicies(all.data, ids.data, labels) : undefined,
    error: ids.error ?? all.error,
    reload: ids.reload,
  };
  const attachable = (all.data ?? []).filter((p) => !(ids.data ?? []).includes(p.id));

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
      attached.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="policies-title">
      <h2 id="policies-title">Access policies</h2>
      <ErrorNotice error={attached.error ?? error} />
      {attached.data && attached.data.length === 0 && (
        <p className="muted">No policy attached: only admins can see this stack.</p>
      )}
      {attached.data && attached.data.length > 0 && (
        <ul className="list">
          {attached.data.map((p) => (
            <li key={`${p.via}:${p.id}`} className="list-row">
              <span>
                <Link href={`/policies/${encodeURIComponent(p.id)}`}>{p.name}</Link>{' '}
                {p.via === 'auto' && (
                  <span className="tag" title="Attached by an autoattach: label">
                    auto
                  </span>
                )}
              </span>
              {p.via === 'explicit' && (
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => void run(() => api.detach(stackId, p.id))}
                  aria-label={`Detach ${p.name}`}
                >
                  Detach
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {attachable.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) void run(() => api.attach(stackId, choice)).then(() => setChoice(''));
          }}
        >
          <label htmlFor="attach-policy" className="sr-only">
            Policy to attach
          </label>
          <select id="attach-policy" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose a policy…</option>
            {attachable.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-secondary btn-sm" disabled={!choice}>
            Attach
          </button>
        </form>
      )}
    </section>
  );
}

function Subscriptions({ stackId }: { stackId: string }) {
  const subs = useAsync(() => api.subscriptions(stackId), [stackId]);
  return (
    <section className="card" aria-labelledby="subs-title">
      <h2 id="subs-title">Slack channels</h2>
      {subs.error ? (
        <p className="muted">{errorText(subs.error)}</p>
      ) : subs.data && subs.data.length === 0 ? (
        <p className="muted">
          No channel is subscribed. In Slack, run <code>/liftoff subscribe {stackId}</code> in a channel.
        </p>
      ) : (
        <ul className="list">
          {(subs.data ?? []).map((s) => (
            <li key={s.channel_id} className="list-row">
              <span>
                #{s.channel_name ?? s.channel_id}{' '}
                {s.disabled_reason && (
                  <span className="tag tag-warning" title={s.disabled_reason}>
                    paused: {s.disabled_reason}
                  </span>
                )}
              </span>
              <span className="small muted" title={exactTime(s.created_at)}>
                by {s.created_by}, {relativeTime(s.created_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const TOOL_NAMES: Record<NonNullable<Stack['tool']>, string> = {
  terraform: 'Terraform',
  opentofu: 'OpenTofu',
};
