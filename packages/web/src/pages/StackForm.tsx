// Create or edit a stack (admin). A tool preset (Terraform or OpenTofu) needs no commands; without one, new stacks get
// OpenTofu-style commands to edit.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { Field, splitList } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { api, type Stack } from '../lib/api';
import { Link, navigate, useTitle } from '../lib/router';
import { useAsync } from '../lib/use-async';

type Tool = NonNullable<Stack['tool']> | '';

function slugify(name: string) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** `KEY=value` per line ↔ the stack's env object. */
function envText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq === -1) env[line.trim()] = '';
    else env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return env;
}

export function NewStackPage() {
  useTitle('New stack');
  return <StackForm stack={null} />;
}

export function EditStackPage({ stackId }: { stackId: string }) {
  const stack = useAsync(() => api.stack(stackId), [stackId]);
  useTitle(`Edit ${stack.data?.name ?? stackId}`);
  if (!stack.data) {
    return (
      <>
        <PageHeader title={stackId} crumbs={<Link href="/stacks">Stacks</Link>} />
        <ErrorNotice error={stack.error} />
      </>
    );
  }
  return <StackForm stack={stack.data} />;
}

function StackForm({ stack }: { stack: Stack | null }) {
  const [name, setName] = useState(stack?.name ?? '');
  const [id, setId] = useState(stack?.id ?? '');
  const [idTouched, setIdTouched] = useState(stack !== null);
  const [description, setDescription] = useState(stack?.description ?? '');
  const [labels, setLabels] = useState((stack?.labels ?? []).join(', '));
  const [repository, setRepository] = useState(stack?.repository ?? '');
  const [branch, setBranch] = useState(stack?.branch ?? 'main');
  const [projectRoot, setProjectRoot] = useState(stack?.project_root ?? '');
  const [autodeploy, setAutodeploy] = useState(stack?.autodeploy ?? false);
  const [administrative, setAdministrative] = useState(stack?.administrative ?? false);
  const [tool, setTool] = useState<Tool>(stack?.tool ?? '');
  const [toolVersion, setToolVersion] = useState(stack?.terraform_version ?? '');
  const [customCommands, setCustomCommands] = useState(stack ? stack.commands !== null : false);
  const [init, setInit] = useState(stack ? (stack.commands?.init ?? '') : 'tofu init -input=false');
  const [plan, setPlan] = useState(
    stack?.commands?.plan ?? 'tofu plan -input=false -detailed-exitcode -out=plan.out',
  );
  const [apply, setApply] = useState(stack?.commands?.apply ?? 'tofu apply -input=false plan.out');
  const showCommands = tool === '' || customCommands;
  const [env, setEnv] = useState(envText(stack?.env ?? {}));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const effectiveId = idTouched ? id : slugify(name);
  const href = (sid: string) => `/stacks/${encodeURIComponent(sid)}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const fields = {
      name: name.trim(),
      description: description.trim(),
      labels: splitList(labels),
      repository: repository.trim() || null,
      branch: repository.trim() ? branch.trim() || null : null,
      project_root: projectRoot.trim() || null,
      autodeploy,
      administrative,
      tool: tool || null,
      terraform_version: tool ? toolVersion.trim() || null : null,
      commands: showCommands ? { init: init.trim() || null, plan: plan.trim(), apply: apply.trim() } : null,
      env: parseEnv(env),
    };
    try {
      const saved = stack
        ? await api.updateStack(stack.id, fields)
        : await api.createStack({ id: effectiveId, ...fields });
      navigate(href(saved.id));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function remove() {
    if (!stack || !window.confirm(`Delete stack ${stack.name} with all its runs? This cannot be undone.`))
      return;
    setError(null);
    try {
      await api.deleteStack(stack.id);
      navigate('/stacks');
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageHeader
        title={stack ? `Edit ${stack.name}` : 'New stack'}
        crumbs={
          <>
            <Link href="/stacks">Stacks</Link> <span aria-hidden="true">/</span>
            {stack && (
              <>
                {' '}
                <Link href={href(stack.id)}>{stack.id}</Link> <span aria-hidden="true">/</span>
              </>
            )}
          </>
        }
      >
        {stack && (
          <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => void remove()}>
            Delete stack
          </button>
        )}
      </PageHeader>
      <form className="card form" onSubmit={submit}>
        <div className="grid-2">
          <Field id="stack-name" label="Name">
            <input id="stack-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field
            id="stack-id"
            label="ID"
            hint={
              stack
                ? 'IDs cannot change: they are in URLs, Slack subscriptions and policies.'
                : 'Used in URLs and Slack commands: lowercase letters, digits, - and _.'
            }
          >
            <input
              id="stack-id"
              required
              pattern="[a-z0-9]([a-z0-9_\-]{0,62}[a-z0-9])?"
              className="mono"
              value={effectiveId}
              readOnly={stack !== null}
              aria-describedby="stack-id-hint"
              onChange={(e) => {
                setIdTouched(true);
                setId(e.target.value);
              }}
            />
          </Field>
        </div>
        <Field id="stack-description" label="Description">
          <textarea
            id="stack-description"
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <Field
          id="stack-labels"
          label="Labels"
          hint="Comma-separated. Policies with autoattach:<label> attach themselves."
        >
          <input
            id="stack-labels"
            value={labels}
            aria-describedby="stack-labels-hint"
            onChange={(e) => setLabels(e.target.value)}
          />
        </Field>
        <fieldset>
          <legend>Source</legend>
          <div className="grid-3">
            <Field
              id="stack-repository"
              label="Repository"
              hint="Git URL; leave empty to run in an empty workspace."
            >
              <input
                id="stack-repository"
                value={repository}
                aria-describedby="stack-repository-hint"
                onChange={(e) => setRepository(e.target.value)}
              />
            </Field>
            <Field id="stack-branch" label="Branch">
              <input id="stack-branch" value={branch} onChange={(e) => setBranch(e.target.value)} />
            </Field>
            <Field id="stack-root" label="Project root">
              <input id="stack-root" value={projectRoot} onChange={(e) => setProjectRoot(e.target.value)} />
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Tool and commands</legend>
          <div className="grid-2">
            <Field
              id="stack-tool"
              label="Tool"
              hint="With a tool, runs use its standard workflow: init, plan to a saved plan, apply exactly that plan."
            >
              <select
                id="stack-tool"
                value={tool}
                aria-describedby="stack-tool-hint"
                onChange={(e) => setTool(e.target.value as Tool)}
              >
                <option value="">None — custom commands</option>
                <option value="terraform">Terraform</option>
                <option value="opentofu">OpenTofu</option>
              </select>
            </Field>
            {tool && (
              <Field
                id="stack-tool-version"
                label="Tool version"
                hint='Optional: "1.11", "1.11.4" or "~> 1.11". A worker with another version fails the run.'
              >
                <input
                  id="stack-tool-version"
                  className="mono"
                  value={toolVersion}
                  aria-describedby="stack-tool-version-hint"
                  onChange={(e) => setToolVersion(e.target.value)}
                />
              </Field>
            )}
          </div>
          {tool && (
            <label className="check">
              <input
                type="checkbox"
                checked={customCommands}
                onChange={(e) => setCustomCommands(e.target.checked)}
              />
              Custom commands <span className="muted">— instead of the tool's standard workflow</span>
            </label>
          )}
          {showCommands && (
            <>
              <Field id="stack-init" label="Init">
                <input
                  id="stack-init"
                  className="mono"
                  value={init}
                  onChange={(e) => setInit(e.target.value)}
                />
              </Field>
              <Field
                id="stack-plan"
                label="Plan"
                hint="Exit code as terraform plan -detailed-exitcode: 0 no changes, 2 changes, other failure."
              >
                <input
                  id="stack-plan"
                  className="mono"
                  required
                  value={plan}
                  aria-describedby="stack-plan-hint"
                  onChange={(e) => setPlan(e.target.value)}
                />
              </Field>
              <Field id="stack-apply" label="Apply">
                <input
                  id="stack-apply"
                  className="mono"
                  required
                  value={apply}
                  onChange={(e) => setApply(e.target.value)}
                />
              </Field>
            </>
          )}
        </fieldset>
        <Field
          id="stack-env"
          label="Environment"
          hint="KEY=value, one per line; given to every phase with LIFTOFF_RUN_ID and LIFTOFF_STACK_ID."
        >
          <textarea
            id="stack-env"
            className="mono"
            rows={3}
            spellCheck={false}
            value={env}
            aria-describedby="stack-env-hint"
            onChange={(e) => setEnv(e.target.value)}
          />
        </Field>
        <div className="checks">
          <label className="check">
            <input type="checkbox" checked={autodeploy} onChange={(e) => setAutodeploy(e.target.checked)} />
            Autodeploy <span className="muted">— apply changes without waiting for confirmation</span>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={administrative}
              onChange={(e) => setAdministrative(e.target.checked)}
            />
            Administrative <span className="muted">— manages Liftoff itself</span>
          </label>
        </div>
        <ErrorNotice error={error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || !effectiveId}>
            {busy ? 'Saving…' : stack ? 'Save' : 'Create stack'}
          </button>
          <Link href={stack ? href(stack.id) : '/stacks'} className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
