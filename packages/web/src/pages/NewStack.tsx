// Create a stack (admin). Commands default to a harmless demo so a new stack can be tried at once.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { Field, splitList } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { api } from '../lib/api';
import { Link, navigate, useTitle } from '../lib/router';

function slugify(name: string) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

export function NewStackPage() {
  useTitle('New stack');
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [labels, setLabels] = useState('');
  const [repository, setRepository] = useState('');
  const [branch, setBranch] = useState('main');
  const [projectRoot, setProjectRoot] = useState('');
  const [autodeploy, setAutodeploy] = useState(false);
  const [administrative, setAdministrative] = useState(false);
  const [init, setInit] = useState('tofu init -input=false');
  const [plan, setPlan] = useState('tofu plan -input=false -detailed-exitcode -out=plan.out');
  const [apply, setApply] = useState('tofu apply -input=false plan.out');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const effectiveId = idTouched ? id : slugify(name);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const stack = await api.createStack({
        id: effectiveId,
        name: name.trim(),
        description: description.trim(),
        labels: splitList(labels),
        repository: repository.trim() || null,
        branch: repository.trim() ? branch.trim() || null : null,
        project_root: projectRoot.trim() || null,
        autodeploy,
        administrative,
        commands: { init: init.trim() || null, plan: plan.trim(), apply: apply.trim() },
      });
      navigate(`/stacks/${encodeURIComponent(stack.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader
        title="New stack"
        crumbs={
          <>
            <Link href="/stacks">Stacks</Link> <span aria-hidden="true">/</span>
          </>
        }
      />
      <form className="card form" onSubmit={submit}>
        <div className="grid-2">
          <Field id="stack-name" label="Name">
            <input id="stack-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field
            id="stack-id"
            label="ID"
            hint="Used in URLs and Slack commands: lowercase letters, digits, - and _."
          >
            <input
              id="stack-id"
              required
              pattern="[a-z0-9]([a-z0-9_\-]{0,62}[a-z0-9])?"
              className="mono"
              value={effectiveId}
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
          <legend>Commands</legend>
          <Field id="stack-init" label="Init">
            <input id="stack-init" className="mono" value={init} onChange={(e) => setInit(e.target.value)} />
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
        </fieldset>
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
            {busy ? 'Creating…' : 'Create stack'}
          </button>
          <Link href="/stacks" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
