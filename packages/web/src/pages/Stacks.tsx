// Stacks the user can see, with their state, labels and latest run; updated live from the event stream.
import { useMemo, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/Layout';
import { Labels } from '../components/Labels';
import { StateBadge } from '../components/StateBadge';
import { api, type Run } from '../lib/api';
import { useEventStream } from '../lib/live';
import { Link, useTitle } from '../lib/router';
import { useSession } from '../lib/session';
import { exactTime, relativeTime } from '../lib/time';
import { useAsync } from '../lib/use-async';

export function StacksPage() {
  useTitle('Stacks');
  const { me } = useSession();
  const stacks = useAsync(() => api.stacks(), []);
  const [filter, setFilter] = useState('');

  useEventStream('/api/v1/events', {
    run: (data) => {
      const run = data as Run;
      if (!stacks.data) return;
      if (!stacks.data.some((s) => s.id === run.stack_id)) return stacks.reload();
      stacks.update((list) =>
        list.map((s) =>
          s.id !== run.stack_id || (s.latest_run && s.latest_run.id > run.id)
            ? s
            : { ...s, state: run.state, latest_run: run },
        ),
      );
    },
  });

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = stacks.data ?? [];
    if (!q) return list;
    return list.filter(
      (s) =>
        s.id.includes(q) ||
        s.name.toLowerCase().includes(q) ||
        s.labels.some((l) => l.toLowerCase().includes(q)),
    );
  }, [stacks.data, filter]);

  return (
    <>
      <PageHeader title="Stacks">
        {me.admin && (
          <Link href="/stacks/new" className="btn btn-primary">
            New stack
          </Link>
        )}
      </PageHeader>
      <ErrorNotice error={stacks.error} />
      {stacks.data && stacks.data.length > 0 && (
        <div className="toolbar">
          <label htmlFor="stack-filter" className="sr-only">
            Filter stacks
          </label>
          <input
            id="stack-filter"
            type="search"
            placeholder="Filter by name or label"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <span className="muted" aria-live="polite">
            {shown.length} of {stacks.data.length}
          </span>
        </div>
      )}
      {stacks.loading && !stacks.data && <p className="muted">Loading stacks…</p>}
      {stacks.data && stacks.data.length === 0 && (
        <div className="empty">
          <h2>No stacks yet</h2>
          <p>
            {me.admin
              ? 'Create a stack to plan and apply its changes from here and from Slack.'
              : 'No stack is shared with you. Access is granted by stack access policies; ask an admin.'}
          </p>
          {me.admin && (
            <Link href="/stacks/new" className="btn btn-primary">
              Create a stack
            </Link>
          )}
        </div>
      )}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="table stack-table">
            <thead>
              <tr>
                <th scope="col">Stack</th>
                <th scope="col">State</th>
                <th scope="col">Labels</th>
                <th scope="col">Latest run</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={s.id}>
                  <td data-label="Stack">
                    <Link href={`/stacks/${encodeURIComponent(s.id)}`} className="strong">
                      {s.name}
                    </Link>
                    <div className="muted mono small">
                      {s.id}
                      {s.access === 'read' && (
                        <span
                          className="tag access-tag"
                          title="You can see this stack and its runs, not change them"
                        >
                          read only
                        </span>
                      )}
                    </div>
                  </td>
                  <td data-label="State">
                    <StateBadge state={s.state} />
                  </td>
                  <td data-label="Labels">
                    <Labels labels={s.labels} />
                  </td>
                  <td data-label="Latest run">
                    {s.latest_run ? (
                      <Link
                        href={`/stacks/${encodeURIComponent(s.id)}/runs/${encodeURIComponent(s.latest_run.id)}`}
                        title={exactTime(s.latest_run.created_at)}
                      >
                        {relativeTime(s.latest_run.created_at)}
                      </Link>
                    ) : (
                      <span className="muted">never run</span>
                    )}
                    {s.latest_run && <div className="muted small">by {s.latest_run.triggered_by}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
