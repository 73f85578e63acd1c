// Policy editor (admin): Rego with highlighting, compile errors at line and column as the server reports them,
// and a workbench that evaluates the draft against an input document you edit.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { Field, splitList } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { RegoEditor, type EditorMark } from '../components/RegoEditor';
import { api, compileErrorPosition, type Policy, type PolicyEvaluation } from '../lib/api';
import { Link, navigate, useTitle } from '../lib/router';
import { useAsync } from '../lib/use-async';

type PolicyType = Policy['type'];

/** What a new policy of each type starts from, and which rules it is evaluated for (docs/policies.md). */
const TYPES: Record<PolicyType, { label: string; rules: string; template: string }> = {
  ACCESS: {
    label: 'Access — who may read or write a stack',
    rules: 'read, write, deny, deny_write',
    template: `package spacelift

# Engineers may read every stack this policy is attached to.
read if {
\tsome team in input.session.teams
\tteam == "Engineering"
}

# Administrative stacks stay read-only for everyone this policy covers.
deny_write if {
\tinput.stack.administrative
}
`,
  },
  APPROVAL: {
    label: 'Approval — who must approve a run before it is confirmed',
    rules: 'approve, reject',
    template: `package spacelift

# Two approvals and no rejection.
approve if {
\tcount(input.reviews.current.approvals) >= 2
\tcount(input.reviews.current.rejections) == 0
}

reject if count(input.reviews.current.rejections) > 0
`,
  },
  NOTIFICATION: {
    label: 'Notification — which Slack channels hear about a run',
    rules: 'slack',
    template: `package spacelift

# Failed runs go to the on-call channel.
slack contains {"channel_id": "C0123456789"} if {
\tinput.run_updated.run.state == "FAILED"
}
`,
  },
};

const SAMPLE_STACK = {
  id: 'production',
  administrative: false,
  autodeploy: false,
  branch: 'main',
  labels: ['prod'],
  locked_by: null,
  name: 'Production',
  namespace: '',
  project_root: '',
  repository: '',
  state: 'FINISHED',
  terraform_version: '',
};

/** Input documents as the server builds them (docs/policies.md): an HTTP request, or a Slack command. */
const SAMPLE_INPUTS = {
  http: {
    request: { remote_ip: '10.0.0.7', timestamp_ns: 1767225600000000000 },
    session: {
      admin: false,
      creator_ip: '10.0.0.7',
      login: 'api::reader',
      name: 'Reader',
      teams: ['Engineering'],
      machine: false,
    },
    stack: SAMPLE_STACK,
  },
  slack: {
    slack: {
      command: 'trigger',
      user: {
        id: 'U024BE7LH',
        deleted: false,
        display_name: 'alice',
        has_2fa: true,
        is_admin: false,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_stranger: false,
        real_name: 'Alice Admin',
        tz: 'Europe/Berlin',
      },
      team: { id: 'T024BE7LD', name: 'Acme' },
      channel: { id: 'C024BE91L', name: 'dev-notifications' },
    },
    stack: SAMPLE_STACK,
  },
};

export function PolicyPage({ policyId }: { policyId: string | null }) {
  const loaded = useAsync<Policy | null>(
    () => (policyId ? api.policy(policyId) : Promise.resolve(null)),
    [policyId],
  );
  useTitle(policyId ? (loaded.data?.name ?? policyId) : 'New policy');
  if (policyId && !loaded.data) {
    return (
      <>
        <PageHeader title={policyId} crumbs={<Link href="/policies">Policies</Link>} />
        <ErrorNotice error={loaded.error} />
        {!loaded.error && <p className="muted">Loading…</p>}
      </>
    );
  }
  return <PolicyForm policy={loaded.data ?? null} />;
}

