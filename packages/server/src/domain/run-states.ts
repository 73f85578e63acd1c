// The run state machine (docs/architecture.md) as a pure transition table. Everything that changes a run's state consults it.
import { IllegalTransitionError } from './errors.js';

export const RUN_STATES = [
  'QUEUED',
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'UNCONFIRMED',
  'CONFIRMED',
  'APPLYING',
  'FINISHED',
  'FAILED',
  'DISCARDED',
  'CANCELED',
  'STOPPED',
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set([
  'FINISHED',
  'FAILED',
  'DISCARDED',
  'CANCELED',
  'STOPPED',
]);

/** States in which a run holds its stack: later runs of the stack wait in QUEUED until it ends. */
export const ACTIVE_STATES: readonly RunState[] = [
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'UNCONFIRMED',
  'CONFIRMED',
  'APPLYING',
];

/** States in which a worker owns the run (a process may be executing for it). */
export const OWNED_STATES: readonly RunState[] = ['PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING'];

const TRANSITIONS: Record<RunState, readonly RunState[]> = {
  QUEUED: ['PREPARING', 'CANCELED', 'FAILED'],
  PREPARING: ['INITIALIZING', 'STOPPED', 'FAILED'],
  INITIALIZING: ['PLANNING', 'STOPPED', 'FAILED'],
  PLANNING: ['FINISHED', 'UNCONFIRMED', 'APPLYING', 'STOPPED', 'FAILED'],
  UNCONFIRMED: ['CONFIRMED', 'DISCARDED', 'FAILED'],
  CONFIRMED: ['APPLYING', 'FAILED'],
  APPLYING: ['FINISHED', 'FAILED'],
  FINISHED: [],
  FAILED: [],
  DISCARDED: [],
  CANCELED: [],
  STOPPED: [],
};

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.has(state);
}

export function canTransition(from: RunState, to: RunState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(runId: string, from: RunState, to: RunState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(runId, from, to);
}
