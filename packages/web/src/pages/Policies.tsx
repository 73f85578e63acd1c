// Access policies (admin).
import { ErrorNotice } from '../components/ErrorNotice';
import { Labels } from '../components/Labels';
import { PageHeader } from '../components/Layout';
import { RelativeTime } from '../components/RelativeTime';
import { api } from '../lib/api';
import { Link, useTitle } from '../lib/router';
import { exactTime } from '../lib/time';
import { useAsync } from '../lib/use-async';

export function PoliciesPage() {
  useTitle('Policies');
  const policies = useAsync(() => api.policies(), []);
  return (
    <>
      <PageHeader title="Policies">
        <Link href="/policies/new" className="btn btn-primary">
          New policy
        </Link>
      </PageHeader>
      <p className="lead muted">
        Stack access policies decide who may read and write each stack, from the API and from Slack. Without a
        policy granting access, only admins can see a stack.
      </p>
      <ErrorNotice error={policies.error} />
      {policies.data && policies.data.length === 0 && (
        <div className="empty">
          <h2>No policies yet</h2>
          <p>Write a Rego policy with read, write, deny or deny_write rules, then attach it to stacks.</p>
          <Link href="/policies/new" className="btn btn-primary">
            Write a policy
          </Link>
        </div>
      )}
      {policies.data && policies.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Type</th>
                <th scope="col">Labels</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {policies.data.map((p) => (
                <tr key={p.id}>
                  <td data-label="Policy">
                    <Link href={`/policies/${encodeURIComponent(p.id)}`} className="strong">
                      {p.name}
                    </Link>
                    <div className="muted mono small">{p.id}</div>
                    {p.last_error && (
                      <div
                        className="small text-danger"
                        title={p.last_error_at ? exactTime(p.last_error_at) : undefined}
                      >
                        Last evaluation failed: {p.last_error}
                      </div>
                    )}
                  </td>
                  <td data-label="Type">
                    <span className="tag">{p.type}</span> <span className="tag">Rego {p.rego_version}</span>
                  </td>
                  <td data-label="Labels">
                    <Labels labels={p.labels} />
                  </td>
                  <td data-label="Updated">
                    <RelativeTime at={p.updated_at} />
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
