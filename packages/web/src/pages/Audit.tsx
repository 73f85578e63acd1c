// Audit log (admin): every write action from the API, the UI and Slack, with who, where and the decision.
import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { PageHeader } from '../components/Layout';
import { RelativeTime } from '../components/RelativeTime';
import { SettingsTabs } from '../components/SettingsTabs';
import { api, type AuditEvent } from '../lib/api';
import { useTitle } from '../lib/router';
import { useAsync } from '../lib/use-async';

function decisionTone(decision: string) {
  if (decision === 'allowed') return 'success';
  if (decision === 'denied') return 'warning';
  return 'danger';
}

export function AuditPage() {
  useTitle('Audit log');
  const first = useAsync(() => api.auditEvents(), []);
  const [older, setOlder] = useState<AuditEvent[]>([]);
  const [more, setMore] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const events = [...(first.data ?? []), ...older];

  async function loadMore() {
    const last = events[events.length - 1];
    if (!last) return;
    try {
      const page = await api.auditEvents(last.id);
      setOlder((prev) => [...prev, ...page]);
      if (page.length < 100) setMore(false);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageHeader title="Settings" />
      <SettingsTabs />
      <ErrorNotice error={first.error ?? error} />
      {first.data && events.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {events.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td data-label="When">
                    <RelativeTime at={e.at} />
                  </td>
                  <td data-label="Who">
                    <span className="mono small">{e.actor}</span>
                    {e.channel && <div className="small muted">in {e.channel}</div>}
                  </td>
                  <td data-label="Action" className="mono small">
                    {e.action}
                  </td>
                  <td data-label="Target">
                    <span className="mono small">{e.target}</span>
                    {e.detail && <div className="small muted">{e.detail}</div>}
                  </td>
                  <td data-label="Decision">
                    <span className={`badge badge-${decisionTone(e.decision)}`}>
                      {e.decision.toUpperCase()}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {first.data && first.data.length === 100 && more && (
        <div className="form-actions">
          <button type="button" className="btn btn-secondary" onClick={() => void loadMore()}>
            Older events
          </button>
        </div>
      )}
    </>
  );
}
