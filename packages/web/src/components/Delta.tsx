import type { Run } from '../lib/api';

/** "4 to add, 1 to change, 0 to destroy", as the Slack run message writes it. */
export function Delta({ delta }: { delta: Run['delta'] }) {
  if (!delta) return <span className="muted">—</span>;
  return (
    <span className="delta">
      <span className="delta-add">+{delta.add}</span> <span className="delta-change">~{delta.change}</span>{' '}
      <span className="delta-destroy">−{delta.destroy}</span>
      <span className="sr-only">
        {`${delta.add} to add, ${delta.change} to change, ${delta.destroy} to destroy`}
      </span>
    </span>
  );
}
