// Run/stack state as a coloured badge. Colour is never the only signal: the state name is always written.
import type { RunState } from '../lib/api';

const TONE: Record<RunState | 'NONE', string> = {
  QUEUED: 'neutral',
  PREPARING: 'active',
  INITIALIZING: 'active',
  PLANNING: 'active',
  UNCONFIRMED: 'warning',
  CONFIRMED: 'active',
  APPLYING: 'active',
  FINISHED: 'success',
  FAILED: 'danger',
  DISCARDED: 'muted',
  CANCELED: 'muted',
  STOPPED: 'muted',
  NONE: 'muted',
};

export function stateTone(state: RunState | 'NONE'): string {
  return TONE[state] ?? 'neutral';
}

export function StateBadge({ state }: { state: RunState | 'NONE' }) {
  const tone = stateTone(state);
  return (
    <span className={`badge badge-${tone}`} data-state={state}>
      {tone === 'active' && <span className="pulse" aria-hidden="true" />}
      {state === 'NONE' ? 'NO RUNS' : state}
    </span>
  );
}
