// The planned resource changes of a run (from its saved plan): one row per resource, marked as Terraform marks
// them in a plan (+ create, ~ update, − destroy, −/+ replace, <= read).
import type { Run } from '../lib/api';

type Change = NonNullable<Run['resource_changes']>[number];

const MARKS: Record<Change['action'], { mark: string; label: string; tone: string }> = {
  create: { mark: '+', label: 'create', tone: 'delta-add' },
  update: { mark: '~', label: 'update in place', tone: 'delta-change' },
  delete: { mark: '−', label: 'destroy', tone: 'delta-destroy' },
  replace: { mark: '−/+', label: 'replace', tone: 'delta-destroy' },
  read: { mark: '<=', label: 'read', tone: 'muted' },
  forget: { mark: '.', label: 'forget (remove from state)', tone: 'muted' },
  other: { mark: '?', label: 'other', tone: 'muted' },
};

export function ResourceChanges({ changes }: { changes: Change[] }) {
  return (
    <section className="card" aria-labelledby="changes-title">
      <h2 id="changes-title" className="h3">
        Planned changes
      </h2>
      {changes.length === 0 ? (
        <p className="muted">No resource changes.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => {
                const m = MARKS[c.action];
                return (
                  <tr key={c.address}>
                    <td data-label="Action">
                      <span className={`mono ${m.tone}`} aria-hidden="true">
                        {m.mark}
                      </span>{' '}
                      {m.label}
                    </td>
                    <td data-label="Resource" className="mono">
                      {c.address}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