function PolicyForm({ policy }: { policy: Policy | null }) {
  const [id, setId] = useState(policy?.id ?? '');
  const [name, setName] = useState(policy?.name ?? '');
  const [type, setType] = useState<PolicyType>(policy?.type ?? 'ACCESS');
  const [body, setBody] = useState(policy?.body ?? TYPES.ACCESS.template);
  const [version, setVersion] = useState<'v1' | 'v0'>(policy?.rego_version ?? 'v1');
  const [labels, setLabels] = useState((policy?.labels ?? []).join(', '));
  const [mark, setMark] = useState<EditorMark | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setMark(null);
    setSaved(null);
    try {
      const fields = { name: name.trim(), body, rego_version: version, labels: splitList(labels) };
      if (policy) {
        await api.updatePolicy(policy.id, fields);
        setSaved('Saved.');
      } else {
        const created = await api.createPolicy({ id: id.trim(), type, ...fields });
        navigate(`/policies/${encodeURIComponent(created.id)}`, { replace: true });
      }
    } catch (err) {
      const pos = compileErrorPosition(err);
      if (pos) setMark(pos);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (
      !policy ||
      !window.confirm(`Delete policy ${policy.name}? Stacks it is attached to lose the access it grants.`)
    )
      return;
    try {
      await api.deletePolicy(policy.id);
      navigate('/policies');
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageHeader
        title={policy ? policy.name : 'New policy'}
        crumbs={
          <>
            <Link href="/policies">Policies</Link> <span aria-hidden="true">/</span>
          </>
        }
      >
        {policy && (
          <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </PageHeader>
      {policy?.last_error && (
        <div className="notice notice-danger">Last evaluation failed: {policy.last_error}</div>
      )}
      <div className="policy-layout">
        <form className="card form" onSubmit={save} aria-label="Policy">
          <div className="grid-2">
            <Field id="policy-name" label="Name">
              <input id="policy-name" required value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
            {!policy && (
              <Field id="policy-id" label="ID">
                <input
                  id="policy-id"
                  className="mono"
                  required
                  value={id}
                  onChange={(e) => setId(e.target.value)}
                />
              </Field>
            )}
            <Field
              id="policy-type"
              label="Type"
              hint={policy ? 'The type of a policy cannot change.' : undefined}
            >
              <select
                id="policy-type"
                value={type}
                disabled={policy !== null}
                onChange={(e) => {
                  const next = e.target.value as PolicyType;
                  // A body still equal to the previous type's template follows the type; an edited one stays.
                  if (body === TYPES[type].template) setBody(TYPES[next].template);
                  setType(next);
                }}
              >
                {(Object.keys(TYPES) as PolicyType[]).map((t) => (
                  <option key={t} value={t}>
                    {TYPES[t].label}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="policy-version" label="Rego version">
              <select
                id="policy-version"
                value={version}
                onChange={(e) => setVersion(e.target.value as 'v1' | 'v0')}
              >
                <option value="v1">v1 (recommended)</option>
                <option value="v0">v0</option>
              </select>
            </Field>
            <Field
              id="policy-labels"
              label="Labels"
              hint="autoattach:<label> attaches to stacks with that label; autoattach:* to all."
            >
              <input
                id="policy-labels"
                value={labels}
                aria-describedby="policy-labels-hint"
                onChange={(e) => setLabels(e.target.value)}
              />
            </Field>
          </div>
          <div className="field">
            <label htmlFor="policy-body">Body</label>
            <RegoEditor
              id="policy-body"
              value={body}
              onChange={(v) => {
                setBody(v);
                setSaved(null);
              }}
              mark={mark}
              describedBy={mark ? 'policy-error' : 'policy-body-hint'}
            />
            <p className="hint" id="policy-body-hint">
              Rules: <code>{TYPES[type].rules}</code>. Tab indents; press Escape then Tab to leave the editor.
            </p>
          </div>
          {mark && (
            <div
              className="notice notice-danger"
              role="alert"
              id="policy-error"
              data-line={mark.line}
              data-column={mark.column}
            >
              <strong>
                Line {mark.line}, column {mark.column}:
              </strong>{' '}
              {mark.message.replace(/^body: line \d+, column \d+: /, '')}
            </div>
          )}
          {!mark && <ErrorNotice error={error} />}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Saving…' : policy ? 'Save' : 'Create policy'}
            </button>
            <span role="status" className="text-success">
              {saved}
            </span>
          </div>
        </form>
        <Workbench body={body} version={version} type={type} onCompileError={setMark} />
      </div>
    </>
  );
}

function Workbench({
  body,
  version,
  type,
  onCompileError,
}: {
  body: string;
  version: 'v1' | 'v0';
  type: PolicyType;
  /** A draft that does not compile is marked in the editor, as on save. */
  onCompileError: (mark: EditorMark | null) => void;
}) {
  const [input, setInput] = useState(JSON.stringify(SAMPLE_INPUTS.http, null, 2));
  const [result, setResult] = useState<PolicyEvaluation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function evaluate(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setResult(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (err) {
      setError(new Error(`Input is not valid JSON: ${(err as Error).message}`));
      return;
    }
    setBusy(true);
    onCompileError(null);
    try {
      // Any JSON goes to the server, which answers a 400 naming the problem when it is not an object.
      const document = parsed as Record<string, unknown>;
      setResult(await api.evaluatePolicy({ body, rego_version: version, type, input: document }));
    } catch (err) {
      const pos = compileErrorPosition(err);
      onCompileError(pos);
      setError(
        pos ? new Error(`The policy does not compile (line ${pos.line}, column ${pos.column}).`) : err,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form workbench" onSubmit={evaluate} aria-labelledby="workbench-title">
      <h2 id="workbench-title" className="h3">
        Test this policy
      </h2>
      <p className="hint">Evaluates the text in the editor (saved or not) against this input document.</p>
      <div className="field">
        <label htmlFor="workbench-template">Start from</label>
        <select
          id="workbench-template"
          defaultValue="http"
          onChange={(e) => {
            setInput(JSON.stringify(SAMPLE_INPUTS[e.target.value as keyof typeof SAMPLE_INPUTS], null, 2));
            setResult(null);
          }}
        >
          <option value="http">an API or web request</option>
          <option value="slack">a Slack command</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="workbench-input">Input (JSON)</label>
        <textarea
          id="workbench-input"
          className="mono code-input"
          rows={16}
          spellCheck={false}
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {busy ? 'Evaluating…' : 'Evaluate'}
        </button>
      </div>
      <ErrorNotice error={error} />
      {result && (
        <div className="workbench-result" role="status">
          {result.error ? (
            <div className="notice notice-danger">Evaluation failed (counts as deny): {result.error}</div>
          ) : result.type !== 'ACCESS' ? null : (
            <p>
              Decision:{' '}
              <span className={`badge badge-${decisionTone(result.access)}`}>
                {result.access.toUpperCase()}
              </span>
            </p>
          )}
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(result.rules).map(([rule, value]) => (
                <tr key={rule}>
                  <td className="mono">{rule}</td>
                  {/* The rule's value as Rego gives it (a set of messages for `slack`); false when undefined. */}
                  <td className={value ? 'strong' : 'muted'}>
                    {rule in result.values ? JSON.stringify(result.values[rule]) : 'false'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </form>
  );
}

function decisionTone(access: string) {
  return access === 'write' ? 'success' : access === 'read' ? 'active' : 'danger';
}
